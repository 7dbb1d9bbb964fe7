#include "recorder/recorder.hpp"

#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "avkit/media_info.hpp"
#include "common/clock.hpp"
#include "common/timefmt.hpp"
#include "recorder/capture_timing.hpp"
#include "recorder/crash_safe_writer.hpp"
#include "recorder/encoders.hpp"
#include "recorder/sources.hpp"

namespace wt::recorder {

namespace {

// A raw video queue of a few frames (OBS keeps 6): when the encoder falls behind, newer frames
// are dropped (and counted) rather than capture blocking or memory growing. An unchanged picture
// from the X11 source is a reference to the previous buffer; a changed one is 3 MB at 1080p
// (yuv420p), 8 MB from x11grab (bgr0).
constexpr size_t k_video_queue = 4;
// Audio is never dropped for load; this only bounds memory if the output thread died.
constexpr size_t k_audio_queue = 3000;
// An unchanged screen is still written once a second: a Matroska cluster is only closed (and
// written) when a packet arrives, so an idle screen with no microphone would otherwise keep the
// last seconds in memory.
constexpr std::int64_t k_max_frame_gap_ms = 1000;
constexpr int k_opus_bitrate = 32000;

struct Captured {
    av::FramePtr frame;
    std::int64_t ts_us = 0;          // on the recording's clock: 0 = the start
    std::int64_t drop_front_us = 0;  // audio: leave out this much of the frame's start (a resume)
};

// A frame's time on the recording's raw clock (0 = the start, paused time included).
struct Stamp {
    std::int64_t ts_us = 0;
    std::int64_t duration_us = 0;  // sound: how long it lasts; a picture: 0
    std::int64_t late_us = 0;      // a live microphone: how late its first stamps turned out (AudioStartCheck)
};

// What a capture thread keeps to stamp its input's frames.
struct InputStamps {
    std::int64_t first_pts = AV_NOPTS_VALUE;  // an input stamped by its own timestamps: its first one
    AudioStartCheck start_check;
};

}  // namespace

Result<Quality> parse_quality(std::string_view text) {
    if (text == "compact") return Quality::compact;
    if (text == "balanced") return Quality::balanced;
    if (text == "high") return Quality::high;
    return fail(ErrorCode::invalid_input, fmt::format("'{}' is not a quality; use compact, balanced or high", text));
}

const char* to_string(Quality q) {
    return q == Quality::high ? "high" : q == Quality::balanced ? "balanced" : "compact";
}

Result<std::uint32_t> parse_window_id(const std::string& text) {
    char* end = nullptr;
    const unsigned long id = std::strtoul(text.c_str(), &end, 0);
    if (!end || *end || id == 0 || id > 0xFFFFFFFFul) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a window id; xwininfo shows them (e.g. 0x3a00007)", text));
    }
    return static_cast<std::uint32_t>(id);
}

struct Recorder::Impl {
    RecordOptions options;
    std::unique_ptr<FrameSource> video_in, audio_in;
    std::unique_ptr<VideoEncoder> video_enc;
    std::unique_ptr<AudioEncoder> audio_enc;
    std::unique_ptr<CrashSafeWriter> writer;
    int video_stream = -1, audio_stream = -1;
    std::int64_t t0_us = 0;  // the raw clock's 0 on monotonic_us()

    // Guarded by `mutex`: the queues, the timing rules, the counters and the end-of-capture state.
    mutable std::mutex mutex;
    std::condition_variable wake;       // the output thread waits here for frames
    std::condition_variable stop_wake;  // paced inputs wait here for their frame's time
    std::deque<Captured> video_queue, audio_queue;
    int sources_running = 0;
    CaptureTiming timing{30, 0};  // set up by start()
    bool finished = false;
    bool audio_lost = false;         // the microphone failed: silence from here on
    std::int64_t audio_drop_us = 0;  // audio to leave out at the start (AudioStartCheck)
    RecordStats stats;
    std::int64_t last_video_ts_us = -1;
    std::int64_t first_audio_us = -1, audio_end_us = 0;
    std::vector<std::string> warnings;
    Error output_error;
    bool output_failed = false;

