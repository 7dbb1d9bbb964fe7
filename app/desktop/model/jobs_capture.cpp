// jobs.hpp: what the Record view offers to choose from. The sound and X servers are asked on the
// worker, so a slow or missing one never holds up the window.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/model/jobs.hpp"
#include "app/desktop/model/view_logic.hpp"

namespace wt::ui::jobs {

void list_microphones(Env& env) {
    auto mics = recorder::list_microphones();
    env.post([mics = std::move(mics)](Controller& c) {
        auto& r = c.mutable_state().record;
        r.mics_listing = false;
        r.mics_listed = true;
        r.microphones = mics ? *mics : std::vector<recorder::Microphone>{};
        r.mics_error = mics ? std::string() : mics.error().message;
    });
}

void list_windows(Env& env, const std::string& display) {
    auto windows = recorder::list_windows(display);
    // The app's own window is not something to record.
    if (windows) *windows = pickable_windows(std::move(*windows), static_cast<int>(::getpid()));
    env.post([windows = std::move(windows)](Controller& c) {
        auto& r = c.mutable_state().record;
        r.windows_listing = false;
        r.windows = windows ? *windows : std::vector<recorder::WindowInfo>{};
        r.windows_error = windows ? std::string() : windows.error().message;
    });
}

void grab_screen(Env& env, const std::string& display, int delay_ms, std::uint64_t seq) {
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    // Shared, so the pixels (megabytes) are never copied on their way to the UI thread.
    auto shot = std::make_shared<Result<recorder::Screenshot>>(recorder::grab_screen(display));
    env.post([shot, seq](Controller& c) { c.screen_grabbed(seq, std::move(*shot)); });
}

}  // namespace wt::ui::jobs
