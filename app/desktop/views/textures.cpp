#include "app/desktop/views/textures.hpp"

#include <SDL_opengl.h>

#include <algorithm>

namespace wt::ui {

TextureCache::~TextureCache() {
    for (auto& [id, e] : entries_)
        if (e.texture) glDeleteTextures(1, &e.texture);
}

void TextureCache::upload(std::vector<Thumbnail>& ready) {
    for (Thumbnail& t : ready) {
        Entry e;
        e.used = ++clock_;
        if (!t.rgba.empty() && t.width > 0 && t.height > 0) {
            glGenTextures(1, &e.texture);
            glBindTexture(GL_TEXTURE_2D, e.texture);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
            glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, t.width, t.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, t.rgba.data());
            e.width = t.width;
            e.height = t.height;
        }
        if (auto old = entries_.find(t.id); old != entries_.end() && old->second.texture)
            glDeleteTextures(1, &old->second.texture);
        entries_[t.id] = e;
    }
    ready.clear();
    ready.shrink_to_fit();
    trim();
}

TextureRef TextureCache::get(const std::string& id, bool& known) {
    auto it = entries_.find(id);
    known = it != entries_.end();
    if (!known) return {};
    it->second.used = ++clock_;
    TextureRef r;
    r.id = it->second.texture ? reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(it->second.texture)) : nullptr;
    r.width = it->second.width;
    r.height = it->second.height;
    r.none = it->second.texture == 0;
    return r;
}

void TextureCache::trim() {
    if (entries_.size() <= budget_) return;
    std::vector<std::pair<std::uint64_t, std::string>> by_age;
    for (const auto& [id, e] : entries_) by_age.emplace_back(e.used, id);
    std::sort(by_age.begin(), by_age.end());
    for (std::size_t i = 0; i + budget_ < by_age.size(); ++i) {
        auto it = entries_.find(by_age[i].second);
        if (it->second.texture) glDeleteTextures(1, &it->second.texture);
        entries_.erase(it);
    }
}

}  // namespace wt::ui
