// The video decode thread: packets of the current serial in, frames out. After an exact seek it
// keeps only the frame on screen at the target and what follows it. (Why it pushes packets from a
// queue rather than pulling them with av::PullDecoder: player/queued_decode.hpp.)
#include "player/engine.hpp"
#include "player/queued_decode.hpp"

namespace wt::player {

void Player::Impl::decode_video() {
    AVCodecContext* dec = video.decoder.get();
    av::FramePtr frame = av::make_frame();
    int decoder_serial = -1;
    // The latest frame at or before an exact target, held until a later frame shows it was the one.
    std::optional<DecodedVideo> held;
    SeekRequest target;

    auto deliver = [&](DecodedVideo item) {
        const int s = item.serial;
        video_frames.push(std::move(item), [&] { return abandoned(s); });
    };
    auto release_held = [&] {
        if (held) deliver(std::move(*std::exchange(held, std::nullopt)));
    };

    for (;;) {
        auto item = video.packets.pop([&] {
            std::lock_guard lock(control_lock);
            return quit;
        });
        if (!item) return;
        demux_wake.notify_one();                         // room in the queue: the demuxer may read on
        if (item->serial != current_serial()) continue;  // from before a seek: dropped, not decoded
        if (item->serial != decoder_serial) {
            avcodec_flush_buffers(dec);
            decoder_serial = item->serial;
            target = target_of(decoder_serial);
            held.reset();
        }
        const bool ended = decode_queued_packet(dec, item->packet.get(), frame.get(), frames_corrupt, [&](AVFrame* f) {
            ++frames_decoded;
            const std::int64_t ts = f->best_effort_timestamp;
            DecodedVideo out;
            out.pts = ts == AV_NOPTS_VALUE ? (held ? held->pts + frame_duration : target.target)
                                           : ts * av_q2d(video.time_base) - start_offset;
            out.duration = f->pkt_duration > 0 ? f->pkt_duration * av_q2d(video.time_base) : frame_duration;
            out.serial = decoder_serial;
            out.frame = av::make_frame();
            av_frame_move_ref(out.frame.get(), f);
            if (target.mode == SeekMode::exact && target.serial == decoder_serial &&
                out.pts <= target.target + 0.0005) {
                held = std::move(out);  // not yet known to be the last one before the target
                return;
            }
            release_held();
            deliver(std::move(out));
        });
        if (ended) {
            release_held();
            video.ended_serial = decoder_serial;
        }
    }
}

}  // namespace wt::player
