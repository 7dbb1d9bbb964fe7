// connect, connections, disconnect: the team servers this computer uses (remote/).
#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "remote/remote.hpp"

namespace wt::app {

namespace {

nlohmann::json saved_json(const remote::SavedServer& s) {
    // Never the token: it stays in its file.
    return {{"name", s.name},
            {"url", s.url},
            {"person", s.person},
            {"access", s.access},
            {"insecure", s.insecure},
            {"connected_at", s.connected_at ? nlohmann::json(format_iso_utc(s.connected_at)) : nlohmann::json()}};
}

struct ConnectOptions {
    std::string url;
    std::string code;
    std::string name = "team";
    bool insecure = false;
};

Result<void> run_connect(CliContext& ctx, const ConnectOptions& o) {
    auto name = remote::check_server_name(o.name);
    if (!name) return std::unexpected(name.error());
    auto url = remote::normalise_url(o.url);
    if (!url) return std::unexpected(url.error());
    if (o.code.find_first_not_of(" \t\r\n") == std::string::npos) {
        return fail(ErrorCode::invalid_input,
                    "the invite code is empty; give the part after /join# of the invite link, or a token");
    }
    if (o.insecure) {
        warn(fmt::format("--insecure: TLS certificates will NOT be checked for {} on this connection; use it only "
                         "to test a server with a throwaway certificate",
                         *url));
    }
    if (url->starts_with("http://") && !url->starts_with("http://127.") && !url->starts_with("http://localhost") &&
        !url->starts_with("http://[::1]")) {
        warn(fmt::format("{} is plain HTTP: your token and everything you send travel unencrypted; serve it over "
                         "https (walkthrough serve --tls-cert, or behind a TLS proxy)",
                         *url));
    }
    remote::ServerOptions server;
    server.url = *url;
    server.name = *name;
    server.insecure = o.insecure;
    auto signed_in = remote::sign_in(server, o.code);
    if (!signed_in) return std::unexpected(signed_in.error());

    // Connecting again under a name replaces the old connection: its token is signed out when it is
    // not the one just given.
    auto earlier = remote::find_server(*name);
    remote::SavedServer saved{*name,     *url, signed_in->person.name, signed_in->person.access,
                              o.insecure, now_ms(), signed_in->token};
    if (auto r = remote::save_server(saved); !r) return r;
    if (earlier && earlier->token != saved.token) {
        if (auto out = remote::sign_out(remote::server_options(*earlier)); !out &&
                                                                            out.error().code != ErrorCode::unauthorized) {
            warn(fmt::format("the earlier sign-in at {} could not be ended ({}); an admin can end it with `people "
                             "revoke`",
                             earlier->url, out.error().message));
        }
    }
    nlohmann::json j = saved_json(saved);
    j["person"] = catalog::to_json(signed_in->person);
    j["token_expires_at"] =
        signed_in->token_expires_at ? nlohmann::json(format_iso_utc(*signed_in->token_expires_at)) : nlohmann::json();
    ctx.emit(j, fmt::format("connected to {} as {} ({}); use it with --library {}, e.g. `walkthrough --library {} "
                            "list`",
                            *url, one_line(signed_in->person.name), signed_in->person.access, *name, *name));
    return {};
}

void add_connect(CLI::App& app, Action& action) {
    auto o = std::make_shared<ConnectOptions>();
    auto* cmd = app.add_subcommand("connect",
                                   "Sign in to a team server with an invite code (or a token) and remember it by name");
    cmd->add_option("url", o->url, "The server's address, e.g. https://walkthrough.example.org")->required();
    cmd->add_option("code", o->code, "The invite code (the part after /join# of the link) or a token")->required();
    cmd->add_option("--name", o->name, "The name to use it by, with --library NAME")->capture_default_str();
    cmd->add_flag("--insecure", o->insecure, "Do not check the server's TLS certificate (testing only!)");
    run_when_parsed(cmd, action, o, run_connect);
}

Result<void> run_connections(CliContext& ctx, const NoOptions&) {
    std::vector<std::string> problems;
    auto all = remote::saved_servers(&problems);
    for (const auto& p : problems) warn(p);
    nlohmann::json j = nlohmann::json::array();
    std::string h = all.empty() ? "Not connected to any team server. Connect with `walkthrough connect URL CODE`."
                                : fmt::format("{}  {}  {}  {}\n", fit("NAME", 12), fit("URL", 40), fit("PERSON", 16),
                                              "CONNECTED");
    for (const auto& s : all) {
        j.push_back(saved_json(s));
        h += fmt::format("{}  {}  {}  {}{}\n", fit(s.name, 12), fit(s.url, 40),
                         fit(s.person + (s.access.empty() ? "" : " (" + s.access + ")"), 16),
                         s.connected_at ? format_local_time(s.connected_at) : "-",
                         s.insecure ? "  INSECURE: certificates not checked" : "");
    }
    ctx.emit(j, h);
    return {};
}

void add_connections(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand("connections", "List the team servers this computer is connected to");
    run_when_parsed(cmd, action, std::make_shared<NoOptions>(), run_connections);
}

struct DisconnectOptions {
    std::string name;
};

// Signs out at the server, then forgets the connection; a server that cannot be reached does not
// keep the token here (the person asked to be rid of it), and the message says how to end it there.
Result<void> run_disconnect(CliContext& ctx, const DisconnectOptions& o) {
    auto saved = remote::find_server(o.name);
    if (!saved) {
        return fail(ErrorCode::not_found,
                    fmt::format("no connection is called '{}'; `walkthrough connections` lists them", o.name));
    }
    auto out = remote::sign_out(remote::server_options(*saved));
    const bool ended = out || out.error().code == ErrorCode::unauthorized;  // already ended there
    if (auto gone = remote::forget_server(saved->name); !gone) return gone;
    if (!ended) {
        warn(fmt::format("could not sign out at {} ({}); the token is forgotten here, and an admin can end it "
                         "with `walkthrough people revoke {}` on the server",
                         saved->url, out.error().message, saved->person));
    }
    ctx.emit({{"disconnected", saved->name}, {"url", saved->url}, {"signed_out", ended}},
             fmt::format("disconnected from {} ({}){}", saved->name, saved->url, ended ? "; signed out" : ""));
    return {};
}

void add_disconnect(CLI::App& app, Action& action) {
    auto o = std::make_shared<DisconnectOptions>();
    auto* cmd = app.add_subcommand("disconnect", "Sign out of a team server and forget it");
    cmd->add_option("name", o->name, "The connection's name (see `walkthrough connections`) or its URL")->required();
    run_when_parsed(cmd, action, o, run_disconnect);
}

}  // namespace

void add_connect_commands(CLI::App& app, Action& action) {
    add_connect(app, action);
    add_connections(app, action);
    add_disconnect(app, action);
}

}  // namespace wt::app
