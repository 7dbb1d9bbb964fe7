#pragma once
// Opening a file for reading, shared by probe(), write_thumbnail() and the player so that
// all report a missing, empty or unreadable file with the same words.
#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "avkit/av_ptr.hpp"
#include "common/media_source.hpp"
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

// Opens a team server's media over HTTP(S) with its credential: only the web protocols, TLS
// certificates checked unless the connection was made insecure, a stalled read given up after 15 s
// rather than hanging the player, and seeks as byte-range requests (the server answers them).
inline Result<InputFormatPtr> open_remote_input(const MediaSource& source) {
    quiet_libav_logs();
    InputFormatPtr owner(avformat_alloc_context());
    if (!owner) return fail(ErrorCode::internal, "out of memory opening a video");
    owner->protocol_whitelist = av_strdup("http,https,tcp,tls");
    if (!owner->protocol_whitelist) return fail(ErrorCode::internal, "out of memory opening a video");

    AVDictionary* options = nullptr;  // avformat_open_input takes it and leaves what it did not use
    struct FreeOptions {
        AVDictionary*& d;
        ~FreeOptions() { av_dict_free(&d); }
    } free_options{options};
    int ret = 0;
    if (!source.authorization.empty())
        ret |= av_dict_set(&options, "headers", ("Authorization: " + source.authorization + "\r\n").c_str(), 0);
    ret |= av_dict_set(&options, "rw_timeout", "15000000", 0);  // microseconds
    ret |= av_dict_set(&options, "tls_verify", source.verify_tls ? "1" : "0", 0);
    if (!source.ca_file.empty()) ret |= av_dict_set(&options, "ca_file", source.ca_file.c_str(), 0);
    if (ret < 0) return fail(ErrorCode::internal, "out of memory opening a video");

    // avformat_open_input frees the context itself when it fails.
    AVFormatContext* raw = owner.release();
    ret = avformat_open_input(&raw, source.url.c_str(), nullptr, &options);
    const std::string name = fmt::format("'{}'", source.url);
    if (ret == AVERROR_HTTP_UNAUTHORIZED)
        return fail(ErrorCode::unauthorized,
                    fmt::format("the server refused {} (401): sign in again with `walkthrough connect`", name));
    if (ret == AVERROR_HTTP_FORBIDDEN)
        return fail(ErrorCode::forbidden, fmt::format("the server does not let you watch {} (403)", name));
    if (ret == AVERROR_HTTP_NOT_FOUND)
        return fail(ErrorCode::not_found, fmt::format("the server has no {} (404): was it deleted?", name));
    if (ret == AVERROR_INVALIDDATA)
        return fail(ErrorCode::bad_media, fmt::format("{} is not a readable video ({})", name, error_text(ret)));
    if (ret < 0)
        return fail(ErrorCode::unreachable, fmt::format("cannot stream {} ({}); is the server reachable?", name,
                                                        error_text(ret)));
    InputFormatPtr ctx(raw);
    ret = avformat_find_stream_info(ctx.get(), nullptr);
    if (ret < 0)
        return fail(ErrorCode::bad_media,
                    fmt::format("{} is not a readable video; its stream headers are damaged or did not arrive ({})",
                                name, error_text(ret)));
    return ctx;
}

inline Result<InputFormatPtr> open_input(const MediaSource& source) {
    return source.remote() ? open_remote_input(source) : open_input(source.file);
}

inline std::string quoted(const MediaSource& s) { return fmt::format("'{}'", s.name()); }

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
