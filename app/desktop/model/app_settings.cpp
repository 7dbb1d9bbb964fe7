#include "app/desktop/model/app_settings.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace wt::ui {

fs::path default_settings_file() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "walkthrough" / "desktop.json";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : ".") / ".config" / "walkthrough" / "desktop.json";
}

Result<AppSettings> load_settings(const fs::path& file) {
    AppSettings s;
    std::error_code ec;
    if (!fs::exists(file, ec)) return s;
    std::ifstream in(file);
    if (!in) return fail(ErrorCode::io, fmt::format("cannot read the settings file {}", file.string()));
    std::stringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return fail(ErrorCode::invalid_input,
                    fmt::format("the settings file {} is damaged; the defaults are used and saving settings "
                                "replaces it",
                                file.string()));
    s.library = j.value("library", s.library);
    s.folder = j.value("folder", s.folder);
    s.person = j.value("person", s.person);
    s.quality = j.value("quality", s.quality);
    s.mic = j.value("mic", s.mic);
    s.no_mic = j.value("no_mic", s.no_mic);
    s.denoise = j.value("denoise", s.denoise);
    return s;
}

Result<void> save_settings(const fs::path& file, const AppSettings& s) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    const nlohmann::json j{{"library", s.library}, {"folder", s.folder}, {"person", s.person},  {"quality", s.quality},
                           {"mic", s.mic},         {"no_mic", s.no_mic}, {"denoise", s.denoise}};
    fs::path part = file;
    part += ".part";
    {
        std::ofstream out(part, std::ios::trunc);
        out << j.dump(2) << '\n';
        out.flush();
        if (!out) return fail(ErrorCode::io, fmt::format("cannot write the settings file {}", part.string()));
    }
    fs::rename(part, file, ec);
    if (ec) return fail(ErrorCode::io, fmt::format("cannot save the settings as {}: {}", file.string(), ec.message()));
    return {};
}

}  // namespace wt::ui
