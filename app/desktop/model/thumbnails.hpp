#pragma once
// Reading a recording's JPEG thumbnail into RGBA pixels for a texture (stb_image from Debian's
// libstb), scaled down to the card's size so a screenful of cards stays small in memory.
// Thread-safety: self-contained; the app calls it on the worker thread.
#include <filesystem>

#include "app/desktop/model/model.hpp"
#include "common/result.hpp"

namespace wt::ui {

// At most `max_width` pixels wide (the aspect ratio kept); never enlarged.
Result<Thumbnail> load_thumbnail(const std::filesystem::path& jpeg, int max_width);

}  // namespace wt::ui
