// player_bench: the player engine's figures against its budgets (bench/README.md), headless, through the public Player
// API and the silent audio device (decoded and paced in real time, not heard), so that it runs on CI. Run it through
// bench/player, which makes the media, runs the ffmpeg peers and prints the table.
//
//   FILE may be a team server's media URL (http(s)://…/api/v1/recordings/ID/media), sent with
//   "Authorization: $WT_BENCH_AUTHORIZATION" (an environment variable, so no token shows in `ps`).
//
//   player_bench ttff FILE [--runs 5] [--start S]   open -> first poll() with a new frame, fresh Player each run
//   player_bench seek FILE [--count 50] [--seed 1]  paused; exact seeks (then keyframe seeks) to random targets
//   player_bench play FILE [--start S] [--seconds N | --whole] [--speed X] [--gl]
//                                                   plays as a UI loop would; CPU (getrusage), A/V offset, drift
//
// Each prints one JSON object on stdout (times in ms unless the key says _s); progress goes to stderr.
// Latency figures poll every 1 ms, so they measure the engine and not a UI's frame interval (a UI
// polling at 60 Hz sees up to 16.7 ms more). `play` sleeps for what poll() asks (wake_after_ms).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <GL/gl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "player/engine.hpp"
#include "player/player.hpp"
#include "player/snapshot.hpp"
#include "player/video_surface.hpp"

namespace fs = std::filesystem;
using namespace wt;
using namespace wt::player;

namespace {

[[noreturn]] void die(std::string_view what, const std::string& msg) {
    fmt::print(stderr, "player_bench: {}: {}\n", what, msg);
    std::exit(2);
}
template <class T>
T must(Result<T> r, std::string_view what) {
    if (!r) die(what, r.error().message);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
}

double now_s() { return steady_seconds(); }
void sleep_ms(double ms) { std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(ms)); }

struct Cpu {
    double user = 0, sys = 0;
};
Cpu cpu_now() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {s(u.ru_utime), s(u.ru_stime)};
}

