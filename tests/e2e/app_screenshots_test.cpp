// `walkthrough --screenshots DIR`: every main view of a filled library rendered into a PNG under a
// private Xvfb and PulseAudio (its null sink is the microphone the Record view lists and meters, and
// the recording bar records), each one a real picture (many colours, the window's size), not a
// blank frame.
#include <doctest/doctest.h>

#include <stb_image.h>

#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "common/timefmt.hpp"
#include "tests/capture_env.hpp"
#include "tests/support.hpp"

using namespace wt::test;
namespace fs = std::filesystem;

namespace {

struct Picture {
    int width = 0, height = 0;
    std::size_t colours = 0;                                // distinct RGB values
    double dominant = 0;                                    // share of the most common colour
    std::unordered_map<std::uint32_t, std::size_t> counts;  // pixels of each 0xRRGGBB
};

Picture read_png(const fs::path& file) {
    Picture p;
    int channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> px(stbi_load(file.c_str(), &p.width, &p.height, &channels, 3),
                                                       stbi_image_free);
    REQUIRE_MESSAGE(px != nullptr, "cannot read " << file);
    std::unordered_map<std::uint32_t, std::size_t> counts;
    const std::size_t n = static_cast<std::size_t>(p.width) * p.height;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char* c = px.get() + i * 3;
        ++counts[(std::uint32_t{c[0]} << 16) | (std::uint32_t{c[1]} << 8) | c[2]];
    }
    std::size_t most = 0;
    for (const auto& [rgb, k] : counts) most = std::max(most, k);
    p.colours = counts.size();
    p.dominant = static_cast<double>(most) / static_cast<double>(n);
    p.counts = std::move(counts);
    return p;
}

std::string id_of(const nlohmann::json& j) { return j.at("id").get<std::string>(); }

}  // namespace

TEST_CASE(
    "--screenshots renders library, details, player, search, record, recording bar, training, team, inbox, "
    "settings") {
    VirtualScreen screen("1600x1000x24");
    VirtualMicrophone mic;
    CliLibrary lib;
    TempDir clips;
    const std::string vpn = id_of(lib.ok({"import", make_clip(clips.path, "a.mp4", 4, "640x360").string(), "--title",
                                          "VPN setup on a new laptop", "--kind", "training", "--tag", "onboarding"},
                                         "dana"));
    const std::string deploy = id_of(lib.ok(
        {"import", make_clip(clips.path, "b.mp4", 3, "640x360").string(), "--title", "Deploying the billing service"},
        "dana"));
    const std::string security = id_of(lib.ok({"import", make_clip(clips.path, "c.mp4", 2, "320x240").string(),
                                               "--title", "Security basics — passwords & 2FA", "--kind", "training"},
                                              "bob"));
    const std::string question =
        id_of(lib.ok({"comment", vpn, "--at", "0:02", "Why do we need port 443 open here?"}, "ana"));
    lib.ok({"comment", vpn, "--reply-to", question, "The firewall only lets 443 through."}, "dana");
    lib.ok({"comment", deploy, "--at", "0:01", "Which branch does staging deploy from?"}, "bob");
    lib.ok({"chapter", vpn, "--at", "0:00", "Install the client"}, "dana");
    lib.ok({"chapter", vpn, "--at", "0:01.5", "Import the profile"}, "dana");
    lib.ok({"chapter", vpn, "--at", "0:03", "Connect and check"}, "dana");
    const std::string soon = wt::local_date(wt::now_ms() + 3 * 86'400'000LL);
    const std::string past = wt::local_date(wt::now_ms() - 5 * 86'400'000LL);
    lib.ok({"assign", vpn, "--to", "ana", "--due", soon}, "dana");
    lib.ok({"assign", security, "--to", "ana", "--due", past}, "dana");
    lib.ok({"assign", vpn, "--to", "bob", "--due", soon}, "dana");
    lib.ok({"progress", security, "--from", "0", "--to", "1"}, "ana");
    lib.ok({"progress", vpn, "--from", "0", "--to", "4"}, "bob");

    TempDir out;
    const auto r = walkthrough({"--screenshots", out.path.string(), "--library", lib.root().string(), "--as", "ana"},
                               {{"DISPLAY", screen.display}, {"PULSE_SERVER", mic.server}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const char* name : {"library", "details", "player", "search", "record", "recording-bar", "training", "team",
                             "inbox", "settings"}) {
        CAPTURE(name);
        const fs::path file = out / (std::string(name) + ".png");
        REQUIRE(fs::exists(file));
        CHECK(contains(r.out, file.string()));
        const Picture p = read_png(file);
        // Text, badges, thumbnails: a view has many colours and no single one covers nearly everything.
        CHECK(p.colours >= 40);
        CHECK(p.dominant < 0.97);
        if (std::string(name) == "recording-bar") {
            CHECK(p.height < 200);  // the compact bar, not the whole window
            CHECK(p.width < 1280);
        } else {
            CHECK(p.width == 1280);
            CHECK(p.height == 800);
        }
    }
    // The player shows the video: the test pattern's saturated colours appear in quantity.
    const Picture player = read_png(out / "player.png");
    const Picture settings = read_png(out / "settings.png");
    CHECK(player.colours > settings.colours);
    // The chapters: their violet marks on the timeline and the current one in the list beside it.
    const auto violet = player.counts.find(0xB996FA);
    CHECK((violet != player.counts.end() && violet->second >= 30));
    CHECK(settings.counts.find(0xB996FA) == settings.counts.end());
}

TEST_CASE("--screenshots without a display says so and points to the command line") {
    TempDir out;
    const auto r = walkthrough({"--screenshots", out.path.string()}, {{"DISPLAY", ""}});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "DISPLAY"));
    CHECK(contains(r.err, "walkthrough --help"));
    CHECK_FALSE(fs::exists(out / "library.png"));
}
