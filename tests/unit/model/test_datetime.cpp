// parse_iso8601, format_timestamp, parse_date, format_date, civil calendar helpers.

#include <bulkflow/model.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace bulkflow;

namespace {

constexpr std::int64_t S = 1'000'000;  // micros per second

std::int64_t micros(std::string_view s) {
    const auto t = parse_iso8601(s);
    INFO(s);
    REQUIRE(t.has_value());
    return t->micros;
}

} // namespace

TEST_CASE("civil date arithmetic", "[datetime]") {
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(days_from_civil(1969, 12, 31) == -1);
    CHECK(days_from_civil(2000, 3, 1) == 11017);
    CHECK(days_from_civil(2024, 2, 29) == 19782);
    CHECK(days_from_civil(1900, 1, 1) == -25567);
    CHECK(days_from_civil(0, 1, 1) == -719528);
    CHECK(civil_from_days(0) == CivilDate{1970, 1, 1});
    CHECK(civil_from_days(-1) == CivilDate{1969, 12, 31});
    CHECK(civil_from_days(19782) == CivilDate{2024, 2, 29});
    CHECK(civil_from_days(-719528) == CivilDate{0, 1, 1});
    CHECK(civil_from_days(-719529) == CivilDate{-1, 12, 31});
    // Every day of 1600..2400 round-trips.
    for (std::int64_t d = days_from_civil(1600, 1, 1); d <= days_from_civil(2400, 12, 31); ++d) {
        const CivilDate c = civil_from_days(d);
        if (days_from_civil(c.year, c.month, c.day) != d) FAIL("day " << d);
    }
}

TEST_CASE("parse_iso8601 accepts the documented forms", "[datetime]") {
    const std::int64_t noon = 1704110400 * S;  // 2024-01-01T12:00:00Z
    CHECK(micros("2024-01-01T12:00:00") == noon);
    CHECK(micros("2024-01-01T12:00:00Z") == noon);
    CHECK(micros("2024-01-01T12:00:00z") == noon);
    CHECK(micros("2024-01-01t12:00:00") == noon);
    CHECK(micros("2024-01-01 12:00:00") == noon);
    CHECK(micros("2024-01-01T12:00") == noon);
    CHECK(micros("2024-01-01T12:00Z") == noon);
    CHECK(micros("2024-01-01") == 1704067200 * S);
    CHECK(micros("2024-01-01T12:00:00+00:00") == noon);
    CHECK(micros("2024-01-01T12:00:00-00:00") == noon);

    // Offsets: local time minus offset.
    CHECK(micros("2024-01-01T12:00:00+05:30") == micros("2024-01-01T06:30:00Z"));
    CHECK(micros("2024-01-01T12:00:00+0530") == micros("2024-01-01T06:30:00Z"));
    CHECK(micros("2024-01-01T12:00:00+05") == micros("2024-01-01T07:00:00Z"));
    CHECK(micros("2024-01-01T12:00:00-08:00") == micros("2024-01-01T20:00:00Z"));
    CHECK(micros("2024-01-01T01:00:00+02:00") == micros("2023-12-31T23:00:00Z"));  // crosses a year
    CHECK(micros("2024-01-01T12:00+05:30") == micros("2024-01-01T06:30:00Z"));

    // Fractions: 1 to 9 digits, kept to the microsecond, the rest truncated.
    CHECK(micros("2024-01-01T12:00:00.123456") == noon + 123456);
    CHECK(micros("2024-01-01T12:00:00.123456Z") == noon + 123456);
    CHECK(micros("2024-01-01T12:00:00.5") == noon + 500000);
    CHECK(micros("2024-01-01T12:00:00.000001") == noon + 1);
    CHECK(micros("2024-01-01T12:00:00.123456789") == noon + 123456);
    CHECK(micros("2024-01-01T12:00:00.999999999+01:00") == noon - 3600 * S + 999999);

    // Before 1970, leap days, extremes.
    CHECK(micros("1969-12-31T23:59:59Z") == -1 * S);
    CHECK(micros("1969-12-31T23:59:59.5Z") == -S / 2);
    CHECK(micros("1900-01-01T00:00:00Z") == -2208988800 * S);
    CHECK(micros("2024-02-29T00:00:00") == 1709164800 * S);
    CHECK(micros("2000-02-29") == 951782400 * S);
    CHECK(micros("0001-01-01T00:00:00Z") == -62135596800 * S);
    CHECK(micros("9999-12-31T23:59:59.999999Z") == 253402300799 * S + 999999);
}

