#include "player/queued_decode.hpp"

#include <cerrno>

extern "C" {
#include <libavutil/error.h>
}

namespace wt::player {

bool decode_queued_packet(AVCodecContext* dec, const AVPacket* packet, AVFrame* frame,
                          std::atomic<std::int64_t>& corrupt, const std::function<void(AVFrame*)>& take) {
    int ret = avcodec_send_packet(dec, packet);
    if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
        ++corrupt;  // a damaged packet: counted, and decoding goes on with the next
        return false;
    }
    for (;;) {
        ret = avcodec_receive_frame(dec, frame);
        if (ret == AVERROR(EAGAIN)) return false;
        if (ret == AVERROR_EOF) return true;
        if (ret < 0) {
            ++corrupt;
            return false;
        }
        if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) ++corrupt;
        take(frame);
        av_frame_unref(frame);
    }
}

}  // namespace wt::player
