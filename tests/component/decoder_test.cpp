// The one decode loop and encode loop (avkit/decoder.hpp) on real files: every frame comes out at
// the end, damaged packets are skipped and counted, a torn file ends like a whole one, the packet
// budget bounds hopeless files, and an interrupt is an error, not an end.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include <doctest/doctest.h>

#include "avkit/decoder.hpp"
#include "avkit/open_input.hpp"
#include "tests/media_edit.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using wt::test::ffmpeg;
using wt::test::TempDir;
namespace av = wt::av;

namespace {

// An opened file and the decoder of its video, pulled by a PullDecoder.
struct Opened {
    av::InputFormatPtr input;
    av::CodecContextPtr decoder;
    std::unique_ptr<av::PullDecoder> pull;

    explicit Opened(const fs::path& file, av::PullDecoder::Options options = {}) {
        auto in = av::detail::open_input(file);
        REQUIRE_MESSAGE(in.has_value(), (in ? "" : in.error().message));
        input = std::move(*in);
        const int index = av::detail::best_video_stream(input.get());
        REQUIRE(index >= 0);
        auto dec = av::open_decoder(input->streams[index]);
        REQUIRE_MESSAGE(dec.has_value(), (dec ? "" : dec.error().message));
        decoder = std::move(*dec);
        pull = std::make_unique<av::PullDecoder>(input.get(), decoder.get(), index, options);
    }

    // Pulls to the end; the timestamps of what came out.
    std::vector<std::int64_t> all() {
        std::vector<std::int64_t> times;
        av::FramePtr frame = av::make_frame();
        for (;;) {
            auto got = pull->next(frame.get());
            REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
            if (!*got) return times;
            times.push_back(frame->best_effort_timestamp);
        }
    }
};

// 50 frames of H.264 with B-frames: the decoder holds pictures back that only the end lets out.
fs::path make_bframe_clip(const fs::path& file) {
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-c:v", "libx264", "-preset", "veryfast",
            "-x264-params", "bframes=3:b-adapt=0", "-g", "25", file.string()});
    return file;
}

// Every packet of `clip` with a number in `damaged` gets its payload replaced by noise.
fs::path damage_packets(const fs::path& clip, const fs::path& out, const std::vector<int>& damaged) {
    wt::test::remux(clip, out, {.packet = [&](AVPacket* p, int n) {
                        if (std::find(damaged.begin(), damaged.end(), n) == damaged.end()) return;
                        REQUIRE(av_packet_make_writable(p) >= 0);
                        std::uint32_t x = 12345u + static_cast<std::uint32_t>(n);
                        for (int i = 0; i < p->size; ++i) {
                            x = x * 1664525u + 1013904223u;
                            p->data[i] = static_cast<std::uint8_t>(x >> 24);
                        }
                    }});
    return out;
}

fs::path make_mjpeg_clip(const fs::path& file) {
    ffmpeg(
        {"-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=1", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", file.string()});
    return file;
}

}  // namespace

TEST_CASE("the end of the input drains every frame the decoder held back, and stays the end") {
    TempDir dir;
    Opened clip(make_bframe_clip(dir / "b.mp4"));
    const auto times = clip.all();
    CHECK(times.size() == 50);
    CHECK(std::is_sorted(times.begin(), times.end()));
    const auto& stats = clip.pull->stats();
    CHECK(stats.frames_decoded == 50);
    CHECK(stats.damaged_packets == 0);
    CHECK(stats.corrupt_frames == 0);
    av::FramePtr frame = av::make_frame();
    auto again = clip.pull->next(frame.get());
    REQUIRE(again.has_value());
    CHECK_FALSE(*again);
}

TEST_CASE("damaged packets are skipped and counted; the frames around them still come") {
    TempDir dir;
    const fs::path good = make_mjpeg_clip(dir / "good.mkv");
    Opened clip(damage_packets(good, dir / "damaged.mkv", {5, 10, 11, 20}));
    const auto times = clip.all();
    CHECK(times.size() == 21);
    const auto& stats = clip.pull->stats();
    CHECK(stats.damaged_packets == 4);
    CHECK(stats.frames_decoded == 21);
}

TEST_CASE("a file cut short ends like a whole one: every frame before the cut, no error") {
    TempDir dir;
    const fs::path clip = make_bframe_clip(dir / "cut.mkv");
    fs::resize_file(clip, fs::file_size(clip) * 6 / 10);
    Opened cut(clip);
    const auto times = cut.all();
    MESSAGE("frames before the cut: " << times.size());
    CHECK(times.size() >= 20);
    CHECK(times.size() < 50);
}

TEST_CASE("the packet budget bounds a file whose packets never decode") {
    TempDir dir;
    const fs::path good = make_mjpeg_clip(dir / "good.mkv");
    std::vector<int> every(25);
    for (int i = 0; i < 25; ++i) every[static_cast<std::size_t>(i)] = i;
    Opened clip(damage_packets(good, dir / "noise.mkv", every), {.max_packets = 7});
    CHECK(clip.all().empty());
    CHECK(clip.pull->stats().damaged_packets == 7);
    CHECK(clip.pull->stats().frames_decoded == 0);
}

TEST_CASE("restart after a seek starts again from where the input was moved") {
    TempDir dir;
    Opened clip(make_bframe_clip(dir / "b.mp4"));
    const auto first = clip.all();
    REQUIRE(!first.empty());
    REQUIRE(av_seek_frame(clip.input.get(), clip.pull->stream(), first.front(), AVSEEK_FLAG_BACKWARD) >= 0);
    clip.pull->restart();
    const auto again = clip.all();
    CHECK(again == first);
}

TEST_CASE("an interrupted read is an error (conflict), never taken for the end of the input") {
    TempDir dir;
    const fs::path file = make_mjpeg_clip(dir / "a.mkv");
    // Read through our own I/O, which answers AVERROR_EXIT once stopped: what libavformat's
    // protocols return when the interrupt callback (CaptureInput::interrupt) fires mid-read.
    struct Source {
        std::ifstream in;
        bool stopped = false;
    } source{std::ifstream(file, std::ios::binary)};
    const auto read = [](void* opaque, std::uint8_t* buf, int size) -> int {
        auto* src = static_cast<Source*>(opaque);
        if (src->stopped) return AVERROR_EXIT;
        src->in.read(reinterpret_cast<char*>(buf), size);
        return src->in.gcount() > 0 ? static_cast<int>(src->in.gcount()) : AVERROR_EOF;
    };
    constexpr int kBuffer = 4096;  // small, so every packet goes back to the source
    auto* buffer = static_cast<std::uint8_t*>(av_malloc(kBuffer));
    av::IoContextPtr io(avio_alloc_context(buffer, kBuffer, 0, &source, read, nullptr, nullptr));
    REQUIRE(io);
    AVFormatContext* raw = avformat_alloc_context();
    raw->pb = io.get();
    raw->flags |= AVFMT_FLAG_CUSTOM_IO;
    REQUIRE(avformat_open_input(&raw, nullptr, nullptr, nullptr) == 0);
    av::InputFormatPtr input(raw);
    REQUIRE(avformat_find_stream_info(raw, nullptr) >= 0);
    auto dec = av::open_decoder(raw->streams[0]);
    REQUIRE(dec.has_value());
    av::PullDecoder pull(raw, dec->get(), 0, {});

    av::FramePtr frame = av::make_frame();
    auto got = pull.next(frame.get());
    REQUIRE(got.has_value());
    REQUIRE(*got);
    source.stopped = true;
    for (int i = 0; i < 50 && got && *got; ++i) got = pull.next(frame.get());
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code == wt::ErrorCode::conflict);
}

