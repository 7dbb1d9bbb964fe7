#pragma once
// Which handler a request goes to: a method and a path pattern such as
// "/api/v1/recordings/{id}/media". A {name} segment matches one id: 1 to 64 of [0-9a-z] (what the
// catalog makes), so "..", encoded slashes or anything else a client sends never reaches a handler
// as a name, let alone as a file path. Pure: no I/O.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wt::serve {

enum class Method { get, head, post, put, patch, del, options, other };
Method parse_method(std::string_view text);
const char* to_string(Method m);

// Whether `text` can be an id in a path: 1 to 64 of [0-9a-z].
bool valid_id(std::string_view text);

struct RouteMatch {
    enum class Kind { found, not_found, method_not_allowed };
    Kind kind = Kind::not_found;
    int route = -1;                             // what add() was given, when found
    std::map<std::string, std::string> params;  // {name} -> the segment
    std::vector<Method> allowed;                // for method_not_allowed (an Allow header)
};

class Router {
public:
    // Adds a route. A pattern is "/"-separated literal segments and {name} segments; a HEAD request
    // goes to the GET route of the same path unless one is added for HEAD.
    void add(Method method, std::string_view pattern, int route);
    RouteMatch match(Method method, std::string_view path) const;

private:
    struct Route {
        Method method;
        std::vector<std::string> segments;  // "{name}" for a parameter
        int id;
    };
    // Whether the path's segments fit the route's; fills params.
    static bool fits(const Route& r, const std::vector<std::string_view>& parts,
                     std::map<std::string, std::string>& params);
    std::vector<Route> routes_;
};

}  // namespace wt::serve