    std::jthread video_thread, audio_thread, output_thread;

    // A capture thread: stamps each frame, asks `timing` what to do with it, queues what is kept.
    void capture(FrameSource& in, bool is_video);
    Stamp stamp(const FrameSource& in, const AVFrame& f, InputStamps& stamps, bool is_video) const;
    void note_end_of_input(const Result<av::FramePtr>& frame, bool is_video);  // under `mutex`
    void queue(av::FramePtr frame, const FrameVerdict& v, bool is_video);      // under `mutex`
    void output();
};

void Recorder::Impl::capture(FrameSource& in, bool is_video) {
    const bool live = in.is_live_device();
    InputStamps stamps;
    for (;;) {
        auto frame = in.next_frame();
        if (!frame || !*frame) {
            std::lock_guard lock(mutex);
            note_end_of_input(frame, is_video);
            break;
        }
        AVFrame* f = frame->get();
        const Stamp s = stamp(in, *f, stamps, is_video);
        std::unique_lock lock(mutex);
        audio_drop_us += s.late_us;
        if (const std::int64_t wait_us = timing.wait_us(s.ts_us, s.duration_us, monotonic_us() - t0_us, live)) {
            stop_wake.wait_for(lock, std::chrono::microseconds(wait_us), [&] { return timing.stopping(); });
        }
        const std::int64_t now_us = monotonic_us() - t0_us;
        const FrameVerdict v = is_video ? timing.video(s.ts_us, now_us, live)
                                        : timing.audio(s.ts_us, f->nb_samples, f->sample_rate, now_us, live);
        if (v.action == FrameVerdict::Action::stop) {
            if (v.reason == FrameVerdict::Reason::length_limit) finished = true;
            break;
        }
        if (!v.kept()) {
            if (v.reason == FrameVerdict::Reason::over_rate) ++stats.frames_over_fps;
            continue;
        }
        if (!is_video) f->nb_samples = v.samples;
        queue(std::move(*frame), v, is_video);
        if (v.last) break;
    }
    std::lock_guard guard(mutex);
    --sources_running;
    wake.notify_one();
}

// Live devices are stamped when read (audio: minus what it buffered); other inputs by their own
// timestamps from their first one on, paced to real time as if they were devices (wait_us).
Stamp Recorder::Impl::stamp(const FrameSource& in, const AVFrame& f, InputStamps& stamps, bool is_video) const {
    Stamp s;
    s.duration_us = is_video ? 0 : av_rescale(f.nb_samples, 1'000'000, std::max(f.sample_rate, 1));
    if (in.is_live_device() || f.pts == AV_NOPTS_VALUE) {
        const std::int64_t read_us = (in.stamps_on_clock() && f.pts != AV_NOPTS_VALUE ? f.pts : monotonic_us()) - t0_us;
        s.ts_us = read_us - s.duration_us;
        if (!is_video && in.is_live_device() && s.ts_us >= 0) {
            s.late_us = stamps.start_check.after_read(read_us, s.duration_us);
        }
    } else {
        if (stamps.first_pts == AV_NOPTS_VALUE) stamps.first_pts = f.pts;
        s.ts_us = av_rescale_q(f.pts - stamps.first_pts, in.time_base(), {1, 1'000'000});
    }
    return s;
}

// The input ended or failed (after stop(), that is the interruption itself). A screen that ends
// ends the recording; a microphone that disappears does not: the rest is silent.
void Recorder::Impl::note_end_of_input(const Result<av::FramePtr>& frame, bool is_video) {
    if (timing.stopping()) return;
    if (is_video) {
        if (!frame) warnings.push_back(fmt::format("the screen stopped: {}", frame.error().message));
        finished = true;
    } else if (!frame) {
        warnings.push_back(fmt::format("the microphone stopped at {} ({}); the rest of the recording is silent",
                                       format_moment(stats.elapsed_ms), frame.error().message));
        audio_lost = true;
    }
}

