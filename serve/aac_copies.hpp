#pragma once
// The AAC copies of recordings (for browsers that cannot play Opus in MP4), made one at a time on a
// thread of their own and never on the server's threads: encoding a long recording's sound takes
// longer than a client may wait, so a request that finds no copy yet starts one and is told to ask
// again (503 with Retry-After), holding neither a thread nor its connection meanwhile. One at a
// time because each keeps a core busy, and the server's requests need the other.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace wt::serve {

class AacCopies {
public:
    enum class State {
        ready,    // the copy is there: serve it
        making,   // queued or being made now: ask again soon
        full,     // too many waiting to be made: ask again later
        failed,   // it cannot be made (the reason is on the server's stderr)
    };

    explicit AacCopies(std::size_t max_waiting = 32);
    ~AacCopies();  // stops the copy being made (its partial file goes) and waits for the thread
    AacCopies(const AacCopies&) = delete;
    AacCopies& operator=(const AacCopies&) = delete;

    // Where the copy of recording `id` stands; when it is neither there nor on its way, it is
    // queued to be made from `source` into `target` (both found through the catalog by the caller).
    State ask(const std::string& id, const std::filesystem::path& source, const std::filesystem::path& target);

private:
    struct Job {
        std::string id;
        std::filesystem::path source;
        std::filesystem::path target;
    };
    void run();
    void make(const Job& job);

    const std::size_t max_waiting_;
    std::mutex mutex_;  // guards queue_, pending_, failed_ and stopping_
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::set<std::string> pending_;  // ids queued or being made
    std::set<std::string> failed_;   // ids whose copy could not be made (asked again: refused at once)
    bool stopping_ = false;
    std::atomic<bool> stop_{false};  // read by the copy being made, between packets
    std::thread thread_;             // last: started once everything it uses exists
};

}  // namespace wt::serve
