// probe, doctor, settings
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "avkit/media_info.hpp"
#include "catalog/json_shapes.hpp"
#include "recorder/recorder.hpp"

namespace wt::app {

namespace {

// "4G", "500M", "64k" or a number of bytes: binary multiples, as human_size shows them.
Result<std::int64_t> parse_byte_size(const std::string& text) {
    auto bad = [&] {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a size; give bytes or a number with K, M or G, e.g. 4G or 500M", text));
    };
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data() || value < 0) return bad();
    std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
    int shift = 0;
    if (unit == "k" || unit == "K")
        shift = 10;
    else if (unit == "m" || unit == "M")
        shift = 20;
    else if (unit == "g" || unit == "G")
        shift = 30;
    else if (!unit.empty())
        return bad();
    if (value > (std::int64_t{1} << (62 - shift))) return bad();
    return value << shift;
}

struct Check {
    std::string name;
    bool ok = false;
    bool required = true;
    std::string detail;
    std::string fix;
};

// Recordings that did not reach the library: set aside (undecodable) or waiting for a retry.
Check incoming_check(const std::filesystem::path& root) {
    const auto aside = set_aside_recordings(root);
    const auto waiting = recorder::interrupted_recordings(incoming_dir(root));
    Check c{"incoming", aside.empty() && waiting.empty(), false, "no interrupted recordings waiting or set aside", ""};
    if (c.ok) return c;
    c.detail =
        fmt::format("{} set aside (could not be decoded) · {} waiting to be recovered", aside.size(), waiting.size());
    c.fix = !aside.empty() ? "`walkthrough recover --list` shows the files set aside; inspect or delete them"
                           : "`walkthrough recover` tries again and says what stops it";
    return c;
}

// The screen and microphone, opened exactly as `record` opens them.
std::vector<Check> check_capture() {
    recorder::RecordOptions defaults;
    auto sources = recorder::check_sources(defaults);
    Check screen{"display", sources.screen.has_value(), false, "", ""};
    if (sources.screen) {
        const char* display = std::getenv("DISPLAY");
        screen.detail = fmt::format("DISPLAY={}: {}", display ? display : "", *sources.screen);
    } else {
        screen.detail = sources.screen.error().message;
        screen.fix = "record and the app need an X display; start one or set DISPLAY";
    }
    Check mic{"microphone", sources.microphone.has_value(), false, "", ""};
    if (sources.microphone) {
        mic.detail = "default source: " + *sources.microphone;
    } else {
        mic.detail = sources.microphone.error().message;
        mic.fix = "start PulseAudio (or PipeWire's pulse server), or record with --no-mic";
    }
    return {screen, mic};
}

// The library's files against its catalog: recordings whose video is gone or wrong, and what
// interrupted imports left (opening the library has already removed what dead processes left).
std::vector<Check> check_library_files(catalog::Library& lib) {
    auto report = lib.check_files();
    if (!report) return {{"library files", false, true, report.error().message, ""}};
    Check videos{"recording files", report->broken.empty(), true, "", ""};
    if (videos.ok)
        videos.detail = "every recording's video is in place";
    else
        videos.detail = fmt::format("{} recording(s) cannot be played or exported:", report->broken.size());
    for (const auto& b : report->broken) videos.detail += fmt::format("\n      {}  {}", b.recording_id, b.problem);
    if (!videos.ok) videos.fix = "restore each file from a backup, or delete the entry as said";

    Check leftovers{"leftover files", report->leftovers.empty(), false, "", ""};
    std::int64_t bytes = 0;
    for (const auto& l : report->leftovers) bytes += l.bytes;
    leftovers.detail =
        leftovers.ok ? "none" : fmt::format("{} file(s), {}:", report->leftovers.size(), human_size(bytes));
    for (const auto& l : report->leftovers)
        leftovers.detail += fmt::format("\n      {}  {}", l.file.string(), l.problem);
    if (report->cleaned > 0) {
        leftovers.detail +=
            fmt::format("{}removed {} file(s), {}, left by interrupted imports or deletes",
                        leftovers.ok ? "; " : "\n      ", report->cleaned, human_size(report->cleaned_bytes));
    }
    if (!leftovers.ok) {
        leftovers.fix =
            "files of a running import go once it ends; the rest are removed the next time the library "
            "is opened, or remove them by hand";
    }
    return {videos, leftovers};
}

struct ProbeOptions {
    std::string file;
};

// What probe shows of a file: container, duration, size, then one line per stream.
std::string probe_text(const std::string& file, const av::MediaInfo& info) {
    std::string h =
        fmt::format("{}\n  container  {}\n  duration   {} ({} ms)\n  size       {}\n", one_line(file), info.container,
                    format_moment(info.duration_ms), info.duration_ms, human_size(info.size_bytes));
    for (const auto& s : info.streams) {
        h += fmt::format("  stream {}   {} {}", s.index, s.type, s.codec);
        if (s.type == "video") {
            h += fmt::format(" {}x{} {:.3g} fps {}", s.width, s.height, s.frame_rate, s.pixel_format);
            if (s.rotation || s.mirrored)
                h += fmt::format(" (shown {}turned {}°)", s.mirrored ? "mirrored and " : "", s.rotation);
        }
        if (s.type == "audio") h += fmt::format(" {} Hz {} ch", s.sample_rate, s.channels);
        if (!s.decodable) h += " (cannot be decoded)";
        h += '\n';
    }
    return h;
}

// Probe reads a file, not the library.
Result<void> run_probe(CliContext& ctx, const ProbeOptions& o) {
    auto info = av::probe(o.file);
    if (auto shown = emit_result(ctx, info, [&](const av::MediaInfo& i) { return probe_text(o.file, i); }); !shown) {
        return shown;
    }
    // A file without usable video is an error for probe too (as for import and play), after showing what it holds.
    if (!info->has_decodable_video) {
        return fail(ErrorCode::bad_media,
                    fmt::format("'{}' has no video that can be decoded; walkthrough cannot use it", one_line(o.file)));
    }
    return {};
}

void add_probe(CLI::App& app, Action& action) {
    auto o = std::make_shared<ProbeOptions>();
    auto* cmd = app.add_subcommand("probe", "Show a video file's duration, streams and codecs");
    cmd->add_option("file", o->file, "Video file")->required();
    run_when_parsed(cmd, action, o, run_probe);
}

// The library opened and counted; its failure is a failed check (with the fix), not the command's error.
Check library_check(const Result<std::unique_ptr<catalog::Library>>& lib) {
    Check c{"library", false, true, "", ""};
    if (!lib) {
        c.detail = lib.error().message;
        c.fix = "choose a writable folder with --library or WALKTHROUGH_LIBRARY";
        return c;
    }
    auto s = (*lib)->stats();
    if (!s) {
        c.detail = s.error().message;
        return c;
    }
    c.ok = true;
    c.detail = fmt::format("{} · schema {} · {} recordings ({}) · {} comments · {} people · acting as {}",
                           s->root.string(), s->schema_version, s->recordings, human_size(s->media_bytes), s->comments,
                           s->people, (*lib)->me().name);
    return c;
}

// The encoders recordings and thumbnails need, and the optional ones.
std::vector<Check> check_encoders() {
    struct Enc {
        const char* name;
        bool required;
        const char* use;
    };
    std::vector<Check> checks;
    for (Enc e : {Enc{"libx264", true, "H.264 video for recordings"}, Enc{"libopus", true, "Opus voice for recordings"},
                  Enc{"mjpeg", true, "thumbnails"}, Enc{"aac", false, "AAC audio (fallback)"},
                  Enc{"libsvtav1", false, "AV1 (optional)"}}) {
        Check c{std::string("encoder ") + e.name, av::has_encoder(e.name), e.required, e.use, ""};
        if (!c.ok) c.fix = "install Debian's libavcodec59 with its codec libraries (apt install libavcodec-extra59)";
        checks.push_back(c);
    }
    return checks;
}

// Doctor opens the library itself: a library that cannot be opened is one of the checks it reports.
Result<void> run_doctor(CliContext& ctx, const NoOptions&) {
    std::vector<Check> checks;
    auto lib = ctx.open();
    checks.push_back(library_check(lib));
    // A team library's files are its server's to check (`doctor` there).
    const bool here = !ctx.on_team_library();
    if (lib && here) {
        for (auto& c : check_library_files(**lib)) checks.push_back(std::move(c));
    }
    if (here) checks.push_back(incoming_check(ctx.library_root()));
    for (auto& c : check_encoders()) checks.push_back(std::move(c));
    for (auto& c : check_capture()) checks.push_back(std::move(c));

    bool healthy = true;
    nlohmann::json j = nlohmann::json::array();
    std::string h;
    for (const auto& c : checks) {
        if (c.required && !c.ok) healthy = false;
        j.push_back({{"check", c.name},
                     {"ok", c.ok},
                     {"required", c.required},
                     {"detail", c.detail},
                     {"fix", c.fix.empty() ? nlohmann::json() : nlohmann::json(c.fix)}});
        h +=
            fmt::format("{}  {}  {}{}\n", c.ok ? "ok  " : (c.required ? "FAIL" : "warn"), fit(c.name, 18),
                        one_line(c.detail), c.fix.empty() ? "" : "\n                          fix: " + one_line(c.fix));
    }
    ctx.emit({{"healthy", healthy}, {"checks", j}}, h);
    if (!healthy) return fail(ErrorCode::internal, "some required checks failed (see above)");
    return {};
}

void add_doctor(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand("doctor", "Check the library, encoders, display and microphone");
    run_when_parsed(cmd, action, std::make_shared<NoOptions>(), run_doctor);
}

struct SettingsOptions {
    std::optional<int> response_window;
    std::optional<std::string> max_upload;
};

Result<void> run_settings(CliContext& ctx, const SettingsOptions& o) {
    std::optional<std::int64_t> upload_bytes;
    if (o.max_upload) {
        auto bytes = parse_byte_size(*o.max_upload);
        if (!bytes) return std::unexpected(bytes.error());
        upload_bytes = *bytes;
    }
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        if (o.response_window) {
            if (auto r = lib.set_response_window_hours(*o.response_window); !r) return r;
        }
        if (upload_bytes) {
            if (auto r = lib.set_max_upload_bytes(*upload_bytes); !r) return r;
        }
        auto s = lib.stats();
        if (!s) return std::unexpected(s.error());
        ctx.emit({{"library", s->root.string()},
                  {"schema_version", s->schema_version},
                  {"response_window_hours", s->response_window_hours},
                  {"max_upload_bytes", s->max_upload_bytes},
                  {"acting_as", lib.me().name}},
                 fmt::format("library           {}\nresponse window   {} h\nlargest upload    {}\nacting as         {}",
                             one_line(s->root.string()), s->response_window_hours, human_size(s->max_upload_bytes),
                             one_line(lib.me().name)));
        return {};
    });
}

void add_settings(CLI::App& app, Action& action) {
    auto o = std::make_shared<SettingsOptions>();
    auto* cmd = app.add_subcommand("settings", "Show or change library settings");
    cmd->add_option("--response-window", o->response_window,
                    "Hours within which a comment should get an answer (default 24)");
    cmd->add_option("--max-upload", o->max_upload,
                    "Largest video the team server takes as an upload: bytes, or with K, M or G (default 4G)");
    run_when_parsed(cmd, action, o, run_settings);
}

}  // namespace

void add_media_commands(CLI::App& app, Action& action) {
    add_probe(app, action);
    add_doctor(app, action);
    add_settings(app, action);
}

}  // namespace wt::app
