// The HTTP side: libmicrohttpd's daemon and callbacks, a request's way from bytes to a handler
// (body limit, route, credential, CSRF rule, acting person) and back, the log line, and stopping.
#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "common/text.hpp"
#include "serve/aac_copies.hpp"
#include "serve/addresses.hpp"
#include "serve/api.hpp"
#include "serve/events.hpp"
#include "serve/rate_limit.hpp"
#include "serve/response_cache.hpp"
#include "serve/serve.hpp"
#include "serve/tls.hpp"
#include "serve/upload_files.hpp"
#include "serve/watchdog.hpp"
#include "serve/web_files.hpp"

namespace wt::serve {

namespace {

using Clock = std::chrono::steady_clock;

// One request, from its headers to its completion (libmicrohttpd's per-request pointer).
struct Exchange {
    Clock::time_point started = Clock::now();
    std::string method;
    std::string path;
    std::string body;
    std::unique_ptr<BodySink> sink;   // an upload: the body goes to a file
    std::optional<Reply> refusal;     // an upload refused part way: the answer once its body is over
    std::optional<Reply> bodiless;    // an upload route's answer to a request without a body (tus POST, HEAD)
    Clock::time_point last_progress;  // of an upload, told to the watchdog now and then
    bool too_large = false;
    std::size_t discarded = 0;
    std::string person = "-";
    unsigned status = 0;
    std::int64_t bytes = 0;
    bool stream = false;
    std::shared_ptr<std::atomic<std::int64_t>> sent;  // of a response made as it goes (events)
};

// Each worker thread's own connections to the library (catalog::Library is not thread-safe).
struct Worker {
    std::unique_ptr<catalog::Library> library;
    std::unique_ptr<catalog::Access> access;
};

bool unsafe(Method m) { return m != Method::get && m != Method::head && m != Method::options; }

// A path fit for a log line: printable ASCII only, cut short.
std::string loggable(std::string_view path) {
    std::string out;
    for (char c : path.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

class ServerImpl final : public Server {
public:
    explicit ServerImpl(Options o)
        : options_(std::move(o)),
          limiter_(options_.sign_in_failures, std::chrono::seconds(options_.sign_in_window_s)),
          requests_(options_.requests_per_minute),
          watchdog_(std::chrono::seconds(options_.client_timeout_s)) {
        for (auto list : {session_routes(), recording_routes(), media_routes(), event_routes(), thread_routes(),
                          chapter_routes(), watching_routes(), people_routes(), share_routes()}) {
            for (auto& r : list) {
                router_.add(r.method, r.pattern, static_cast<int>(routes_.size()));
                routes_.push_back(r);
            }
        }
        first_upload_route_ = static_cast<int>(routes_.size());
        for (auto& r : upload_routes()) {
            router_.add(r.method, r.pattern, static_cast<int>(routes_.size()));
            routes_.push_back(r);
        }
    }
    ~ServerImpl() override { stop(std::chrono::milliseconds(0)); }

    Result<void> start();
    Result<void> start_events();
    Result<unsigned> use_tls();
    void load_web();
    std::string url() const override { return site_.public_url; }
    int port() const override { return port_; }
    void stop(std::chrono::milliseconds grace) override;

private:
    static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method, const char* version,
                                 const char* upload, size_t* upload_size, void** con_cls);
    static void on_completed(void* cls, MHD_Connection* c, void** con_cls, MHD_RequestTerminationCode toe);
    static void on_connection(void* cls, MHD_Connection* c, void** socket_context, MHD_ConnectionNotificationCode code);
    static void on_log(void* cls, const char* fmt, va_list ap);

    Reply handle(MHD_Connection* c, Exchange& ex);
    bool is_upload(const Exchange& ex) const;
    MHD_Result start_upload(MHD_Connection* c, Exchange& ex);
    MHD_Result receive_upload(MHD_Connection* c, Exchange& ex, const char* data, size_t* size);
    Reply authorised(const Route& route, Call& call, Exchange& ex);
    MHD_Result queue(MHD_Connection* c, Exchange& ex, Reply reply);
    Result<Worker*> worker();
    static Watchdog::Connection* watched(MHD_Connection* c);
    void set_phase(MHD_Connection* c, Watchdog::Phase phase);

    Options options_;
    Site site_;
    Router router_;
    std::vector<Route> routes_;
    int first_upload_route_ = 0;  // routes_ from here on take their bodies as files
    SignInLimiter limiter_;
    RequestLimiter requests_;
    WebFiles web_;  // the browser viewer's files, read once at start
    int port_ = 0;

    std::mutex workers_mutex_;  // guards workers_
    std::unordered_map<std::thread::id, std::unique_ptr<Worker>> workers_;

    std::atomic<int> in_flight_{0};  // requests whose headers have arrived and that are not complete
    std::atomic<int> streaming_{0};  // of those, the ones sending a file
    std::once_flag stopped_;
    Watchdog watchdog_;
    TlsFiles tls_;                      // the daemon reads them while it starts
    std::unique_ptr<EventHub> events_;  // outlives the daemon, whose callbacks reach it
    std::unique_ptr<ResponseCache> cache_;  // likewise; null when options_.cache_bytes is 0
    std::unique_ptr<uploads::Sweeper> sweeper_;
    std::unique_ptr<AacCopies> aac_copies_;  // made on their own thread; outlives the daemon too
    DaemonPtr daemon_;  // last: stopped first, while everything its callbacks use still exists
};

Result<Worker*> ServerImpl::worker() {
    const auto me = std::this_thread::get_id();
    {
        std::lock_guard lock(workers_mutex_);
        if (auto it = workers_.find(me); it != workers_.end()) return it->second.get();
    }
    auto lib = catalog::open_library(options_.library, options_.open);
    if (!lib) return std::unexpected(lib.error());
    auto access = catalog::open_access(options_.library, options_.open);
    if (!access) return std::unexpected(access.error());
    auto w = std::make_unique<Worker>(Worker{std::move(*lib), std::move(*access)});
    std::lock_guard lock(workers_mutex_);
    return workers_.emplace(me, std::move(w)).first->second.get();
}

Watchdog::Connection* ServerImpl::watched(MHD_Connection* c) {
    const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? static_cast<Watchdog::Connection*>(info->socket_context) : nullptr;
}

void ServerImpl::set_phase(MHD_Connection* c, Watchdog::Phase phase) {
    watchdog_.set_phase(watched(c), phase);
}

MHD_Result ServerImpl::on_request(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                                  const char* upload, size_t* upload_size, void** con_cls) {
    auto* self = static_cast<ServerImpl*>(cls);
    auto* ex = static_cast<Exchange*>(*con_cls);
    if (!ex) {
        ex = new Exchange;
        ex->method = method;
        ex->path = url;
        *con_cls = ex;
        ++self->in_flight_;
        self->set_phase(c, Watchdog::Phase::receiving);
        if (self->is_upload(*ex)) return self->start_upload(c, *ex);
        // A body announced too large is refused before a byte of it is read.
        if (const char* length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
            std::uint64_t n = 0;
            auto [end, ec] = std::from_chars(length, length + std::strlen(length), n);
            if (ec != std::errc() || *end != '\0' || n > self->options_.max_json_body) {
                self->set_phase(c, Watchdog::Phase::responding);
                return self->queue(
                    c, *ex,
                    error_reply(413, "too_large",
                                fmt::format("a request body is limited to {} bytes", self->options_.max_json_body)));
            }
        }
        return MHD_YES;
    }
    if (ex->bodiless) {
        if (*upload_size > 0) return MHD_NO;  // a body after all, where no length was said
        Reply reply = std::move(*ex->bodiless);
        ex->bodiless.reset();
        return self->queue(c, *ex, std::move(reply));
    }
    if (ex->sink || ex->refusal) return self->receive_upload(c, *ex, upload, upload_size);
    if (*upload_size > 0) {
        // A body without a length (chunked) that grows too large is read and dropped, then refused;
        // one far past the limit is not worth reading at all.
        if (ex->too_large || ex->body.size() + *upload_size > self->options_.max_json_body) {
            ex->too_large = true;
            ex->body.clear();
            ex->discarded += *upload_size;
            if (ex->discarded > 16 * self->options_.max_json_body) return MHD_NO;
        } else {
            ex->body.append(upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    self->set_phase(c, Watchdog::Phase::responding);
    if (ex->too_large) {
        return self->queue(
            c, *ex,
            error_reply(413, "too_large",
                        fmt::format("a request body is limited to {} bytes", self->options_.max_json_body)));
    }
    Reply reply;
    try {
        reply = self->handle(c, *ex);
    } catch (const std::exception& e) {  // a bug, not the client's fault: answer rather than drop
        reply = error_reply(500, "internal", std::string("internal error: ") + e.what());
    }
    return self->queue(c, *ex, std::move(reply));
}

bool ServerImpl::is_upload(const Exchange& ex) const {
    auto match = router_.match(parse_method(ex.method), ex.path);
    return match.kind == RouteMatch::Kind::found && match.route >= first_upload_route_;
}

// An upload's route is called with the headers alone: it refuses (no credential, too large, wrong
// offset) before a byte of the body is read, or gives the sink the body goes to.
MHD_Result ServerImpl::start_upload(MHD_Connection* c, Exchange& ex) {
    Reply reply;
    try {
        reply = handle(c, ex);
    } catch (const std::exception& e) {
        reply = error_reply(500, "internal", std::string("internal error: ") + e.what());
    }
    if (ex.sink) {
        // Like a stream, an upload in progress is cut at shutdown rather than waited for.
        ex.stream = true;
        ++streaming_;
        ex.last_progress = Clock::now();
        return MHD_YES;
    }
    set_phase(c, Watchdog::Phase::responding);
    // libmicrohttpd closes the connection after an answer queued before the request was read to its
    // end, even an empty one. A request without a body gets its answer on the next call instead, so
    // the client's POST, HEAD and PATCH of one upload share a connection.
    const char* length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const bool chunked = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (!chunked && (!length || std::string_view(length) == "0")) {
        ex.bodiless = std::move(reply);
        return MHD_YES;
    }
    return queue(c, ex, std::move(reply));
}

MHD_Result ServerImpl::receive_upload(MHD_Connection* c, Exchange& ex, const char* data, size_t* size) {
    if (*size > 0) {
        if (ex.refusal) {
            // What follows a refusal is read and dropped so that the client gets the answer; a
            // body far past it is not worth reading.
            ex.discarded += *size;
            if (ex.discarded > 64 * (std::size_t{1} << 20)) return MHD_NO;
        } else if (auto refused = ex.sink->take(std::string_view(data, *size))) {
            ex.refusal = std::move(*refused);
            ex.sink.reset();  // removes or keeps what came, as that upload requires
        }
        *size = 0;
        // An upload may take longer than the client timeout; it is cut when it stalls, not when it is long.
        if (const auto now = Clock::now(); now - ex.last_progress > std::chrono::seconds(1)) {
            ex.last_progress = now;
            set_phase(c, Watchdog::Phase::receiving);
        }
        return MHD_YES;
    }
    set_phase(c, Watchdog::Phase::responding);
    ex.stream = false;
    --streaming_;
    Reply reply;
    if (ex.refusal) {
        reply = std::move(*ex.refusal);
    } else {
        try {
            auto w = worker();
            reply = w ? ex.sink->finish(*(*w)->library) : from_error(w.error());
        } catch (const std::exception& e) {
            reply = error_reply(500, "internal", std::string("internal error: ") + e.what());
        }
    }
    return queue(c, ex, std::move(reply));
}

Reply ServerImpl::handle(MHD_Connection* c, Exchange& ex) {
    const Method method = parse_method(ex.method);
    if (WebFiles::is_web_path(ex.path)) {
        const char* tag = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        return web_.answer(method, ex.path, tag ? tag : "");
    }
    auto match = router_.match(method, ex.path);
    if (match.kind == RouteMatch::Kind::not_found) {
        return error_reply(404, "not_found", "no such route; docs/api.md lists them");
    }
    if (match.kind == RouteMatch::Kind::method_not_allowed) {
        std::string allow;
        for (Method m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(to_string(m));
        Reply r = error_reply(405, "method_not_allowed", "this route takes " + allow);
        r.headers.emplace_back("Allow", allow);
        return r;
    }
    const Route& route = routes_.at(static_cast<size_t>(match.route));
    Request req(c, method, ex.path, std::move(ex.body), site_.secure);
    req.params = std::move(match.params);
    req.peer = client_address(c, options_.trusted_proxy);

    auto w = worker();
    if (!w) return from_error(w.error());
    Call call{req,
              *(*w)->library,
              *(*w)->access,
              site_,
              limiter_,
              std::nullopt,
              credential_of(req, site_.cookie_name.c_str()),
              events_.get(),
              nullptr,
              cache_.get(),
              aac_copies_.get(),
              &watchdog_,
              watched(c)};
    Reply r = authorised(route, call, ex);
    // A name may hold a line break or a terminal escape: never a forged log line.
    if (call.person) ex.person = one_line(cut_utf8(call.person->name, 100));
    ex.sink = std::move(call.sink);
    return r;
}

Reply ServerImpl::authorised(const Route& route, Call& call, Exchange&) {
    auto too_many = [&](int seconds) {
        Reply r = error_reply(429, "rate_limited",
                              fmt::format("too many failed sign-ins from this address; try again in {} s", seconds));
        r.headers.emplace_back("Retry-After", std::to_string(seconds));
        return r;
    };
    if (!route.needs_person) {
        if (auto wait = limiter_.retry_after(call.req.peer, Clock::now())) return too_many(*wait);
        return route.handler(call);
    }
    if (!call.credential) {
        Reply r = error_reply(401, "unauthorized",
                              "sign in first: send Authorization: Bearer TOKEN (POST /api/v1/session with an invite "
                              "code gives one)");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
    }
    if (auto wait = limiter_.retry_after(call.req.peer, Clock::now())) return too_many(*wait);
    auto person = call.access.authenticate(call.credential->secret);
    if (!person) {
        if (person.error().code != ErrorCode::not_found) return from_error(person.error());
        limiter_.failed(call.req.peer, Clock::now());
        Reply r = error_reply(401, "unauthorized", person.error().message);
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
    }
    call.person = *person;  // from here on, the log names who asked
    if (auto wait = requests_.take(person->id, Clock::now())) {
        Reply r = error_reply(429, "rate_limited",
                              fmt::format("{} requests a minute is the limit for one person; try again in {} s",
                                          requests_.per_minute(), *wait));
        r.headers.emplace_back("Retry-After", std::to_string(*wait));
        return r;
    }
    if (call.credential->from_cookie && unsafe(call.req.method)) {
        if (auto refusal = csrf_refusal(call.req, site_.origins)) return error_reply(403, "csrf", *refusal);
    }
    if (person->guest) {
        if (auto refusal = guest_refusal(route, call)) return std::move(*refusal);
    }
    if (auto r = call.lib.act_as(person->id); !r) return from_error(r.error());
    return route.handler(call);
}

MHD_Result ServerImpl::queue(MHD_Connection* c, Exchange& ex, Reply reply) {
    ResponsePtr response;
    if (reply.custom) {
        response = std::move(reply.custom);
        ex.stream = true;
        ++streaming_;
        ex.sent = std::move(reply.custom_sent);
    } else if (reply.is_stream() && reply.length > 0) {
        response.reset(MHD_create_response_from_fd_at_offset64(
            static_cast<std::uint64_t>(reply.length), reply.file.get(), static_cast<std::uint64_t>(reply.offset)));
        if (response) reply.file.release();  // the response closes it
        ex.stream = true;
        ++streaming_;
        ex.bytes = reply.length;
    } else {
        response.reset(MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY));
        ex.bytes = static_cast<std::int64_t>(reply.body.size());
    }
    if (!response) return MHD_NO;
    auto* r = response.get();
    bool cache_set = false, csp_set = false;
    for (const auto& [name, value] : reply.headers) {
        MHD_add_response_header(r, name.c_str(), value.c_str());
        cache_set = cache_set || name == "Cache-Control";
        csp_set = csp_set || name == "Content-Security-Policy";  // the viewer's page has its own
    }
    if (!reply.content_type.empty())
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
    if (!cache_set) MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (!csp_set) MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    ex.status = reply.status;
    return MHD_queue_response(c, reply.status, r);
}

void ServerImpl::on_completed(void* cls, MHD_Connection* c, void** con_cls, MHD_RequestTerminationCode toe) {
    auto* self = static_cast<ServerImpl*>(cls);
    std::unique_ptr<Exchange> ex(static_cast<Exchange*>(*con_cls));
    *con_cls = nullptr;
    if (!ex) return;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ex->started).count();
    if (ex->sent) ex->bytes = ex->sent->load();
    // One write per line, so lines from several threads never interleave. No query string, body
    // or header is logged: tokens and invite codes travel only there.
    const std::string line = fmt::format("{} {} {} {} {} {} {}ms{}\n", format_iso_utc(now_ms()), ex->person, ex->method,
                                         loggable(ex->path), ex->status ? std::to_string(ex->status) : "-", ex->bytes,
                                         ms, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (cut)");
    std::fwrite(line.data(), 1, line.size(), stderr);
    if (ex->stream) --self->streaming_;
    --self->in_flight_;
    self->set_phase(c, Watchdog::Phase::waiting);
}

void ServerImpl::on_connection(void* cls, MHD_Connection* c, void** socket_context,
                               MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<ServerImpl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = info ? self->watchdog_.watch(info->connect_fd) : nullptr;
    } else if (*socket_context) {
        self->watchdog_.forget(static_cast<Watchdog::Connection*>(*socket_context));
        *socket_context = nullptr;
    }
}

void ServerImpl::on_log(void*, const char* fmt, va_list ap) {
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    std::string line = std::string("walkthrough serve: ") + buf;
    if (line.back() != '\n') line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

Result<void> ServerImpl::start() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(options_.host.c_str(), nullptr, &hints, &found); rc != 0 || !found) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("cannot listen on '{}' ({}); give an address such as 127.0.0.1 or 0.0.0.0",
                                options_.host, gai_strerror(rc)));
    }
    sockaddr_storage addr{};
    std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
    const bool v6 = found->ai_family == AF_INET6;
    freeaddrinfo(found);
    const auto port = static_cast<std::uint16_t>(options_.port);
    if (v6) {
        reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(port);
    } else {
        reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(port);
    }

    // Opening the library here once reports a library that cannot be opened before anyone connects.
    if (auto w = catalog::open_access(options_.library, options_.open); !w) return std::unexpected(w.error());

    load_web();
    auto tls_flags = use_tls();
    if (!tls_flags) return std::unexpected(tls_flags.error());
    if (auto r = start_events(); !r) return r;
    if (options_.cache_bytes > 0) {
        auto cache = ResponseCache::open(options_.library, options_.open.busy_timeout_ms, options_.cache_bytes);
        if (!cache) return std::unexpected(cache.error());
        cache_ = std::move(*cache);
    }

    // Suspend and resume: an event stream with nothing to send leaves the pool's threads.
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG | *tls_flags;
    if (v6) flags |= MHD_USE_IPv6;
    MHD_OptionItem tls_options[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(tls_.cert_pem.c_str())},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(tls_.key_pem.c_str())},
        {MHD_OPTION_END, 0, nullptr},
    };
    daemon_.reset(MHD_start_daemon(
        flags, port, nullptr, nullptr, &ServerImpl::on_request, this, MHD_OPTION_ARRAY,
        *tls_flags ? tls_options : tls_options + 2, MHD_OPTION_EXTERNAL_LOGGER, &ServerImpl::on_log, this,
        MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr), MHD_OPTION_THREAD_POOL_SIZE,
        static_cast<unsigned>(std::max(1, options_.threads)), MHD_OPTION_CONNECTION_TIMEOUT,
        static_cast<unsigned>(options_.client_timeout_s),
        // Headers must fit the per-connection memory; a request with more gets 431.
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(options_.max_header_bytes + 16 * 1024),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, options_.connections_per_address, MHD_OPTION_CONNECTION_LIMIT,
        options_.max_connections, MHD_OPTION_NOTIFY_COMPLETED, &ServerImpl::on_completed, this,
        MHD_OPTION_NOTIFY_CONNECTION, &ServerImpl::on_connection, this, MHD_OPTION_END));
    if (!daemon_) {
        return fail(ErrorCode::io, fmt::format("cannot listen on {}:{} (is another server using the port? try "
                                               "--listen {}:0 for any free port)",
                                               options_.host, options_.port, options_.host));
    }
    const auto* info = MHD_get_daemon_info(daemon_.get(), MHD_DAEMON_INFO_BIND_PORT);
    port_ = info ? info->port : options_.port;

    const std::string host = v6 ? "[" + options_.host + "]" : options_.host;
    const bool tls = *tls_flags != 0;
    site_.public_url = options_.public_url.empty() ? fmt::format("{}://{}:{}", tls ? "https" : "http", host, port_)
                                                   : options_.public_url;
    while (site_.public_url.size() > 1 && site_.public_url.back() == '/') site_.public_url.pop_back();
    site_.origins.push_back(origin_of(site_.public_url));
    if (options_.host == "127.0.0.1" || options_.host == "localhost" || options_.host == "::1") {
        for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
            site_.origins.push_back(fmt::format("{}://{}:{}", tls ? "https" : "http", name, port_));
        }
    }
    site_.secure = tls || site_.public_url.starts_with("https://");
    site_.cookie_name = site_.secure ? "__Host-wt_session" : "wt_session";
    site_.library = options_.library;
    sweeper_ = std::make_unique<uploads::Sweeper>(options_.library);
    aac_copies_ = std::make_unique<AacCopies>();
    return {};
}

