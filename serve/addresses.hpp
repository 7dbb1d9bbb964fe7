#pragma once
// Who is asking: the address a request is counted under (the sign-in limit, the log), from the
// connection or, behind a trusted proxy, from X-Forwarded-For. Internal to serve/; normal_address
// and parse_listen, also defined in addresses.cpp, are in serve.hpp.
#include <string>

#include <microhttpd.h>

namespace wt::serve {

// The connection's peer address as text ("?" when libmicrohttpd does not say).
std::string peer_address(MHD_Connection* c);
// The address a request is counted under: the peer's, or, when the peer is `trusted_proxy`, the
// last address in X-Forwarded-For (the one that proxy appended).
std::string client_address(MHD_Connection* c, const std::string& trusted_proxy);

}  // namespace wt::serve