TEST_CASE("parse_iso8601 rejects everything else", "[datetime]") {
    for (const char* bad : {
             "", "2024", "2024-01", "2024-1-01", "2024-01-1", "24-01-01", "2024/01/01", "20240101",
             "2023-02-29", "1900-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
             "2024-01-32", "2024-01-01T", "2024-01-01T12", "2024-01-01T24:00:00", "2024-01-01T12:60:00",
             "2024-01-01T12:00:60", "2024-01-01T12:00:00.", "2024-01-01T12:00:00.1234567890",
             "2024-01-01T12:00:00+5:30", "2024-01-01T12:00:00+05:", "2024-01-01T12:00:00+24:00",
             "2024-01-01T12:00:00+05:60", "2024-01-01T12:00:00+05:30:00", "2024-01-01T12:00:00ZZ",
             "2024-01-01T12:00:00 ", " 2024-01-01T12:00:00", "2024-01-01Z", "2024-01-01+01:00",
             "2024-01-01X12:00:00", "2024-01-01T12:00:00UTC", "2024-01-01T1:00:00", "2024-01-01T12:00.5",
             "+2024-01-01", "-001-01-01", "2024-01-01T12:00:00,5", "yesterday", "1704110400"}) {
        INFO(bad);
        CHECK_FALSE(parse_iso8601(bad).has_value());
    }
}

TEST_CASE("format_timestamp", "[datetime]") {
    CHECK(format_timestamp(Timestamp{0}) == "1970-01-01T00:00:00Z");
    CHECK(format_timestamp(Timestamp{1704110400 * S}) == "2024-01-01T12:00:00Z");
    CHECK(format_timestamp(Timestamp{1704110400 * S + 123456}) == "2024-01-01T12:00:00.123456Z");
    CHECK(format_timestamp(Timestamp{1704110400 * S + 500000}) == "2024-01-01T12:00:00.500000Z");
    CHECK(format_timestamp(Timestamp{1704110400 * S + 1}) == "2024-01-01T12:00:00.000001Z");
    CHECK(format_timestamp(Timestamp{-1}) == "1969-12-31T23:59:59.999999Z");
    CHECK(format_timestamp(Timestamp{-S}) == "1969-12-31T23:59:59Z");
    CHECK(format_timestamp(Timestamp{-2208988800 * S}) == "1900-01-01T00:00:00Z");
    CHECK(format_timestamp(Timestamp{1709164800 * S + 86399 * S}) == "2024-02-29T23:59:59Z");
    CHECK(format_timestamp(Timestamp{-62135596800 * S}) == "0001-01-01T00:00:00Z");
    CHECK(format_timestamp(Timestamp{253402300800 * S}) == "+10000-01-01T00:00:00Z");
    CHECK(format_timestamp(Timestamp{-62167219200 * S - 1}) == "-0001-12-31T23:59:59.999999Z");
    // Extremes do not overflow.
    CHECK(format_timestamp(Timestamp{INT64_MIN}).size() > 20);
    CHECK(format_timestamp(Timestamp{INT64_MAX}).size() > 20);

    // parse(format(t)) == t.
    for (std::int64_t t : {std::int64_t{0}, std::int64_t{-1}, 1704110400 * S + 7, -2208988800 * S + 999999,
                           951782400 * S, 253402300799 * S + 999999}) {
        INFO(t);
        CHECK(parse_iso8601(format_timestamp(Timestamp{t})) == Timestamp{t});
    }
}

TEST_CASE("parse_date and format_date", "[datetime]") {
    CHECK(parse_date("1970-01-01") == Date{0});
    CHECK(parse_date("2024-02-29") == Date{19782});
    CHECK(parse_date("1969-12-31") == Date{-1});
    CHECK(parse_date("1900-03-01") == Date{-25508});
    CHECK_FALSE(parse_date("2023-02-29").has_value());
    CHECK_FALSE(parse_date("2024-02-29T00:00:00").has_value());
    CHECK_FALSE(parse_date("2024-2-29").has_value());
    CHECK_FALSE(parse_date("").has_value());
    CHECK(format_date(Date{0}) == "1970-01-01");
    CHECK(format_date(Date{19782}) == "2024-02-29");
    CHECK(format_date(Date{-1}) == "1969-12-31");
    CHECK(format_date(Date{-719162}) == "0001-01-01");
    for (std::int32_t d = -719528; d <= 2932896; d += 997) {  // 0000-01-01 .. 9999-12-31
        const std::string text = format_date(Date{d});
        INFO(text);
        CHECK(parse_date(text) == Date{d});
    }
}
