// The resumable upload with a real tus client (tus-js-client from npm, run by Debian's nodejs;
// scripts/setup.sh installs it with npm ci): the protocol is the standard one, not a look-alike.
// The client sends a clip in small chunks, is stopped halfway, then resumes from the server's offset.
#include <doctest/doctest.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;

namespace {

const std::filesystem::path k_source = WT_SOURCE_DIR;

json node_client(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"node", (k_source / "tests/e2e/tus_client.mjs").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv);
    INFO("node: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out, nullptr, false);
    REQUIRE(!j.is_discarded());
    return j;
}

}  // namespace

TEST_CASE("tus-js-client uploads a clip in small chunks, stopped halfway and resumed: the recording appears") {
    REQUIRE_MESSAGE(std::filesystem::exists(k_source / "node_modules/tus-js-client/package.json"),
                    "tus-js-client is missing: run `npm ci` in " << k_source.string() << " (scripts/setup.sh does)");
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "team-demo.mp4", 2);
    const std::string video = read_file(clip);
    REQUIRE(video.size() > 40 * 1024);
    Served server(lib);
    const std::string token = server.sign_in("bob");
    const std::vector<std::string> common{
        "--endpoint", server.url + "/api/v1/uploads", "--token", token, "--file", clip.string(), "--chunk", "8192"};

    auto first = common;
    first.insert(first.end(), {"--stop-after", std::to_string(video.size() / 2)});
    json stopped = node_client(first);
    REQUIRE(stopped.contains("stopped"));
    const std::string upload_url = stopped.at("upload_url");
    REQUIRE(upload_url.starts_with(server.url + "/api/v1/uploads/"));
    auto h = server.call({"HEAD",
                          upload_url.substr(server.url.size()),
                          {"Authorization: Bearer " + token, "Tus-Resumable: 1.0.0"},
                          std::nullopt});
    REQUIRE(h.status == 200);
    CHECK(std::stoll(h.header("upload-offset")) == stopped.at("stopped").get<std::int64_t>());
    CHECK(lib.ok({"list"}).empty());

    auto second = common;
    second.insert(second.end(), {"--upload-url", upload_url, "--title", "Team demo"});
    json done = node_client(second);
    REQUIRE(done.at("recording").is_string());
    CHECK(done.at("upload_url") == upload_url);
    // It went on from the server's offset, not from the start.
    CHECK(done.at("offsets").at(0).get<std::int64_t>() > stopped.at("stopped").get<std::int64_t>());
    const std::string id = done.at("recording");
    json shown = lib.ok({"show", id});
    CHECK(shown.at("author") == "bob");
    CHECK(shown.at("title") == "team-demo");  // from the metadata's file name: the first run named no title
    CHECK(shown.at("tags") == json::array({"tus"}));
    CHECK(server.get("/api/v1/recordings/" + id + "/media", token).body == video);
}
