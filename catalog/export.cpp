#include "catalog/export.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/timefmt.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace wt::catalog {
namespace {

// A file name from a title: whole, valid UTF-8 characters only, at most 80 bytes; characters that
// file systems or shells mind, control characters and broken UTF-8 become '_'.
std::string safe_file_name(const std::string& title) {
    std::string out;
    for (size_t i = 0; i < title.size() && out.size() < 80;) {
        unsigned char c = static_cast<unsigned char>(title[i]);
        size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 1;
        bool valid = len == 1 ? c < 0x80 : i + len <= title.size();
        for (size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(title[i + k]) & 0xC0) == 0x80;
        if (!valid) {
            out += '_';
            i += 1;
            continue;
        }
        if (out.size() + len > 80) break;
        if (len == 1 && (c < 0x20 || c == 0x7f ||
                         std::string_view("/\\:\"'*?<>|").find(static_cast<char>(c)) != std::string_view::npos))
            out += '_';
        else
            out.append(title, i, len);
        i += len;
    }
    if (out.empty() || out[0] == '.') out = "recording" + out;
    return out;
}

// The video's extension as stored (".mp4"); a stored name without a plain one (as a team server
// could send) gives ".mp4", the recorder's.
std::string media_extension(const Recording& rec) {
    const std::string ext = fs::path(rec.media_path).extension().string();
    const bool plain = ext.size() >= 2 && ext.size() <= 11 && std::all_of(ext.begin() + 1, ext.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c));
                       });
    return plain ? ext : ".mp4";
}

Result<ExportResult> destination(const Recording& rec, const fs::path& dest) {
    const std::string ext = media_extension(rec);
    ExportResult out;
    std::error_code ec;
    if (fs::is_directory(dest, ec)) {
        out.media = dest / (safe_file_name(rec.title) + "-" + safe_file_name(rec.id) + ext);
    } else {
        if (!dest.parent_path().empty() && !fs::is_directory(dest.parent_path(), ec)) {
            return fail(ErrorCode::not_found,
                        fmt::format("the folder {} does not exist; create it or export somewhere else",
                                    dest.parent_path().string()));
        }
        out.media = dest;
        if (!out.media.has_extension()) out.media += ext;
    }
    out.sidecar = out.media;
    out.sidecar.replace_extension(".json");
    if (out.sidecar == out.media) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} would be both the video and its .json sidecar; give the video's name, e.g. {}",
                                out.media.string(), fs::path(out.media).replace_extension(ext).string()));
    }
    for (const auto& p : {out.media, out.sidecar}) {  // said early; publishing checks again at the end
        if (fs::exists(p, ec)) {
            return fail(
                ErrorCode::conflict,
                fmt::format("{} already exists; nothing was overwritten, choose another destination", p.string()));
        }
    }
    return out;
}

json sidecar(const Recording& rec, const std::vector<Comment>& thread, const std::vector<Chapter>& parts,
             const std::vector<View>& watched, const fs::path& media) {
    json j;
    j["id"] = rec.id;
    j["title"] = rec.title;
    j["description"] = rec.description;
    j["kind"] = to_string(rec.kind);
    j["author"] = rec.author;
    j["created_at"] = format_iso_utc(rec.created_at);
    j["duration_ms"] = rec.duration_ms;
    j["width"] = rec.width;
    j["height"] = rec.height;
    j["size_bytes"] = rec.size_bytes;
    j["video_codec"] = rec.video_codec;
    j["audio_codec"] = rec.audio_codec;
    j["status"] = to_string(rec.status);
    j["tags"] = rec.tags;
    j["media_file"] = media.filename().string();
    j["comments"] = json::array();
    for (const auto& c : thread) {
        j["comments"].push_back({{"id", c.id},
                                 {"author", c.author},
                                 {"parent_id", c.parent_id.empty() ? json() : json(c.parent_id)},
                                 {"at_ms", c.at_ms ? json(*c.at_ms) : json()},
                                 {"body", c.body},
                                 {"created_at", format_iso_utc(c.created_at)},
                                 {"resolved_at", c.resolved_at ? json(format_iso_utc(*c.resolved_at)) : json()}});
    }
    j["chapters"] = json::array();
    for (const auto& c : parts) j["chapters"].push_back({{"at_ms", c.at_ms}, {"title", c.title}});
    j["views"] = json::array();
    for (const auto& v : watched) {
        j["views"].push_back({{"person", v.person},
                              {"coverage", v.coverage},
                              {"watched_at", v.watched_at ? json(format_iso_utc(*v.watched_at)) : json()}});
    }
    return j;
}

}  // namespace

Result<ExportPlan> plan_export(Library& lib, const Ref& ref, const fs::path& dest) {
    auto rec = lib.get(ref);
    if (!rec) return std::unexpected(rec.error());
    auto thread = lib.comments(rec->id);
    if (!thread) return std::unexpected(thread.error());
    auto watched = lib.views(rec->id);
    if (!watched) return std::unexpected(watched.error());
    auto parts = lib.chapters(rec->id);
    if (!parts) return std::unexpected(parts.error());
    auto where = destination(*rec, dest);
    if (!where) return std::unexpected(where.error());
    ExportPlan plan{std::move(*rec), std::move(*where), {}};
    plan.sidecar = sidecar(plan.recording, *thread, *parts, *watched, plan.where.media);
    return plan;
}

Result<void> finish_export(TempFile& media, const ExportPlan& plan) {
    auto sidecar = TempFile::create(plan.where.sidecar);
    if (!sidecar) return std::unexpected(sidecar.error());
    // Text that is not valid UTF-8 is written with replacement characters rather than failing.
    if (auto r = sidecar->write(plan.sidecar.dump(2, ' ', false, json::error_handler_t::replace) + "\n"); !r)
        return std::unexpected(r.error());
    if (auto r = sidecar->publish(plan.where.sidecar); !r) return std::unexpected(r.error());
    RemoveOnFailure undo_sidecar{plan.where.sidecar};
    if (auto r = media.publish(plan.where.media); !r) return std::unexpected(r.error());
    undo_sidecar.path.clear();
    return {};
}

}  // namespace wt::catalog
