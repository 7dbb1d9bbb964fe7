#pragma once
// The API's handlers and what they are given. One file per subject: api_session.cpp (signing in
// and out, me), api_recordings.cpp (recordings, comments, progress, search), api_media.cpp (media
// and thumbnails), api_events.cpp (live events), api_upload.cpp (a video as a request body),
// api_tus.cpp (resumable uploads), api_threads.cpp (resolving threads, the inbox), api_chapters.cpp,
// api_watching.cpp (watched, views, assignments), api_people.cpp (people and invites) and
// api_shares.cpp (share links, and what a guest may do).
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "catalog/access.hpp"
#include "catalog/catalog.hpp"
#include "serve/guard.hpp"
#include "serve/http.hpp"
#include "serve/watchdog.hpp"

namespace wt::serve {

class AacCopies;
class EventHub;
class ResponseCache;

// What does not change while the server runs.
struct Site {
    std::string public_url;
    std::vector<std::string> origins;  // ours, for the CSRF and cross-site checks
    bool secure = false;               // served (or proxied) over TLS: Secure cookies
    std::string cookie_name;           // __Host-wt_session over TLS, wt_session without
    std::filesystem::path library;     // its root: uploads are received in <library>/uploads
};

// A request body written to a file as it arrives (an upload) instead of held in memory. Its route
// is called as soon as the headers are in; a handler that wants the body sets Call::sink (its
// reply is then not sent). Destroying a sink before finish() means the request was cut or refused:
// what it received is then kept for resuming or removed, as its kind of upload requires.
class BodySink {
public:
    virtual ~BodySink() = default;
    // The next piece of the body; a reply refuses the rest (the request is answered with it).
    virtual std::optional<Reply> take(std::string_view bytes) = 0;
    // The whole body has arrived: the answer. `lib` is this thread's connection, acting as anyone.
    virtual Reply finish(catalog::Library& lib) = 0;
};

struct Call {
    Request& req;
    catalog::Library& lib;  // acting as `person` when there is one
    catalog::Access& access;
    const Site& site;
    SignInLimiter& limiter;
    std::optional<catalog::Person> person;  // set for every route but the public ones
    std::optional<Credential> credential;   // what identified them
    EventHub* events = nullptr;             // live event streams
    std::unique_ptr<BodySink> sink;         // set by a route that takes its body as a file
    ResponseCache* cache = nullptr;         // answers to costly reads; none: always made afresh
    AacCopies* aac_copies = nullptr;        // recordings' copies with AAC sound (media?audio=aac)
    Watchdog* watchdog = nullptr;                // knows which connection sends each tus upload
    Watchdog::Connection* connection = nullptr;  // this request's, as the watchdog knows it
};

using Handler = Reply (*)(Call&);

struct Route {
    Method method;
    const char* pattern;
    bool needs_person;  // false only for POST /session
    Handler handler;
};

std::vector<Route> session_routes();
std::vector<Route> recording_routes();
std::vector<Route> media_routes();
std::vector<Route> event_routes();
// The routes whose bodies are uploads (POST /recordings, the tus routes): called once the headers
// are in, before any of the body is read.
std::vector<Route> upload_routes();
std::vector<Route> thread_routes();
std::vector<Route> chapter_routes();
std::vector<Route> watching_routes();
std::vector<Route> people_routes();
std::vector<Route> share_routes();

// A guest (someone who opened a share link) may use only the routes that show their one recording:
// nullopt when this is one of them, else the 403 reply.
std::optional<Reply> guest_refusal(const Route& route, const Call& call);

// The reply for an error from the catalog: its code as an HTTP status, its message as said.
Reply from_error(const Error& e);
// The request's body as a JSON object, or the 400 reply saying what is wrong with it.
std::variant<nlohmann::json, Reply> json_object_body(const Request& req);
// The 400 reply for the first key of `body` that is not one of `known` (a misspelt or unsupported
// field is refused rather than ignored), or nullopt.
std::optional<Reply> unknown_field(const nlohmann::json& body, std::initializer_list<std::string_view> known);

// A whole number from a query parameter within [lo, hi] (absent: `fallback`), or the 400 reply naming it.
std::variant<int, Reply> query_int(const Request& req, const char* name, int fallback, int lo, int hi);
// A query parameter's text; absent or empty: nullopt.
std::optional<std::string> query_text(const Request& req, const char* name);
// A yes/no query parameter: 1/true or 0/false (absent: false), or the 400 reply naming it.
std::variant<bool, Reply> query_flag(const Request& req, const char* name);

// The 200 answer kept for `key` in the response cache while nothing in the library has changed, or
// make()'s answer (kept when it is a 200). The key holds everything the answer depends on: the
// route, its parameters and, when it differs per person, the person.
Reply cached_reply(Call& call, const std::string& key, const std::function<Reply()>& make);

// Admins only (people, invites, assignments): nullopt when the caller is one, else the 403 reply
// saying who may `do_what`.
std::optional<Reply> refuse_unless_admin(const Call& call, std::string_view do_what);
// Changing a recording (editing it, deleting it, its chapters) or sharing it (`do_what`) is for its
// author and for admins; anyone else gets this 403 reply and nothing changes.
std::optional<Reply> refuse_unless_owner(const Call& call, const catalog::Recording& rec,
                                         std::string_view do_what = "change");

}  // namespace wt::serve
