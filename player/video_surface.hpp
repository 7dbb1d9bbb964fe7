#pragma once
// What a window shows of a Player: its current frame as an RGBA texture, converted on the GPU by
// FrameRenderer. The UI draws texture() with ImGui::Image inside letterbox(); it never sees a frame.
//
// Thread-safety: the GL thread only, with the context current (as FrameRenderer).
#include <cstdint>
#include <memory>
#include <vector>

#include "common/result.hpp"
#include "player/player.hpp"

namespace wt::player {

class FrameRenderer;

class VideoSurface {
public:
    static Result<std::unique_ptr<VideoSurface>> create();
    ~VideoSurface();

    // Uploads the frame the player shows now, if it is not the one already uploaded.
    Result<void> update(Player& player);
    unsigned texture() const;  // 0 until the first frame
    int width() const;
    int height() const;
    double sample_aspect() const;
    std::vector<std::uint8_t> read_rgba() const;

private:
    VideoSurface() = default;
    std::unique_ptr<FrameRenderer> renderer_;
    std::int64_t uploaded_ = -1;  // the player's frames_shown count when it was uploaded
};

}  // namespace wt::player
