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

// An X client run on a VirtualScreen (xdotool, xterm): its result, or REQUIRE fails.
RunResult x_client(const VirtualScreen& screen, const std::vector<std::string>& argv);

// A window of one flat colour on a VirtualScreen: an xterm whose text, cursor and background
// are all `colour`, `geometry` as xterm takes it ("20x5+400+300": characters, then pixels).
struct FlatWindow {
    ChildProcess xterm;
    std::string id;  // as xdotool prints it
    FlatWindow(const VirtualScreen& screen, const std::string& colour, const std::string& geometry);
};

struct VirtualMicrophone {
    TempDir dir;
    std::string server;  // PULSE_SERVER value
    ChildProcess daemon;
    VirtualMicrophone();
    std::map<std::string, std::string> env() const { return {{"PULSE_SERVER", server}}; }
};

// What the capture tests read back from recordings (ffprobe and ffmpeg).

// ffprobe's view of a file: stream codec names and durations, colour tags.
nlohmann::json probe(const std::filesystem::path& file);
// Whether the whole file decodes without a single error message (CHECKs).
void check_decodes_cleanly(const std::filesystem::path& file);
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir);
// The times (s) of one stream's packets ("v" or "a"), in order.
std::vector<double> packet_times(const std::filesystem::path& file, const std::string& stream);
// The largest gap between consecutive packets of one stream, in seconds (needs > 10 packets).
double largest_gap(const std::filesystem::path& file, const std::string& stream);
// signalstats (YAVG, YMAX, UAVG, VAVG, ...) of the w x h rectangle at (x, y) of the picture shown
// at `seconds`.
std::map<std::string, double> area_stats(const std::filesystem::path& file, double seconds, int x, int y, int w, int h);
// The first time (s) at which the w x h rectangle at (x, y) turns red (Cr > 200), or -1.
double red_from(const std::filesystem::path& file, int x, int y, int w, int h);

}  // namespace wt::test
