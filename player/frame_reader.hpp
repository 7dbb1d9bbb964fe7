#pragma once
// A small synchronous video reader: open a file, get the exact frame on screen at a time. No
// threads of its own (libavcodec may use some while decoding); for snapshots, tests and tools, not
// for playback, which the engine does with its queues.
//
// Thread-safety: one FrameReader must be used by one thread at a time; separate readers are
// independent.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "avkit/av_ptr.hpp"
#include "avkit/decoder.hpp"
#include "avkit/orientation.hpp"
#include "common/media_source.hpp"
#include "common/result.hpp"

namespace wt::player {

class FrameReader {
public:
    // Opens `file` and its best video stream's decoder. Fails naming the file when it cannot be
    // read as media (not_found / io / bad_media) or has no decodable video stream (bad_media).
    static Result<FrameReader> open(const MediaSource& file);

    struct Frame {
        av::FramePtr frame;  // decoded, in the decoder's pixel format; owned by the caller
        double seconds = 0;  // its presentation time, on the same clock as read_at's argument
    };

    // The frame on screen at `seconds` after the start of the video stream (its first frame is at
    // 0 or a little after): the last frame whose time is <= seconds + 0.5 ms; the first frame when
    // `seconds` is before it; the last frame when it is past the end.
    // Exact: seeks to the keyframe at or before the time, then decodes forward, skipping frames
    // nothing refers to until about three frames before it. Damaged packets are skipped and counted.
    // Fails (bad_media) only when no frame at all decodes there.
    Result<Frame> read_at(double seconds);

    // Decoded, corrupt and damaged counts since open() (avkit/decoder.hpp); a frame decoded again
    // by a later read_at counts again.
    using Stats = av::DecodeStats;
    const Stats& stats() const { return pull_->stats(); }

    const MediaSource& file() const { return file_; }
    int width() const;  // of the decoded frames, as stored
    int height() const;
    // How the frames are shown (the stream's display matrix): upright is turn().shown_size().
    av::Orientation turn() const { return turn_; }
    double duration() const { return duration_; }  // seconds; 0 when the file does not say

private:
    FrameReader() = default;
    struct Decoded;
    Result<Decoded> decode_until(double target, bool skip_nonref);
    Result<void> seek(double seconds);
    double to_seconds(std::int64_t ts) const;

    MediaSource file_;
    av::InputFormatPtr format_;
    av::CodecContextPtr decoder_;
    std::unique_ptr<av::PullDecoder> pull_;  // reads format_ into decoder_
    int stream_ = -1;
    std::int64_t start_ = 0;     // the stream's start_time, in its time base
    double time_base_ = 0;       // seconds per tick
    double frame_duration_ = 0;  // nominal, seconds; guides frame skipping only
    double duration_ = 0;
    av::Orientation turn_;
};

}  // namespace wt::player
