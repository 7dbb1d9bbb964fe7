#pragma once
// Where a video is read from: a file on this computer, or a team server's address with the
// credential to send. The player, the snapshot and probing take either; only avkit opens them.
#include <filesystem>
#include <string>
#include <utility>

namespace wt {

struct MediaSource {
    std::filesystem::path file;  // a local file, when `url` is empty
    std::string url;             // http(s)://… of a recording's media on a team server
    std::string authorization;   // sent as "Authorization: …" with every request for `url`; never shown
    bool verify_tls = true;      // false only for a connection made with --insecure
    std::string ca_file;         // trust only this certificate authority (a server with its own)

    MediaSource() = default;
    MediaSource(std::filesystem::path local) : file(std::move(local)) {}  // NOLINT: a file is a source

    bool remote() const { return !url.empty(); }
    // What messages call it: the file's path or the address (which never carries the credential).
    std::string name() const { return remote() ? url : file.string(); }
};

}  // namespace wt
