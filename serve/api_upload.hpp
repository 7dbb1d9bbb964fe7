#pragma once
// What the two ways of uploading share: POST /recordings (api_upload.cpp) and tus (api_tus.cpp).
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "serve/api.hpp"

namespace wt::serve {

// The library's limit on a video's size (walkthrough settings --max-upload), or the error reply.
std::variant<std::int64_t, Reply> upload_limit(Call& call);
// 413 naming the limit and who can change it.
Reply too_large(std::int64_t limit);
// Content-Length as sent; nullopt when absent (a chunked body) or not a number.
std::optional<std::int64_t> announced_length(const Request& req);

// The resumable uploads (tus 1.0.0 core and creation) under /api/v1/uploads.
std::vector<Route> tus_routes();

}  // namespace wt::serve
