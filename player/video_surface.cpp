#include "player/video_surface.hpp"

#include "player/engine.hpp"
#include "player/frame_renderer.hpp"

namespace wt::player {

Result<std::unique_ptr<VideoSurface>> VideoSurface::create() {
    auto renderer = FrameRenderer::create();
    if (!renderer) return std::unexpected(renderer.error());
    std::unique_ptr<VideoSurface> surface(new VideoSurface());
    surface->renderer_ = std::move(*renderer);
    return surface;
}

VideoSurface::~VideoSurface() = default;

Result<void> VideoSurface::update(Player& player) {
    const Player::Impl& e = player.impl();
    const AVFrame* frame = e.shown.get();
    if (!frame || e.frames_shown == uploaded_) return {};
    uploaded_ = e.frames_shown;
    return renderer_->upload(*frame, e.video_turn);
}

unsigned VideoSurface::texture() const { return renderer_->texture(); }
int VideoSurface::width() const { return renderer_->width(); }
int VideoSurface::height() const { return renderer_->height(); }
double VideoSurface::sample_aspect() const { return renderer_->sample_aspect(); }
std::vector<std::uint8_t> VideoSurface::read_rgba() const { return renderer_->read_rgba(); }

}  // namespace wt::player