void Recorder::Impl::queue(av::FramePtr frame, const FrameVerdict& v, bool is_video) {
    if (is_video) {
        ++stats.frames_captured;
        last_video_ts_us = v.pts_us;
        if (video_queue.size() >= k_video_queue) {
            ++stats.frames_dropped;
            return;
        }
        video_queue.push_back({std::move(frame), v.pts_us});
    } else {
        if (first_audio_us < 0) first_audio_us = v.pts_us;
        audio_end_us = v.pts_us + av_rescale(v.samples, 1'000'000, std::max(frame->sample_rate, 1)) - v.drop_front_us;
        if (audio_queue.size() >= k_audio_queue) return;
        audio_queue.push_back({std::move(frame), v.pts_us, v.drop_front_us});
    }
    stats.elapsed_ms = std::max(stats.elapsed_ms, v.pts_us / 1000);
    wake.notify_one();
}

void Recorder::Impl::output() {
    // The last picture encoded, to recognise an unchanged screen. Holding it also keeps the X11
    // source from writing into its buffer (copy-on-write), so buffer identity means same pixels.
    av::FramePtr previous;
    const bool shared_pictures = video_in->shares_unchanged_pictures();
    std::int64_t last_written_ms = -1;
    bool last_skipped = false;  // the latest picture was skipped as unchanged
    auto fail_with = [&](const Error& e) {
        std::lock_guard lock(mutex);
        if (!output_failed) output_error = e, output_failed = true;
        finished = true;
    };
    auto lost_audio = [&] {
        std::lock_guard lock(mutex);
        return audio_lost;
    };
    auto video_sink = [&](AVPacket* p) { return writer->write(p, video_enc->context()->time_base, video_stream); };
    auto audio_sink = [&](AVPacket* p) { return writer->write(p, audio_enc->context()->time_base, audio_stream); };
    for (;;) {
        Captured item;
        bool is_video = false;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [&] { return !video_queue.empty() || !audio_queue.empty() || sources_running == 0; });
            if (video_queue.empty() && audio_queue.empty()) break;  // every source is done
            // The older item first, so the muxer sees both streams in time order.
            is_video =
                audio_queue.empty() || (!video_queue.empty() && video_queue.front().ts_us <= audio_queue.front().ts_us);
            auto& q = is_video ? video_queue : audio_queue;
            item = std::move(q.front());
            q.pop_front();
        }
        if (output_failed) continue;  // keep draining so capture never blocks
        Result<void> r;
        if (is_video) {
            const std::int64_t ms = item.ts_us / 1000;
            if (audio_enc && lost_audio()) r = audio_enc->fill_silence(item.ts_us, audio_sink);
            if (!r) {
                fail_with(r.error());
                continue;
            }
            // The X11 source hands out an unchanged picture in the same buffer and a changed one
            // in a new buffer: no pixels to compare. Other sources are compared (same_picture).
            const bool unchanged = shared_pictures ? same_buffer(previous.get(), item.frame.get())
                                                   : same_picture(previous.get(), item.frame.get());
            if (unchanged) {
                if (ms - last_written_ms < k_max_frame_gap_ms) {
                    std::lock_guard lock(mutex);
                    ++stats.frames_skipped_unchanged;
                    last_skipped = true;
                    continue;
                }
                r = video_enc->repeat(ms, video_sink);
                std::lock_guard lock(mutex);
                ++stats.frames_duplicated;
                ++stats.frames_encoded;
            } else {
                r = video_enc->encode(item.frame.get(), ms, video_sink);
                previous = std::move(item.frame);
                std::lock_guard lock(mutex);
                ++stats.frames_encoded;
            }
            last_written_ms = ms;
            last_skipped = false;
        } else {
            std::int64_t drop_us;
            {
                std::lock_guard lock(mutex);
                drop_us = std::exchange(audio_drop_us, 0);
            }
            drop_us += item.drop_front_us;
            if (drop_us > 0) audio_enc->drop_next(av_rescale(drop_us, 48000, 1'000'000));
            // A file's or generator's timestamps are exact: a jump over a hole becomes silence, so
            // what follows stays in place. (A live device's read times jitter; not used this way.)
            if (!audio_in->is_live_device()) r = audio_enc->fill_silence(item.ts_us, audio_sink, 10'000);
            if (r) r = audio_enc->encode(item.frame.get(), item.ts_us, audio_sink);
            std::lock_guard lock(mutex);
            stats.mic_peak = audio_enc->peak();
            stats.mic_rms = audio_enc->rms();
        }
        if (!r) fail_with(r.error());
    }
    if (output_failed) return;
    // The picture on screen at the end lasts until the end: write it once more at the last
    // captured moment if it was skipped as unchanged.
    std::int64_t end_ms;
    {
        std::lock_guard lock(mutex);
        end_ms = last_video_ts_us / 1000;
    }
    Result<void> r;
    if (video_enc->has_picture() && end_ms > last_written_ms) {
        r = video_enc->repeat(end_ms, video_sink);
        std::lock_guard lock(mutex);
        if (last_skipped) --stats.frames_skipped_unchanged;  // written after all
        ++stats.frames_duplicated;
        ++stats.frames_encoded;
    }
    if (r) r = video_enc->flush(video_sink);
    if (r && audio_enc && lost_audio()) r = audio_enc->fill_silence((end_ms + 1000 / options.fps) * 1000, audio_sink);
    if (r && audio_enc) r = audio_enc->flush(audio_sink);
    if (!r) fail_with(r.error());
}

