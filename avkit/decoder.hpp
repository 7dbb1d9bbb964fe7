#pragma once
// The project's one decode loop and one encode loop, in the shape of FFmpeg's
// doc/examples/demux_decode.c decode_packet(): read a packet, send it, receive every frame it
// gives, and at the end of the input send the end and drain what the codec still holds.
//
// Damaged input, one policy for every reader (thumbnails, probing, exact frames, capture inputs):
//   - A packet the decoder refuses is skipped and counted (DecodeStats::damaged_packets), and so
//     is a frame the decoder fails to produce; decoding goes on with the next packet, since a
//     later keyframe may decode again (as the ffmpeg tool does).
//   - A frame decoded with errors (concealed, missing references) is handed out and counted
//     (DecodeStats::corrupt_frames); whether the decoder outputs such frames at all is the
//     caller's choice (AV_CODEC_FLAG_OUTPUT_CORRUPT, DecoderSettings::output_corrupt).
//   - A read error of a file ends its input like the end of file: a truncated or torn file yields
//     every frame before the damage, and the decoder is drained. On a live device
//     (PullDecoder::Options::live) a read error other than the end means the device went away,
//     and that is fatal (io). A device with nothing to deliver yet (EAGAIN) is asked again.
//   - Fatal, whatever the input: out of memory (internal), and the format context's interrupt
//     callback stopping a read (AVERROR_EXIT: conflict).
//   - A decoder that refuses the end of input, or neither gives a frame nor ends while draining,
//     has ended: what it gave is all there is.
// The player's playback threads do not pull: the demux thread reads the file and hands them packets
// through queues (player/queued_decode.hpp says why); their damaged-input rules are these.
// Thread-safety: a PullDecoder, like the contexts it reads, belongs to one thread at a time.
#include <cstdint>
#include <functional>
#include <string_view>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::av {

struct DecodeStats {
    std::int64_t frames_decoded = 0;
    std::int64_t corrupt_frames = 0;   // decoded with errors (concealed, missing references)
    std::int64_t damaged_packets = 0;  // refused by the decoder, or failed to give their frame
};

struct DecoderSettings {
    int threads = 0;              // libavcodec's thread_count: 0 picks by the core count
    bool output_corrupt = false;  // hand out frames decoded with errors instead of dropping them
};

// Opens a decoder for `stream` (its parameters and time base). Fails with bad_media and a phrase
// that completes "…has no decodable video: " — there is no decoder for its codec, its parameters
// are unusable, or the decoder would not open.
Result<CodecContextPtr> open_decoder(const AVStream* stream, const DecoderSettings& settings = {});

// Frames of one stream of an opened input, pulled one at a time. Neither context is owned; both
// must outlive the PullDecoder. The other streams are discarded at the demuxer.
class PullDecoder {
public:
    struct Options {
        int max_packets = 0;  // packets of the stream read since the last restart() before it gives
                              // up as if the input ended; 0: no limit. Bounds the work on a file
                              // whose packets never decode.
        bool live = false;    // a capture device: a read error is the device going away (fatal)
    };
    PullDecoder(AVFormatContext* input, AVCodecContext* decoder, int stream, Options options);

    // The next frame into `frame` (unreferenced first): true; false once the input has ended and
    // the decoder is drained, or the packet budget is spent. Errors only as the policy above says.
    Result<bool> next(AVFrame* frame);

    // After the caller has moved the input (a seek): drops what the decoder holds from before,
    // and starts a fresh packet budget and end of input.
    void restart();

    // Called with each packet of the stream just before it is sent (e.g. to set skip_frame).
    std::function<void(const AVPacket&)> before_send;

    const DecodeStats& stats() const { return stats_; }
    int stream() const { return stream_; }

private:
    Result<void> feed();

    AVFormatContext* input_;
    AVCodecContext* decoder_;
    int stream_;
    Options options_;
    PacketPtr packet_ = make_packet();
    int packets_ = 0;        // since the last restart()
    bool draining_ = false;  // the end was sent to the decoder
    DecodeStats stats_;
};

using PacketSink = std::function<Result<void>(AVPacket*)>;

// Sends `frame` (nullptr: the end of the stream) to `encoder` and hands every packet it has ready
// to `sink`, then unreferences it. Every encoder error is fatal (internal), named "encoding <what>
// failed (<libav's reason>)"; a frame sent after the end is ignored.
Result<void> encode_and_drain(AVCodecContext* encoder, const AVFrame* frame, AVPacket* packet, std::string_view what,
                              const PacketSink& sink);

}  // namespace wt::av