// Nearest-rank percentile (p in 0..100) of a copy.
double pct(std::vector<double> v, double p) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}
double median(const std::vector<double>& v) {
    if (v.empty()) return std::nan("");
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    const std::size_t n = s.size();
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
// JSON has no NaN: a figure that could not be measured is null.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.3f}", v) : "null"; }
std::string nums(const std::vector<double>& v) {
    std::vector<std::string> s;
    for (double x : v) s.push_back(num(x));
    return fmt::format("[{}]", fmt::join(s, ","));
}

PlayOptions silent(double start, double speed = 1.0, bool paused = false) {
    PlayOptions o;
    o.audio = AudioOutput::silent;
    o.start_seconds = start;
    o.speed = speed;
    o.start_paused = paused;
    return o;
}

// Polls every 1 ms until the player is no longer seeking; returns false after `limit_s`.
bool settle(Player& p, double limit_s) {
    const double end = now_s() + limit_s;
    for (;;) {
        p.poll();
        if (!p.snapshot().seeking) return true;
        if (now_s() > end) return false;
        sleep_ms(1);
    }
}

struct Options {
    std::string mode;
    MediaSource file;
    int runs = 5;
    int count = 50;
    unsigned seed = 1;
    double start = 0;
    double seconds = 60;
    bool whole = false;
    double speed = 1.0;
    bool gl = false;
};

// ---------------------------------------------------------------- time to first frame
void ttff(const Options& o) {
    std::vector<double> first, open_only;
    for (int i = 0; i < o.runs; ++i) {
        const double t0 = now_s();
        auto p = must(Player::open(o.file, silent(o.start)), "opening");
        const double t_open = now_s();
        bool got = false;
        while (now_s() - t0 < 10) {
            if (p->poll().new_frame) {
                got = true;
                break;
            }
            sleep_ms(1);
        }
        const double t1 = now_s();
        if (!got) die("ttff", "no frame within 10 s");
        first.push_back((t1 - t0) * 1000);
        open_only.push_back((t_open - t0) * 1000);
        p.reset();
        fmt::print(stderr, "  ttff run {}: {:.1f} ms (open() {:.1f} ms)\n", i + 1, first.back(), open_only.back());
    }
    fmt::print(R"({{"mode":"ttff","start_s":{},"runs_ms":{},"median_ms":{},"max_ms":{},"open_median_ms":{}}})"
               "\n",
               num(o.start), nums(first), num(median(first)), num(pct(first, 100)), num(median(open_only)));
}

// ---------------------------------------------------------------- seek latency (paused)
struct SeekStats {
    std::vector<double> ms, frames;
    int landed = 0, position_ok = 0, timeouts = 0;
    double worst_miss_ms = 0;
    std::vector<std::string> misses;  // "target>shown (previous target)" in s, to reproduce a miss
};

SeekStats seeks(Player& p, const std::vector<double>& targets, SeekMode mode) {
    SeekStats st;
    Player::Impl& e = p.impl();
    double previous = 0;
    for (double t : targets) {
        const std::int64_t decoded0 = p.snapshot().frames_decoded;
        const double t0 = now_s();
        p.seek(t, mode);
        if (!settle(p, 10)) {
            ++st.timeouts;
            continue;
        }
        const double ms = (now_s() - t0) * 1000;
        st.ms.push_back(ms);
        const Snapshot s = p.snapshot();
        // Frames decoded for this seek (the decoder also fills its 3-frame queue past the target).
        st.frames.push_back(static_cast<double>(s.frames_decoded - decoded0));
        // A user clicks the next comment a while later: let the queues refill so that seeks are not
        // merged or slowed by the read-ahead of the previous one.
        for (int i = 0; i < 10; ++i) {
            p.poll();
            sleep_ms(5);
        }
        if (mode == SeekMode::exact) {
            // The frame on screen at t: the last one starting at or before t (the engine's 0.5 ms
            // slack), i.e. the next decoded frame starts after t. Recordings are variable frame rate
            // (unchanged frames are skipped), so the next frame, not a nominal 1/30 s, bounds it.
            const double next = e.video_frames.with_items([&](std::deque<DecodedVideo>& items) {
                return items.empty() ? e.shown_pts + e.frame_duration : items.front().pts;
            });
            const bool on = e.shown_pts <= t + 0.0005 && t < next + 0.0005;
            st.landed += on;
            if (!on) {
                st.worst_miss_ms = std::max(st.worst_miss_ms, std::abs(e.shown_pts - t) * 1000);
                st.misses.push_back(fmt::format("\"{:.4f}>{:.4f} (after {:.4f}, position {} ms, corrupt {})\"", t,
                                                e.shown_pts, previous, s.position_ms, s.frames_corrupt));
            }
            st.position_ok += std::llabs(s.position_ms - std::llround(t * 1000)) <= 1;
        }
        previous = t;
    }
    return st;
}

void seek(const Options& o) {
    auto p = must(Player::open(o.file, silent(0, 1.0, true)), "opening");
    if (!settle(*p, 10)) die("seek", "no first frame within 10 s");
    const double duration = p->snapshot().duration_ms / 1000.0;
    const double frame = p->impl().frame_duration;
    std::mt19937 rng(o.seed);
    std::uniform_real_distribution<double> pick(0.0, std::max(0.0, duration - frame));
    std::vector<double> targets;
    for (int i = 0; i < o.count; ++i) targets.push_back(pick(rng));

    SeekStats ex = seeks(*p, targets, SeekMode::exact);
    SeekStats kf = seeks(*p, targets, SeekMode::keyframe);
    const Snapshot s = p->snapshot();
    // Decode cost per frame on the exact path: (exact - keyframe) / (frames decoded in addition).
    std::vector<double> per_frame;
    for (std::size_t i = 0; i < std::min(ex.ms.size(), kf.ms.size()); ++i) {
        const double extra = ex.frames[i] - kf.frames[i];
        if (extra >= 10) per_frame.push_back((ex.ms[i] - kf.ms[i]) / extra);
    }
    fmt::print(stderr, "  exact: median {:.1f} ms, p95 {:.1f} ms; keyframe: median {:.1f} ms\n", median(ex.ms),
               pct(ex.ms, 95), median(kf.ms));
    fmt::print(
        R"({{"mode":"seek","count":{},"seed":{},"duration_s":{},"exact_median_ms":{},"exact_p95_ms":{},"exact_max_ms":{},)"
        R"("exact_min_ms":{},"exact_landed":{},"exact_position_ok":{},"exact_worst_miss_ms":{},"exact_timeouts":{},)"
        R"("exact_frames_median":{},"exact_frames_max":{},"keyframe_median_ms":{},"keyframe_p95_ms":{},)"
        R"("keyframe_timeouts":{},"decode_ms_per_frame":{},"frames_corrupt":{},"exact_misses":[{}],"exact_ms":{},)"
        R"("exact_frames":{}}})"
        "\n",
        o.count, o.seed, num(duration), num(median(ex.ms)), num(pct(ex.ms, 95)), num(pct(ex.ms, 100)),
        num(pct(ex.ms, 0)), ex.landed, ex.position_ok, num(ex.worst_miss_ms), ex.timeouts, num(median(ex.frames)),
        num(pct(ex.frames, 100)), num(median(kf.ms)), num(pct(kf.ms, 95)), kf.timeouts, num(median(per_frame)),
        s.frames_corrupt, fmt::join(ex.misses, ","), nums(ex.ms), nums(ex.frames));
}

// ---------------------------------------------------------------- playback: CPU, sync, drops
void play(const Options& o) {
    // The window and its GL context exist before a recording is opened in the app: set up outside
    // the measured CPU.
    std::unique_ptr<HiddenGlContext> gl;
    std::unique_ptr<VideoSurface> surface;
    double gl_setup_ms = std::nan("");
    if (o.gl) {
        const double t0 = now_s();
        gl = must(HiddenGlContext::create(), "GL context");
        surface = must(VideoSurface::create(), "video surface");
        gl_setup_ms = (now_s() - t0) * 1000;
        fmt::print(stderr, "  GL: {} / {}\n", reinterpret_cast<const char*>(glGetString(GL_RENDERER)),
                   reinterpret_cast<const char*>(glGetString(GL_VERSION)));
    }
    std::string renderer = o.gl ? reinterpret_cast<const char*>(glGetString(GL_RENDERER)) : "";

    const Cpu c0 = cpu_now();
    const double t_begin = now_s();
    auto p = must(Player::open(o.file, silent(o.start, o.speed)), "opening");
    Player::Impl& e = p->impl();
    const double duration = p->snapshot().duration_ms / 1000.0;
    const double stop_at = o.whole ? duration + 1 : std::min(duration, o.start + o.seconds);

    struct Shown {
        double pts, offset_ms;
    };
    std::vector<Shown> shown;
    std::vector<double> gl_ms;
    double wall0 = std::nan(""), pos0 = 0;
    double drift_max = 0, drift_end = 0;
    double last_pos = o.start;
    bool ended = false;
    while (now_s() - t_begin < (stop_at - o.start) / o.speed + 30) {
        const PollResult r = p->poll();
        const double wall = now_s();
        const Snapshot s = p->snapshot();  // once per loop, as a UI takes it once per frame
        if (r.new_frame) {
            if (surface) {
                const double g0 = now_s();
                must(surface->update(*p), "uploading a frame");
                // What a UI's buffer swap forces: the software rasteriser really draws the frame.
                glFinish();
                gl_ms.push_back((now_s() - g0) * 1000);
            }
            shown.push_back({e.shown_pts, static_cast<double>(s.av_offset_ms)});
        }
        if (s.state == State::ended) {
            ended = true;
            break;
        }
        const double pos = static_cast<double>(s.position_ms) / 1000.0;
        if (!s.seeking && s.frames_shown > 0) {
            if (std::isnan(wall0)) {
                wall0 = wall;
                pos0 = pos;
            } else {
                // Media time against wall time x speed, from the first frame on.
                drift_end = ((pos - pos0) - (wall - wall0) * o.speed) * 1000;
                drift_max = std::max(drift_max, std::abs(drift_end));
            }
        }
        last_pos = pos;
        if (pos >= stop_at) break;
        sleep_ms(r.wake_after_ms);
    }
    const Snapshot s = p->snapshot();
    const double wall_s = now_s() - t_begin;
    p.reset();  // threads joined: their CPU is all counted
    const Cpu c1 = cpu_now();

    const double media_end = shown.empty() ? o.start : shown.back().pts;
    auto max_abs = [&](double from, double to) {
        double m = std::nan("");
        for (auto& x : shown)
            if (x.pts >= from && x.pts <= to)
                m = std::isnan(m) ? std::abs(x.offset_ms) : std::max(m, std::abs(x.offset_ms));
        return m;
    };
    // [0] is the start frame, shown before there is a clock. Positive offsets are frames shown early
    // (by design up to the dead band, half a frame), negative ones late.
    std::vector<double> abs_all, signed_all, signed_last10;
    for (std::size_t i = 1; i < shown.size(); ++i) {
        abs_all.push_back(std::abs(shown[i].offset_ms));
        signed_all.push_back(shown[i].offset_ms);
        if (shown[i].pts >= media_end - 10) signed_last10.push_back(shown[i].offset_ms);
    }
    const double media_played = last_pos - o.start;
    fmt::print(stderr, "  played {:.1f} s of media in {:.1f} s wall, CPU {:.2f} s; av max {:.0f} ms; dropped {}\n",
               media_played, wall_s, (c1.user - c0.user) + (c1.sys - c0.sys), pct(abs_all, 100), s.frames_dropped);
    fmt::print(
        R"({{"mode":"play","start_s":{},"speed":{},"gl":{},"renderer":"{}","ended":{},"media_played_s":{},"wall_s":{},)"
        R"("cpu_user_s":{},"cpu_sys_s":{},"frames_shown":{},"frames_dropped":{},"frames_decoded":{},"frames_corrupt":{},)"
        R"("av_max_abs_ms":{},"av_p99_abs_ms":{},"av_first10_max_abs_ms":{},"av_last10_max_abs_ms":{},)"
        R"("av_earliest_ms":{},"av_latest_ms":{},"av_median_ms":{},"av_last10_latest_ms":{},)"
        R"("drift_end_ms":{},"drift_max_abs_ms":{},"gl_setup_ms":{},"gl_frame_median_ms":{},"gl_frame_p95_ms":{},)"
        R"("warnings":{}}})"
        "\n",
        num(o.start), num(o.speed), o.gl, renderer, ended, num(media_played), num(wall_s), num(c1.user - c0.user),
        num(c1.sys - c0.sys), s.frames_shown, s.frames_dropped, s.frames_decoded, s.frames_corrupt,
        num(pct(abs_all, 100)), num(pct(abs_all, 99)), num(max_abs(o.start + 1.0 / 30, o.start + 10)),
        num(max_abs(media_end - 10, media_end)), num(pct(signed_all, 100)), num(pct(signed_all, 0)),
        num(median(signed_all)), num(pct(signed_last10, 0)), num(drift_end), num(drift_max), num(gl_setup_ms),
        num(median(gl_ms)), num(pct(gl_ms, 95)), s.warnings.size());
}

}  // namespace

