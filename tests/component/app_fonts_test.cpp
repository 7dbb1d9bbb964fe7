// The desktop app's fonts without a window: the atlas starts small, and characters it lacks (CJK,
// Hangul, Hebrew, ...) are added from Debian's fonts when text needs them.
#include <doctest/doctest.h>

#include <imgui.h>

#include "app/desktop/views/fonts.hpp"

using wt::ui::Fonts;

namespace {

struct Context {
    Context() { ImGui::CreateContext(); }
    ~Context() { ImGui::DestroyContext(); }
};

bool has(ImWchar c) { return ImGui::GetIO().Fonts->Fonts[0]->FindGlyphNoFallback(c) != nullptr; }

}  // namespace

TEST_CASE("common scripts are there from the start; others arrive when text needs them") {
    Context ctx;
    Fonts fonts;
    fonts.setup(16);
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    REQUIRE(atlas->Fonts.Size == 2);  // body and headings
    CHECK(has(u'é'));
    CHECK(has(u'Ж'));
    CHECK(has(u'λ'));
    CHECK(has(u'✓'));
    CHECK(has(u'…'));
    CHECK_FALSE(has(u'日'));
    CHECK_FALSE(has(u'한'));
    const int height_before = atlas->TexHeight;

    fonts.need("plain ASCII and Ünïcödé Latin");
    CHECK_FALSE(fonts.rebuild_if_needed(false));  // nothing new
    fonts.need("デザインレビュー 新仪表板 · 한국어 · שלום · Tiếng Việt");
    CHECK(fonts.rebuild_if_needed(false));
    CHECK(has(u'デ'));
    CHECK(has(u'新'));
    CHECK(has(u'한'));
    CHECK(has(u'ש'));
    CHECK(has(u'ế'));
    CHECK(atlas->Fonts.Size == 2);
    CHECK(atlas->Fonts[1]->FindGlyphNoFallback(u'新') != nullptr);  // headings too
    CHECK(atlas->TexHeight >= height_before);
    CHECK_FALSE(fonts.rebuild_if_needed(false));  // once is enough
    fonts.need("新");
    CHECK_FALSE(fonts.rebuild_if_needed(false));
}
