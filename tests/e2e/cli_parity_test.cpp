// One catalog story, told twice through the binary: once on a library folder, once on a team
// server (`walkthrough serve` on a loopback port, each person on a computer of their own connected
// with an invite, every command with `--library team`). Both tellings must give the same outputs —
// the same JSON for every command and the same exit codes — once what is by nature different is set
// aside: ids and times (each run makes its own; they are numbered by first appearance) and where
// files are kept (a folder's paths; a server never says). Roles are not part of the story: a folder
// is one computer's and lets whoever opens it do anything, where the server refuses a member an
// admin's or an author's action (cli_remote_test and the serve_* suites test those refusals).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;
namespace fs = std::filesystem;

namespace {

// Where the story is told: run `args` as `person`.
class Teller {
public:
    virtual ~Teller() = default;
    virtual RunResult run(std::vector<std::string> args, const std::string& person) = 0;
};

class OnFolder final : public Teller {
public:
    RunResult run(std::vector<std::string> args, const std::string& person) override {
        args.insert(args.begin(), "--json");
        return lib_.run(args, person);
    }

private:
    CliLibrary lib_;
};

// The server's library is run by its operator (its first person, the admin); the story's first
// person is invited as an admin, the others as members, each when they first act.
class OnServer final : public Teller {
public:
    OnServer() : server_(std::make_unique<Served>(lib_)) {}
    RunResult run(std::vector<std::string> args, const std::string& person) override {
        args.insert(args.begin(), {"--json", "--library", "team"});
        return computer(person).run(args);
    }

private:
    const Laptop& computer(const std::string& person) {
        auto found = computers_.find(person);
        if (found != computers_.end()) return *found->second;
        auto laptop = std::make_unique<Laptop>();
        std::vector<std::string> invite{"--json", "people", "invite", person};
        if (computers_.empty()) invite.insert(invite.end(), {"--role", "admin"});
        auto inv = lib_.run(invite);
        REQUIRE_MESSAGE(inv.exit_code == 0, inv.err);
        auto c = laptop->run({"connect", server_->url, inv.json().at("code"), "--name", "team"});
        REQUIRE_MESSAGE(c.exit_code == 0, c.err);
        return *computers_.emplace(person, std::move(laptop)).first->second;
    }

