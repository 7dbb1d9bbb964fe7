#include "app/core/library_location.hpp"

#include <fmt/format.h>

namespace wt::app {

bool names_team_library(const std::string& text) {
    if (remote::looks_like_url(text)) return true;
    return !text.empty() && remote::check_server_name(text).has_value() && remote::find_server(text).has_value();
}

Result<remote::SavedServer> find_connection(const std::string& text) {
    auto saved = remote::find_server(text);
    if (!saved) {
        return fail(ErrorCode::unauthorized,
                    fmt::format("this computer is not connected to {}; sign in first with `walkthrough connect {} "
                                "CODE` (the code from an invite link)",
                                text, text));
    }
    return *saved;
}

}  // namespace wt::app
