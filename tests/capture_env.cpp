#include "tests/capture_env.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <fmt/format.h>

extern char** environ;

namespace wt::test {

namespace {
bool wait_for(const std::filesystem::path& p, int ms) {
    for (int i = 0; i < ms / 50; ++i) {
        std::error_code ec;
        if (std::filesystem::exists(p, ec)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}
}  // namespace

void ChildProcess::start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::filesystem::path& log) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : env) merged[k] = v;
    std::vector<std::string> env_strings, args = argv;
    for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    for (auto& s : args) argp.push_back(s.data());
    argp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawnp(&pid_, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(rc == 0, "cannot start " << argv[0] << " (is it installed? scripts/setup.sh installs it)");
}

int ChildProcess::wait() {
    int status = 0;
    REQUIRE(::waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ChildProcess::running() const {
    return pid_ > 0 && ::kill(pid_, 0) == 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0;
}

void ChildProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 40; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

VirtualScreen::VirtualScreen(const std::string& size) {
    // A display number nobody uses: no lock file and no socket.
    // The names are built with fmt::format: GCC 12 at -O3 warns falsely (-Wrestrict, a memcpy of 2^63
    // bytes) about `"literal" + std::string` once its operator+ is inlined.
    int n = 140 + static_cast<int>(::getpid() % 200);
    for (;; ++n) {
        if (!std::filesystem::exists(fmt::format("/tmp/.X{}-lock", n)) &&
            !std::filesystem::exists(fmt::format("/tmp/.X11-unix/X{}", n)))
            break;
    }
    display = fmt::format(":{}", n);
    xvfb.start({"Xvfb", display, "-screen", "0", size, "-nolisten", "tcp", "-noreset"}, {}, dir / "xvfb.log");
    REQUIRE_MESSAGE(wait_for(fmt::format("/tmp/.X11-unix/X{}", n), 10'000),
                    "Xvfb did not start: " << read_file(dir / "xvfb.log"));
}

RunResult x_client(const VirtualScreen& screen, const std::vector<std::string>& argv) {
    auto r = run(argv, {{"DISPLAY", screen.display}});
    REQUIRE_MESSAGE(r.exit_code == 0, argv[0] << " failed (scripts/setup.sh installs it): " << r.err);
    return r;
}

FlatWindow::FlatWindow(const VirtualScreen& screen, const std::string& colour, const std::string& geometry) {
    const std::string title = "wt-flat-" + colour + "-" + std::to_string(::getpid());
    xterm.start({"xterm", "-T", title, "-geometry", geometry, "-bg", colour, "-fg", colour, "-cr", colour, "-e",
                 "sleep", "600"},
                {{"DISPLAY", screen.display}}, screen.dir / (title + ".log"));
    for (int i = 0; i < 100 && id.empty(); ++i) {
        auto r = run({"xdotool", "search", "--name", title}, {{"DISPLAY", screen.display}});
        if (r.exit_code == 0 && !r.out.empty())
            id = r.out.substr(0, r.out.find('\n'));
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE_MESSAGE(!id.empty(), "the xterm window did not appear: " << read_file(screen.dir / (title + ".log")));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // mapped and painted
}

VirtualMicrophone::VirtualMicrophone() {
    const auto socket = dir / "native";
    server = "unix:" + socket.string();
    daemon.start(
        {"pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1", "--realtime=false",
         "--high-priority=false", "--disallow-exit", "--use-pid-file=false", "--log-target=stderr", "--log-level=warn",
         "-L", "module-native-protocol-unix socket=" + socket.string() + " auth-anonymous=1", "-L",
         "module-null-sink sink_name=test_mic rate=48000 channels=1", "-L", "module-always-sink"},
        {{"XDG_RUNTIME_DIR", dir.path.string()}, {"HOME", dir.path.string()}}, dir / "pulse.log");
    REQUIRE_MESSAGE(wait_for(socket, 10'000), "PulseAudio did not start: " << read_file(dir / "pulse.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the socket appears before modules finish loading
}

nlohmann::json probe(const std::filesystem::path& file) {
    auto r = run({"ffprobe", "-v", "error", "-show_entries",
                  "format=duration:stream=codec_name,codec_type,duration,color_space,color_range,color_primaries",
                  "-of", "json", file.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

void check_decodes_cleanly(const std::filesystem::path& file) {
    auto r = run({"ffmpeg", "-nostdin", "-v", "error", "-i", file.string(), "-f", "null", "-"});
    CHECK(r.exit_code == 0);
    CHECK_MESSAGE(r.err.empty(), r.err);
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) out.push_back(e.path());
    return out;
}

std::map<std::string, double> area_stats(const std::filesystem::path& file, double seconds, int x, int y, int w,
                                         int h) {
    auto r =
        run({"ffmpeg", "-nostdin", "-v", "info", "-ss", std::to_string(seconds), "-i", file.string(), "-frames:v", "1",
             "-vf", fmt::format("crop={}:{}:{}:{},signalstats,metadata=print", w, h, x, y), "-f", "null", "-"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::map<std::string, double> out;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        const auto key = line.find("lavfi.signalstats.");
        const auto eq = line.find('=', key);
        // The first picture's only: ffmpeg filters the next one too before it stops.
        if (key != std::string::npos && eq != std::string::npos) {
            out.try_emplace(line.substr(key + 18, eq - key - 18), std::stod(line.substr(eq + 1)));
        }
    }
    REQUIRE(out.count("YMAX") == 1);
    return out;
}

double red_from(const std::filesystem::path& file, int x, int y, int w, int h) {
    auto r = run({"ffmpeg", "-nostdin", "-v", "info", "-i", file.string(), "-vf",
                  fmt::format("crop={}:{}:{}:{},signalstats,metadata=print:key=lavfi.signalstats.VAVG", w, h, x, y),
                  "-f", "null", "-"});
    REQUIRE(r.exit_code == 0);
    double t = 0;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        if (auto p = line.find("pts_time:"); p != std::string::npos) t = std::stod(line.substr(p + 9));
        if (auto p = line.find("VAVG="); p != std::string::npos && std::stod(line.substr(p + 5)) > 200) return t;
    }
    return -1;
}

std::vector<double> packet_times(const std::filesystem::path& file, const std::string& stream) {
    auto r = run({"ffprobe", "-v", "error", "-select_streams", stream, "-show_entries", "packet=pts_time", "-of",
                  "csv=p=0", file.string()});
    REQUIRE(r.exit_code == 0);
    std::vector<double> t;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) t.push_back(std::stod(line));
    }
    std::sort(t.begin(), t.end());
    return t;
}

double largest_gap(const std::filesystem::path& file, const std::string& stream) {
    const std::vector<double> t = packet_times(file, stream);
    REQUIRE(t.size() > 10);
    double gap = 0;
    for (size_t i = 1; i < t.size(); ++i) gap = std::max(gap, t[i] - t[i - 1]);
    return gap;
}

}  // namespace wt::test
