#pragma once
// A private screen and microphone for capture tests: Xvfb on a free display number and a
// PulseAudio daemon with a null sink (its .monitor source is the microphone). Each is stopped by
// the PID this process started, never by name.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/support.hpp"

namespace wt::test {

class ChildProcess {
public:
    ChildProcess() = default;
    // Starts argv with extra environment; stdout/stderr go to `log`.
    void start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::filesystem::path& log);
    ~ChildProcess() { stop(); }
    // SIGTERM, then SIGKILL after 2 s; always reaped.
    void stop();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    pid_t pid() const { return pid_; }
    // Waits for the process to end; its exit status (128 + signal when killed).
    int wait();
    bool running() const;

private:
    pid_t pid_ = -1;
};

struct VirtualScreen {
    TempDir dir;
    std::string display;  // ":N"
    ChildProcess xvfb;
    explicit VirtualScreen(const std::string& size = "1280x720x24");
};

struct VirtualMicrophone {
    TempDir dir;
    std::string server;  // PULSE_SERVER value
    ChildProcess daemon;
    VirtualMicrophone();
    std::map<std::string, std::string> env() const { return {{"PULSE_SERVER", server}}; }
};

}  // namespace wt::test
