#pragma once
// Answers to the API's costly reads (a list page, a search), kept between requests and shared by
// the worker threads. Every commit to the library empties it, whoever made it (a worker, the CLI,
// the desktop app): the library's own PRAGMA data_version, asked on a connection of the cache's
// that never writes, says whether anything was committed since it was last asked. An answer that
// depends on who asks is keyed by the person too (the caller puts it in the key).
//
// Thread-safety: every member may be called from any thread.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "catalog/changes.hpp"
#include "common/result.hpp"

namespace wt::serve {

class ResponseCache {
public:
    // Its own connection to the library (which must exist). At most `max_bytes` of answers are kept.
    static Result<std::unique_ptr<ResponseCache>> open(const std::filesystem::path& library, int busy_timeout_ms,
                                                       std::size_t max_bytes);

    // The library's state now, as a number that changes with every commit since the last call (and
    // empties the cache when it does). Call it before reading the library for an answer, and give
    // the number to find() and store(): an answer made from a state older than the newest is never
    // found.
    Result<std::uint64_t> generation();
    std::optional<std::string> find(const std::string& key, std::uint64_t generation);
    // Keeps `body` for `key` unless the library has moved on since `generation` (the answer may
    // then be out of date) or it is larger than a tenth of the whole cache.
    void store(const std::string& key, std::uint64_t generation, std::string body);

    std::size_t bytes() const;
    std::size_t entries() const;

private:
    ResponseCache(std::unique_ptr<catalog::ChangeFeed> feed, std::size_t max_bytes)
        : feed_(std::move(feed)), max_bytes_(max_bytes) {}

    mutable std::mutex mutex_;  // guards every field below
    std::unique_ptr<catalog::ChangeFeed> feed_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, std::string> answers_;
    std::size_t bytes_ = 0;
    std::size_t max_bytes_;
};

}  // namespace wt::serve
