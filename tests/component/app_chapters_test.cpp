// Chapters in the desktop app without a window: the player's chapter keys (pure), and the controller
// adding, renaming and removing chapters through the worker, with the player and details in step.
#include <doctest/doctest.h>

#include "app/desktop/model/controller.hpp"
#include "app/player_window/timeline_chapters.hpp"
#include "tests/app_fixture.hpp"

using namespace wt;
using namespace wt::ui;
using namespace wt::test;

namespace {

std::vector<app::TimelineChapter> at(std::vector<std::int64_t> moments) {
    std::vector<app::TimelineChapter> out;
    for (auto m : moments) out.push_back({m, "part"});
    return out;
}

// The app acting as `person`, and the chapters its player holds.
struct App : AppOnLibrary {
    using AppOnLibrary::AppOnLibrary;
    std::vector<std::int64_t> player_moments() const {
        std::vector<std::int64_t> out;
        for (const auto& ch : s().player.chapters) out.push_back(ch.at_ms);
        return out;
    }
};

}  // namespace

TEST_CASE("chapter keys: next skips the one just landed on, previous restarts a chapter then goes back") {
    const auto chapters = at({0, 10'000, 25'000});
    using app::chapter_jump;
    CHECK(chapter_jump(chapters, 5'000, true) == 10'000);
    CHECK(chapter_jump(chapters, 10'000, true) == 25'000);        // on a chapter: the one after
    CHECK(chapter_jump(chapters, 9'967, true) == 25'000);         // an exact seek landed a frame short of it
    CHECK(chapter_jump(chapters, 25'000, true) == std::nullopt);  // nothing ahead: stay
    CHECK(chapter_jump(chapters, 18'000, false) == 10'000);       // well into a chapter: its start
    CHECK(chapter_jump(chapters, 10'500, false) == 0);            // just started: the one before
    CHECK(chapter_jump(chapters, 25'000, false) == 10'000);       // just landed on the last one: the one before it
    CHECK(chapter_jump(chapters, 24'967, false) == 10'000);       // ... a frame short of it too
    CHECK(chapter_jump(chapters, 500, false) == 0);
    CHECK(chapter_jump(at({30'000}), 12'000, false) == 0);  // before the first chapter: the start
    CHECK(chapter_jump({}, 12'000, true) == std::nullopt);

    CHECK(app::current_chapter(chapters, 0) == 0);
    CHECK(app::current_chapter(chapters, 24'999) == 1);
    CHECK(app::current_chapter(chapters, 90'000) == 2);
    CHECK(app::current_chapter(at({5'000}), 4'999) == -1);
}

TEST_CASE("the player adds a chapter at the moment, renames, removes; details shows them; bad ones say why") {
    LibraryFixture fx;
    TempDir clips;
    auto ana = fx.open_as("ana");
    catalog::NewRecording nr;
    nr.file = make_clip(clips.path, "clip.mp4", 3.0, "320x240");
    nr.title = "Clip";
    auto rec = ana->import_recording(nr);
    REQUIRE_MESSAGE(rec.has_value(), (rec ? "" : rec.error().message));
    REQUIRE(ana->set_chapter(rec->id, 2'000, "Made elsewhere"));  // by the CLI, say: loaded with the player
    const std::string id = rec->id;

    App app(fx, "ana");
    app.act(intent::Play{id, std::nullopt, true});
    REQUIRE(app.s().player.engine != nullptr);
    CHECK(app.player_moments() == std::vector<std::int64_t>{2'000});

    app.c->drafts().chapter_title = "Intro";
    app.act(intent::AddChapter{id, 500, "Intro"});
    CHECK(app.player_moments() == std::vector<std::int64_t>{500, 2'000});
    CHECK(app.s().player.chapters[0].title == "Intro");
    CHECK(app.c->drafts().chapter_title.empty());  // the field is ready for the next one

    app.act(intent::AddChapter{id, 500, "Introduction"});
    CHECK(app.player_moments() == std::vector<std::int64_t>{500, 2'000});
    CHECK(app.s().player.chapters[0].title == "Introduction");

    // Refused: an empty title before any work, a moment past the end by the catalog; nothing changes.
    const auto banners = app.s().banners.size();
    app.act(intent::AddChapter{id, 1'000, "  "});
    REQUIRE(app.s().banners.size() == banners + 1);
    CHECK(app.s().banners.back().level == Level::warning);
    app.act(intent::AddChapter{id, 60'000, "Too late"});
    REQUIRE(app.s().banners.size() == banners + 2);
    CHECK(app.s().banners.back().level == Level::error);
    CHECK(contains(app.s().banners.back().text, "before the end"));
    CHECK(app.player_moments() == std::vector<std::int64_t>{500, 2'000});

    app.act(intent::RemoveChapter{id, 2'000});
    CHECK(app.player_moments() == std::vector<std::int64_t>{500});
    CHECK(contains(app.s().banners.back().text, "Removed the chapter 'Made elsewhere'"));

    app.act(intent::OpenDetails{id});
    REQUIRE(app.s().details.chapters.size() == 1);
    CHECK(app.s().details.chapters[0].title == "Introduction");
    // Details and the player stay in step while both show the recording.
    app.act(intent::AddChapter{id, 1'500, "Middle"});
    CHECK(app.s().details.chapters.size() == 2);
    CHECK(app.player_moments() == std::vector<std::int64_t>{500, 1'500});

    // What the app wrote is in the catalog for everyone.
    auto all = fx.open_as("bob")->chapters(id);
    REQUIRE(all.has_value());
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].title == "Introduction");
    CHECK((*all)[1].at_ms == 1'500);
}
