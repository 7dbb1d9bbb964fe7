#pragma once
// Recording for a team library. A recording is made exactly as for a folder — crash-safe, into a
// library on this computer — in a spool kept per connection ($XDG_DATA_HOME/walkthrough-remote/
// spool/NAME/); once it is finished (or recovered after a crash) it moves to the outbox
// (remote/remote.hpp), which sends it with tus and resumes after any failure. The spool is only a
// waiting room: nothing stays in it once it is in the outbox.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/core/finishing.hpp"
#include "catalog/catalog.hpp"
#include "remote/remote.hpp"

namespace wt::app {

// The spool folder of a connection (its name is checked by remote::check_server_name).
std::filesystem::path spool_root(const std::string& connection);

// The spool of `server` as a library, acting as the person who signed in; opening it recovers
// recordings a crash interrupted (into `recovered`).
Result<std::unique_ptr<catalog::Library>> open_spool(const remote::SavedServer& server, Recovered& recovered);

// Moves every finished recording of the spool to the outbox for `connection`, with its title,
// kind, tags, description and chapters, then out of the spool. A recording already in the outbox
// (a crash between the two steps) is not queued twice. Returns what was queued now.
Result<std::vector<remote::Outgoing>> queue_spooled(catalog::Library& spool, const std::string& connection);

// Whether any spool holds a recording, finished or interrupted, that is not in the outbox yet.
bool spools_waiting();

// Opens each spool that holds something (recovering what a crash left) and queues its recordings.
// What could not be done is said in the returned lines; the recordings stay for the next try.
std::vector<std::string> drain_spools();

}  // namespace wt::app
