// serve, people invite, people revoke: the library as a team server, and who may reach it.
#include <signal.h>

#include <iostream>

#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "serve/serve.hpp"

namespace wt::app {

namespace {

struct ServeOpts {
    std::string listen = "127.0.0.1:8642";
    std::string public_url;
    int client_timeout_s = 15;
    std::string tls_cert;
    std::string tls_key;
    int heartbeat_s = 15;
    unsigned connections_per_address = 64;
    int requests_per_minute = 1200;
    std::string web;
    int cache_mb = 32;
    std::string trust_proxy;
};

Result<void> run_server(CliContext& ctx, const ServeOpts& o) {
    if (auto folder = ctx.folder("`serve`"); !folder) return std::unexpected(folder.error());
    auto where = serve::parse_listen(o.listen);
    if (!where) return std::unexpected(where.error());
    if (o.client_timeout_s < 1 || o.client_timeout_s > 3600) {
        return fail(ErrorCode::invalid_input, "--client-timeout is 1 to 3600 seconds");
    }
    if (o.heartbeat_s < 1 || o.heartbeat_s > 3600)
        return fail(ErrorCode::invalid_input, "--heartbeat is 1 to 3600 seconds");
    if (o.connections_per_address < 1 || o.connections_per_address > 1000) {
        return fail(ErrorCode::invalid_input,
                    "--connections-per-address is 1 to 1000 (the server holds at most 1000 connections)");
    }
    if (o.requests_per_minute < 1 || o.requests_per_minute > 1'000'000) {
        return fail(ErrorCode::invalid_input, "--rate-limit is 1 to 1000000 requests a minute per person");
    }
    if (o.cache_mb < 0 || o.cache_mb > 1024) {
        return fail(ErrorCode::invalid_input, "--cache-mb is 0 (no cache) to 1024 megabytes");
    }
    std::string trusted_proxy;
    if (!o.trust_proxy.empty()) {
        auto address = serve::normal_address(o.trust_proxy);
        if (!address) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("--trust-proxy takes the proxy's IP address, such as 127.0.0.1 or ::1, not '{}'",
                                    o.trust_proxy));
        }
        trusted_proxy = *address;
    }
    auto lib = ctx.open();  // migrates and recovers before anyone connects
    if (!lib) return std::unexpected(lib.error());

    // SIGINT and SIGTERM are taken by sigwait below: blocked here, before the server's threads
    // start, so that they inherit the mask and no thread is interrupted by them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is an error on that connection only

    serve::Options options;
    options.library = ctx.library_root();
    options.open.acting_person = (*lib)->me().id;  // the workers' starting person; each request acts as its own
    options.host = where->first;
    options.port = where->second;
    options.public_url = o.public_url;
    options.client_timeout_s = o.client_timeout_s;
    options.tls_cert = o.tls_cert;
    options.tls_key = o.tls_key;
    options.event_heartbeat_ms = o.heartbeat_s * 1000;
    options.connections_per_address = o.connections_per_address;
    options.requests_per_minute = o.requests_per_minute;
    options.web_root = o.web;
    options.cache_bytes = static_cast<std::size_t>(o.cache_mb) << 20;
    options.trusted_proxy = trusted_proxy;
    auto server = serve::Server::start(options);
    if (!server) return std::unexpected(server.error());
    if (auto r = (*lib)->set_public_url((*server)->url()); !r) return r;
    (*lib).reset();  // the workers have their own connections

    const std::string library = std::filesystem::absolute(ctx.library_root()).lexically_normal().string();
    std::cerr << "serving " << library << " at " << (*server)->url() << std::endl;
    if (ctx.json) std::cout << nlohmann::json{{"url", (*server)->url()}, {"library", library}}.dump() << std::endl;

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::cerr << "walkthrough serve: stopping (" << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ")"
              << std::endl;
    // Short requests get a moment to finish; media and event streams are cut. Well within 5 s in all.
    (*server)->stop(std::chrono::milliseconds(2000));
    return {};
}

