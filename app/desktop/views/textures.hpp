#pragma once
// Thumbnails as GL textures for ImGui::Image, uploaded on the UI thread from the pixels the worker
// decoded; the least recently drawn ones are dropped beyond a budget, so memory stays flat however
// far the library is scrolled.
//
// Thread-safety: the UI thread, with the window's GL context current (also for the destructor).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/desktop/model/model.hpp"
#include "app/desktop/views/views.hpp"

namespace wt::ui {

class TextureCache {
public:
    explicit TextureCache(std::size_t budget = 160) : budget_(budget) {}
    ~TextureCache();
    TextureCache(const TextureCache&) = delete;
    TextureCache& operator=(const TextureCache&) = delete;

    // Uploads (and empties) decoded thumbnails; one without pixels is remembered as "none".
    void upload(std::vector<Thumbnail>& ready);
    // The texture for a recording; `known` tells whether it was loaded (possibly as "none").
    TextureRef get(const std::string& id, bool& known);
    // Drops the least recently used textures beyond the budget.
    void trim();
    std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        unsigned texture = 0;  // 0: there is no thumbnail
        int width = 0, height = 0;
        std::uint64_t used = 0;
    };
    std::size_t budget_;
    std::uint64_t clock_ = 0;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace wt::ui
