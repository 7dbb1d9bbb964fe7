#include "avkit/decoder.hpp"

#include <fmt/format.h>

namespace wt::av {

namespace {

Error out_of_memory() { return Error{ErrorCode::internal, "out of memory decoding a video"}; }

bool is_corrupt(const AVFrame* frame) {
    return frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0;
}

}  // namespace

Result<CodecContextPtr> open_decoder(const AVStream* stream, const DecoderSettings& settings) {
    const AVCodecParameters* par = stream->codecpar;
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
        return fail(ErrorCode::bad_media,
                    fmt::format("there is no decoder for its {} {}", avcodec_get_name(par->codec_id),
                                av_get_media_type_string(par->codec_type)));
    CodecContextPtr dec(avcodec_alloc_context3(codec));
    if (!dec) return std::unexpected(out_of_memory());
    int ret = avcodec_parameters_to_context(dec.get(), par);
    if (ret < 0) return fail(ErrorCode::bad_media, fmt::format("its parameters are unusable ({})", error_text(ret)));
    dec->pkt_timebase = stream->time_base;
    dec->thread_count = settings.threads;
    if (settings.output_corrupt) dec->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    if ((ret = avcodec_open2(dec.get(), codec, nullptr)) < 0)
        return fail(ErrorCode::bad_media,
                    fmt::format("its {} decoder would not open ({})", codec->name, error_text(ret)));
    return dec;
}

PullDecoder::PullDecoder(AVFormatContext* input, AVCodecContext* decoder, int stream, Options options)
    : input_(input), decoder_(decoder), stream_(stream), options_(options) {
    // Let the demuxer skip the other streams' payloads.
    for (unsigned i = 0; i < input->nb_streams; ++i)
        if (static_cast<int>(i) != stream) input->streams[i]->discard = AVDISCARD_ALL;
}

void PullDecoder::restart() {
    avcodec_flush_buffers(decoder_);  // also takes a drained decoder back to accepting packets
    packets_ = 0;
    draining_ = false;
}

Result<bool> PullDecoder::next(AVFrame* frame) {
    av_frame_unref(frame);
    if (!packet_) return std::unexpected(out_of_memory());
    for (;;) {
        // What the decoder holds first: one packet may give several frames, or none yet.
        const int got = avcodec_receive_frame(decoder_, frame);
        if (got >= 0) {
            ++stats_.frames_decoded;
            if (is_corrupt(frame)) ++stats_.corrupt_frames;
            return true;
        }
        if (got == AVERROR(ENOMEM)) return std::unexpected(out_of_memory());
        if (got == AVERROR_EOF) return false;
        if (got != AVERROR(EAGAIN)) ++stats_.damaged_packets;
        if (draining_) return false;  // failed or stuck while draining: nothing more will come
        if (options_.max_packets > 0 && packets_ >= options_.max_packets) return false;
        if (auto fed = feed(); !fed) return std::unexpected(fed.error());
    }
}

// Reads the next packet of the stream and sends it, or at the end of the input sends the end.
Result<void> PullDecoder::feed() {
    AVPacket* pkt = packet_.get();
    for (;;) {
        int ret = av_read_frame(input_, pkt);
        if (ret == AVERROR(EAGAIN)) continue;  // a non-blocking device with nothing yet
        if (ret == AVERROR_EXIT) return fail(ErrorCode::conflict, "reading was interrupted");
        if (ret < 0) {
            if (options_.live && ret != AVERROR_EOF)
                return fail(ErrorCode::io, "stopped delivering: " + error_text(ret));
            draining_ = true;
            ret = avcodec_send_packet(decoder_, nullptr);
            if (ret == AVERROR(ENOMEM)) return std::unexpected(out_of_memory());
            return {};  // a refused end is found out by the next receive
        }
        if (pkt->stream_index != stream_) {
            av_packet_unref(pkt);
            continue;
        }
        ++packets_;
        if (before_send) before_send(*pkt);
        ret = avcodec_send_packet(decoder_, pkt);
        av_packet_unref(pkt);
        if (ret == AVERROR(ENOMEM)) return std::unexpected(out_of_memory());
        if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) ++stats_.damaged_packets;
        return {};
    }
}

Result<void> encode_and_drain(AVCodecContext* encoder, const AVFrame* frame, AVPacket* packet, std::string_view what,
                              const PacketSink& sink) {
    const auto failed = [&](int ret) {
        return fail(ErrorCode::internal, fmt::format("encoding {} failed ({})", what, error_text(ret)));
    };
    int ret = avcodec_send_frame(encoder, frame);
    if (ret < 0 && ret != AVERROR_EOF) return failed(ret);
    for (;;) {
        ret = avcodec_receive_packet(encoder, packet);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return {};
        if (ret < 0) return failed(ret);
        auto taken = sink(packet);
        av_packet_unref(packet);
        if (!taken) return taken;
    }
}

}  // namespace wt::av
