#include "serve/addresses.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include "serve/serve.hpp"

namespace wt::serve {

std::string peer_address(MHD_Connection* c) {
    const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr) return "?";
    char buf[INET6_ADDRSTRLEN] = "?";
    if (info->client_addr->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(info->client_addr)->sin_addr, buf, sizeof buf);
    } else if (info->client_addr->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(info->client_addr)->sin6_addr, buf, sizeof buf);
    }
    return buf;
}

// The address a request is counted under: the connection's, or, from the trusted proxy, the one
// the proxy put last in X-Forwarded-For (nginx's $proxy_add_x_forwarded_for appends the address it
// saw; what comes before that, the client may have written itself).
std::string client_address(MHD_Connection* c, const std::string& trusted_proxy) {
    std::string peer = peer_address(c);
    if (trusted_proxy.empty() || peer != trusted_proxy) return peer;
    const char* forwarded = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!forwarded) return peer;
    std::string_view list(forwarded);
    if (auto comma = list.rfind(','); comma != std::string_view::npos) list.remove_prefix(comma + 1);
    while (!list.empty() && (list.front() == ' ' || list.front() == '\t')) list.remove_prefix(1);
    while (!list.empty() && (list.back() == ' ' || list.back() == '\t')) list.remove_suffix(1);
    return normal_address(list).value_or(peer);
}

std::optional<std::string> normal_address(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string s(text);
    char buf[INET6_ADDRSTRLEN] = "";
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        inet_ntop(AF_INET, &v4, buf, sizeof buf);
    } else if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        inet_ntop(AF_INET6, &v6, buf, sizeof buf);
    } else {
        return std::nullopt;
    }
    return std::string(buf);
}

Result<std::pair<std::string, int>> parse_listen(std::string_view text) {
    auto bad = [&] {
        return fail(ErrorCode::invalid_input,
                    fmt::format("'{}' is not HOST:PORT; for example 127.0.0.1:8642, 0.0.0.0:8642 or [::1]:8642", text));
    };
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return bad();
    std::string_view host = text.substr(0, colon), port_text = text.substr(colon + 1);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return bad();
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return bad();
    }
    int port = -1;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) return bad();
    return std::pair{std::string(host), port};
}

}  // namespace wt::serve
