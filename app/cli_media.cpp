// probe, doctor, settings
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/json_out.hpp"
#include "avkit/media_info.hpp"

namespace wt::app {

namespace {

struct Check {
    std::string name;
    bool ok = false;
    bool required = true;
    std::string detail;
    std::string fix;
};

Check check_display() {
    Check c{"display", false, false, "", ""};
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display) {
        c.detail = "DISPLAY is not set";
        c.fix = "run inside an X11 session (or start Xvfb and set DISPLAY) to record the screen or open the app";
        return c;
    }
    std::string d = display;
    // Local displays (":N" or ":N.S") are reached through /tmp/.X11-unix/XN.
    if (d[0] == ':') {
        std::string number = d.substr(1, d.find('.') == std::string::npos ? std::string::npos : d.find('.') - 1);
        std::error_code ec;
        if (!std::filesystem::exists("/tmp/.X11-unix/X" + number, ec)) {
            c.detail = fmt::format("DISPLAY={} but no X server listens there", d);
            c.fix = "start the X server, or set DISPLAY to a running one";
            return c;
        }
    }
    c.ok = true;
    c.detail = "DISPLAY=" + d;
    return c;
}

Check check_microphone() {
    Check c{"microphone", false, false, "", ""};
    if (const char* server = std::getenv("PULSE_SERVER"); server && *server) {
        c.ok = true;
        c.detail = fmt::format("PULSE_SERVER={}", server);
        return c;
    }
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::filesystem::path socket =
        std::filesystem::path(runtime && *runtime ? runtime : fmt::format("/run/user/{}", getuid())) / "pulse/native";
    std::error_code ec;
    if (std::filesystem::exists(socket, ec)) {
        c.ok = true;
        c.detail = "PulseAudio at " + socket.string();
    } else {
        c.detail = "no PulseAudio server found (" + socket.string() + " is missing)";
        c.fix = "start PulseAudio (or PipeWire's pulse server), or record with --no-mic";
    }
    return c;
}

}  // namespace

void add_media_commands(CLI::App& app, Action& action) {
    {
        auto file = std::make_shared<std::string>();
        auto* cmd = app.add_subcommand("probe", "Show a video file's duration, streams and codecs");
        cmd->add_option("file", *file, "Video file")->required();
        cmd->callback([file, &action] {
            action = [file](CliContext& ctx) -> Result<void> {
                auto info = av::probe(*file);
                if (!info) return std::unexpected(info.error());
                std::string h = fmt::format("{}\n  container  {}\n  duration   {} ({} ms)\n  size       {}\n", *file,
                                            info->container, format_moment(info->duration_ms), info->duration_ms,
                                            human_size(info->size_bytes));
                for (const auto& s : info->streams) {
                    h += fmt::format("  stream {}   {} {}", s.index, s.type, s.codec);
                    if (s.type == "video")
                        h += fmt::format(" {}x{} {:.3g} fps {}", s.width, s.height, s.frame_rate, s.pixel_format);
                    if (s.type == "audio") h += fmt::format(" {} Hz {} ch", s.sample_rate, s.channels);
                    if (!s.decodable) h += " (cannot be decoded)";
                    h += '\n';
                }
                ctx.emit(to_json(*info), h);
                // DESIGN.md §7: a file without usable video is an error for probe too, after showing what it holds.
                if (!info->has_decodable_video) {
                    return fail(ErrorCode::bad_media,
                                fmt::format("'{}' has no video that can be decoded; walkthrough cannot use it", *file));
                }
                return {};
            };
        });
    }
    {
        auto* cmd = app.add_subcommand("doctor", "Check the library, encoders, display and microphone");
        cmd->callback([&action] {
            action = [](CliContext& ctx) -> Result<void> {
                std::vector<Check> checks;
                Check lib_check{"library", false, true, "", ""};
                auto lib = ctx.open();
                if (lib) {
                    auto s = (*lib)->stats();
                    if (s) {
                        lib_check.ok = true;
                        lib_check.detail = fmt::format("{} · schema {} · {} recordings ({}) · {} comments · {} people · "
                                                       "acting as {}",
                                                       s->root.string(), s->schema_version, s->recordings,
                                                       human_size(s->media_bytes), s->comments, s->people,
                                                       (*lib)->me().name);
                    } else {
                        lib_check.detail = s.error().message;
                    }
                } else {
                    lib_check.detail = lib.error().message;
                    lib_check.fix = "choose a writable folder with --library or WALKTHROUGH_LIBRARY";
                }
                checks.push_back(lib_check);
                struct Enc {
                    const char* name;
                    bool required;
                    const char* use;
                };
                for (Enc e : {Enc{"libx264", true, "H.264 video for recordings"},
                              Enc{"libopus", true, "Opus voice for recordings"}, Enc{"mjpeg", true, "thumbnails"},
                              Enc{"aac", false, "AAC audio (fallback)"}, Enc{"libsvtav1", false, "AV1 (optional)"}}) {
                    Check c{std::string("encoder ") + e.name, av::has_encoder(e.name), e.required, e.use, ""};
                    if (!c.ok) c.fix = "install Debian's libavcodec59 with its codec libraries (apt install libavcodec-extra59)";
                    checks.push_back(c);
                }
                checks.push_back(check_display());
                checks.push_back(check_microphone());

                bool healthy = true;
                nlohmann::json j = nlohmann::json::array();
                std::string h;
                for (const auto& c : checks) {
                    if (c.required && !c.ok) healthy = false;
                    j.push_back({{"check", c.name}, {"ok", c.ok}, {"required", c.required}, {"detail", c.detail},
                                 {"fix", c.fix.empty() ? nlohmann::json() : nlohmann::json(c.fix)}});
                    h += fmt::format("{}  {}  {}{}\n", c.ok ? "ok  " : (c.required ? "FAIL" : "warn"), fit(c.name, 18),
                                     c.detail, c.fix.empty() ? "" : "\n                          fix: " + c.fix);
                }
                ctx.emit({{"healthy", healthy}, {"checks", j}}, h);
                if (!healthy) return fail(ErrorCode::internal, "some required checks failed (see above)");
                return {};
            };
        });
    }
    {
        auto window = std::make_shared<std::optional<int>>();
        auto* cmd = app.add_subcommand("settings", "Show or change library settings");
        cmd->add_option("--response-window", *window, "Hours within which a comment should get an answer (default 24)");
        cmd->callback([window, &action] {
            action = [window](CliContext& ctx) -> Result<void> {
                auto lib = ctx.open();
                if (!lib) return std::unexpected(lib.error());
                if (*window) {
                    if (auto r = (*lib)->set_response_window_hours(**window); !r) return r;
                }
                auto s = (*lib)->stats();
                if (!s) return std::unexpected(s.error());
                ctx.emit({{"library", s->root.string()},
                          {"schema_version", s->schema_version},
                          {"response_window_hours", s->response_window_hours},
                          {"acting_as", (*lib)->me().name}},
                         fmt::format("library           {}\nresponse window   {} h\nacting as         {}",
                                     s->root.string(), s->response_window_hours, (*lib)->me().name));
                return {};
            };
        });
    }
}

}  // namespace wt::app
