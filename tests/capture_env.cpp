#include "tests/capture_env.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

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

bool ChildProcess::running() const { return pid_ > 0 && ::kill(pid_, 0) == 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

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
    int n = 140 + static_cast<int>(::getpid() % 200);
    for (;; ++n) {
        if (!std::filesystem::exists("/tmp/.X" + std::to_string(n) + "-lock") &&
            !std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(n)))
            break;
    }
    display = ":" + std::to_string(n);
    xvfb.start({"Xvfb", display, "-screen", "0", size, "-nolisten", "tcp", "-noreset"}, {}, dir / "xvfb.log");
    REQUIRE_MESSAGE(wait_for("/tmp/.X11-unix/X" + std::to_string(n), 10'000), "Xvfb did not start: "
                                                                              << read_file(dir / "xvfb.log"));
}

VirtualMicrophone::VirtualMicrophone() {
    const auto socket = dir / "native";
    server = "unix:" + socket.string();
    daemon.start({"pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1", "--realtime=false",
                  "--high-priority=false", "--disallow-exit", "--use-pid-file=false", "--log-target=stderr",
                  "--log-level=warn", "-L", "module-native-protocol-unix socket=" + socket.string() + " auth-anonymous=1",
                  "-L", "module-null-sink sink_name=test_mic rate=48000 channels=1", "-L", "module-always-sink"},
                 {{"XDG_RUNTIME_DIR", dir.path.string()}, {"HOME", dir.path.string()}}, dir / "pulse.log");
    REQUIRE_MESSAGE(wait_for(socket, 10'000), "PulseAudio did not start: " << read_file(dir / "pulse.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the socket appears before modules finish loading
}

}  // namespace wt::test
