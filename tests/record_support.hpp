#pragma once
// Recording through the binary in the background (cli_record_test, recovery_test): sources paced as
// devices are, what `record --json` printed, the files in incoming/.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/capture_env.hpp"
#include "tests/support.hpp"

namespace wt::test {

// A moving picture and a tone from lavfi, for record's --video-input and --audio-input.
inline const std::string k_moving = "lavfi:testsrc2=size=640x360:rate=30";
inline const std::string k_tone = "lavfi:sine=frequency=440:sample_rate=48000";

// `walkthrough --library ROOT [--as AS] --json record ARGS...` in the background, with more environment
// (DISPLAY, PULSE_SERVER); the library and the person are never taken from the test's environment.
// Its stdout and stderr go to `log` in the library's scratch folder.
void start_record(ChildProcess& rec, const CliLibrary& lib, const std::vector<std::string>& args,
                  std::map<std::string, std::string> env = {}, const std::string& log = "out.json",
                  const std::string& as = {});

// start_record, then waits (up to 5 s) until its file is in incoming/ (one that was not there
// before); REQUIREs that it came. A test that acts at a moment of the recording starts counting
// then, not while the binary is still loading (which takes over a second under ASan on a busy machine).
void start_record_into_incoming(ChildProcess& rec, const CliLibrary& lib, const std::vector<std::string>& args,
                                std::map<std::string, std::string> env = {}, const std::string& log = "out.json",
                                const std::string& as = {});

// The JSON a background `--json record` printed to `log` (its stderr went there too, so warnings may
// come first).
nlohmann::json record_output(const CliLibrary& lib, const std::string& log = "out.json");

// The files in `dir` whose extension is `ext` (".mkv": the recordings in incoming/).
std::vector<std::filesystem::path> with_extension(const std::filesystem::path& dir, const std::string& ext);

}  // namespace wt::test
