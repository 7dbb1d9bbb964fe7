#pragma once
// What the suites share: scratch folders, generated clips, and running the real binary.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wt::test {

// A fresh folder under $TMPDIR, removed with everything in it at scope exit.
struct TempDir {
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path path;
    std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

// A small tmpfs mounted on a scratch folder, for a full disk (root is needed to mount; CI runs as
// root). Unmounted at scope exit.
struct SmallDisk {
    TempDir dir;
    explicit SmallDisk(const std::string& size);
    ~SmallDisk();
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;
};

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    nlohmann::json json() const;  // parses `out`; fails the test if it is not JSON
};

// Runs a program with arguments (no shell), extra environment variables, and no stdin.
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
// Runs the walkthrough binary built with this tree. WALKTHROUGH_LIBRARY and WALKTHROUGH_USER
// from the caller's environment are dropped so a test never touches a real library.
RunResult walkthrough(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
std::string binary_path();

// A library in a scratch folder, driven through the binary.
struct CliLibrary {
    TempDir dir;
    std::filesystem::path root() const { return dir / "lib"; }
    // `walkthrough --library ROOT [--as AS] ARGS...`
    RunResult run(std::vector<std::string> args, const std::string& as = {}) const;
    // The same with --json; requires success and returns the parsed output.
    nlohmann::json ok(std::vector<std::string> args, const std::string& as = {}) const;
    // File names in <library>/media, sorted.
    std::vector<std::string> media_files() const;
};

// Runs the ffmpeg CLI quietly with `args` (after -y: overwriting); REQUIRE fails with its errors when
// it fails.
void ffmpeg(const std::vector<std::string>& args);

// A short H.264 clip (+ AAC tone unless audio=false) made with the ffmpeg CLI at test time.
std::filesystem::path make_clip(const std::filesystem::path& dir, const std::string& name, double seconds,
                                const std::string& size = "320x240", bool audio = true);

std::string read_file(const std::filesystem::path& p);
inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}
void write_file(const std::filesystem::path& p, const std::string& bytes);

}  // namespace wt::test
