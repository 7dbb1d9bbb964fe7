#include "app/core/acting_person.hpp"

#include <cstdlib>

namespace wt::app {

catalog::OpenOptions acting_person_options(const std::string& asked) {
    catalog::OpenOptions options;
    if (!asked.empty()) {
        options.acting_person = asked;
    } else if (const char* user = std::getenv("WALKTHROUGH_USER"); user && *user) {
        options.acting_person = user;
    }
    const char* login = std::getenv("USER");
    options.default_person_name = login && *login ? login : "me";
    return options;
}

}  // namespace wt::app
