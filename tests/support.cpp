#include "tests/support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

extern char** environ;

namespace wt::test {

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/wt-test-XXXXXX";
    char* made = mkdtemp(templ.data());
    REQUIRE_MESSAGE(made != nullptr, "mkdtemp failed");
    path = made;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
}

nlohmann::json RunResult::json() const {
    auto j = nlohmann::json::parse(out, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), "stdout is not JSON: " << out << "\nstderr: " << err);
    return j;
}

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    TempDir io;
    const std::string out_file = (io.path / "out").string(), err_file = (io.path / "err").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : env) {
        if (v.empty())
            merged.erase(k);  // an empty value means "unset"
        else
            merged[k] = v;
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    for (auto& s : argv_copy) args.push_back(s.data());
    args.push_back(nullptr);

    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(rc == 0, "cannot start " << argv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out_file);
    r.err = read_file(err_file);
    return r;
}

SmallDisk::SmallDisk(const std::string& size) {
    auto r = run({"mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.path.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, "cannot mount a tmpfs (this test needs root): " << r.err);
}

SmallDisk::~SmallDisk() { run({"umount", "-l", dir.path.string()}); }

std::string binary_path() { return WT_BINARY; }

RunResult walkthrough(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    std::vector<std::string> argv{binary_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> hermetic{{"WALKTHROUGH_LIBRARY", ""}, {"WALKTHROUGH_USER", ""}};
    for (const auto& [k, v] : env) hermetic[k] = v;
    return run(argv, hermetic);
}

RunResult CliLibrary::run(std::vector<std::string> args, const std::string& as) const {
    std::vector<std::string> all{"--library", root().string()};
    if (!as.empty()) all.insert(all.end(), {"--as", as});
    all.insert(all.end(), args.begin(), args.end());
    return walkthrough(all);
}

nlohmann::json CliLibrary::ok(std::vector<std::string> args, const std::string& as) const {
    args.insert(args.begin(), "--json");
    auto r = run(args, as);
    INFO("walkthrough " << args[1] << " stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.json();
}

std::vector<std::string> CliLibrary::media_files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(root() / "media")) {
        names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

void ffmpeg(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv);
    REQUIRE_MESSAGE(r.exit_code == 0, "ffmpeg failed: " << r.err);
}

std::filesystem::path make_clip(const std::filesystem::path& dir, const std::string& name, double seconds,
                                const std::string& size, bool audio) {
    auto out = dir / name;
    std::vector<std::string> argv{"-f", "lavfi", "-i",
                                  fmt::format("testsrc2=size={}:rate=25:duration={}", size, seconds)};
    if (audio) {
        for (auto a : {"-f", "lavfi", "-i"}) argv.push_back(a);
        argv.push_back(fmt::format("sine=frequency=440:duration={}", seconds));
    }
    for (auto a : {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}) argv.push_back(a);
    if (audio)
        for (auto a : {"-c:a", "aac", "-shortest"}) argv.push_back(a);
    argv.push_back(out.string());
    ffmpeg(argv);
    return out;
}

}  // namespace wt::test
