// GET /events: a stream of what changes in the library, for a signed-in person.
#include "serve/api.hpp"
#include "serve/events.hpp"

namespace wt::serve {

namespace {

Reply events(Call& call) {
    if (!call.events) return error_reply(503, "unavailable", "live events are not running on this server");
    return call.events->open(*call.person, call.req.conn_, call.req.header("Last-Event-ID"));
}

}  // namespace

std::vector<Route> event_routes() {
    return {
        {Method::get, "/api/v1/events", true, events},
    };
}

}  // namespace wt::serve
