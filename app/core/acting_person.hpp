#pragma once
// Who acts on a library opened by this program (the CLI or the desktop app): the person asked for
// (--as, or the app's saved choice), else $WALKTHROUGH_USER, else the library's default person, who
// is created on first use and named after $USER.
#include <string>

#include "catalog/catalog.hpp"

namespace wt::app {

// OpenOptions acting as `asked` (empty: not asked for).
catalog::OpenOptions acting_person_options(const std::string& asked);

}  // namespace wt::app