Recorder::Recorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Recorder::~Recorder() {
    if (impl_ && impl_->output_thread.joinable()) (void)stop();
}

Result<std::unique_ptr<Recorder>> Recorder::start(const RecordOptions& o) {
    if (o.fps < 1 || o.fps > 60) {
        return fail(ErrorCode::invalid_input, fmt::format("{} fps is out of range; use 1 to 60", o.fps));
    }
    av::quiet_logs();
    auto impl = std::make_unique<Impl>();
    impl->options = o;

    // Sources first: a missing display or microphone fails before anything is written.
    auto vin = open_screen(o);
    if (!vin) return std::unexpected(vin.error());
    impl->video_in = std::move(vin->source);
    if (!o.no_mic) {
        auto ain = open_microphone(o);
        if (!ain) return std::unexpected(ain.error());
        impl->audio_in = std::move(*ain);
    }

    auto venc = VideoEncoder::open(impl->video_in->width(), impl->video_in->height(), o.fps, o.quality);
    if (!venc) return std::unexpected(venc.error());
    impl->video_enc = std::move(*venc);
    if (impl->audio_in) {
        auto aenc = AudioEncoder::open(k_opus_bitrate, o.denoise);
        if (!aenc) return std::unexpected(aenc.error());
        impl->audio_enc = std::move(*aenc);
        // A device's sample clock drifts from the recorder's; files and generators keep exact time.
        if (impl->audio_in->is_live_device()) impl->audio_enc->follow_clock(k_audio_start_check_us);
    }

    std::error_code ec;
    std::filesystem::create_directories(o.incoming_dir, ec);
    const auto file = o.incoming_dir / fmt::format("rec-{}-{}.mkv", now_ms(), getpid());
    auto writer = CrashSafeWriter::create(file);
    if (!writer) return std::unexpected(writer.error());
    impl->writer = std::move(*writer);
    if (!o.details.empty()) {
        if (auto r = write_details(file, o.details); !r) {
            std::filesystem::remove(file, ec);  // while still claimed: nobody takes it for a dead recording
            impl->writer.reset();
            return std::unexpected(r.error());
        }
    }
    auto vs = impl->writer->add_stream(impl->video_enc->context());
    if (!vs) return std::unexpected(vs.error());
    impl->video_stream = *vs;
    if (impl->audio_enc) {
        auto as = impl->writer->add_stream(impl->audio_enc->context());
        if (!as) return std::unexpected(as.error());
        impl->audio_stream = *as;
    }
    if (auto r = impl->writer->start(); !r) {
        std::filesystem::remove(file, ec);
        std::filesystem::remove(details_file(file), ec);
        impl->writer.reset();
        return std::unexpected(r.error());
    }

    impl->stats.has_audio = impl->audio_in != nullptr;
    impl->timing = CaptureTiming(o.fps, o.max_seconds > 0 ? static_cast<std::int64_t>(o.max_seconds * 1e6) : 0);
    if (impl->audio_in) impl->audio_in->skip_buffered();
    // A countdown moves the start of the clock: live frames before it are dropped, paced inputs
    // wait for it.
    impl->t0_us = monotonic_us() + static_cast<std::int64_t>(std::max(o.countdown_seconds, 0.0) * 1e6);
    Impl* p = impl.get();
    p->sources_running = p->audio_in ? 2 : 1;
    p->output_thread = std::jthread([p] { p->output(); });
    p->video_thread = std::jthread([p] { p->capture(*p->video_in, true); });
    if (p->audio_in) p->audio_thread = std::jthread([p] { p->capture(*p->audio_in, false); });
    return std::unique_ptr<Recorder>(new Recorder(std::move(impl)));
}

