#include "app/core/finishing.hpp"

#include <sys/stat.h>

#include <thread>

#include <fmt/format.h>

#include "recorder/recorder.hpp"

namespace fs = std::filesystem;

namespace wt::app {

fs::path incoming_dir(const fs::path& library_root) { return library_root / "incoming"; }

namespace {

// Adds `d`, trying again while another process holds the library's write lock, until wait.limit.
Result<catalog::Recording> import_waiting(catalog::Library& lib, const catalog::NewRecording& d, const BusyWait& wait) {
    using namespace std::chrono;
    const auto start = steady_clock::now();
    for (;;) {
        auto rec = lib.import_recording(d);
        if (rec || rec.error().code != ErrorCode::busy) return rec;
        const auto waited = duration_cast<seconds>(steady_clock::now() - start);
        if (waited >= wait.limit) {
            if (wait.limit.count() > 0) rec.error().message += fmt::format(" (waited {} s)", waited.count());
            return rec;
        }
        if (wait.waiting) wait.waiting(waited);
        std::this_thread::sleep_for(seconds(1));
    }
}

std::optional<catalog::NewRecording> kept_details(const fs::path& recording_file) {
    auto text = recorder::read_details(recording_file);
    if (!text) return std::nullopt;
    auto details = catalog::details_from_text(*text);
    if (!details) return std::nullopt;
    return *details;
}

EpochMs modified_ms(const fs::path& file) {
    struct stat st {};
    return ::stat(file.c_str(), &st) == 0 ? EpochMs{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000
                                          : now_ms();
}

}  // namespace

std::string details_at_start(catalog::NewRecording details, const std::string& author) {
    details.id = catalog::new_recording_id();
    if (!author.empty()) details.author = author;
    return catalog::details_to_text(details);
}

Result<catalog::Recording> finish_recording(catalog::Library& lib, const recorder::IncomingClaim& claim,
                                            catalog::NewRecording details, const BusyWait& wait) {
    const fs::path& file = claim.file();
    if (auto kept = kept_details(file)) {
        if (details.id.empty()) details.id = kept->id;
        if (!details.author) details.author = kept->author;
    }
    if (!details.id.empty()) {
        // In already: the process that added it died before it removed the file.
        if (auto existing = lib.get(details.id); existing && existing->id == details.id) {
            claim.remove_files();
            return existing;
        }
    }
    fs::path mp4 = file;
    mp4.replace_extension(".mp4");
    std::error_code ec;
    fs::remove(mp4, ec);  // a half-written remux from an earlier attempt
    details.move_file = true;
    auto duration = recorder::remux_to_mp4(file, mp4);
    if (duration) {
        details.file = mp4;
        auto rec = import_waiting(lib, details, wait);
        if (rec) {
            claim.remove_files();
            return rec;
        }
        fs::remove(mp4, ec);
        // A busy library, a full disk, a permission: passing problems, and the Matroska file is
        // intact for the next try. Only an MP4 that cannot be read back sends us to the Matroska file.
        if (rec.error().code != ErrorCode::bad_media) return rec;
        duration = std::unexpected(rec.error());
    } else {
        fs::remove(mp4, ec);
        if (duration.error().code == ErrorCode::not_found) return std::unexpected(duration.error());
    }
    // The remux failed (no space for the copy, a file cut short): the Matroska file itself may be
    // playable, so keep that.
    details.file = file;
    details.note +=
        std::string(details.note.empty() ? "" : "; ") + "kept as recorded (Matroska): " + duration.error().message;
    auto rec = import_waiting(lib, details, wait);
    if (rec) claim.remove_files();
    return rec;
}

Recovered recover_interrupted(catalog::Library& lib, const fs::path& library_root) {
    Recovered out;
    const fs::path incoming = incoming_dir(library_root);
    for (const auto& file : recorder::interrupted_recordings(incoming)) {
        auto claim = recorder::IncomingClaim::try_take(file);
        if (!claim) continue;  // being recorded, finished or recovered by another process
        // The file's last write is when the recording was cut short.
        const EpochMs cut_ms = modified_ms(file);
        catalog::NewRecording details = kept_details(file).value_or(catalog::NewRecording{});
        if (!details.title || details.title->find_first_not_of(" \t\r\n") == std::string::npos) {
            details.title = "Recovered recording " + format_local_time(cut_ms);
        }
        details.status = catalog::Status::recovered;
        details.note = fmt::format(
            "recovered after the recording was interrupted at {}; the last second or two may "
            "be missing",
            format_local_time(cut_ms));
        auto rec = finish_recording(lib, *claim, details);
        if (rec) {
            out.recordings.push_back(*rec);
            continue;
        }
        if (rec.error().code == ErrorCode::bad_media) {
            // Nothing playable (e.g. killed before the first second was written): set it aside so it
            // is not retried at every start, but keep it.
            auto aside = claim->set_aside();
            if (aside) {
                out.problems.push_back(
                    fmt::format("{} could not be decoded ({}); it is kept as {} and not tried "
                                "again (`walkthrough recover --list` shows such files)",
                                file.string(), rec.error().message, aside->string()));
                continue;
            }
            rec = std::unexpected(aside.error());  // left where it is: tried again next time
        }
        if (!out.retry) out.retry = rec.error();
        out.problems.push_back(
            fmt::format("{} could not be recovered yet: {}. It stays in {} and is tried again the "
                        "next time the library is opened, or with `walkthrough recover`",
                        file.string(), rec.error().message, incoming.string()));
    }
    return out;
}

std::vector<SetAside> set_aside_recordings(const fs::path& library_root) {
    std::vector<SetAside> out;
    for (const auto& file : recorder::set_aside_recordings(incoming_dir(library_root))) {
        SetAside s;
        s.file = file;
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        s.size_bytes = ec ? 0 : static_cast<std::int64_t>(size);
        if (auto kept = kept_details(file); kept && kept->title) s.title = *kept->title;
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace wt::app
