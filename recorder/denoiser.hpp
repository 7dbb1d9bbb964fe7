#pragma once
// Speech noise reduction: libavfilter's afftdn with noise tracking, on mono 16-bit samples.
#include <cstdint>
#include <memory>
#include <vector>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::recorder {

class Denoiser {
public:
    static Result<std::unique_ptr<Denoiser>> open(int sample_rate);
    // Filters `n` samples; whatever the filter gives back is appended to `out` (it may hold some back).
    Result<void> process(const std::int16_t* in, int n, std::vector<std::int16_t>& out);
    // Ends the input and appends the rest.
    Result<void> drain(std::vector<std::int16_t>& out);

private:
    Result<void> pull(std::vector<std::int16_t>& out);

    av::FilterGraphPtr graph_;
    AVFilterContext* source_ = nullptr;  // owned by graph_
    AVFilterContext* sink_ = nullptr;    // owned by graph_
    av::FramePtr frame_ = av::make_frame();
    int rate_ = 0;
};

}  // namespace wt::recorder
