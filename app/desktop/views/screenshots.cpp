// The screenshot mode (`walkthrough --screenshots DIR`): each main view rendered into a PNG, with the
// app driven through the same intents a person's clicks send, and real state (the library given, this
// machine's microphones, a real recording for the recording bar).
#include <SDL.h>
#include <SDL_opengl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "app/desktop/views/frontend.hpp"
#include "app/desktop/views/shell.hpp"
#include "avkit/png.hpp"

namespace fs = std::filesystem;

namespace wt::ui {

namespace {

Result<void> capture(app::GlWindow& window, const fs::path& file) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window.sdl(), &w, &h);
    // The last frame's draw data is still valid: draw it again into the back buffer and read that.
    glViewport(0, 0, w, h);
    glClearColor(0.09f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    // GL rows go bottom-up.
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    for (int y = 0; y < h / 2; ++y)
        std::swap_ranges(rgba.begin() + static_cast<std::ptrdiff_t>(y * row),
                         rgba.begin() + static_cast<std::ptrdiff_t>((y + 1) * row),
                         rgba.begin() + static_cast<std::ptrdiff_t>((h - 1 - y) * row));
    return av::write_png(file, rgba, w, h, static_cast<int>(row));
}

// The first word of four letters or more in the comments, to search for.
std::string word_to_search(const std::vector<catalog::Comment>& comments) {
    std::string word;
    for (const auto& c : comments) {
        for (std::size_t b = 0, e = 0; b < c.body.size() && word.empty(); b = e + 1) {
            e = c.body.find(' ', b);
            if (e == std::string::npos) e = c.body.size();
            if (e - b >= 4) word = c.body.substr(b, e - b);
        }
        if (!word.empty()) break;
    }
    return word;
}

class Screenshots {
public:
    Screenshots(app::GlWindow& window, const RunOptions& options)
        : window_(window), options_(options), ctl_(controller_options(options, true)), f_(window, ctl_) {
        ctl_.start();
    }

