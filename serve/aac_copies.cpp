#include "serve/aac_copies.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "avkit/aac_copy.hpp"
#include "common/text.hpp"

namespace wt::serve {

namespace {

bool is_file(const std::filesystem::path& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void say(const std::string& line) {
    const std::string text = "walkthrough serve: " + line + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);  // one write: lines of several threads never mix
}

}  // namespace

AacCopies::AacCopies(std::size_t max_waiting) : max_waiting_(max_waiting), thread_([this] { run(); }) {}

AacCopies::~AacCopies() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_ = true;
    wake_.notify_all();
    thread_.join();
}

AacCopies::State AacCopies::ask(const std::string& id, const std::filesystem::path& source,
                                const std::filesystem::path& target) {
    if (is_file(target)) return State::ready;
    std::lock_guard lock(mutex_);
    if (pending_.count(id)) return State::making;
    if (failed_.count(id)) return State::failed;
    // Finished between the look above and the lock: its job has left pending_ after the rename.
    if (is_file(target)) return State::ready;
    if (queue_.size() >= max_waiting_) return State::full;
    queue_.push_back({id, source, target});
    pending_.insert(id);
    wake_.notify_one();
    return State::making;
}

void AacCopies::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        make(job);
        std::lock_guard lock(mutex_);
        pending_.erase(job.id);
    }
}

void AacCopies::make(const Job& job) {
    const auto started = std::chrono::steady_clock::now();
    auto made = av::write_aac_copy(job.source, job.target, &stop_);
    if (!made) {
        if (stop_) return;  // the server is stopping: not a failure of this recording
        // The reason names the library's files: it goes to the server's log, never to a client.
        say(fmt::format("cannot make the AAC copy of {}: {}", job.id, one_line(made.error().message)));
        std::lock_guard lock(mutex_);
        failed_.insert(job.id);
        return;
    }
    // Something else stands at its name (a folder, a link): never served, so never made again.
    if (!is_file(job.target)) {
        say(fmt::format("the AAC copy of {} could not take its place: {} is not a plain file; remove it", job.id,
                        job.target.filename().string()));
        std::lock_guard lock(mutex_);
        failed_.insert(job.id);
        return;
    }
    // Deleted while its copy was made: the copy goes too (the catalog removed the rest).
    if (!is_file(job.source)) {
        std::error_code ignored;
        std::filesystem::remove(job.target, ignored);
        return;
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    say(fmt::format("made the AAC copy of {} in {} ms", job.id, ms));
}

}  // namespace wt::serve
