// The recording with AAC sound for browsers that cannot play Opus in MP4 (media?audio=aac): made
// once by the server (video packets copied, sound encoded as AAC, index first), kept next to the
// recording and served from there with byte ranges like the recording itself, refused without a
// live credential before anything is made, and removed with the recording.
#include <doctest/doctest.h>

#include <algorithm>
#include <future>
#include <thread>

#include "avkit/open_input.hpp"
#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

// What libav finds in a file: each stream's codec, the video's packets and how long each lasts.
struct Streams {
    std::string video_codec;
    std::string audio_codec;
    std::int64_t video_packets = 0;
    std::int64_t video_ms = 0;  // the sum of the video packets' durations
    std::int64_t audio_ms = 0;  // where the last sound packet ends
};

Streams streams_of(const std::filesystem::path& file) {
    auto input = wt::av::detail::open_input(file);
    REQUIRE_MESSAGE(input.has_value(), (input ? "" : input.error().message));
    AVFormatContext* ctx = input->get();
    Streams out;
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
        const AVCodecParameters* par = ctx->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO) out.video_codec = avcodec_get_name(par->codec_id);
        if (par->codec_type == AVMEDIA_TYPE_AUDIO) out.audio_codec = avcodec_get_name(par->codec_id);
    }
    auto pkt = wt::av::make_packet();
    std::int64_t video_duration = 0;
    while (av_read_frame(ctx, pkt.get()) >= 0) {
        const AVStream* st = ctx->streams[pkt->stream_index];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
            ++out.video_packets;
            video_duration += pkt->duration;
            out.video_ms = av_rescale_q(video_duration, st->time_base, {1, 1000});
        } else if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO && pkt->pts != AV_NOPTS_VALUE) {
            out.audio_ms = std::max(out.audio_ms, av_rescale_q(pkt->pts + pkt->duration, st->time_base, {1, 1000}));
        }
        av_packet_unref(pkt.get());
    }
    return out;
}