void add_serve(CLI::App& app, Action& action) {
    auto o = std::make_shared<ServeOpts>();
    auto* cmd = app.add_subcommand("serve", "Serve the library to a team over HTTP until SIGINT/SIGTERM");
    cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
    cmd->add_option("--public-url", o->public_url,
                    "How people reach the server, e.g. https://walkthrough.example.org behind a proxy "
                    "(default: http://HOST:PORT)");
    cmd->add_option("--client-timeout", o->client_timeout_s,
                    "Seconds a client may take to send a request, and an idle connection stays open")
        ->capture_default_str();
    cmd->add_option("--tls-cert", o->tls_cert, "Serve HTTPS with this PEM certificate (and --tls-key)");
    cmd->add_option("--tls-key", o->tls_key, "The certificate's PEM private key, not encrypted");
    cmd->add_option("--connections-per-address", o->connections_per_address,
                    "Open connections one address may have (behind a proxy, all come from the proxy's)")
        ->capture_default_str();
    cmd->add_option("--heartbeat", o->heartbeat_s, "Seconds between keep-alive lines on a quiet event stream")
        ->capture_default_str();
    cmd->add_option("--rate-limit", o->requests_per_minute,
                    "API requests one person may make a minute (and at once) before being told to wait (429)")
        ->capture_default_str();
    cmd->add_option("--web", o->web,
                    "The browser viewer's folder (default: installed beside the binary, or the source tree's web/)");
    cmd->add_option("--trust-proxy", o->trust_proxy,
                    "The IP address of a reverse proxy (e.g. 127.0.0.1): its requests count failed sign-ins under "
                    "the client address it puts last in X-Forwarded-For");
    cmd->add_option("--cache-mb", o->cache_mb,
                    "Megabytes of list pages, search answers and comment lists kept between requests (emptied by "
                    "any change to the library; 0: none)")
        ->capture_default_str();
    run_when_parsed(cmd, action, o, run_server);
}

struct InviteOptions {
    std::string name;
    std::optional<std::string> role;
    int days = 7;
};

Result<void> run_invite(CliContext& ctx, const InviteOptions& o) {
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto inv = lib.invite(o.name, o.role, o.days);
        if (!inv) return std::unexpected(inv.error());
        auto stats = lib.stats();
        if (!stats) return std::unexpected(stats.error());
        if (!ctx.json) {
            std::cerr << fmt::format("invite for {} ({}), works once until {}:\n", inv->person.name, inv->person.access,
                                     format_local_time(inv->expires_at));
        }
        ctx.emit(to_json(*inv, stats->public_url), catalog::invite_url(stats->public_url, inv->code));
        return {};
    });
}

void add_invite(CLI::App* people, Action& action) {
    auto o = std::make_shared<InviteOptions>();
    auto* cmd = people->add_subcommand("invite", "A one-time link that lets a person into the team server");
    cmd->add_option("name", o->name, "Who (added when new)")->required();
    cmd->add_option("--role", o->role, "member (default for someone new) or admin");
    cmd->add_option("--days", o->days, "How long the link works")->capture_default_str();
    run_when_parsed(cmd, action, o, run_invite);
}

struct RevokeOptions {
    std::string name;
};

Result<void> run_revoke(CliContext& ctx, const RevokeOptions& o) {
    return with_library(ctx, [&](catalog::Library& lib) -> Result<void> {
        auto p = lib.person(o.name);
        if (!p) return std::unexpected(p.error());
        auto n = lib.revoke(p->id);
        if (!n) return std::unexpected(n.error());
        ctx.emit({{"person", p->name}, {"revoked", *n}},
                 fmt::format("{}: {} token(s), session(s) and invite(s) ended", p->name, *n));
        return {};
    });
}

void add_revoke(CLI::App* people, Action& action) {
    auto o = std::make_shared<RevokeOptions>();
    auto* cmd = people->add_subcommand("revoke", "End every token, session and invite of a person");
    cmd->add_option("name", o->name, "Who")->required();
    run_when_parsed(cmd, action, o, run_revoke);
}

}  // namespace

void add_serve_commands(CLI::App& app, Action& action) {
    add_serve(app, action);
    auto* people = app.get_subcommand("people");
    add_invite(people, action);
    add_revoke(people, action);
}

}  // namespace wt::app
