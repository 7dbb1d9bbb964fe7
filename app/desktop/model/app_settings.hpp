#pragma once
// The desktop app's own preferences (library folder, acting person, default quality and
// microphone), kept as JSON outside any library: $XDG_CONFIG_HOME/walkthrough/desktop.json, else
// ~/.config/walkthrough/desktop.json. Thread-safety: plain file I/O; the app calls it on the worker.
#include <filesystem>

#include "app/desktop/model/model.hpp"
#include "common/result.hpp"

namespace wt::ui {

std::filesystem::path default_settings_file();
// A missing file gives the defaults; a damaged one is an error (and the defaults are used).
Result<AppSettings> load_settings(const std::filesystem::path& file);
// Written to a temporary file and renamed over the old one.
Result<void> save_settings(const std::filesystem::path& file, const AppSettings& settings);

}  // namespace wt::ui
