#include "tests/serve_support.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <thread>

#include "catalog/sqlite_ptr.hpp"

extern char** environ;

namespace wt::test {

nlohmann::json Http::json() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), "not JSON (status " << status << "): " << body);
    return j;
}

std::string Http::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

namespace {

size_t on_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
    std::string line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
        (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
    }
    return size * n;
}

int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

}  // namespace

Served::Served(CliLibrary& lib, std::vector<std::string> extra, const std::string& listen) : lib_(lib) {
    const std::string out = (io_ / "out").string(), err = (io_ / "err").string();
    std::vector<std::string> argv{binary_path(), "--library", lib.root().string(), "--json",
                                  "serve",       "--listen",  listen};
    argv.insert(argv.end(), extra.begin(), extra.end());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        if (kv.rfind("WALKTHROUGH_", 0) != 0) env_strings.push_back(kv);
    }
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    for (auto& s : argv) args.push_back(s.data());
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    // It prints {"url", "library"} once it listens.
    for (int i = 0; i < 400 && url.empty(); ++i) {
        auto text = read_file(io_ / "out");
        if (text.find('\n') != std::string::npos) {
            auto j = nlohmann::json::parse(text, nullptr, false);
            REQUIRE_MESSAGE(!j.is_discarded(), text);
            url = j.at("url").get<std::string>();
            CHECK(j.at("library").get<std::string>() ==
                  std::filesystem::absolute(lib.root()).lexically_normal().string());
            break;
        }
        int status = 0;
        REQUIRE_MESSAGE(waitpid(pid, &status, WNOHANG) == 0, "serve exited: " << read_file(io_ / "err"));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE_MESSAGE(!url.empty(), "serve did not say where it listens: " << read_file(io_ / "err"));
    CHECK(contains(read_file(io_ / "err"), "serving "));
}

Served::~Served() {
    if (pid > 0) stop(std::chrono::milliseconds(5000));
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
}