RecordStats Recorder::stats() const {
    std::lock_guard lock(impl_->mutex);
    RecordStats s = impl_->stats;
    s.bytes_written = impl_->writer->bytes_written();  // the writer counts atomically; no copy to keep
    s.countdown_ms = std::max<std::int64_t>(0, (impl_->t0_us - monotonic_us()) / 1000);
    return s;
}

bool Recorder::finished() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->finished;
}

void Recorder::pause() {
    std::lock_guard lock(impl_->mutex);
    impl_->timing.pause(monotonic_us() - impl_->t0_us);
    impl_->stats.paused = true;
}

void Recorder::resume() {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->timing.paused()) return;
    impl_->timing.resume(monotonic_us() - impl_->t0_us);
    impl_->stats.paused = false;
    impl_->stats.paused_ms = impl_->timing.paused_total_us() / 1000;
}

Result<FinishedRecording> Recorder::stop() {
    Impl& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        s.timing.stop(monotonic_us() - s.t0_us);
        s.stop_wake.notify_all();
    }
    // Live devices are interrupted; files and generators may lag behind real time, so they read
    // on (unpaced, see CaptureTiming) up to the stop instant.
    if (s.video_in->is_live_device()) s.video_in->interrupt();
    if (s.audio_in && s.audio_in->is_live_device()) s.audio_in->interrupt();
    if (s.video_thread.joinable()) s.video_thread.join();
    if (s.audio_thread.joinable()) s.audio_thread.join();
    // Each capture thread counted itself out of sources_running as it ended: the output thread
    // drains what is queued and returns.
    if (s.output_thread.joinable()) s.output_thread.join();

    FinishedRecording out;
    out.file = s.writer->path();
    auto closed = s.writer->finish();
    out.claim.emplace(s.writer->take_claim());
    std::lock_guard lock(s.mutex);
    out.warnings = s.warnings;
    if (s.output_failed) out.warnings.push_back(s.output_error.message);
    if (!closed) out.warnings.push_back(closed.error().message);
    s.stats.bytes_written = s.writer->bytes_written();
    if (s.audio_enc && s.first_audio_us >= 0) {
        // Where the audio was placed vs where the end of the recording says it began: what the
        // start check left out is already missing from the samples written.
        const std::int64_t written_us = av_rescale(s.audio_enc->samples_written(), 1'000'000, 48000);
        s.stats.audio_drift_ms = (written_us - (s.audio_end_us - s.first_audio_us)) / 1000;
    }
    out.stats = s.stats;
    out.duration_ms = s.last_video_ts_us / 1000 + 1000 / s.options.fps;
    // What comes next (remux, thumbnail, catalog) runs while this object may still live: the
    // encoders' and sources' memory (x264's frames, the screen's picture and shared memory) goes now.
    s.video_enc.reset();
    s.audio_enc.reset();
    s.video_in.reset();
    s.audio_in.reset();
    return out;
}

}  // namespace wt::recorder
