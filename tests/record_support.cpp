#include "tests/record_support.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <doctest/doctest.h>

namespace wt::test {

void start_record(ChildProcess& rec, const CliLibrary& lib, const std::vector<std::string>& args,
                  std::map<std::string, std::string> env, const std::string& log, const std::string& as) {
    std::vector<std::string> argv{binary_path(), "--library", lib.root().string()};
    if (!as.empty()) argv.insert(argv.end(), {"--as", as});
    argv.insert(argv.end(), {"--json", "record"});
    argv.insert(argv.end(), args.begin(), args.end());
    env["WALKTHROUGH_LIBRARY"] = "";
    env["WALKTHROUGH_USER"] = "";
    rec.start(argv, env, lib.dir / log);
}

void start_record_into_incoming(ChildProcess& rec, const CliLibrary& lib, const std::vector<std::string>& args,
                                std::map<std::string, std::string> env, const std::string& log, const std::string& as) {
    const auto before = with_extension(lib.root() / "incoming", ".mkv");
    auto started = [&] {
        for (const auto& p : with_extension(lib.root() / "incoming", ".mkv")) {
            if (std::find(before.begin(), before.end(), p) == before.end()) return true;
        }
        return false;
    };
    start_record(rec, lib, args, std::move(env), log, as);
    for (int i = 0; i < 250 && !started(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(started());
}

nlohmann::json record_output(const CliLibrary& lib, const std::string& log) {
    const std::string out = read_file(lib.dir / log);
    const auto brace = out.find('{');
    REQUIRE_MESSAGE(brace != std::string::npos, out);
    return nlohmann::json::parse(out.substr(brace));
}

std::vector<std::filesystem::path> with_extension(const std::filesystem::path& dir, const std::string& ext) {
    std::vector<std::filesystem::path> out;
    for (const auto& p : files_in(dir)) {
        if (p.extension() == ext) out.push_back(p);
    }
    return out;
}

}  // namespace wt::test