    // 0 when every PNG was written.
    int run() {
        settle();
        const AppState& s = ctl_.state();
        if (!s.opened) {
            std::fprintf(stderr, "walkthrough: %s\n", s.open_error.c_str());
            return 1;
        }
        // On a team library, its server's state as it is once the event stream answers.
        wait_for([&] { return s.connection.team.empty() || s.connection.live || s.connection.offline_since; }, 5000);
        shot("library");
        if (const std::string id = most_commented(); !id.empty()) recording_scenes(id);
        record_scenes();
        for (auto [screen, name] : {std::pair{Screen::training, "training"}, std::pair{Screen::team, "team"},
                                    std::pair{Screen::inbox, "inbox"}, std::pair{Screen::settings, "settings"}}) {
            ctl_.apply(intent::Navigate{screen});
            settle();
            shot(name);
        }
        ctl_.shutdown(10'000);
        return failures_ == 0 ? 0 : 1;
    }

private:
    void settle() {
        ctl_.settle(60'000);
        f_.sync();
    }

    // Until `done` (the engines ticking), for at most `timeout_ms`.
    template <class Done>
    void wait_for(Done done, int timeout_ms) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (!done() && std::chrono::steady_clock::now() < until) {
            window_.wait_events(10, [](const SDL_Event&) {});
            f_.sync();
        }
    }

    // A few frames with the worker's answers in between: layout settles, thumbnails arrive.
    void render() {
        for (int i = 0; i < 4; ++i) {
            window_.wait_events(1, [&](const SDL_Event&) {});
            f_.sync();
            if (f_.draw() || i < 2) settle();
        }
    }

    void shot(const char* name) {
        render();
        const fs::path file = options_.screenshots / (std::string(name) + ".png");
        if (auto r = capture(window_, file); !r) {
            std::fprintf(stderr, "walkthrough: %s\n", r.error().message.c_str());
            ++failures_;
        } else {
            std::printf("%s\n", file.c_str());
        }
    }

    // The recording to show in details and the player: the one with the most comments.
    std::string most_commented() const {
        std::string id;
        int most = -1;
        for (const auto& r : ctl_.state().library.recordings)
            if (r.comment_count > most) most = r.comment_count, id = r.id;
        return id;
    }

    // Details, the player at the first comment, and a search for a word of a comment.
    void recording_scenes(const std::string& id) {
        const AppState& s = ctl_.state();
        ctl_.apply(intent::OpenDetails{id});
        settle();
        shot("details");
        ctl_.apply(intent::Play{id, std::nullopt, true});
        settle();
        std::optional<std::int64_t> at;
        for (const auto& c : s.player.comments)
            if (c.at_ms && (!at || *c.at_ms < *at)) at = c.at_ms;
        if (s.player.engine) {
            if (at) ctl_.apply(intent::Play{id, at, true});  // open already: seeks, stays paused
            // Until the picture at that moment is on the surface.
            wait_for(
                [&] {
                    const auto& snap = s.player.snapshot;
                    return snap.frames_shown > 0 && !snap.seeking && f_.surface && f_.surface->texture();
                },
                10'000);
        }
        shot("player");
        // Search for a word of a comment: shows the matching comment and its moment.
        if (const std::string word = word_to_search(s.player.comments); !word.empty()) {
            ctl_.apply(intent::Navigate{Screen::library});
            ctl_.drafts().search = word;
            ctl_.apply(intent::Search{word});
            settle();
            shot("search");
            ctl_.drafts().search.clear();
            ctl_.apply(intent::Search{""});
        }
        ctl_.apply(intent::ClosePlayer{});
    }

    // The record view with the microphones as this machine's sound server lists them, the default
    // one's level meter live; then the recording bar.
    void record_scenes() {
        const AppState& s = ctl_.state();
        ctl_.apply(intent::Navigate{Screen::record});
        settle();
        wait_for(
            [&] {
                const recorder::MicLevel& l = s.record.level;
                return l.state == recorder::MicLevel::State::failed ||
                       (l.state == recorder::MicLevel::State::live && l.readings > 2);
            },
            3000);
        shot("record");
        if (!record_bar()) ++failures_;
    }

    // Waits `ms`, keeping the frontend in step (the bar's new size arrives meanwhile).
    void wait_ms(int ms) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (std::chrono::steady_clock::now() < until) {
            window_.wait_events(20, [](const SDL_Event&) {});
            f_.sync();
        }
    }

    // The recording bar: a real recording of this screen, a few seconds long, then discarded (it never
    // enters the library). Without a sound server it records without the microphone, and says so.
    bool record_bar() {
        const AppState& s = ctl_.state();
        RecordForm& form = ctl_.drafts().record;
        form.title = "Deploying the billing service";
        form.countdown = 0;
        if (!s.record.mics_error.empty()) {
            std::fprintf(stderr, "walkthrough: no microphone for the recording bar (%s); it records without one\n",
                         s.record.mics_error.c_str());
            form.mic_choice = 2;
        }
        const int first_banner = s.next_banner_id;
        ctl_.apply(intent::StartRecording{});
        ctl_.settle(30'000);
        bool ok = s.record.phase == RecordPhase::recording;
        if (ok) {
            wait_ms(3000);  // some seconds, bytes and voice on the bar
            shot("recording-bar");
            ctl_.apply(intent::DiscardRecording{});
            ctl_.settle(30'000);
        } else {
            std::fprintf(stderr, "walkthrough: the recording bar cannot be shown: %s\n", s.record.error.c_str());
        }
        // The notices it raised ("discarded") are dismissed, as a person would.
        std::vector<int> raised;
        for (const Banner& b : s.banners)
            if (b.id >= first_banner) raised.push_back(b.id);
        for (int banner : raised) ctl_.apply(intent::DismissBanner{banner});
        form.title.clear();
        wait_ms(100);  // back to the whole window
        return ok;
    }

    app::GlWindow& window_;
    const RunOptions& options_;
    Controller ctl_;
    Frontend f_;
    int failures_ = 0;
};

}  // namespace

int run_screenshots(app::GlWindow& window, const RunOptions& options) {
    std::error_code ec;
    fs::create_directories(options.screenshots, ec);
    Screenshots shots(window, options);
    return shots.run();
}

}  // namespace wt::ui
