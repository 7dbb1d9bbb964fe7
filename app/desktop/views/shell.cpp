// The desktop app's loop. Dear ImGui redraws the whole window from state each frame, so the loop's
// job is deciding *when* to draw: after input, when the worker answered, when the player has a new
// picture or the recorder's numbers moved. Otherwise it sleeps in SDL_WaitEventTimeout: idle costs
// nothing. The worker wakes it with an SDL user event.
#include "app/desktop/views/shell.hpp"

#include <SDL.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <imgui.h>

#include "app/desktop/model/controller.hpp"
#include "app/desktop/views/frontend.hpp"

namespace wt::ui {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Since the process was created (exec and dynamic linking included), 10 ms resolution; -1 if unknown.
double process_age_ms() {
    FILE* f = std::fopen("/proc/self/stat", "r");
    if (!f) return -1;
    char buf[1024] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    const char* p = static_cast<const char*>(std::memchr(buf, ')', n));  // after the command name
    unsigned long long start = 0;
    // Fields after ")": state(3) ... starttime is field 22.
    if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                          &start) != 1)
        return -1;
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return (static_cast<double>(now.tv_sec) + now.tv_nsec / 1e9 - static_cast<double>(start) / ticks) * 1000;
}

// With WALKTHROUGH_TIMING set: when the first frame was drawn, the library first shown and all of it
// loaded, each said once on stderr.
struct StartupTiming {
    std::chrono::steady_clock::time_point started;
    bool enabled = std::getenv("WALKTHROUGH_TIMING") != nullptr;
    bool first_frame = true, library_shown = false, library_complete = false;

    void after_frame(const AppState& s) {
        if (!enabled) return;
        if (first_frame) {
            const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
            std::fprintf(stderr,
                         "walkthrough: first frame %.0f ms after main() (%.0f ms after the process began; font "
                         "atlas %dx%d)\n",
                         ms_since(started), process_age_ms(), atlas->TexWidth, atlas->TexHeight);
            first_frame = false;
        }
        if (!library_shown && s.library.loaded && s.screen == Screen::library) {
            std::fprintf(stderr, "walkthrough: library shown %.0f ms after start (%zu recordings so far)\n",
                         ms_since(started), s.library.recordings.size());
            library_shown = true;
        }
        if (!library_complete && s.library.complete) {
            std::fprintf(stderr, "walkthrough: all %zu recordings loaded %.0f ms after start\n",
                         s.library.recordings.size(), ms_since(started));
            library_complete = true;
        }
    }
};

}  // namespace

int run_app(app::GlWindow& window, const RunOptions& options) {
    const Uint32 wake_event = SDL_RegisterEvents(1);
    Controller::Options co = controller_options(options, false);
    co.wake = [wake_event] {
        SDL_Event e{};
        e.type = wake_event;
        SDL_PushEvent(&e);  // thread-safe
    };
    // Out of the way while the still of the screen is taken, so it shows what is under the window.
    co.hide_window = [&window](bool hidden) {
        if (hidden) {
            SDL_HideWindow(window.sdl());
        } else {
            SDL_ShowWindow(window.sdl());
            SDL_RaiseWindow(window.sdl());
        }
    };
    Controller ctl(co);
    ctl.start();
    Frontend f(window, ctl);
    StartupTiming timing{options.started};
    int pending_frames = 1;  // frames to draw without waiting (ImGui settles layout over two)
    int timeout_ms = 0;
    for (;;) {
        bool input = false;
        const bool open = window.wait_events(timeout_ms, [&](const SDL_Event& e) {
            if (e.type == wake_event) return;
            input = true;
            f.on_event(e);
        });
        if (!open) break;
        const Frontend::Sync sync = f.sync();
        if (input) pending_frames = std::max(pending_frames, 2);
        if (sync.redraw) pending_frames = std::max(pending_frames, 1);
        if (pending_frames > 0) {
            // Counted before drawing: a frame whose views asked for something (another screen, say) is
            // followed by two more, as after input, so new tables and layouts settle.
            --pending_frames;
            if (f.draw()) pending_frames = std::max(pending_frames, 2);
            timing.after_frame(ctl.state());
        }
        // Nothing to do: sleep until input, the worker, or the engines need us (a minute at most, so
        // ages and due dates stay current).
        timeout_ms = pending_frames > 0 ? 0 : sync.wake_after_ms >= 0 ? sync.wake_after_ms : 60'000;
    }
    ctl.shutdown(30'000);
    return 0;
}

}  // namespace wt::ui
