#pragma once
// The desktop app's worker: one thread that owns a library connection (SQLite allows one
// connection per thread) and runs, in order, the jobs the UI posts through a bounded queue. The app
// has two: one for quick catalog work (lists, search, edits) and one for long work (import, export,
// finishing a recording, thumbnails), each with its own connection. A job
// answers by posting results (results.hpp: plain values) to a mailbox, which the UI thread drains
// each loop and the controller applies; posting wakes the UI (the `wake` callback: an SDL user
// event in the app, a condition variable in tests).
//
// Thread-safety: post(), take(), wait() and idle() from any thread (the UI's, in practice). A job's
// Env is only for that job, on the worker thread.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/desktop/model/results.hpp"
#include "catalog/catalog.hpp"

namespace wt::ui {

// A team library (`connection`: a saved connection's name or a server's URL) with the app's timeouts.
Result<std::unique_ptr<catalog::Library>> open_team(const std::string& connection);
// The connection's name when `location` names a team library (by name or URL; the URL itself when
// this computer is not connected to it); empty for a folder.
std::string team_name(const std::string& location);

class Worker {
public:
    // What a job may use. Worker thread only.
    class Env {
    public:
        catalog::Library* library() const { return library_.get(); }
        // Of the open library: a folder, or a team library's connection name or server URL.
        const std::filesystem::path& root() const { return root_; }
        // Replaces the connection (another library or acting person). `root` is a folder, or a
        // connection's name or server's URL (app/core/library_location.hpp): a team library, acting
        // as whoever signed in (the acting person is the credential's, so `options` names none
        // there). On failure the old one is closed too: nothing half-open stays around.
        Result<catalog::Library*> open(const std::filesystem::path& root, const catalog::OpenOptions& options);
        void close() { library_.reset(); }
        void post(JobResult result);
        // Long work: shown as a progress bar; posted at most ~10 times a second. fraction < 0: unknown.
        void progress(const std::string& what, double fraction);
        void done_progress();  // hides the bar

    private:
        friend class Worker;
        explicit Env(Worker& w) : worker_(w) {}
        Worker& worker_;
        std::unique_ptr<catalog::Library> library_;
        std::filesystem::path root_;
        std::int64_t last_progress_us_ = 0;
    };
    using Job = std::function<void(Env&)>;

    explicit Worker(std::function<void()> wake, std::size_t capacity = 64);
    // Lets the running job finish, drops the waiting ones, and closes the library on the worker thread.
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Queues a job; false when the queue is full (nothing is queued then). With a key, a job with the
    // same key that has not started yet is replaced, so only the latest of a burst runs (search as you
    // type, a thumbnail asked for twice).
    bool post(Job job, const std::string& key = {});
    // A result from elsewhere than a job (the team server's events) into the same mailbox.
    void tell(JobResult result) { deliver(std::move(result)); }
    // What finished jobs posted, oldest first; empties the mailbox. UI thread.
    std::vector<JobResult> take();
    // Waits until the mailbox holds something or `timeout_ms` passed; true if it holds something.
    bool wait(int timeout_ms);
    // Nothing waiting and nothing running.
    bool idle() const;
    // Jobs queued and not started yet.
    std::size_t waiting() const;

private:
    struct Item {
        std::string key;
        Job job;
    };
    void run(std::stop_token stop);
    void deliver(JobResult result);

    std::function<void()> wake_;
    const std::size_t capacity_;
    mutable std::mutex lock_;  // guards queue_, running_, mailbox_
    std::condition_variable_any work_;
    std::condition_variable mail_;
    std::deque<Item> queue_;
    bool running_ = false;
    std::vector<JobResult> mailbox_;
    Env env_{*this};
    std::jthread thread_;  // last: started after everything above exists, joined first
};

}  // namespace wt::ui
