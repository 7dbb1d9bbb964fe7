#pragma once
// The decode step of the player's video and audio threads: one packet from the demuxer's queue in,
// every frame it yields out.
//
// Why not av::PullDecoder (avkit/decoder.hpp), the loop the other readers share: a PullDecoder reads
// the AVFormatContext itself and is restarted by whoever moved it. In the player the demux thread
// owns the input and hands each stream's packets to its decoder through a bounded queue, so one read
// of the file feeds both decoders and reading never waits on decoding; a seek happens on the demux
// thread, and a decode thread learns of it only from the serial of the next packet it pops (older
// packets are dropped undecoded, the decoder is flushed at the first packet of the new serial), and
// the end of the stream is a null packet of a serial, after which a seek decodes again. A decode
// thread therefore pushes packets rather than pulling them. The rules for damaged input are those of
// avkit/decoder.hpp, counted in the one figure the player reports (frames_corrupt).
#include <atomic>
#include <cstdint>
#include <functional>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace wt::player {

// Sends `packet` (null: the end of the stream) to `dec` and calls `take` with every frame it yields,
// unreferencing the frame after. A packet the decoder refuses or a frame it fails to give is skipped
// and counted in `corrupt`; a frame decoded with errors is counted and handed on. True once the
// decoder has given its last frame (the end was sent and everything drained).
bool decode_queued_packet(AVCodecContext* dec, const AVPacket* packet, AVFrame* frame,
                          std::atomic<std::int64_t>& corrupt, const std::function<void(AVFrame*)>& take);

}  // namespace wt::player
