#pragma once
// Fonts with wide Unicode coverage at a small start-up cost. Latin, Greek, Cyrillic and the common
// punctuation and symbols are in the atlas from the start (DejaVu Sans); any other character is
// added when text that needs it appears, from DejaVu, Noto (fonts-noto-core), Droid Sans Fallback
// (CJK, kana) or Nanum Gothic (Hangul), and the atlas is rebuilt between frames. Rasterising the common CJK set up
// front cost ~250 ms at start and ~30 MB here.
//
// Thread-safety: the UI thread; rebuild() outside an ImGui frame, with the GL context current.
#include <string_view>
#include <unordered_set>
#include <vector>

#include <imgui.h>

namespace wt::ui {

class Fonts {
public:
    // Replaces the atlas's fonts with the body face (`size` px) and the heading face (second font).
    void setup(float size);
    // Notes the characters of `text` the body face lacks.
    void need(std::string_view text);
    // Rebuilds the atlas (and its GL texture once the backend made one: `texture_exists`) if new
    // characters were noted; true if it did.
    bool rebuild_if_needed(bool texture_exists);

private:
    void add_faces();
    float size_ = 16;
    std::unordered_set<ImWchar> requested_;
    std::vector<ImWchar> extra_ranges_;  // read by the atlas while it builds: kept alive here
    bool dirty_ = false;
};

}  // namespace wt::ui
