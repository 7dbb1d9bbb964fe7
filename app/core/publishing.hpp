#pragma once
// "Publish to team": a recording of a library on this computer goes to the outbox for a team
// server (remote/remote.hpp) with its title, kind, tags, description and chapters; sending it is
// the outbox's work (remote::send), so a server that is away only delays it.
#include <string>

#include "catalog/catalog.hpp"
#include "remote/remote.hpp"

namespace wt::app {

// Where a recording came from, as the outbox keeps it (Outgoing::source): "<folder> <id>".
std::string outbox_source(const std::string& library_root, const std::string& recording_id);

// `library_root` names where it came from (see outbox_source).
Result<remote::Outgoing> queue_for_team(catalog::Library& lib, const std::string& library_root,
                                        const catalog::Ref& recording, const std::string& connection);

}  // namespace wt::app
