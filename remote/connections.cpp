// The servers this computer is connected to: one file per server in
// $XDG_CONFIG_HOME/walkthrough/servers/NAME.json, mode 0600 (it holds the token), in a folder only
// its owner may enter. A file is written whole to a temporary name, flushed and renamed over the
// old one, so a crash leaves the old file or the new one, never half of either.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "remote/private_files.hpp"
#include "remote/remote.hpp"

namespace wt::remote {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path servers_dir() { return config_dir() / "servers"; }

std::optional<SavedServer> read_server(const fs::path& file, std::string* problem) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto j = json::parse(text.str(), nullptr, false);
    auto str = [&](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
    };
    if (!in || j.is_discarded() || !j.is_object() || str("url").empty() || str("token").empty()) {
        if (problem) {
            *problem = fmt::format("'{}' is not a saved connection; remove it, or connect again with `walkthrough "
                                   "connect URL CODE --name {}`",
                                   file.string(), file.stem().string());
        }
        return std::nullopt;
    }
    SavedServer s;
    s.name = file.stem().string();
    s.url = str("url");
    s.person = str("person");
    s.access = str("access");
    s.insecure = j.contains("insecure") && j["insecure"].is_boolean() && j["insecure"].get<bool>();
    s.connected_at = j.contains("connected_at") && j["connected_at"].is_number_integer()
                         ? j["connected_at"].get<EpochMs>()
                         : 0;
    s.token = str("token");
    return s;
}

}  // namespace

Result<std::string> normalise_url(std::string_view text) {
    std::string url(text);
    const auto scheme_end = url.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    auto bad = [&](const std::string& why) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not a team server's address: {}; give it as https://HOST[:PORT], e.g. "
                                "https://walkthrough.example.org",
                                url, why));
    };
    if (scheme != "http" && scheme != "https") return bad("it must start with https:// (or http://)");
    while (url.size() > scheme_end + 3 && url.back() == '/') url.pop_back();
    const std::string rest = url.substr(scheme_end + 3);
    if (rest.empty() || rest.front() == '/') return bad("it has no host");
    if (rest.find_first_of("?#@ \t\r\n") != std::string::npos) {
        return bad("it may not carry a query, a fragment, credentials or spaces");
    }
    for (unsigned char c : rest) {
        if (c < 0x20 || c == 0x7f) return bad("it holds a control character");
    }
    return url;
}

bool looks_like_url(std::string_view text) { return text.starts_with("https://") || text.starts_with("http://"); }

fs::path config_dir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg && fs::path(xdg).is_absolute()) {
        return fs::path(xdg) / "walkthrough";
    }
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/") / ".config" / "walkthrough";
}

Result<std::string> check_server_name(std::string_view name) {
    const bool ok = !name.empty() && name.size() <= 40 && std::isalnum(static_cast<unsigned char>(name.front())) &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                    });
    if (!ok) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' cannot name a connection: use 1-40 of a-z, 0-9, '-' and '_' (e.g. --name team)",
                                std::string(name.substr(0, 80))));
    }
    return std::string(name);
}

Result<void> save_server(const SavedServer& server) {
    auto name = check_server_name(server.name);
    if (!name) return std::unexpected(name.error());
    if (auto made = private_dir(config_dir()); !made) return made;
    if (auto made = private_dir(servers_dir()); !made) return made;
    json j{{"url", server.url},
           {"person", server.person},
           {"access", server.access},
           {"insecure", server.insecure},
           {"connected_at", server.connected_at},
           {"token", server.token}};
    return write_private_file(servers_dir() / (*name + ".json"), j.dump(2) + "\n");
}

std::vector<SavedServer> saved_servers(std::vector<std::string>* problems) {
    std::vector<SavedServer> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(servers_dir(), ec)) {
        const fs::path& p = entry.path();
        if (p.extension() != ".json" || !check_server_name(p.stem().string())) continue;
        std::string problem;
        if (auto s = read_server(p, &problem)) {
            out.push_back(std::move(*s));
        } else if (problems) {
            problems->push_back(problem);
        }
    }
    std::sort(out.begin(), out.end(), [](const SavedServer& a, const SavedServer& b) { return a.name < b.name; });
    return out;
}

std::optional<SavedServer> find_server(std::string_view name_or_url) {
    if (looks_like_url(name_or_url)) {
        auto url = normalise_url(name_or_url);
        if (!url) return std::nullopt;
        for (auto& s : saved_servers()) {
            if (s.url == *url) return s;
        }
        return std::nullopt;
    }
    if (!check_server_name(name_or_url)) return std::nullopt;
    return read_server(servers_dir() / (std::string(name_or_url) + ".json"), nullptr);
}

Result<void> forget_server(const std::string& name) {
    auto checked = check_server_name(name);
    if (!checked) return std::unexpected(checked.error());
    const fs::path file = servers_dir() / (name + ".json");
    if (::unlink(file.c_str()) != 0) {
        if (errno == ENOENT) {
            return fail(ErrorCode::not_found,
                        fmt::format("no connection is called '{}'; `walkthrough connections` lists them", name));
        }
        return std::unexpected(io_failure(file, "remove", errno));
    }
    return {};
}

ServerOptions server_options(const SavedServer& saved) {
    ServerOptions o;
    o.url = saved.url;
    o.name = saved.name;
    o.token = saved.token;
    o.insecure = saved.insecure;
    return o;
}

}  // namespace wt::remote