std::optional<int> Served::stop(std::chrono::milliseconds limit, std::chrono::milliseconds* took) {
    const auto start = std::chrono::steady_clock::now();
    kill(pid, SIGTERM);
    while (std::chrono::steady_clock::now() - start < limit) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            pid = -1;
            if (took) {
                *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
            }
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

std::string Served::log() const { return read_file(io_ / "err"); }

std::map<std::string, std::string> Laptop::env() const {
    std::map<std::string, std::string> e{{"XDG_CONFIG_HOME", (home / "config").string()},
                                         {"XDG_DATA_HOME", (home / "data").string()}};
    if (!display.empty()) e["DISPLAY"] = display;
    return e;
}

RunResult Laptop::run(std::vector<std::string> args) const { return walkthrough(args, env()); }

nlohmann::json Laptop::ok(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    auto r = run(args);
    INFO("walkthrough " << args[1] << " stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.json();
}

std::filesystem::path Laptop::saved(const std::string& name) const {
    return home / "config" / "walkthrough" / "servers" / (name + ".json");
}

Http Served::call(const HttpRequest& r) const { return request(url, r, ca_file); }

Http request(const std::string& base_url, const HttpRequest& r, const std::string& ca_file) {
    Http out;
    CURL* curl = curl_easy_init();
    REQUIRE(curl != nullptr);
    const std::string full = base_url + r.path;
    curl_easy_setopt(curl, CURLOPT_URL, full.c_str());
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // send "..", "%2e%2e" as written
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (r.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
    curl_slist* headers = nullptr;
    for (const auto& h : r.headers) headers = curl_slist_append(headers, h.c_str());
    if (r.body) {
        bool typed = false;  // an upload says what it sends; everything else sends JSON
        for (const auto& h : r.headers) typed = typed || h.rfind("Content-Type:", 0) == 0;
        if (!typed) headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r.body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body->size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) out.error = curl_easy_strerror(rc);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return out;
}

Http Served::get(const std::string& path, const std::string& token) const {
    HttpRequest r{"GET", path, {}, std::nullopt};
    if (!token.empty()) r.headers.push_back("Authorization: Bearer " + token);
    return call(r);
}

Http Served::post(const std::string& path, const std::string& token, const std::string& body) const {
    HttpRequest r{"POST", path, {}, body};
    if (!token.empty()) r.headers.push_back("Authorization: Bearer " + token);
    return call(r);
}

Http post_video(const Served& server, const std::string& token, const std::string& query, const std::string& video) {
    return server.call({"POST", "/api/v1/recordings" + query, {auth(token), "Content-Type: video/mp4"}, video});
}

std::string Served::invite_code(const std::string& name) const {
    auto inv = lib_.ok({"people", "invite", name});
    CHECK(inv.at("invite_url").get<std::string>() == url + "/join#" + inv.at("code").get<std::string>());
    return inv.at("code").get<std::string>();
}

std::string Served::sign_in(const std::string& name) const {
    auto r = post("/api/v1/session", "", nlohmann::json{{"invite", invite_code(name)}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json().at("token").get<std::string>();
}

std::string auth(const std::string& token) { return "Authorization: Bearer " + token; }

nlohmann::json EventStream::Event::json() const {
    auto j = nlohmann::json::parse(data, nullptr, false);
    REQUIRE_MESSAGE(!j.is_discarded(), "event data is not JSON: " << data);
    return j;
}

EventStream::EventStream(const Served& server, const std::string& token, std::optional<std::string> last_event_id) {
    const std::string url = server.url + "/api/v1/events";
    std::vector<std::string> headers{auth(token), "Accept: text/event-stream"};
    if (last_event_id) headers.push_back("Last-Event-ID: " + *last_event_id);
    thread_ = std::thread([this, url, headers, ca = server.ca_file] {
        CURL* curl = curl_easy_init();
        if (!curl) return;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &EventStream::on_data);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &EventStream::on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &EventStream::on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, this);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
        if (!ca.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
        curl_slist* list = nullptr;
        for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
        curl_easy_perform(curl);
        curl_slist_free_all(list);
        curl_easy_cleanup(curl);
        std::lock_guard lock(mutex_);
        done_ = true;
    });
}

EventStream::~EventStream() { hang_up(); }

void EventStream::hang_up() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

size_t EventStream::on_data(char* data, size_t size, size_t n, void* self) {
    auto* me = static_cast<EventStream*>(self);
    std::lock_guard lock(me->mutex_);
    me->raw_.append(data, size * n);
    return size * n;
}

size_t EventStream::on_header(char* data, size_t size, size_t n, void* self) {
    auto* me = static_cast<EventStream*>(self);
    std::string line(data, size * n);
    if (line.starts_with("HTTP/")) {
        auto space = line.find(' ');
        std::lock_guard lock(me->mutex_);
        if (space != std::string::npos) me->status_ = std::atol(line.c_str() + space + 1);
    }
    return size * n;
}

int EventStream::on_progress(void* self, long long, long long, long long, long long) {
    return static_cast<EventStream*>(self)->stop_ ? 1 : 0;
}

std::string EventStream::raw() const {
    std::lock_guard lock(mutex_);
    return raw_;
}

std::vector<EventStream::Event> EventStream::events() const {
    const std::string text = raw();
    std::vector<Event> out;
    size_t start = 0;
    for (;;) {
        const size_t end = text.find("\n\n", start);
        if (end == std::string::npos) break;
        Event e;
        bool any = false;
        size_t line_start = start;
        while (line_start < end) {
            size_t line_end = text.find('\n', line_start);
            if (line_end == std::string::npos || line_end > end) line_end = end;
            const std::string line = text.substr(line_start, line_end - line_start);
            auto field = [&](const char* name) -> std::optional<std::string> {
                const std::string prefix = std::string(name) + ": ";
                if (line.starts_with(prefix)) return line.substr(prefix.size());
                return std::nullopt;
            };
            if (auto v = field("id")) e.id = *v, any = true;
            if (auto v = field("event")) e.event = *v, any = true;
            if (auto v = field("data")) e.data = *v, any = true;
            line_start = line_end + 1;
        }
        if (any && !e.event.empty()) out.push_back(e);
        start = end + 2;
    }
    return out;
}

std::optional<EventStream::Event> EventStream::next(const std::function<bool(const Event&)>& match,
                                                    std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto all = events();
        for (size_t i = seen_; i < all.size(); ++i) {
            if (match(all[i])) {
                seen_ = i + 1;
                return all[i];
            }
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::optional<EventStream::Event> EventStream::next(const std::string& kind, std::chrono::milliseconds limit) {
    return next([&](const Event& e) { return e.event == kind; }, limit);
}

long EventStream::status(std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (status_ != 0 || done_) return status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool EventStream::ended(std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (done_) return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

RawClient::RawClient(const std::string& url, int receive_buffer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_of(url)));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
}

RawClient::~RawClient() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

std::string RawClient::receive(std::chrono::milliseconds wait, size_t max) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + wait;
    while (out.size() < max) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        char buf[65536];
        auto n = ::recv(fd_, buf, std::min(sizeof buf, max - out.size()), 0);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

bool RawClient::closed_by_peer(std::chrono::milliseconds wait) {
    const auto end = std::chrono::steady_clock::now() + wait;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
    }
}

std::string integrity(const CliLibrary& lib) {
    auto db = sql::Database::open(lib.root() / "catalog.db", 2000);
    REQUIRE(db.has_value());
    auto st = db->prepare("PRAGMA integrity_check");
    REQUIRE(st.has_value());
    auto row = st->step();
    REQUIRE(row.has_value());
    return *row ? st->text(0) : std::string("no answer");
}

namespace {
// The first column of the first row of `sql`, read by `read`.
template <class Read>
auto first_value(const CliLibrary& lib, const std::string& sql, Read read) {
    auto db = sql::Database::open(lib.root() / "catalog.db", 2000);
    REQUIRE(db.has_value());
    auto st = db->prepare(sql);
    REQUIRE_MESSAGE(st.has_value(), sql);
    auto row = st->step();
    REQUIRE(row.has_value());
    REQUIRE(*row);
    return read(*st);
}
}  // namespace

std::int64_t count_rows(const CliLibrary& lib, const std::string& sql) {
    return first_value(lib, sql, [](const sql::Statement& st) { return st.int64(0); });
}

std::string text_row(const CliLibrary& lib, const std::string& sql) {
    return first_value(lib, sql, [](const sql::Statement& st) { return st.text(0); });
}

void run_sql(const CliLibrary& lib, const std::string& sql) {
    auto db = sql::Database::open(lib.root() / "catalog.db", 2000);
    REQUIRE(db.has_value());
    auto done = db->exec(sql);
    REQUIRE_MESSAGE(done.has_value(), sql);
}

void check_refused(const Http& r, long status, const std::string& code) {
    CHECK(r.status == status);
    CHECK(r.header("content-type") == "application/json");
    auto j = r.json();
    CHECK(j.at("error").at("code") == code);
    CHECK(j.at("error").at("message").get<std::string>().size() > 10);
}

nlohmann::json browser_steps(const std::filesystem::path& script, const nlohmann::json& config) {
    TempDir io;
    write_file(io / "config.json", config.dump());
    auto r = run({"node", script.string(), (io / "config.json").string()});
    INFO("node: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto printed = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE(!printed.is_discarded());
    return printed.at("steps");
}

}  // namespace wt::test
