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
#include "common/result.hpp"

namespace wt::player {

class FrameReader {
public:
    // Opens `file` and its best video stream's decoder. Fails naming the file when it cannot be
    // read as media (not_found / io / bad_media) or has no decodable video stream (bad_media).
    static Result<FrameReader> open(const std::filesystem::path& file);

    struct Frame {
        av::FramePtr frame;   // decoded, in the decoder's pixel format; owned by the caller
        double seconds = 0;   // its presentation time, on the same clock as read_at's argument
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
    const Stats& stats() const { return m_pull->stats(); }

    const std::filesystem::path& file() const { return m_file; }
    int width() const;   // of the decoded frames, as stored
    int height() const;
    // How the frames are shown (the stream's display matrix): upright is turn().shown_size().
    av::Orientation turn() const { return m_turn; }
    double duration() const { return m_duration; }  // seconds; 0 when the file does not say

private:
    FrameReader() = default;
    struct Decoded;
    Result<Decoded> decode_until(double target, bool skip_nonref);
    Result<void> seek(double seconds);
    double to_seconds(std::int64_t ts) const;

    std::filesystem::path m_file;
    av::InputFormatPtr m_format;
    av::CodecContextPtr m_decoder;
    std::unique_ptr<av::PullDecoder> m_pull;  // reads m_format into m_decoder
    int m_stream = -1;
    std::int64_t m_start = 0;      // the stream's start_time, in its time base
    double m_time_base = 0;        // seconds per tick
    double m_frame_duration = 0;   // nominal, seconds; guides frame skipping only
    double m_duration = 0;
    av::Orientation m_turn;
};

}  // namespace wt::player
