// Resolving a comment's thread, and the inbox: comments that wait for my answer.
#include <fmt/format.h>

#include "catalog/json_shapes.hpp"
#include "serve/api.hpp"

namespace wt::serve {

namespace {

// A thread is resolved by whoever can act on it: the recording's author (it is their question to
// answer), the person who started it (it is their question), or an admin (who may change any
// recording). Anyone else gets 403 and the thread stays open.
Reply resolve_thread(Call& call) {
    auto comment = call.lib.get_comment(call.req.params.at("id"));
    if (!comment) return from_error(comment.error());
    auto rec = call.lib.get(comment->recording_id);
    if (!rec) return from_error(rec.error());
    auto root = comment->thread_id == comment->id ? comment : call.lib.get_comment(comment->thread_id);
    if (!root) return from_error(root.error());
    // A guest's comment carries the name they typed, which may be a team member's: never theirs.
    const std::string& me = call.person->name;
    const bool started_it = !root->author_guest && root->author == me;
    if (call.person->access != "admin" && rec->author != me && !started_it) {
        return error_reply(403, "forbidden",
                           fmt::format("only {} (who started this thread), {} (the recording's author) or an admin "
                                       "may resolve it; reply to it instead",
                                       root->author, rec->author));
    }
    auto resolved = call.lib.resolve(comment->id);
    if (!resolved) return from_error(resolved.error());
    return json_reply(200, catalog::to_json(*resolved));
}

Reply inbox(Call& call) {
    auto waiting = call.lib.inbox();
    if (!waiting) return from_error(waiting.error());
    return json_reply(200, catalog::to_json(*waiting));
}

}  // namespace

std::vector<Route> thread_routes() {
    return {
        {Method::post, "/api/v1/comments/{id}/resolve", true, resolve_thread},
        {Method::get, "/api/v1/inbox", true, inbox},
    };
}

}  // namespace wt::serve
