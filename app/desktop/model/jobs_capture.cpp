// jobs.hpp: what the Record view offers to choose from. The sound and X servers are asked on the
// worker, so a slow or missing one never holds up the window.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace wt::ui::jobs {

void list_microphones(Env& env) { env.post(results::MicrophonesListed{recorder::list_microphones()}); }

void list_windows(Env& env, const std::string& display) {
    auto windows = recorder::list_windows(display);
    // The app's own window is not something to record.
    if (windows) *windows = pickable_windows(std::move(*windows), static_cast<int>(::getpid()));
    env.post(results::WindowsListed{std::move(windows)});
}

void grab_screen(Env& env, const std::string& display, int delay_ms, std::uint64_t seq) {
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    env.post(
        results::ScreenGrabbed{seq, std::make_shared<Result<recorder::Screenshot>>(recorder::grab_screen(display))});
}

}  // namespace wt::ui::jobs
