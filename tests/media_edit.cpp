#include "tests/media_edit.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "tests/support.hpp"

extern "C" {
#include <libavutil/display.h>
}

namespace wt::test {

namespace fs = std::filesystem;

void remux(const fs::path& in, const fs::path& out, const RemuxEdit& edit) {
    AVFormatContext* raw_in = nullptr;
    REQUIRE(avformat_open_input(&raw_in, in.c_str(), nullptr, nullptr) == 0);
    av::InputFormatPtr input(raw_in);
    REQUIRE(avformat_find_stream_info(raw_in, nullptr) >= 0);
    AVFormatContext* raw_out = nullptr;
    REQUIRE(avformat_alloc_output_context2(&raw_out, nullptr, nullptr, out.c_str()) >= 0);
    av::OutputFormatPtr output(raw_out);
    for (unsigned i = 0; i < raw_in->nb_streams; ++i) {
        AVStream* st = avformat_new_stream(raw_out, nullptr);
        REQUIRE(st);
        REQUIRE(avcodec_parameters_copy(st->codecpar, raw_in->streams[i]->codecpar) >= 0);
        st->codecpar->codec_tag = 0;
        st->time_base = raw_in->streams[i]->time_base;
        if (edit.stream) edit.stream(st);
    }
    REQUIRE(avio_open(&raw_out->pb, out.c_str(), AVIO_FLAG_WRITE) >= 0);
    REQUIRE(avformat_write_header(raw_out, nullptr) >= 0);
    av::PacketPtr pkt = av::make_packet();
    std::map<int, int> numbers;
    while (av_read_frame(raw_in, pkt.get()) >= 0) {
        const int index = pkt->stream_index;
        av_packet_rescale_ts(pkt.get(), raw_in->streams[index]->time_base, raw_out->streams[index]->time_base);
        if (edit.packet) edit.packet(pkt.get(), numbers[index]++);
        REQUIRE(av_interleaved_write_frame(raw_out, pkt.get()) >= 0);
    }
    REQUIRE(av_write_trailer(raw_out) >= 0);
}

const std::vector<Turn> kTurns = {{"rotate=90", 90},
                                  {"180", 180},
                                  {"270", -90},
                                  {"mirrored", 0, true, false},
                                  {"upside-down mirror", 0, false, true},
                                  {"90 and mirrored", 90, true, false}};

void turn(const fs::path& in, const fs::path& out, double angle, bool hflip, bool vflip) {
    remux(in, out, {.stream = [&](AVStream* st) {
              if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) return;
              auto* matrix = reinterpret_cast<std::int32_t*>(
                  av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(std::int32_t)));
              REQUIRE(matrix);
              av_display_rotation_set(matrix, angle);
              av_display_matrix_flip(matrix, hflip, vflip);
          }});
}

fs::path make_quadrants(const fs::path& file, int width, int height, const std::string& codec) {
    const int w = width / 2, h = height / 2;
    const std::string graph = fmt::format(
        "color=red:s={0}x{1}:r=25:d=1[a];color=0x00FF00:s={0}x{1}:r=25:d=1[b];color=blue:s={0}x{1}:r=25:d=1[c];"
        "color=white:s={0}x{1}:r=25:d=1[d];[a][b]hstack[top];[c][d]hstack[bottom];[top][bottom]vstack,format=yuv420p",
        w, h);
    std::vector<std::string> args{"-f", "lavfi", "-i", graph, "-c:v", codec};
    if (codec == "libx264") args.insert(args.end(), {"-preset", "ultrafast", "-qp", "10"});
    args.push_back(file.string());
    ffmpeg(args);
    return file;
}

std::string Picture::colour_at(int x, int y) const {
    REQUIRE(x >= 0);
    REQUIRE(y >= 0);
    REQUIRE(x < width);
    REQUIRE(y < height);
    const auto* p = reinterpret_cast<const unsigned char*>(rgb.data()) + (static_cast<std::size_t>(y) * width + x) * 3;
    const struct {
        const char* name;
        int r, g, b;
    } known[] = {{"red", 255, 0, 0}, {"green", 0, 255, 0}, {"blue", 0, 0, 255}, {"white", 255, 255, 255}};
    for (const auto& k : known)
        if (std::abs(p[0] - k.r) < 60 && std::abs(p[1] - k.g) < 60 && std::abs(p[2] - k.b) < 60) return k.name;
    return fmt::format("other({},{},{})", p[0], p[1], p[2]);
}

std::string Picture::corners() const {
    const int in = std::max(2, std::min(width, height) / 10);
    return fmt::format("{} {} / {} {}", colour_at(in, in), colour_at(width - 1 - in, in),
                       colour_at(in, height - 1 - in), colour_at(width - 1 - in, height - 1 - in));
}

Picture picture_by_ffmpeg(const fs::path& file, bool last) {
    // Through a PNG, whose size ffprobe reads as it is (a video's would be before turning). For
    // the last picture, every picture is written over the one before.
    const fs::path png = fs::path(file) += ".ref.png", raw = fs::path(file) += ".ref.rgb";
    if (last)
        ffmpeg({"-i", file.string(), "-update", "1", png.string()});
    else
        ffmpeg({"-i", file.string(), "-frames:v", "1", png.string()});
    const auto size =
        run({"ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", png.string()});
    REQUIRE(size.exit_code == 0);
    Picture pic;
    REQUIRE(std::sscanf(size.out.c_str(), "%d,%d", &pic.width, &pic.height) == 2);
    ffmpeg({"-i", png.string(), "-f", "rawvideo", "-pix_fmt", "rgb24", raw.string()});
    pic.rgb = read_file(raw);
    fs::remove(png);
    fs::remove(raw);
    REQUIRE(pic.rgb.size() == static_cast<std::size_t>(pic.width) * pic.height * 3);
    return pic;
}

}  // namespace wt::test
