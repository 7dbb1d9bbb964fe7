#include "app/desktop/model/thumbnails.hpp"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <memory>

#include <fmt/format.h>

namespace wt::ui {

Result<Thumbnail> load_thumbnail(const std::filesystem::path& jpeg, int max_width) {
    int w = 0, h = 0, channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> pixels(stbi_load(jpeg.c_str(), &w, &h, &channels, 4),
                                                           stbi_image_free);
    if (!pixels)
        return fail(ErrorCode::bad_media, fmt::format("cannot read the thumbnail {}: {}", jpeg.string(),
                                                      stbi_failure_reason() ? stbi_failure_reason() : "unknown"));
    Thumbnail t;
    t.width = w;
    t.height = h;
    if (w > max_width && max_width > 0) {
        t.width = max_width;
        t.height = std::max(1, static_cast<int>(static_cast<long long>(h) * max_width / w));
        t.rgba.resize(static_cast<std::size_t>(t.width) * t.height * 4);
        if (!stbir_resize_uint8(pixels.get(), w, h, 0, t.rgba.data(), t.width, t.height, 0, 4))
            return fail(ErrorCode::internal, fmt::format("cannot scale the thumbnail {}", jpeg.string()));
    } else {
        t.rgba.assign(pixels.get(), pixels.get() + static_cast<std::size_t>(w) * h * 4);
    }
    return t;
}

}  // namespace wt::ui