    CliLibrary lib_;
    std::unique_ptr<Served> server_;
    std::map<std::string, std::unique_ptr<Laptop>> computers_;
};

// What a command gave, with ids and times numbered by first appearance and file locations left out.
struct Said {
    std::string command;
    int exit_code = 0;
    json out;
    bool operator==(const Said&) const = default;
};

class Normaliser {
public:
    json operator()(json j) {
        if (j.is_object()) {
            json o = json::object();
            for (auto& [k, v] : j.items()) {
                if (k == "media_path" || k == "thumbnail_path" || k == "media_file") continue;
                if (k == "age_ms") {  // how long ago, as the command ran
                    o[k] = "<age>";
                    continue;
                }
                const bool names_id = k == "id" || k.ends_with("_id");
                o[k] = names_id && v.is_string() ? json(id(v.get<std::string>())) : (*this)(v);
            }
            return o;
        }
        if (j.is_array()) {
            for (auto& e : j) e = (*this)(e);
            return j;
        }
        if (j.is_string()) {
            const std::string s = j.get<std::string>();
            if (std::regex_match(s, iso_time_)) return "<time>";
            if (auto found = ids_.find(s); found != ids_.end()) return found->second;
        }
        return j;
    }
    std::string id(const std::string& real) {
        auto [it, added] = ids_.emplace(real, "");
        if (added) it->second = "<id " + std::to_string(ids_.size()) + ">";
        return it->second;
    }

private:
    std::map<std::string, std::string> ids_;
    std::regex iso_time_{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)"};
};

// The story: import, comments and threads, the inbox, people, assignments, watching, list filters,
// search, edit, chapters, export, delete — what every command printed (for export, what the
// sidecar says and whether the video is the clip's bytes, into `export_dir`).
std::vector<Said> tell(Teller& t, const fs::path& clip, const fs::path& other_clip, const fs::path& export_dir) {
    std::vector<Said> said;
    Normaliser norm;
    auto say = [&](const std::string& person, std::vector<std::string> args) {
        auto r = t.run(args, person);
        std::string command = person + ":";
        for (const auto& a : args) command += " " + a;
        Said s{command, r.exit_code, json()};
        if (r.exit_code == 0) {
            auto j = json::parse(r.out, nullptr, false);
            REQUIRE_MESSAGE(!j.is_discarded(), command << " printed no JSON: " << r.out << r.err);
            s.out = norm(j);
        }
        said.push_back(s);
        return r.exit_code == 0 ? json::parse(r.out) : json();
    };
    const std::string id = say("dana", {"import", clip.string(), "--title", "Onboarding basics", "--kind",
                                        "training", "--tag", "x", "--tag", "y"})
                               .at("id");
    const std::string other = say("alice", {"import", other_clip.string(), "--title", "Quarterly numbers", "--tag",
                                            "finance"})
                                  .at("id");
    say("dana", {"list"});
    say("dana", {"show", id});
    const std::string q = say("alice", {"comment", id, "--at", "0:03", "Why does the giraffe appear here?"}).at("id");
    say("dana", {"inbox"});
    const std::string a = say("dana", {"comment", id, "--reply-to", q, "It shows the welcome screen."}).at("id");
    say("alice", {"inbox"});
    say("dana", {"resolve", a});
    say("dana", {"comments", id});
    say("dana", {"people", "add", "bob"});
    say("dana", {"assign", id, "--to", "bob", "--due", "2020-01-01"});
    say("dana", {"assignments", "--overdue"});
    say("bob", {"progress", id, "--from", "0", "--to", "3"});
    say("bob", {"progress", id, "--from", "2.5", "--to", "6"});
    say("dana", {"assignments", "--person", "bob"});
    say("carol", {"watched", id});
    say("dana", {"show", id});
    say("dana", {"list", "--kind", "training"});
    say("dana", {"list", "--tag", "finance"});
    say("dana", {"list", "--author", "alice"});
    say("bob", {"list", "--unwatched"});
    say("dana", {"list", "--assigned-to", "bob"});
    say("dana", {"search", "giraffe"});
    say("dana", {"search", "onbo"});
    say("dana", {"edit", id, "--title", "Payroll basics", "--kind", "walkthrough", "--add-tag", "hr", "--remove-tag",
                 "x"});
    say("dana", {"search", "payr"});
    say("dana", {"chapter", id, "--at", "0:01", "Intro"});
    say("dana", {"chapters", id});
    {
        auto r = t.run({"export", id, export_dir.string()}, "dana");
        Said s{"dana: export", r.exit_code, json()};
        if (r.exit_code == 0) {
            auto files = json::parse(r.out);
            s.out = {{"sidecar", norm(json::parse(read_file(files.at("sidecar").get<std::string>())))},
                     {"video_is_the_clip", read_file(files.at("media").get<std::string>()) == read_file(clip)}};
        }
        said.push_back(s);
    }
    say("dana", {"delete", id});
    say("dana", {"list"});
    say("dana", {"show", id});  // gone
    say("dana", {"show", other});
    return said;
}

}  // namespace

TEST_CASE("the catalog story on a folder and on a team server gives the same outputs") {
    TempDir clips;
    const auto clip = make_clip(clips.path, "onboarding.mp4", 6);
    const auto other_clip = make_clip(clips.path, "numbers.mp4", 1, "160x120", false);
    TempDir exported_here, exported_there;
    OnFolder folder;
    OnServer server;
    const auto here = tell(folder, clip, other_clip, exported_here.path);
    const auto there = tell(server, clip, other_clip, exported_there.path);
    REQUIRE(here.size() == there.size());
    for (size_t i = 0; i < here.size(); ++i) {
        INFO(here[i].command);
        CHECK(here[i].exit_code == there[i].exit_code);
        CHECK(here[i].out.dump(1) == there[i].out.dump(1));
    }
    // The story did what it says (not two identical failures).
    CHECK(here[0].exit_code == 0);
    CHECK(here[0].out.at("title") == "Onboarding basics");
    CHECK(here.back().out.at("title") == "Quarterly numbers");
    CHECK(here[here.size() - 2].exit_code == 3);  // the deleted recording is not found
    const auto exported =
        std::find_if(here.begin(), here.end(), [](const Said& s) { return s.command == "dana: export"; });
    REQUIRE(exported != here.end());
    CHECK(exported->out.at("video_is_the_clip") == true);
    CHECK(exported->out.at("sidecar").at("title") == "Payroll basics");
    CHECK(exported->out.at("sidecar").at("chapters").size() == 1);
    CHECK(exported->out.at("sidecar").at("comments").size() == 2);
}
