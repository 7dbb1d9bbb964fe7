#pragma once
// Which library a --library value (or the desktop app's setting) names: a team server's (a
// connection's name, or a server's URL) or a folder on this computer. A folder that happens to have
// a connection's name is given as ./NAME. The CLI and the desktop app decide it the same way.
#include <string>

#include "remote/remote.hpp"

namespace wt::app {

bool names_team_library(const std::string& text);

// The saved connection `text` (a name or a URL) names; ErrorCode::unauthorized with how to connect
// when this computer is not connected to it.
Result<remote::SavedServer> find_connection(const std::string& text);

}  // namespace wt::app