int main(int argc, char** argv) {
    const char* usage =
        "usage: player_bench ttff|seek|play FILE [--runs N] [--count N] [--seed N] [--start S] [--seconds N] "
        "[--whole] [--speed X] [--gl]";
    if (argc < 3) die("arguments", usage);
    Options o;
    o.mode = argv[1];
    if (const std::string target = argv[2]; target.starts_with("http://") || target.starts_with("https://")) {
        o.file.url = target;
        if (const char* auth = std::getenv("WT_BENCH_AUTHORIZATION")) o.file.authorization = auth;
    } else {
        o.file = fs::path(target);
    }
    for (int i = 3; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> double {
            if (i + 1 >= argc) die(a, "needs a number");
            char* end = nullptr;
            const double v = std::strtod(argv[++i], &end);
            if (*end || !std::isfinite(v) || v < 0) die(a, fmt::format("'{}' is not a number >= 0", argv[i]));
            return v;
        };
        if (a == "--runs")
            o.runs = std::max(1, static_cast<int>(value()));
        else if (a == "--count")
            o.count = std::max(1, static_cast<int>(value()));
        else if (a == "--seed")
            o.seed = static_cast<unsigned>(value());
        else if (a == "--start")
            o.start = value();
        else if (a == "--seconds")
            o.seconds = value();
        else if (a == "--whole")
            o.whole = true;
        else if (a == "--speed")
            o.speed = std::clamp(value(), 0.5, 2.0);
        else if (a == "--gl")
            o.gl = true;
        else
            die(a, usage);
    }
    if (o.mode == "ttff")
        ttff(o);
    else if (o.mode == "seek")
        seek(o);
    else if (o.mode == "play")
        play(o);
    else
        die(o.mode, usage);
    return 0;
}
