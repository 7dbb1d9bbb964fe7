#include <doctest/doctest.h>

#include "common/timefmt.hpp"

using namespace wt;

TEST_CASE("moments in a video parse from MM:SS, H:MM:SS and seconds") {
    CHECK(parse_moment("2:13").value() == 133000);
    CHECK(parse_moment("02:13").value() == 133000);
    CHECK(parse_moment("1:02:13").value() == 3733000);
    CHECK(parse_moment("75").value() == 75000);
    CHECK(parse_moment("75.5").value() == 75500);
    CHECK(parse_moment("0:03.25").value() == 3250);
    CHECK(parse_moment("0").value() == 0);
}

TEST_CASE("malformed moments are refused with a hint") {
    for (const char* bad : {"999999999999999999:00", "9223372036854775807:00:00", "", "2:60", "1:61:00", "abc", "-5",
                            "1:2:3:4", "2:", ":30", "1.", "1.2345", "2 13"}) {
        auto r = parse_moment(bad);
        CHECK_MESSAGE(!r.has_value(), bad);
        if (!r) {
            CHECK(r.error().code == ErrorCode::invalid_input);
            CHECK(r.error().message.find("MM:SS") != std::string::npos);
        }
    }
}

TEST_CASE("moments format back the way people write them") {
    CHECK(format_moment(133000) == "2:13");
    CHECK(format_moment(3733000) == "1:02:13");
    CHECK(format_moment(999) == "0:00");
    CHECK(format_moment(-5) == "0:00");
}

TEST_CASE("exact moments keep their milliseconds and read back the same") {
    CHECK(format_moment_exact(133000) == "2:13");
    CHECK(format_moment_exact(133250) == "2:13.25");
    CHECK(format_moment_exact(3733007) == "1:02:13.007");
    CHECK(format_moment_exact(999) == "0:00.999");
    for (std::int64_t ms : {0LL, 1LL, 65432LL, 3599999LL, 3733500LL})
        CHECK(parse_moment(format_moment_exact(ms)).value() == ms);
}

TEST_CASE("dates are real calendar dates") {
    CHECK(parse_date("2026-12-04").value() == "2026-12-04");
    CHECK(parse_date("2024-02-29").has_value());
    CHECK_FALSE(parse_date("2026-02-29").has_value());
    CHECK_FALSE(parse_date("2026-13-01").has_value());
    CHECK_FALSE(parse_date("26-12-04").has_value());
    CHECK_FALSE(parse_date("2026/12/04").has_value());
    CHECK_FALSE(parse_date("").has_value());
}

TEST_CASE("ages read naturally") {
    CHECK(format_age(45'000) == "45 s");
    CHECK(format_age(12 * 60'000) == "12 min");
    CHECK(format_age(3 * 3'600'000 + 5 * 60'000) == "3 h 5 min");
    CHECK(format_age(52 * 3'600'000LL) == "2 d 4 h");
}

TEST_CASE("ISO timestamps are UTC with milliseconds") {
    CHECK(format_iso_utc(0) == "1970-01-01T00:00:00.000Z");
    CHECK(format_iso_utc(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
}

TEST_CASE("ISO timestamps read back exactly; anything else is refused") {
    for (std::int64_t t : {0LL, 1'700'000'000'123LL, 1'700'000'000'001LL, 4'102'444'799'999LL}) {
        auto back = parse_iso_utc(format_iso_utc(t));
        REQUIRE(back.has_value());
        CHECK(*back == t);
    }
    CHECK(parse_iso_utc("2023-11-14T22:13:20Z").value() == 1'700'000'000'000);
    CHECK(parse_iso_utc("2023-11-14T22:13:20.5Z").value() == 1'700'000'000'500);
    for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14T22:13:20.Z", "2023-13-01T00:00:00Z",
                            "2023-11-14T22:13:20+01:00", "2023-11-14T22:13:20.123Zjunk"}) {
        INFO(bad);
        auto r = parse_iso_utc(bad);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == wt::ErrorCode::invalid_input);
    }
}
