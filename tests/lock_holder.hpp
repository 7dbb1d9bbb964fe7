#pragma once
// A second process holding <library>/catalog.db's write lock, as another program writing to the
// library would: for the tests of a busy library (DESIGN.md §7).
#include <doctest/doctest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace wt::test {

class LockHolder {
public:
    // Returns once the child holds the lock, which it keeps for `seconds`, then dies without committing.
    LockHolder(const std::filesystem::path& db, unsigned seconds) {
        const std::string path = db.string();
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            close(fds[0]);
            hold_lock(path.c_str(), fds[1], seconds);
        }
        close(fds[1]);
        char status = 0;
        const ssize_t n = read(fds[0], &status, 1);
        close(fds[0]);
        REQUIRE_MESSAGE((n == 1 && status == 'r'), "the child could not take the write lock");
    }
    ~LockHolder() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;
    // Waits for the child to give up the lock; returns its exit status.
    int wait() {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    // The child's side: plain C calls only, then _exit without committing. Never returns.
    [[noreturn]] static void hold_lock(const char* db_path, int ready_fd, unsigned seconds) {
        sqlite3* db = nullptr;
        char status = 'x';
        if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
            sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK &&
            sqlite3_exec(db, "INSERT INTO settings(key, value) VALUES ('lock_test', 'uncommitted')", nullptr, nullptr,
                         nullptr) == SQLITE_OK) {
            status = 'r';
        }
        ssize_t written = write(ready_fd, &status, 1);
        close(ready_fd);
        if (status != 'r' || written != 1) _exit(2);
        sleep(seconds);
        _exit(0);  // no COMMIT, no close: the transaction dies with the process
    }

    pid_t pid_ = -1;
};

}  // namespace wt::test
