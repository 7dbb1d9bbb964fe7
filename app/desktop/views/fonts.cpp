#include "app/desktop/views/fonts.hpp"

#include <filesystem>

#include <backends/imgui_impl_opengl3.h>
#include <imgui_internal.h>

namespace fs = std::filesystem;

namespace wt::ui {

namespace {

constexpr const char* k_dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* k_dejavu_bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

// From the start: Latin (with extended A/B), Greek, Cyrillic, punctuation, currency, arrows, shapes,
// and the few symbols the views use (✓ ✗ ♪).
constexpr ImWchar k_base_ranges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F,
                                     0x20A0, 0x20CF, 0x2190, 0x21FF, 0x25A0, 0x25FF, 0x266A, 0x266A,
                                     0x2713, 0x2713, 0x2717, 0x2717, 0xFFFD, 0xFFFD, 0};
// Where other characters are looked for, in this order (a glyph found in one is not taken again).
constexpr const char* k_fallbacks[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",            // Vietnamese, IPA, maths, symbols, ...
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",        // Greek extended, Armenian, Georgian, ...
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",  // Hebrew (drawn without shaping)
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",    // Thai
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  // CJK, kana
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",            // Hangul (fonts-nanum)
};

bool exists(const char* file) {
    std::error_code ec;
    return fs::exists(file, ec);
}

}  // namespace

void Fonts::add_faces() {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    ImFontConfig cfg;
    cfg.PixelSnapH = true;
    cfg.OversampleH = 1;  // snapped glyphs gain nothing from sub-pixel copies (ImGui's note); a third of the atlas
    ImFontConfig merge = cfg;
    merge.MergeMode = true;
    // The body face, then the heading face (bold, larger), each with the extra glyphs merged in.
    for (const auto& [file, scale] : {std::pair{k_dejavu, 1.0f}, std::pair{k_dejavu_bold, 1.3f}}) {
        if (exists(file))
            atlas->AddFontFromFileTTF(file, size_ * scale, &cfg, k_base_ranges);
        else
            atlas->AddFontDefault();
        if (extra_ranges_.empty()) continue;
        for (const char* fallback : k_fallbacks)
            if (exists(fallback)) atlas->AddFontFromFileTTF(fallback, size_ * scale, &merge, extra_ranges_.data());
    }
}

void Fonts::setup(float size) {
    size_ = size;
    ImGui::GetIO().Fonts->Clear();
    // The atlas is as tall as its glyphs need, not the next power of two (half the memory here).
    ImGui::GetIO().Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    add_faces();
    ImGui::GetIO().Fonts->Build();
}

void Fonts::need(std::string_view text) {
    const ImFont* font = ImGui::GetIO().Fonts->Fonts.Size > 0 ? ImGui::GetIO().Fonts->Fonts[0] : nullptr;
    if (!font) return;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        unsigned int c = 0;
        const int n = ImTextCharFromUtf8(&c, p, end);
        if (n <= 0) break;
        p += n;
        if (c < 0x80 || c > 0xFFFF) continue;
        if (font->FindGlyphNoFallback(static_cast<ImWchar>(c))) continue;
        if (requested_.insert(static_cast<ImWchar>(c)).second) dirty_ = true;
    }
}

bool Fonts::rebuild_if_needed(bool texture_exists) {
    if (!dirty_) return false;
    dirty_ = false;
    ImFontGlyphRangesBuilder builder;
    for (ImWchar c : requested_) builder.AddChar(c);
    ImVector<ImWchar> ranges;
    builder.BuildRanges(&ranges);
    extra_ranges_.assign(ranges.begin(), ranges.end());
    if (texture_exists) ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui::GetIO().Fonts->Clear();
    add_faces();
    ImGui::GetIO().Fonts->Build();
    if (texture_exists) ImGui_ImplOpenGL3_CreateFontsTexture();
    return true;
}

}  // namespace wt::ui
