// The server's pure rules: routing with validated ids, RFC 9110 byte ranges and conditional
// requests, the sign-in limiter, and HOST:PORT.
#include <doctest/doctest.h>

#include "serve/guard.hpp"
#include "serve/range.hpp"
#include "serve/router.hpp"
#include "serve/serve.hpp"

using namespace wt::serve;
using Kind = RangeDecision::Kind;

namespace {
Router sample_router() {
    Router r;
    r.add(Method::get, "/api/v1/recordings", 1);
    r.add(Method::get, "/api/v1/recordings/{id}", 2);
    r.add(Method::get, "/api/v1/recordings/{id}/media", 3);
    r.add(Method::post, "/api/v1/recordings/{id}/comments", 4);
    r.add(Method::get, "/api/v1/recordings/{id}/comments", 5);
    r.add(Method::post, "/api/v1/session", 6);
    r.add(Method::del, "/api/v1/session", 7);
    return r;
}
}  // namespace

TEST_CASE("routes match by method and path, with {id} taken from the path") {
    Router r = sample_router();
    auto m = r.match(Method::get, "/api/v1/recordings");
    CHECK(m.kind == RouteMatch::Kind::found);
    CHECK(m.route == 1);
    m = r.match(Method::get, "/api/v1/recordings/7x2k9m/media");
    REQUIRE(m.kind == RouteMatch::Kind::found);
    CHECK(m.route == 3);
    CHECK(m.params.at("id") == "7x2k9m");
    CHECK(r.match(Method::post, "/api/v1/recordings/abc/comments").route == 4);
    CHECK(r.match(Method::get, "/api/v1/recordings/abc/comments").route == 5);
    CHECK(r.match(Method::del, "/api/v1/session").route == 7);
    // HEAD goes where GET goes.
    m = r.match(Method::head, "/api/v1/recordings/abc/media");
    CHECK(m.kind == RouteMatch::Kind::found);
    CHECK(m.route == 3);
}

TEST_CASE("a known path with another method is 405 with what it allows; an unknown path is 404") {
    Router r = sample_router();
    auto m = r.match(Method::put, "/api/v1/session");
    CHECK(m.kind == RouteMatch::Kind::method_not_allowed);
    CHECK(m.allowed == std::vector<Method>{Method::post, Method::del});
    CHECK(r.match(Method::get, "/api/v1/nothing").kind == RouteMatch::Kind::not_found);
    CHECK(r.match(Method::get, "/api/v1/recordings/").kind == RouteMatch::Kind::not_found);
    CHECK(r.match(Method::get, "/api/v1//recordings").kind == RouteMatch::Kind::not_found);
    CHECK(r.match(Method::get, "").kind == RouteMatch::Kind::not_found);
    CHECK(r.match(Method::get, "api/v1/recordings").kind == RouteMatch::Kind::not_found);
}

TEST_CASE("ids are 1-64 lowercase letters and digits: traversal and encoded tricks never match") {
    Router r = sample_router();
    for (const char* bad : {"..", ".", "%2e%2e", "a%2fb", "a.b", "ABC", "a b", "a\\b", "~root", "%00"}) {
        INFO(bad);
        CHECK_FALSE(valid_id(bad));
        CHECK(r.match(Method::get, std::string("/api/v1/recordings/") + bad + "/media").kind ==
              RouteMatch::Kind::not_found);
    }
    // A decoded slash adds a segment, which no route has.
    CHECK(r.match(Method::get, "/api/v1/recordings/../../etc/passwd/media").kind == RouteMatch::Kind::not_found);
    CHECK(r.match(Method::get, "/api/v1/recordings/a/b/media").kind == RouteMatch::Kind::not_found);
    CHECK_FALSE(valid_id(""));
    CHECK_FALSE(valid_id(std::string(65, 'a')));
    CHECK(valid_id(std::string(64, 'a')));
    CHECK(valid_id("0123456789abcdefghjkmnpqrstvwxyz"));
}

TEST_CASE("single, open and suffix ranges are served as asked, clipped to the size") {
    const std::int64_t size = 1000;
    auto d = decide_range("bytes=0-99", size);
    CHECK(d.kind == Kind::partial);
    CHECK(d.range == ByteRange{0, 99});
    d = decide_range("bytes=500-", size);
    CHECK(d.kind == Kind::partial);
    CHECK(d.range == ByteRange{500, 999});
    d = decide_range("bytes=-300", size);
    CHECK(d.kind == Kind::partial);
    CHECK(d.range == ByteRange{700, 999});
    d = decide_range("bytes=-5000", size);  // a suffix longer than the file is all of it
    CHECK(d.range == ByteRange{0, 999});
    d = decide_range("bytes=900-5000", size);  // a last position past the end is clipped
    CHECK(d.range == ByteRange{900, 999});
    d = decide_range("bytes=999-999", size);
    CHECK(d.range == ByteRange{999, 999});
    CHECK(d.range.length() == 1);
    d = decide_range("BYTES = 5-9", size);  // the unit is case-insensitive; spaces around '=' are not allowed
    CHECK(d.kind == Kind::whole);
    d = decide_range("Bytes=5-9", size);
    CHECK(d.kind == Kind::partial);
    CHECK(d.range == ByteRange{5, 9});
    CHECK(content_range(ByteRange{5, 9}, size) == "bytes 5-9/1000");
}

