// Uploading a video from the browser (someone who recorded with another tool): resumable, with
// tus-js-client (npm, pinned; served by our server at /static/vendor/tus.min.js), to the server's
// tus routes. An interrupted upload goes on from where the server has it, also after a reload
// (tus-js-client remembers it in this browser's storage).
import { h } from './dom.js';

let loading = null;

function loadTus() {
  if (window.tus) return Promise.resolve(window.tus);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = h('script', { src: '/static/vendor/tus.min.js' });
      script.addEventListener('load', () => resolve(window.tus));
      script.addEventListener('error', () => reject(new Error('The upload library is missing on the server (run npm ci where it was built).')));
      document.head.append(script);
    });
  }
  return loading;
}

// Uploads `file`; `progress(fraction)` as it goes. Resolves with the new recording's id.
export async function uploadVideo(file, progress) {
  const tus = await loadTus();
  return new Promise((resolve, reject) => {
    let recording = null;
    const upload = new tus.Upload(file, {
      endpoint: '/api/v1/uploads',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      removeFingerprintOnSuccess: true,
      headers: { 'X-Walkthrough-CSRF': '1' },
      metadata: { filename: file.name, title: file.name.replace(/\.[^.]+$/, '') },
      onProgress: (sent, total) => progress(total ? sent / total : 0),
      onAfterResponse: (req, res) => {
        const id = res.getHeader('Walkthrough-Recording');
        if (id) recording = id;
      },
      onError: (err) => {
        const res = err.originalResponse;
        let message = err.message;
        if (res) {
          try { message = JSON.parse(res.getBody()).error.message; } catch (e) { /* keep tus-js-client's */ }
        }
        reject(new Error(message));
      },
      onSuccess: () => (recording ? resolve(recording) : reject(new Error('The server did not say which recording it made.'))),
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  });
}