// How many times the server's log says it made the copy of `id`.
int copies_made(const Served& server, const std::string& id) {
    const std::string log = server.log(), line = "made the AAC copy of " + id;
    int n = 0;
    for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("media?audio=aac: made once, then served from its file with ranges; refused without a credential; "
          "deleted with the recording") {
    CliLibrary lib;
    const auto clip = lib.dir / "opus.mp4";
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i",
            "sine=frequency=440:sample_rate=48000:duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
            "yuv420p", "-c:a", "libopus", "-b:a", "48k", "-shortest", clip.string()});
    const json rec = lib.ok({"import", clip.string(), "--title", "Opus sound"}, "ann");
    const std::string id = rec.at("id");
    REQUIRE(rec.at("audio_codec") == "opus");
    const auto original = lib.root() / rec.at("media_path").get<std::string>();
    const auto cached = lib.root() / "media" / (id + ".aac.mp4");
    const std::string path = "/api/v1/recordings/" + id + "/media?audio=aac";
    const auto files_before = lib.media_files();

    Served server(lib);
    const std::string ann = server.sign_in("ann");
    const std::string bob = server.sign_in("bob");

    // Refused before anything is made: no credential, a revoked person's, a value it does not know.
    CHECK(server.get(path, "").status == 401);
    REQUIRE(lib.run({"people", "revoke", "bob"}, "ann").exit_code == 0);
    CHECK(server.get(path, bob).status == 401);
    auto unknown = server.get("/api/v1/recordings/" + id + "/media?audio=mp3", ann);
    CHECK(unknown.status == 400);
    CHECK(contains(unknown.body, "aac"));
    CHECK(server.get("/api/v1/recordings/zzzzzzzzzz/media?audio=aac", ann).status == 404);
    CHECK(lib.media_files() == files_before);
    CHECK(copies_made(server, id) == 0);

    // Several first requests at once: each is told to come back (or, once made, served), and the
    // copy is made once.
    std::vector<std::future<Http>> first;
    for (int i = 0; i < 4; ++i) first.push_back(std::async(std::launch::async, [&] { return server.get(path, ann); }));
    for (auto& f : first) {
        const Http r = f.get();
        CHECK((r.status == 503 || r.status == 200));
        if (r.status == 503) {
            CHECK(r.json().at("error").at("code") == "preparing");
            CHECK(std::stoi(r.header("retry-after")) >= 1);
        }
    }
    Http whole;
    for (int i = 0; i < 200; ++i) {
        whole = server.get(path, ann);
        if (whole.status != 503) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO("server: " << server.log());
    REQUIRE(whole.status == 200);
    CHECK(whole.header("content-type") == "video/mp4");
    CHECK(whole.header("accept-ranges") == "bytes");
    CHECK(copies_made(server, id) == 1);
    REQUIRE(std::filesystem::is_regular_file(cached));
    CHECK(read_file(cached) == whole.body);
    for (const auto& name : lib.media_files()) CHECK_FALSE(name.ends_with(".part"));

    // The video as it was, packet for packet; the sound AAC; the index before the data.
    TempDir io;
    write_file(io / "copy.mp4", whole.body);
    const Streams before = streams_of(original), after = streams_of(io / "copy.mp4");
    CHECK(before.audio_codec == "opus");
    CHECK(after.video_codec == "h264");
    CHECK(after.audio_codec == "aac");
    CHECK(after.video_packets == before.video_packets);
    CHECK(after.video_ms == before.video_ms);
    CHECK(after.audio_ms == doctest::Approx(before.audio_ms).epsilon(0.05));
    CHECK(whole.body.find("moov") < whole.body.find("mdat"));

    // Byte ranges, as for the recording itself.
    auto part = server.call({"GET", path, {auth(ann), "Range: bytes=100-199"}, std::nullopt});
    CHECK(part.status == 206);
    CHECK(part.header("content-range") == "bytes 100-199/" + std::to_string(whole.body.size()));
    CHECK(part.body == whole.body.substr(100, 100));
    auto past = server.call({"GET", path, {auth(ann), "Range: bytes=99999999-"}, std::nullopt});
    CHECK(past.status == 416);

    // Asked again, the file is served as it stands, not made again: what is written in it is what
    // comes back.
    write_file(cached, "the copy kept in the library");
    auto again = server.get(path, ann);
    CHECK(again.status == 200);
    CHECK(again.body == "the copy kept in the library");
    CHECK(copies_made(server, id) == 1);

    // Deleting the recording removes its copy too.
    auto gone = server.call({"DELETE", "/api/v1/recordings/" + id, {auth(ann)}, std::nullopt});
    CHECK(gone.status == 200);
    CHECK_FALSE(std::filesystem::exists(cached));
    CHECK(lib.media_files().empty());
    CHECK(server.get(path, ann).status == 404);
}

TEST_CASE("media?audio=aac of a recording whose sound is AAC already is the recording itself, made into nothing") {
    CliLibrary lib;
    const json rec = lib.ok({"import", make_clip(lib.dir.path, "aac.mp4", 1).string()}, "ann");
    REQUIRE(rec.at("audio_codec") == "aac");
    const std::string id = rec.at("id");
    const auto files_before = lib.media_files();
    Served server(lib);
    const std::string ann = server.sign_in("ann");
    auto r = server.get("/api/v1/recordings/" + id + "/media?audio=aac", ann);
    CHECK(r.status == 200);
    CHECK(r.body == read_file(lib.root() / rec.at("media_path").get<std::string>()));
    CHECK(lib.media_files() == files_before);
}

TEST_CASE("the CLI's delete removes a copy the server made") {
    CliLibrary lib;
    const auto clip = lib.dir / "opus.mp4";
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", "-f", "lavfi", "-i",
            "sine=frequency=300:duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a",
            "libopus", "-shortest", clip.string()});
    const std::string id = lib.ok({"import", clip.string()}, "ann").at("id");
    const auto cached = lib.root() / "media" / (id + ".aac.mp4");
    {
        Served server(lib);
        const std::string ann = server.sign_in("ann");
        long status = 0;
        for (int i = 0; i < 200 && status != 200; ++i) {
            status = server.get("/api/v1/recordings/" + id + "/media?audio=aac", ann).status;
            if (status == 503) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        REQUIRE(status == 200);
    }
    REQUIRE(std::filesystem::exists(cached));
    lib.ok({"delete", id}, "ann");
    CHECK_FALSE(std::filesystem::exists(cached));
    CHECK(lib.media_files().empty());
}
