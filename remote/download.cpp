#include "remote/download.hpp"

#include <fmt/format.h>

#include "catalog/export.hpp"

namespace wt::remote {

Result<catalog::ExportResult> export_download(HttpClient& http, catalog::Library& lib, const catalog::Ref& ref,
                                              const std::filesystem::path& dest, const catalog::Progress& progress) {
    auto plan = catalog::plan_export(lib, ref, dest);
    if (!plan) return std::unexpected(plan.error());
    const catalog::Recording& rec = plan->recording;
    auto media = catalog::TempFile::create(plan->where.media);
    if (!media) return std::unexpected(media.error());

    // What the download did; the stream stops at the first thing wrong.
    std::int64_t received = 0;
    int told_percent = -1;
    bool cancelled = false;
    Result<void> written;
    HttpRequest r = make_request("GET", "/api/v1/recordings/" + url_encode(rec.id) + "/media");
    r.stream = [&](std::string_view piece) {
        received += static_cast<std::int64_t>(piece.size());
        if (received > rec.size_bytes) return false;  // not the recording's file: said below
        written = media->write(piece);
        if (!written) return false;
        const int percent = rec.size_bytes > 0 ? static_cast<int>(received * 100 / rec.size_bytes) : 100;
        if (progress && percent != told_percent) {  // a line per percent, not per piece
            told_percent = percent;
            cancelled = !progress(static_cast<double>(percent) / 100.0, "downloading");
        }
        return !cancelled;
    };
    auto answer = http.call(r);
    if (!written) return std::unexpected(written.error());
    if (cancelled) return fail(ErrorCode::conflict, "cancelled; nothing was written");
    const std::string doctor = "nothing was exported. Ask an admin to run `walkthrough doctor` on the server's library";
    if (received > rec.size_bytes) {
        return fail(ErrorCode::conflict,
                    fmt::format("the team server sent more than the {} bytes its catalog holds for {}'s video; {}",
                                rec.size_bytes, rec.id, doctor));
    }
    if (answer && received != rec.size_bytes) {
        return fail(ErrorCode::conflict,
                    fmt::format("the team server sent {} of the {} bytes its catalog holds for {}'s video; {}",
                                received, rec.size_bytes, rec.id, doctor));
    }
    if (!answer) {
        Error cut = answer.error();
        cut.message += "; nothing was exported";
        return std::unexpected(std::move(cut));
    }
    if (auto done = catalog::finish_export(*media, *plan); !done) return std::unexpected(done.error());
    return plan->where;
}

}  // namespace wt::remote