// The viewer's files. Without them the API is served all the same; the viewer's paths say why
// there is no page, and so does a warning now.
void ServerImpl::load_web() {
    std::vector<std::filesystem::path> looked_in;
    auto root = WebFiles::find_root(options_.web_root, &looked_in);
    if (root) {
        web_ = WebFiles::load(*root);
    } else {
        std::string where;
        for (const auto& p : looked_in) where += (where.empty() ? "" : ", ") + p.string();
        web_.missing_reason = "the web viewer's files were not found (looked in " + where + ")";
    }
    if (web_.empty()) {
        const std::string line = "walkthrough serve: warning: " + web_.missing_reason +
                                 "; the API is served, the browser viewer is not (give its folder with --web DIR)\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
}

Result<unsigned> ServerImpl::use_tls() {
    if (options_.tls_cert.empty() != options_.tls_key.empty()) {
        return fail(ErrorCode::invalid_input, "give both --tls-cert and --tls-key (or neither, e.g. behind a proxy)");
    }
    if (options_.tls_cert.empty()) return 0u;
    if (!tls_supported()) {
        return fail(ErrorCode::invalid_input,
                    "this libmicrohttpd was built without TLS support, so --tls-cert cannot be used; install "
                    "Debian's libmicrohttpd12 (built with GnuTLS), or serve plain HTTP behind a TLS proxy such as "
                    "nginx (README: walkthrough serve)");
    }
    auto files = load_tls(options_.tls_cert, options_.tls_key);
    if (!files) return std::unexpected(files.error());
    tls_ = std::move(*files);
    if (!tls_.warning.empty()) {
        const std::string line = "walkthrough serve: warning: " + tls_.warning + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    return static_cast<unsigned>(MHD_USE_TLS);
}

Result<void> ServerImpl::start_events() {
    EventOptions o;
    o.library = options_.library;
    o.busy_timeout_ms = options_.open.busy_timeout_ms;
    o.heartbeat = std::chrono::milliseconds(std::max(100, options_.event_heartbeat_ms));
    o.per_person = std::max(1, options_.event_streams_per_person);
    auto hub = EventHub::start(std::move(o));
    if (!hub) return std::unexpected(hub.error());
    events_ = std::move(*hub);
    return {};
}

void ServerImpl::stop(std::chrono::milliseconds grace) {
    std::call_once(stopped_, [&] {
        if (!daemon_) return;
        const MHD_socket listening = MHD_quiesce_daemon(daemon_.get());
        if (listening != MHD_INVALID_SOCKET) ::close(listening);
        // Event streams never finish by themselves: they end now (their clients see the response
        // end and would reconnect elsewhere or later).
        if (events_) events_->close_all();
        const auto deadline = Clock::now() + grace;
        while (in_flight_.load() > streaming_.load() && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        // Every suspended stream has been resumed by close_all (the daemon must not stop with one
        // suspended); most are gone by now, the rest go with their connections.
        if (events_) events_->wait_closed(std::chrono::milliseconds(300));
        daemon_.reset();  // closes every connection, streams included, and joins the threads
        std::lock_guard lock(workers_mutex_);
        workers_.clear();
    });
}

}  // namespace

Result<std::unique_ptr<Server>> Server::start(Options options) {
    auto server = std::make_unique<ServerImpl>(std::move(options));
    if (auto r = server->start(); !r) return std::unexpected(r.error());
    return std::unique_ptr<Server>(std::move(server));
}

}  // namespace wt::serve