TEST_CASE("open_decoder names a codec it has no decoder for") {
    TempDir dir;
    const fs::path file = make_mjpeg_clip(dir / "a.mkv");
    auto in = av::detail::open_input(file);
    REQUIRE(in.has_value());
    AVStream* st = (*in)->streams[0];
    st->codecpar->codec_id = AV_CODEC_ID_NONE;
    auto dec = av::open_decoder(st);
    REQUIRE_FALSE(dec.has_value());
    CHECK(dec.error().code == wt::ErrorCode::bad_media);
    CHECK(wt::test::contains(dec.error().message, "no decoder"));
}

TEST_CASE("encode_and_drain hands over every packet, the held-back ones at the end, and passes sink errors on") {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    REQUIRE(codec);
    av::CodecContextPtr enc(avcodec_alloc_context3(codec));
    REQUIRE(enc);
    enc->width = 64;
    enc->height = 48;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->time_base = {1, 25};
    REQUIRE(avcodec_open2(enc.get(), codec, nullptr) >= 0);  // default lookahead: packets come late
    av::FramePtr frame = av::make_frame();
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = 64;
    frame->height = 48;
    REQUIRE(av_frame_get_buffer(frame.get(), 0) >= 0);
    av::PacketPtr packet = av::make_packet();
    int packets = 0, while_sending = 0;
    const av::PacketSink count = [&](AVPacket* p) -> wt::Result<void> {
        CHECK(p->size > 0);
        ++packets;
        return {};
    };
    for (int i = 0; i < 10; ++i) {
        REQUIRE(av_frame_make_writable(frame.get()) >= 0);
        for (int p = 0; p < 3; ++p)
            std::fill_n(frame->data[p], frame->linesize[p] * (p ? 24 : 48), static_cast<std::uint8_t>(i * 20));
        frame->pts = i;
        REQUIRE(av::encode_and_drain(enc.get(), frame.get(), packet.get(), "a test", count).has_value());
    }
    while_sending = packets;
    REQUIRE(av::encode_and_drain(enc.get(), nullptr, packet.get(), "a test", count).has_value());
    MESSAGE("packets while sending: " << while_sending);
    CHECK(packets == 10);
    CHECK(while_sending < 10);
    // After the end another frame is ignored, not an error.
    CHECK(av::encode_and_drain(enc.get(), frame.get(), packet.get(), "a test", count).has_value());

    // A sink's error ends the loop and comes back as it was.
    av::CodecContextPtr enc2(avcodec_alloc_context3(avcodec_find_encoder_by_name("mjpeg")));
    enc2->width = 64;
    enc2->height = 48;
    enc2->pix_fmt = AV_PIX_FMT_YUVJ420P;
    enc2->time_base = {1, 25};
    REQUIRE(avcodec_open2(enc2.get(), avcodec_find_encoder_by_name("mjpeg"), nullptr) >= 0);
    frame->format = AV_PIX_FMT_YUVJ420P;
    const av::PacketSink refuse = [](AVPacket*) -> wt::Result<void> {
        return wt::fail(wt::ErrorCode::io, "disk full");
    };
    auto r = av::encode_and_drain(enc2.get(), frame.get(), packet.get(), "a test", refuse);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == wt::ErrorCode::io);
    CHECK(r.error().message == "disk full");
    CHECK(packet->size == 0);  // unreferenced even so
}
