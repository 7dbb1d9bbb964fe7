// HTTPS served directly (serve --tls-cert/--tls-key): a certificate made now with the openssl
// command, requests with libcurl trusting only it; cookies Secure with the __Host- name; a
// plain-HTTP request to the port fails cleanly and the server goes on; unreadable, wrong or
// mismatched files are refused before anything listens.
#include <doctest/doctest.h>

#include "tests/serve_support.hpp"

using nlohmann::json;
using namespace wt::test;
using std::chrono::milliseconds;

namespace {

// A self-signed certificate for 127.0.0.1 and its key: (cert, key).
std::pair<std::string, std::string> make_certificate(const TempDir& dir, const std::string& name) {
    const std::string cert = (dir / (name + ".crt")).string(), key = (dir / (name + ".key")).string();
    auto made = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                     "subjectAltName=IP:127.0.0.1"});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    return {cert, key};
}

}  // namespace

TEST_CASE("HTTPS with a pinned self-signed certificate: API, Secure cookies and events; plain HTTP fails cleanly") {
    CliLibrary lib;
    const auto clip = make_clip(lib.dir.path, "clip.mp4", 1, "160x120", false);
    const std::string id = lib.ok({"import", clip.string(), "--title", "Secret plans"}, "ann").at("id");
    auto [cert, key] = make_certificate(lib.dir, "server");

    Served server(lib, {"--tls-cert", cert, "--tls-key", key});
    REQUIRE(server.url.starts_with("https://127.0.0.1:"));
    server.ca_file = cert;

    const std::string code = server.invite_code("bob");
    auto signed_in = server.post("/api/v1/session", "", json{{"invite", code}}.dump());
    REQUIRE_MESSAGE(signed_in.status == 200, signed_in.error << signed_in.body);
    const std::string cookie = signed_in.header("set-cookie");
    CHECK(cookie.starts_with("__Host-wt_session="));
    CHECK(contains(cookie, "; Secure"));
    CHECK(contains(cookie, "Path=/"));
    const std::string token = signed_in.json().at("token");
    auto list = server.get("/api/v1/recordings", token);
    REQUIRE(list.status == 200);
    CHECK(list.json().at(0).at("id") == id);
    auto media = server.get("/api/v1/recordings/" + id + "/media", token);
    CHECK(media.status == 200);
    CHECK(media.body == read_file(lib.root() / lib.ok({"show", id}).at("media_path").get<std::string>()));

    EventStream events(server, token);
    REQUIRE(events.next("ready", milliseconds(5000)).has_value());
    lib.ok({"comment", id, "over TLS too"}, "ann");
    CHECK(events.next("comment.added", milliseconds(5000)).has_value());
    events.hang_up();

    // Without the pinned certificate the client refuses the server (it is not publicly trusted).
    auto untrusted = request(server.url, {"GET", "/api/v1/me", {auth(token)}, std::nullopt});
    CHECK(untrusted.status == 0);
    CHECK_FALSE(untrusted.error.empty());

    // Plain HTTP to the TLS port: no answer a client could take for one, and the server goes on.
    const std::string plain_url = "http://" + server.url.substr(std::string("https://").size());
    auto refused = request(plain_url, {"GET", "/api/v1/me", {auth(token)}, std::nullopt});
    CHECK(refused.status == 0);
    CHECK_FALSE(refused.error.empty());
    RawClient raw(server.url);
    REQUIRE(raw.send("GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"));
    const std::string answer = raw.receive(milliseconds(2000));
    CHECK_FALSE(contains(answer, "HTTP/1.1 200"));
    CHECK_FALSE(contains(answer, "bob"));
    CHECK(server.get("/api/v1/me", token).status == 200);

    auto exit_code = server.stop(milliseconds(5000));
    REQUIRE(exit_code.has_value());
    CHECK(*exit_code == 0);
}

TEST_CASE("unreadable, non-PEM, encrypted or mismatched TLS files are refused with what is wrong") {
    CliLibrary lib;
    lib.ok({"people"}, "ann");
    auto [cert, key] = make_certificate(lib.dir, "one");
    auto [other_cert, other_key] = make_certificate(lib.dir, "two");
    write_file(lib.dir / "junk.pem", "not a certificate\n");
    const std::string encrypted = (lib.dir / "encrypted.key").string();
    REQUIRE(run({"openssl", "pkey", "-in", key, "-out", encrypted, "-aes256", "-passout", "pass:secret"}).exit_code ==
            0);

    auto refused = [&](std::vector<std::string> tls, const std::string& says) {
        std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0"};
        args.insert(args.end(), tls.begin(), tls.end());
        auto r = lib.run(args);
        CHECK(r.exit_code != 0);
        CHECK_MESSAGE(contains(r.err, says), r.err);
        CHECK_FALSE(contains(r.err, "serving "));
    };
    refused({"--tls-cert", (lib.dir / "missing.crt").string(), "--tls-key", key}, "cannot read the TLS certificate");
    refused({"--tls-cert", cert, "--tls-key", (lib.dir / "missing.key").string()}, "cannot read the TLS key");
    refused({"--tls-cert", (lib.dir / "junk.pem").string(), "--tls-key", key}, "is not a PEM certificate");
    refused({"--tls-cert", cert, "--tls-key", (lib.dir / "junk.pem").string()}, "is not a PEM private key");
    refused({"--tls-cert", cert, "--tls-key", encrypted}, "is encrypted");
    refused({"--tls-cert", cert, "--tls-key", other_key}, "does not belong to the certificate");
    refused({"--tls-cert", cert}, "give both --tls-cert and --tls-key");
    CHECK(integrity(lib) == "ok");
}
