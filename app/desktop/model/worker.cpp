#include "app/desktop/model/worker.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "app/core/library_location.hpp"
#include "common/clock.hpp"

namespace wt::ui {

Result<std::unique_ptr<catalog::Library>> open_team(const std::string& connection) {
    auto saved = app::find_connection(connection);
    if (!saved) return std::unexpected(saved.error());
    remote::ServerOptions o = remote::server_options(*saved);
    // The worker waits for these, not the window; still, a slow server should not hold up the next
    // click for long: short timeouts, one quick retry.
    o.connect_timeout = std::chrono::seconds(3);
    o.timeout = std::chrono::seconds(15);
    o.attempts = 2;
    return remote::open_remote(o);
}

std::string team_name(const std::string& location) {
    if (!app::names_team_library(location)) return {};
    auto saved = remote::find_server(location);
    return saved ? saved->name : location;
}

Result<catalog::Library*> Worker::Env::open(const std::filesystem::path& root, const catalog::OpenOptions& options) {
    close();
    root_.clear();
    const std::string team = team_name(root.string());
    auto lib = !team.empty() ? open_team(root.string()) : catalog::open_library(root, options);
    if (!lib) return std::unexpected(lib.error());
    library_ = std::move(*lib);
    root_ = root;
    return library_.get();
}

void Worker::Env::post(JobResult result) { worker_.deliver(std::move(result)); }

void Worker::Env::progress(const std::string& what, double fraction) {
    const std::int64_t now = monotonic_us();
    if (now - last_progress_us_ < 100'000 && fraction < 1) return;
    last_progress_us_ = now;
    post(results::Progress{Busy{what, fraction}});
}

void Worker::Env::done_progress() {
    last_progress_us_ = 0;
    post(results::Progress{});
}

Worker::Worker(std::function<void()> wake, std::size_t capacity)
    : wake_(std::move(wake)), capacity_(capacity), thread_([this](std::stop_token st) { run(st); }) {}

Worker::~Worker() {
    thread_.request_stop();
    work_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool Worker::post(Job job, const std::string& key) {
    {
        std::lock_guard g(lock_);
        if (!key.empty()) {
            for (Item& item : queue_) {
                if (item.key == key) {
                    item.job = std::move(job);
                    return true;
                }
            }
        }
        if (queue_.size() >= capacity_) return false;
        queue_.push_back({key, std::move(job)});
    }
    work_.notify_one();
    return true;
}

std::vector<JobResult> Worker::take() {
    std::lock_guard g(lock_);
    std::vector<JobResult> out;
    out.swap(mailbox_);
    return out;
}

bool Worker::wait(int timeout_ms) {
    std::unique_lock g(lock_);
    return mail_.wait_for(g, std::chrono::milliseconds(timeout_ms), [&] { return !mailbox_.empty(); });
}

std::size_t Worker::waiting() const {
    std::lock_guard g(lock_);
    return queue_.size();
}

bool Worker::idle() const {
    std::lock_guard g(lock_);
    return queue_.empty() && !running_;
}

void Worker::deliver(JobResult result) {
    bool was_empty = false;
    {
        std::lock_guard g(lock_);
        was_empty = mailbox_.empty();
        mailbox_.push_back(std::move(result));
    }
    mail_.notify_all();
    // One wake-up per batch: the UI drains the whole mailbox when it wakes.
    if (was_empty && wake_) wake_();
}

void Worker::run(std::stop_token stop) {
    // After 2 s without work, SQLite's page cache and the heap the jobs freed go back to the system
    // (both keep them otherwise: ~4 MB after the library is read); they refill on demand. At most
    // every 30 s: while a video plays, its watched stretches come every 2 s, and each trim holds the
    // allocator the player's threads share.
    using Clock = std::chrono::steady_clock;
    constexpr auto k_idle_before_trim = std::chrono::seconds(2);
    constexpr auto k_between_trims = std::chrono::seconds(30);
    bool worked_since_trim = false;
    Clock::time_point last_trim = Clock::now() - k_between_trims;
    for (;;) {
        Item item;
        {
            std::unique_lock g(lock_);
            const auto has_work = [&] { return !queue_.empty(); };
            const auto trim_at = std::max(Clock::now() + k_idle_before_trim, last_trim + k_between_trims);
            if (worked_since_trim && !work_.wait_until(g, stop, trim_at, has_work) && !stop.stop_requested()) {
                g.unlock();
                if (catalog::Library* lib = env_.library()) lib->release_memory();
                malloc_trim(0);
                worked_since_trim = false;
                last_trim = Clock::now();
                continue;
            }
            work_.wait(g, stop, has_work);
            if (stop.stop_requested()) break;
            item = std::move(queue_.front());
            queue_.pop_front();
            running_ = true;
        }
        try {
            item.job(env_);
        } catch (const std::exception& e) {  // a bug: say so, keep the app alive
            deliver(results::Notice{Level::error, std::string("Something went wrong inside the app: ") + e.what(),
                                    "Please report it with what you were doing; your library is unchanged."});
        }
        worked_since_trim = true;
        std::lock_guard g(lock_);
        running_ = false;
        if (queue_.empty()) mail_.notify_all();
    }
    env_.close();  // on this thread: the connection belongs to it
}

}  // namespace wt::ui
