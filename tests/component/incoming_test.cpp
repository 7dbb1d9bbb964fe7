// The claim on a recording in incoming/ (recorder/incoming.hpp): one holder at a time, gone with
// its holder, and nothing to claim once the holder has finished or set the file aside.
#include <doctest/doctest.h>

#include "recorder/incoming.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace wt;
using namespace wt::test;

TEST_CASE("a recording file has one claim at a time, released with its holder") {
    TempDir dir;
    const fs::path file = dir / "rec-1-1.mkv";
    {
        auto writing = recorder::IncomingClaim::create(file);
        REQUIRE(writing.has_value());
        CHECK(fs::exists(file));
        CHECK_FALSE(recorder::IncomingClaim::create(file).has_value());  // never two files of one name
        CHECK_FALSE(recorder::IncomingClaim::try_take(file).has_value());
        CHECK(recorder::interrupted_recordings(dir.path).empty());  // a live recording is not interrupted
    }
    CHECK(recorder::interrupted_recordings(dir.path) == std::vector<fs::path>{file});
    auto first = recorder::IncomingClaim::try_take(file);
    REQUIRE(first.has_value());
    CHECK_FALSE(recorder::IncomingClaim::try_take(file).has_value());  // a second recoverer stays out
    recorder::IncomingClaim moved = std::move(*first);
    CHECK_FALSE(recorder::IncomingClaim::try_take(file).has_value());  // moving keeps the claim
}

TEST_CASE("a file finished or set aside by its holder cannot be claimed by one who waited for it") {
    TempDir dir;
    const fs::path file = dir / "rec-2-1.mkv";
    REQUIRE(recorder::IncomingClaim::create(file).has_value());
    REQUIRE(recorder::write_details(file, R"({"title": "kept"})").has_value());
    CHECK(recorder::read_details(file) == std::string(R"({"title": "kept"})"));
    {
        auto holder = recorder::IncomingClaim::try_take(file);
        REQUIRE(holder.has_value());
        auto aside = holder->set_aside();
        REQUIRE(aside.has_value());
        CHECK(*aside == dir / "rec-2-1.mkv.unrecoverable");
    }
    CHECK_FALSE(recorder::IncomingClaim::try_take(file).has_value());
    CHECK(recorder::set_aside_recordings(dir.path) == std::vector<fs::path>{dir / "rec-2-1.mkv.unrecoverable"});
    CHECK(recorder::read_details(dir / "rec-2-1.mkv.unrecoverable") == std::string(R"({"title": "kept"})"));
    CHECK(recorder::interrupted_recordings(dir.path).empty());
    CHECK(fs::exists(dir / "rec-2-1.json"));  // a set-aside file keeps its details

    const fs::path done = dir / "rec-3-1.mkv";
    REQUIRE(recorder::IncomingClaim::create(done).has_value());
    REQUIRE(recorder::write_details(done, "{}").has_value());
    auto finisher = recorder::IncomingClaim::try_take(done);
    REQUIRE(finisher.has_value());
    finisher->remove_files();
    CHECK_FALSE(fs::exists(done));
    CHECK_FALSE(fs::exists(dir / "rec-3-1.json"));
    CHECK_FALSE(recorder::IncomingClaim::try_take(done).has_value());
}

TEST_CASE("details left by a crash after their recording was added are swept; others stay") {
    TempDir dir;
    write_file(dir / "rec-4-1.json", "{}");  // its recording is gone: it was added to the catalog
    REQUIRE(recorder::IncomingClaim::create(dir / "rec-5-1.mkv").has_value());
    write_file(dir / "rec-5-1.json", "{}");
    CHECK(recorder::interrupted_recordings(dir.path) == std::vector<fs::path>{dir / "rec-5-1.mkv"});
    CHECK_FALSE(fs::exists(dir / "rec-4-1.json"));
    CHECK(fs::exists(dir / "rec-5-1.json"));
}
