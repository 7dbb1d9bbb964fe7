// Times as the desktop app writes them: moments "2:13" (or "1:02:13"), dates "22 Nov", ages "5 min ago".

export function moment(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

// "2:13", "1:02:13", "133", "2m13s", "133.5" -> milliseconds; null when it is none of these.
export function parseMoment(text) {
  if (!text) return null;
  const t = String(text).trim();
  let m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (m) return Math.round(((+(m[1] || 0)) * 3600 + +m[2] * 60 + +m[3]) * 1000);
  m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(t);
  if (m && (m[1] || m[2] || m[3])) return Math.round(((+(m[1] || 0)) * 3600 + (+(m[2] || 0)) * 60 + +(m[3] || 0)) * 1000);
  return null;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function day(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameYear = d.getFullYear() === new Date().getFullYear();
  return `${d.getDate()} ${months[d.getMonth()]}${sameYear ? '' : ' ' + d.getFullYear()}`;
}

// A due date "2099-12-31" as "due Fri 31 Dec" (weekday when within a week).
export function due(dateText) {
  if (!dateText) return '';
  const [y, mo, da] = dateText.split('-').map(Number);
  const d = new Date(y, mo - 1, da);
  const days = (d - new Date()) / 86400000;
  const weekday = d.toLocaleDateString('en-GB', { weekday: 'short' });
  const year = d.getFullYear() === new Date().getFullYear() ? '' : ` ${d.getFullYear()}`;
  return days >= -1 && days < 6 ? `due ${weekday}` : `due ${d.getDate()} ${months[d.getMonth()]}${year}`;
}

export function ago(iso) {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.floor(s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return day(iso);
}

export function percent(coverage) {
  return `${Math.floor((coverage || 0) * 100)} %`;
}
