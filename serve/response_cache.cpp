#include "serve/response_cache.hpp"

namespace wt::serve {

Result<std::unique_ptr<ResponseCache>> ResponseCache::open(const std::filesystem::path& library, int busy_timeout_ms,
                                                           std::size_t max_bytes) {
    auto feed = catalog::open_change_feed(library, busy_timeout_ms);
    if (!feed) return std::unexpected(feed.error());
    std::unique_ptr<ResponseCache> cache(new ResponseCache(std::move(*feed), max_bytes));
    // The first question only sets where the feed starts from.
    if (auto moved = cache->generation(); !moved) return std::unexpected(moved.error());
    return cache;
}

Result<std::uint64_t> ResponseCache::generation() {
    std::lock_guard lock(mutex_);
    auto moved = feed_->moved();
    if (!moved) return std::unexpected(moved.error());
    if (*moved) {
        ++generation_;
        answers_.clear();
        bytes_ = 0;
    }
    return generation_;
}

std::optional<std::string> ResponseCache::find(const std::string& key, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return std::nullopt;
    auto it = answers_.find(key);
    if (it == answers_.end()) return std::nullopt;
    return it->second;
}

void ResponseCache::store(const std::string& key, std::uint64_t generation, std::string body) {
    const std::size_t size = key.size() + body.size();
    std::lock_guard lock(mutex_);
    if (generation != generation_ || size > max_bytes_ / 10) return;
    // Full: start again rather than keep a recency order; a full cache is rare (a list page is
    // ~30 kB, a search ~5 kB) and an emptied one refills from the requests that come.
    if (bytes_ + size > max_bytes_) {
        answers_.clear();
        bytes_ = 0;
    }
    auto [it, added] = answers_.try_emplace(key, std::move(body));
    if (added) bytes_ += size;
}

std::size_t ResponseCache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

std::size_t ResponseCache::entries() const {
    std::lock_guard lock(mutex_);
    return answers_.size();
}

}  // namespace wt::serve
