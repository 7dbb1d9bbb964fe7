// Opening the file and the demux thread: packets into per-stream queues, seeks done here.
#include <fmt/format.h>

#include "avkit/decoder.hpp"
#include "avkit/open_input.hpp"
#include "avkit/orientation.hpp"
#include "player/engine.hpp"

namespace wt::player {
namespace {

// ffplay's read-ahead: about 1 s or 25 packets per stream, at most 15 MB in all.
constexpr std::size_t k_min_packets = 25;
constexpr double k_min_queued_seconds = 1.0;
constexpr std::int64_t k_max_queued_bytes = 15 * 1024 * 1024;

double queued_seconds(SerialQueue<QueuedPacket>& q, AVRational tb) {
    return q.with_items([&](auto& items) {
        std::int64_t sum = 0;
        for (auto& p : items)
            if (p.packet) sum += p.packet->duration;
        return sum * av_q2d(tb);
    });
}

}  // namespace

Result<void> Player::Impl::open(const MediaSource& path, const PlayOptions& options) {
    auto input = av::detail::open_input(path);
    if (!input) return std::unexpected(input.error());
    format = std::move(*input);
    AVFormatContext* fc = format.get();
    start_offset = fc->start_time != AV_NOPTS_VALUE ? fc->start_time / double(AV_TIME_BASE) : 0.0;

    std::string problems;
    auto try_stream = [&](StreamPart& part, int index) {
        if (index < 0) return;
        // One thread: on two cores frame threads add latency after a seek and no steady gain.
        auto dec = av::open_decoder(fc->streams[index], {.threads = 1});
        if (!dec) {
            problems += fmt::format("{}'{}': {}", problems.empty() ? "" : "; ", path.name(), dec.error().message);
            return;
        }
        part.index = index;
        part.decoder = std::move(*dec);
        part.time_base = fc->streams[index]->time_base;
    };
    const int vindex = av::detail::best_video_stream(fc);
    try_stream(video, vindex);
    try_stream(audio, av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, vindex, nullptr, 0));
    if (video.index < 0 && audio.index < 0) {
        return fail(ErrorCode::bad_media, problems.empty()
                                              ? fmt::format("'{}' has no video or audio stream to play", path.name())
                                              : fmt::format("'{}' cannot be played: {}", path.name(), problems));
    }
    if (!problems.empty()) warnings.push_back(problems);

    if (fc->duration != AV_NOPTS_VALUE && fc->duration > 0) {
        duration = fc->duration / double(AV_TIME_BASE);
    } else {
        for (unsigned i = 0; i < fc->nb_streams; ++i) {
            AVStream* s = fc->streams[i];
            if (s->duration != AV_NOPTS_VALUE) duration = std::max(duration, s->duration * av_q2d(s->time_base));
        }
    }
    if (video.index >= 0) {
        video_turn = av::stream_orientation(fc->streams[video.index]);
        AVRational rate = av_guess_frame_rate(fc, fc->streams[video.index], nullptr);
        if (rate.num > 0 && rate.den > 0) frame_duration = std::clamp(av_q2d(av_inv_q(rate)), 1.0 / 240, 1.0);
    }

    speed = std::clamp(options.speed, 0.5, 2.0);
    paused = options.start_paused;
    system_clock.set_speed(speed, 0);
    std::string why_silent;
    if (audio.index >= 0) {
        device = open_audio_device(*this, options.audio, why_silent);
        out_rate = device->rate();
        out_channels = device->channels();
        audio_device_name = device->name();
        if (!why_silent.empty()) warnings.push_back(why_silent);
    } else {
        audio_device_name = "none (the file has no audio)";
    }
    const double start = std::clamp(options.start_seconds, 0.0, std::max(0.0, duration));
    seek_target = SeekRequest{start, SeekMode::exact, serial};
    if (start > 0) pending_seek = seek_target;
    return {};
}

void Player::Impl::demux() {
    AVFormatContext* fc = format.get();
    av::PacketPtr packet = av::make_packet();
    // The serial of the last seek this thread performed: packets carry it, so none read from the old
    // position can pass for a newer seek's (consumers drop them once the serial has moved on).
    int serial_now = current_serial();
    for (;;) {
        std::optional<SeekRequest> seek;
        {
            std::unique_lock lock(control_lock);
            for (;;) {
                if (quit) return;
                if (pending_seek) break;
                if (demux_eof) {
                    demux_wake.wait(lock);
                    continue;
                }
                lock.unlock();
                auto enough = [&](StreamPart& s) {
                    return s.index < 0 || s.ended(current_serial()) ||
                           (s.packets.size() > k_min_packets &&
                            queued_seconds(s.packets, s.time_base) > k_min_queued_seconds);
                };
                std::int64_t bytes = 0;
                for (StreamPart* s : {&video, &audio}) {
                    bytes += s->packets.with_items([](auto& items) {
                        std::int64_t b = 0;
                        for (auto& p : items)
                            if (p.packet) b += p.packet->size;
                        return b;
                    });
                }
                const bool full = bytes > k_max_queued_bytes || (enough(video) && enough(audio));
                lock.lock();
                if (!full || quit || pending_seek) break;
                // Decoders wake this thread as they take packets; the timeout is only a safety net.
                demux_wake.wait_for(lock, std::chrono::milliseconds(100));
            }
            if (quit) return;
            seek = std::exchange(pending_seek, std::nullopt);
        }
        if (seek) {
            serial_now = seek->serial;
            const auto ts = static_cast<std::int64_t>((seek->target + start_offset) * AV_TIME_BASE);
            // The keyframe at or before the target; exact seeks decode forward from it.
            int ret = avformat_seek_file(fc, -1, INT64_MIN, ts, ts, 0);
            if (ret < 0) ret = avformat_seek_file(fc, -1, INT64_MIN, ts, INT64_MAX, 0);
            if (ret < 0) add_warning(fmt::format("could not seek to {:.1f} s ({})", seek->target, av::error_text(ret)));
            std::lock_guard lock(control_lock);
            demux_eof = false;
            continue;
        }
        const int ret = av_read_frame(fc, packet.get());
        if (ret < 0) {
            if (ret != AVERROR_EOF && !(fc->pb && fc->pb->eof_reached))
                add_warning(fmt::format("reading stopped early: {}", av::error_text(ret)));
            // A null packet tells each decoder to drain.
            for (StreamPart* s : {&video, &audio})
                if (s->index >= 0)
                    s->packets.push(QueuedPacket{nullptr, serial_now}, [&] { return abandoned(serial_now); });
            std::lock_guard lock(control_lock);
            if (serial == serial_now) demux_eof = true;
            continue;
        }
        StreamPart* target = packet->stream_index == video.index   ? &video
                             : packet->stream_index == audio.index ? &audio
                                                                   : nullptr;
        if (!target) {
            av_packet_unref(packet.get());
            continue;
        }
        av::PacketPtr queued = av::make_packet();
        av_packet_move_ref(queued.get(), packet.get());
        target->packets.push(QueuedPacket{std::move(queued), serial_now}, [&] { return abandoned(serial_now); });
    }
}

}  // namespace wt::player
