#include "app/core/finishing.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

#include "recorder/recorder.hpp"

namespace fs = std::filesystem;

namespace wt::app {

fs::path incoming_dir(const fs::path& library_root) { return library_root / "incoming"; }

Result<catalog::Recording> finish_recording(catalog::Library& lib, const fs::path& file,
                                            catalog::NewRecording details) {
    fs::path mp4 = file;
    mp4.replace_extension(".mp4");
    std::error_code ec;
    fs::remove(mp4, ec);  // a half-written remux from an earlier attempt
    details.move_file = true;
    auto duration = recorder::remux_to_mp4(file, mp4);
    if (duration) {
        details.file = mp4;
        auto rec = lib.import_recording(details);
        if (rec) {
            fs::remove(file, ec);
            return rec;
        }
    }
    // The remux failed (a full disk, say): the Matroska file itself is playable, so keep that.
    fs::remove(mp4, ec);
    details.file = file;
    details.note += std::string(details.note.empty() ? "" : "; ") + "kept as recorded (Matroska)" +
                    (duration ? "" : ": " + duration.error().message);
    return lib.import_recording(details);
}

Recovered recover_interrupted(catalog::Library& lib, const fs::path& library_root) {
    Recovered out;
    for (const auto& file : recorder::interrupted_recordings(incoming_dir(library_root))) {
        std::error_code ec;
        // The file's last write is when the recording was cut short.
        struct stat st {};
        const EpochMs cut_ms = ::stat(file.c_str(), &st) == 0
                                   ? EpochMs{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000
                                   : now_ms();
        catalog::NewRecording details;
        details.title = "Recovered recording " + format_local_time(cut_ms);
        details.status = catalog::Status::recovered;
        details.note = fmt::format("recovered after the recording was interrupted at {}; the last second or two may "
                                   "be missing",
                                   format_local_time(cut_ms));
        auto rec = finish_recording(lib, file, details);
        if (rec) {
            out.recordings.push_back(*rec);
            continue;
        }
        // Nothing playable (e.g. killed before the first second was written): set it aside so it
        // is not retried at every start, but keep it.
        fs::path aside = file;
        aside += ".unrecoverable";
        fs::rename(file, aside, ec);
        out.problems.push_back(fmt::format("{} could not be recovered ({}); kept as {}", file.string(),
                                           rec.error().message, aside.string()));
    }
    return out;
}

}  // namespace wt::app