TEST_CASE("unsatisfiable ranges are 416; malformed ones and other units are ignored; several are answered whole") {
    CHECK(decide_range("bytes=1000-", 1000).kind == Kind::unsatisfiable);
    CHECK(decide_range("bytes=1000-2000", 1000).kind == Kind::unsatisfiable);
    CHECK(decide_range("bytes=-0", 1000).kind == Kind::unsatisfiable);
    CHECK(decide_range("bytes=0-0", 0).kind == Kind::unsatisfiable);
    CHECK(decide_range("bytes=-10", 0).kind == Kind::unsatisfiable);
    CHECK(decide_range("bytes=2000-3000, 4000-", 1000).kind == Kind::unsatisfiable);
    for (const char* ignored : {"", "bytes", "bytes=", "bytes=abc", "bytes=5-2", "bytes=--5", "bytes=1-2-3",
                                "items=0-5", "bytes=0x10-20", "bytes= -", "bytes=99999999999999999999999-"}) {
        INFO(ignored);
        if (std::string_view(ignored) == "bytes=99999999999999999999999-") {
            CHECK(decide_range(ignored, 1000).kind == Kind::unsatisfiable);  // huge, not overflowed
        } else {
            CHECK(decide_range(ignored, 1000).kind == Kind::whole);
        }
    }
    CHECK(decide_range("bytes=0-10, 20-30", 1000).kind == Kind::whole);
    CHECK(decide_range("bytes=0-10,5000-", 1000).kind == Kind::whole);
    auto d = decide_range("bytes=0-10, ", 1000);  // empty list elements are allowed
    CHECK(d.kind == Kind::partial);
    CHECK(d.range == ByteRange{0, 10});
}

TEST_CASE("If-None-Match compares weakly, If-Range strongly") {
    const std::string etag = file_etag(1000, 1234567890123);
    CHECK(etag == "\"3e8-11f71fb04cb\"");
    CHECK(none_match_hits(etag, etag));
    CHECK(none_match_hits("W/" + etag, etag));
    CHECK(none_match_hits("\"x\", " + etag, etag));
    CHECK(none_match_hits("*", etag));
    CHECK_FALSE(none_match_hits("\"x\"", etag));
    CHECK_FALSE(none_match_hits("", etag));

    const std::string date = http_date(784111777);
    CHECK(date == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(if_range_holds("", etag, date));
    CHECK(if_range_holds(etag, etag, date));
    CHECK(if_range_holds(date, etag, date));
    CHECK_FALSE(if_range_holds("W/" + etag, etag, date));
    CHECK_FALSE(if_range_holds("\"other\"", etag, date));
    CHECK_FALSE(if_range_holds("Mon, 07 Nov 1994 08:49:37 GMT", etag, date));
}

TEST_CASE("failed sign-ins are limited per address in a sliding window") {
    SignInLimiter limiter(3, std::chrono::seconds(60));
    const auto t0 = SignInLimiter::Clock::now();
    CHECK_FALSE(limiter.retry_after("10.0.0.1", t0));
    for (int i = 0; i < 3; ++i) limiter.failed("10.0.0.1", t0 + std::chrono::seconds(i));
    auto wait = limiter.retry_after("10.0.0.1", t0 + std::chrono::seconds(10));
    REQUIRE(wait.has_value());
    CHECK(*wait == 50);  // until the first failure leaves the window
    CHECK_FALSE(limiter.retry_after("10.0.0.2", t0 + std::chrono::seconds(10)));  // others are not affected
    CHECK_FALSE(limiter.retry_after("10.0.0.1", t0 + std::chrono::seconds(61)));
}

TEST_CASE("HOST:PORT and origins") {
    auto l = parse_listen("127.0.0.1:8642");
    REQUIRE(l.has_value());
    CHECK(l->first == "127.0.0.1");
    CHECK(l->second == 8642);
    l = parse_listen("[::1]:0");
    REQUIRE(l.has_value());
    CHECK(l->first == "::1");
    CHECK(l->second == 0);
    for (const char* bad : {"8642", ":8642", "host:", "host:65536", "host:-1", "::1:80", "host:80x", "[::1:80"}) {
        INFO(bad);
        CHECK_FALSE(parse_listen(bad).has_value());
    }
    CHECK(origin_of("https://Walk.Example.org/team/") == "https://walk.example.org");
    CHECK(origin_of("http://127.0.0.1:8642") == "http://127.0.0.1:8642");
    CHECK(origin_of("nonsense") == "");
}
