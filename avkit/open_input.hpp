#pragma once
// Opening a file for reading, shared by probe(), write_thumbnail() and the player so that
// all report a missing, empty or unreadable file with the same words.
#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "common/result.hpp"

namespace wt::av::detail {

// libav writes its complaints about bad input ("moov atom not found", decoder errors on damaged
// packets) straight to stderr. Every such failure reaches the caller as a Result with libav's reason
// in it, so the console chatter is pure noise for a user browsing files. Only the library default
// (INFO) is lowered: a part that chose its own level (e.g. a --verbose flag) keeps it.
inline void quiet_libav_logs() {
    static const bool once = [] {
        if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_QUIET);
        return true;
    }();
    (void)once;
}

inline std::string quoted(const std::filesystem::path& p) { return fmt::format("'{}'", p.string()); }

// Opens `file` and reads its stream headers.
inline Result<InputFormatPtr> open_input(const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    quiet_libav_logs();

    std::error_code ec;
    const fs::file_status st = fs::status(file, ec);
    if (st.type() == fs::file_type::not_found)
        return fail(ErrorCode::not_found, fmt::format("{} does not exist; check the path", quoted(file)));
    if (ec) return fail(ErrorCode::io, fmt::format("cannot look at {}: {}", quoted(file), ec.message()));
    if (fs::is_directory(st))
        return fail(ErrorCode::bad_media, fmt::format("{} is a folder, not a video", quoted(file)));
    // A FIFO or device could block the probe forever; recordings are always plain files.
    if (!fs::is_regular_file(st))
        return fail(ErrorCode::bad_media, fmt::format("{} is not a regular file, so not a video", quoted(file)));
    if (fs::file_size(file, ec) == 0 && !ec)
        return fail(ErrorCode::bad_media, fmt::format("{} is empty (0 bytes); it is not a video", quoted(file)));

    // Only the local file protocol: a playlist-like file (HLS, concat) must not make us reach out to
    // the network or other protocols. The "file:" prefix stops "http:x.mp4" being read as a URL.
    InputFormatPtr owner(avformat_alloc_context());
    if (!owner) return fail(ErrorCode::internal, "out of memory opening a video");
    owner->protocol_whitelist = av_strdup("file");
    if (!owner->protocol_whitelist) return fail(ErrorCode::internal, "out of memory opening a video");

    // avformat_open_input frees the context itself when it fails.
    AVFormatContext* raw = owner.release();
    int ret = avformat_open_input(&raw, ("file:" + file.string()).c_str(), nullptr, nullptr);
    if (ret == AVERROR(EACCES) || ret == AVERROR(EPERM))
        return fail(ErrorCode::io,
                    fmt::format("cannot read {} ({}); check its permissions", quoted(file), error_text(ret)));
    if (ret == AVERROR(ENOENT))
        return fail(ErrorCode::not_found, fmt::format("{} does not exist; check the path", quoted(file)));
    if (ret < 0)
        return fail(ErrorCode::bad_media,
                    fmt::format("{} is not a readable video; it is damaged, truncated or not a media file ({})",
                                quoted(file), error_text(ret)));
    InputFormatPtr ctx(raw);

    ret = avformat_find_stream_info(ctx.get(), nullptr);
    if (ret < 0)
        return fail(ErrorCode::bad_media, fmt::format("{} is not a readable video; its stream headers are damaged ({})",
                                                      quoted(file), error_text(ret)));
    return ctx;
}

// The stream a person would call "the video": libav's pick, but never cover art, which libav
// presents as a one-frame video stream.
inline int best_video_stream(AVFormatContext* ctx) {
    auto is_picture = [&](int i) { return (ctx->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0; };
    const int best = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (best >= 0 && !is_picture(best)) return best;
    for (unsigned i = 0; i < ctx->nb_streams; ++i)
        if (ctx->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !is_picture(static_cast<int>(i)))
            return static_cast<int>(i);
    return -1;
}

}  // namespace wt::av::detail
