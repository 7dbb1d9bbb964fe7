#pragma once
// Writes a recording in progress so that a crash, kill -9 or power loss costs at most the last
// second or two: Matroska with clusters closed every second, every packet pushed to the kernel at
// once (no 256 KiB libav buffer), and fdatasync every second from a thread of its own so a slow
// disk never stalls the encoders. The file is claimed (incoming.hpp) from its creation; the claim
// is handed on with take_claim() to whoever finishes the recording.
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"
#include "recorder/incoming.hpp"

namespace wt::recorder {

class CrashSafeWriter {
public:
    // Creates `file` (which must not exist yet).
    static Result<std::unique_ptr<CrashSafeWriter>> create(const std::filesystem::path& file);
    ~CrashSafeWriter();

    // Adds a stream for an opened encoder; returns its index. Call before start().
    Result<int> add_stream(const AVCodecContext* encoder);
    Result<void> start();
    // Writes one encoded packet (timestamps in `encoder_time_base`) to stream `index`.
    Result<void> write(AVPacket* packet, AVRational encoder_time_base, int index);
    // Writes the index and duration, syncs and closes. The file stays where it is.
    Result<void> finish();

    std::int64_t bytes_written() const { return bytes_.load(); }
    const std::filesystem::path& path() const { return path_; }
    // The right to finish the file, after finish(): the writer no longer uses it.
    IncomingClaim take_claim() { return std::move(*claim_); }

private:
    CrashSafeWriter() = default;
    static int write_cb(void* self, uint8_t* buf, int size);
    static int64_t seek_cb(void* self, int64_t offset, int whence);
    void stop_sync_thread();

    std::filesystem::path path_;
    std::optional<IncomingClaim> claim_;  // owns fd_
    int fd_ = -1;
    av::IoContextPtr io_;
    av::OutputFormatPtr format_;
    std::atomic<std::int64_t> bytes_{0};
    std::atomic<int> write_errno_{0};
    std::jthread sync_thread_;
};

}  // namespace wt::recorder
