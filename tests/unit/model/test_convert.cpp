// convert_value and to_json(SqlValue).

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

using namespace bulkflow;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

Field make_field(std::string name, FieldType type) {
    Field f;
    f.name = std::move(name);
    f.type = type;
    return f;
}

Field decimal_field(std::uint32_t precision = 18, std::uint32_t scale = 2) {
    Field f = make_field("price", FieldType::decimal);
    f.precision = precision;
    f.scale = scale;
    return f;
}

std::string convert_error(const Field& f, const json::value& v) {
    try {
        (void)convert_value(f, v);
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_data);
        return e.what();
    }
    FAIL("no error converting " << json::serialize(v) << " for field " << f.name);
    return {};
}

std::string dec(const Field& f, const json::value& v) { return std::get<Decimal>(convert_value(f, v)).text; }

} // namespace

TEST_CASE("null converts to NULL for every type", "[convert]") {
    for (auto t : {FieldType::str, FieldType::integer, FieldType::floating, FieldType::boolean, FieldType::decimal,
                   FieldType::datetime, FieldType::date, FieldType::json}) {
        Field f = make_field("x", t);
        f.required = true;
        CHECK(is_null(convert_value(f, nullptr)));
    }
}

TEST_CASE("str", "[convert]") {
    Field f = make_field("name", FieldType::str);
    CHECK(convert_value(f, "Widget") == SqlValue{std::string("Widget")});
    CHECK(convert_value(f, "") == SqlValue{std::string()});
    const std::string tricky = "tab\there\nnew \"quote\" back\\slash 'single' \xE2\x82\xAC";
    CHECK(convert_value(f, json::value(tricky)) == SqlValue{tricky});

    CHECK(convert_error(f, 12) == "field 'name': expected a string, got a number");
    CHECK(convert_error(f, true) == "field 'name': expected a string, got a boolean");
    CHECK(convert_error(f, json::array{1}) == "field 'name': expected a string, got an array");
    CHECK(convert_error(f, json::object{}) == "field 'name': expected a string, got an object");

    SECTION("max_length counts code points") {
        f.max_length = 3;
        CHECK(convert_value(f, "abc") == SqlValue{std::string("abc")});
        // "é€😀": 2 + 3 + 4 bytes, 3 code points.
        const std::string multi = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
        CHECK(convert_value(f, json::value(multi)) == SqlValue{multi});
        CHECK(convert_error(f, "abcd") == "field 'name': 'abcd' is longer than max_length 3 (4 characters)");
        CHECK_THAT(convert_error(f, json::value(multi + "x")), Contains("is longer than max_length 3 (4 characters)"));
    }
    SECTION("invalid UTF-8 is rejected") {
        CHECK(convert_error(f, json::value(std::string("ab\xFF"))) == "field 'name': invalid UTF-8 at byte 2 of 'ab\xEF\xBF\xBD'");
        CHECK_THAT(convert_error(f, json::value(std::string("\xC3"))), Contains("invalid UTF-8 at byte 0"));         // truncated
        CHECK_THAT(convert_error(f, json::value(std::string("\xC0\xAF"))), Contains("invalid UTF-8 at byte 0"));     // overlong
        CHECK_THAT(convert_error(f, json::value(std::string("\xED\xA0\x80"))), Contains("invalid UTF-8 at byte 0")); // surrogate
        CHECK_THAT(convert_error(f, json::value(std::string("x\xF4\x90\x80\x80"))), Contains("invalid UTF-8 at byte 1")); // > U+10FFFF
    }
    SECTION("long values are shortened in messages") {
        f.max_length = 5;
        const std::string msg = convert_error(f, json::value(std::string(100, 'a')));
        CHECK(msg == "field 'name': '" + std::string(60, 'a') + "...' is longer than max_length 5 (100 characters)");
    }
}

TEST_CASE("int", "[convert]") {
    const Field f = make_field("stock", FieldType::integer);
    CHECK(convert_value(f, 42) == SqlValue{std::int64_t{42}});
    CHECK(convert_value(f, -7) == SqlValue{std::int64_t{-7}});
    CHECK(convert_value(f, std::numeric_limits<std::int64_t>::min()) == SqlValue{std::numeric_limits<std::int64_t>::min()});
    CHECK(convert_value(f, std::uint64_t{9223372036854775807ULL}) == SqlValue{std::numeric_limits<std::int64_t>::max()});
    CHECK(convert_value(f, 12.0) == SqlValue{std::int64_t{12}});
    CHECK(convert_value(f, -3.0) == SqlValue{std::int64_t{-3}});
    CHECK(convert_value(f, "123") == SqlValue{std::int64_t{123}});
    CHECK(convert_value(f, "-123") == SqlValue{std::int64_t{-123}});
    CHECK(convert_value(f, "+5") == SqlValue{std::int64_t{5}});
    CHECK(convert_value(f, "007") == SqlValue{std::int64_t{7}});
    CHECK(convert_value(f, "9223372036854775807") == SqlValue{std::numeric_limits<std::int64_t>::max()});
    CHECK(convert_value(f, "-9223372036854775808") == SqlValue{std::numeric_limits<std::int64_t>::min()});

    CHECK(convert_error(f, "12.5") == "field 'stock': '12.5' is not an integer");
    CHECK(convert_error(f, "") == "field 'stock': '' is not an integer");
    CHECK(convert_error(f, " 1") == "field 'stock': ' 1' is not an integer");
    CHECK(convert_error(f, "1 ") == "field 'stock': '1 ' is not an integer");
    CHECK(convert_error(f, "-") == "field 'stock': '-' is not an integer");
    CHECK(convert_error(f, "+-1") == "field 'stock': '+-1' is not an integer");
    CHECK(convert_error(f, "1e3") == "field 'stock': '1e3' is not an integer");
    CHECK(convert_error(f, "0x10") == "field 'stock': '0x10' is not an integer");
    CHECK(convert_error(f, "9223372036854775808") ==
          "field 'stock': '9223372036854775808' is out of range for a 64-bit integer");
    CHECK(convert_error(f, std::uint64_t{9223372036854775808ULL}) ==
          "field 'stock': 9223372036854775808 is out of range for a 64-bit integer");
    CHECK(convert_error(f, 12.5) == "field 'stock': 12.5 is not an integer");
    CHECK_THAT(convert_error(f, 1e19), Contains("is out of range for a 64-bit integer"));
    CHECK(convert_error(f, true) == "field 'stock': expected an integer, got a boolean");
}

TEST_CASE("float", "[convert]") {
    const Field f = make_field("weight", FieldType::floating);
    CHECK(convert_value(f, 1.5) == SqlValue{1.5});
    CHECK(convert_value(f, 3) == SqlValue{3.0});
    CHECK(convert_value(f, std::uint64_t{10000000000000000000ULL}) == SqlValue{1e19});
    CHECK(convert_value(f, "2.25") == SqlValue{2.25});
    CHECK(convert_value(f, "-2e3") == SqlValue{-2000.0});
    CHECK(convert_value(f, "+0.5") == SqlValue{0.5});
    CHECK(convert_value(f, "7") == SqlValue{7.0});
    CHECK(convert_error(f, "abc") == "field 'weight': 'abc' is not a number");
    CHECK(convert_error(f, "1.5x") == "field 'weight': '1.5x' is not a number");
    CHECK(convert_error(f, "") == "field 'weight': '' is not a number");
    CHECK_THAT(convert_error(f, "nan"), Contains("NaN and infinity are not allowed"));
    CHECK_THAT(convert_error(f, "inf"), Contains("NaN and infinity are not allowed"));
    CHECK(convert_error(f, "1e999") == "field 'weight': '1e999' is out of range for a float");
    CHECK(convert_error(f, false) == "field 'weight': expected a number, got a boolean");
}

TEST_CASE("bool", "[convert]") {
    const Field f = make_field("active", FieldType::boolean);
    CHECK(convert_value(f, true) == SqlValue{true});
    CHECK(convert_value(f, false) == SqlValue{false});
    CHECK(convert_value(f, 1) == SqlValue{true});
    CHECK(convert_value(f, 0) == SqlValue{false});
    CHECK(convert_value(f, std::uint64_t{1}) == SqlValue{true});
    for (const char* t : {"true", "TRUE", "True", "1", "yes", "YES", "Yes"}) CHECK(convert_value(f, t) == SqlValue{true});
    for (const char* t : {"false", "FALSE", "False", "0", "no", "NO", "No"}) CHECK(convert_value(f, t) == SqlValue{false});
    CHECK(convert_error(f, 2) == "field 'active': 2 is not a boolean (expected 0 or 1)");
    CHECK(convert_error(f, "maybe") == "field 'active': 'maybe' is not a boolean (expected true, false, 1, 0, yes or no)");
    CHECK_THAT(convert_error(f, ""), Contains("'' is not a boolean"));
    CHECK(convert_error(f, 1.0) == "field 'active': expected a boolean, got a number");
}

TEST_CASE("decimal stays exact", "[convert]") {
    const Field f = decimal_field(10, 2);
    CHECK(dec(f, "19.99") == "19.99");
    CHECK(dec(f, "0.1") == "0.10");
    CHECK(dec(f, "0.2") == "0.20");
    CHECK(dec(f, "-0.5") == "-0.50");
    CHECK(dec(f, "12.340") == "12.34");
    CHECK(dec(f, "12.3400000") == "12.34");
    CHECK(dec(f, "007.5") == "7.50");
    CHECK(dec(f, "+.5") == "0.50");
    CHECK(dec(f, "5.") == "5.00");
    CHECK(dec(f, "0") == "0.00");
    CHECK(dec(f, "-0") == "0.00");
    CHECK(dec(f, "-0.00") == "0.00");
    CHECK(dec(f, "1e3") == "1000.00");
    CHECK(dec(f, "1.5E-1") == "0.15");
    CHECK(dec(f, "25e-2") == "0.25");
    CHECK(dec(f, "99999999.99") == "99999999.99");
    CHECK(dec(f, "-99999999.99") == "-99999999.99");
    CHECK(dec(f, 42) == "42.00");
    CHECK(dec(f, -42) == "-42.00");
    CHECK(dec(f, 19.99) == "19.99");  // shortest round-trip text of the double, not 19.989999...
    CHECK(dec(f, 0.1) == "0.10");
    CHECK(dec(f, 1e3) == "1000.00");
    CHECK(dec(f, -0.0) == "0.00");

    CHECK(convert_error(f, "12.345") == "field 'price': '12.345' has more than 2 decimal places");
    CHECK(convert_error(f, "0.001") == "field 'price': '0.001' has more than 2 decimal places");
    CHECK(convert_error(f, "1e-3") == "field 'price': '1e-3' has more than 2 decimal places");
    CHECK(convert_error(f, 0.1 + 0.2) == "field 'price': 0.30000000000000004 has more than 2 decimal places");
    CHECK(convert_error(f, "123456789") ==
          "field 'price': '123456789' does not fit decimal(10,2): at most 8 digits before the decimal point");
    CHECK_THAT(convert_error(f, "1e8"), Contains("does not fit decimal(10,2)"));
    CHECK(convert_error(f, 1e21) ==
          "field 'price': 1e+21 does not fit decimal(10,2): at most 8 digits before the decimal point");
    CHECK(convert_error(f, "abc") == "field 'price': 'abc' is not a decimal number");
    CHECK(convert_error(f, "") == "field 'price': '' is not a decimal number");
    CHECK(convert_error(f, ".") == "field 'price': '.' is not a decimal number");
    CHECK(convert_error(f, "1.2.3") == "field 'price': '1.2.3' is not a decimal number");
    CHECK(convert_error(f, "1e") == "field 'price': '1e' is not a decimal number");
    CHECK(convert_error(f, " 1") == "field 'price': ' 1' is not a decimal number");
    CHECK(convert_error(f, "1,5") == "field 'price': '1,5' is not a decimal number");
    CHECK(convert_error(f, "NaN") == "field 'price': 'NaN' is not a decimal number");
    CHECK(convert_error(f, "1e9999") == "field 'price': '1e9999' is out of range");
    CHECK(convert_error(f, true) == "field 'price': expected a decimal number or a string, got a boolean");

    SECTION("scale 0 and scale 1") {
        const Field whole = decimal_field(5, 0);
        CHECK(dec(whole, "12345") == "12345");
        CHECK(dec(whole, "12.000") == "12");
        CHECK(convert_error(whole, "1.5") == "field 'price': '1.5' has more than 0 decimal places");
        CHECK(convert_error(whole, "123456") ==
              "field 'price': '123456' does not fit decimal(5,0): at most 5 digits before the decimal point");
        const Field one = decimal_field(3, 1);
        CHECK(dec(one, "12.3") == "12.3");
        CHECK(convert_error(one, "1.25") == "field 'price': '1.25' has more than 1 decimal place");
    }
    SECTION("all digits after the point") {
        const Field frac = decimal_field(3, 3);
        CHECK(dec(frac, "0.125") == "0.125");
        CHECK(dec(frac, "-.5") == "-0.500");
        CHECK(convert_error(frac, "1") ==
              "field 'price': '1' does not fit decimal(3,3): at most 0 digits before the decimal point");
    }
    SECTION("38 digits") {
        const Field wide = decimal_field(38, 0);
        const std::string big(38, '9');
        CHECK(dec(wide, json::value(big)) == big);
        CHECK_THAT(convert_error(wide, json::value(big + "9")), Contains("at most 38 digits"));
    }
}

TEST_CASE("datetime", "[convert]") {
    const Field f = make_field("created", FieldType::datetime);
    CHECK(convert_value(f, "2024-01-01T12:00:00Z") == SqlValue{Timestamp{1704110400LL * 1000000}});
    CHECK(convert_value(f, "2024-01-01T12:00:00") == SqlValue{Timestamp{1704110400LL * 1000000}});
    CHECK(convert_value(f, "2024-01-01T12:00:00+05:30") == convert_value(f, "2024-01-01T06:30:00Z"));
    CHECK(convert_value(f, "2024-01-01T12:00:00.123456") == SqlValue{Timestamp{1704110400LL * 1000000 + 123456}});
    CHECK(convert_error(f, 1704110400) == "field 'created': expected an ISO 8601 date-time string, got a number");
    CHECK(convert_error(f, "2023-02-29T00:00:00") ==
          "field 'created': '2023-02-29T00:00:00' is not a valid ISO 8601 date-time (e.g. 2024-01-01T12:00:00Z)");
    CHECK_THAT(convert_error(f, "yesterday"), Contains("'yesterday' is not a valid ISO 8601 date-time"));
}

TEST_CASE("date", "[convert]") {
    const Field f = make_field("day", FieldType::date);
    CHECK(convert_value(f, "1970-01-01") == SqlValue{Date{0}});
    CHECK(convert_value(f, "2024-02-29") == SqlValue{Date{19782}});
    CHECK(convert_value(f, "1969-12-31") == SqlValue{Date{-1}});
    // A date-time at exactly midnight (Python's isoformat of a date-time) is accepted.
    CHECK(convert_value(f, "2024-02-29T00:00:00") == SqlValue{Date{19782}});
    CHECK(convert_value(f, "2024-02-29T00:00:00Z") == SqlValue{Date{19782}});
    CHECK(convert_error(f, "2024-02-29T12:00:00") ==
          "field 'day': '2024-02-29T12:00:00' is not a date: it has a time of day or an offset (expected YYYY-MM-DD)");
    CHECK_THAT(convert_error(f, "2024-02-29T00:00:00+01:00"), Contains("is not a date"));
    CHECK(convert_error(f, "2023-02-29") == "field 'day': '2023-02-29' is not a valid date (expected YYYY-MM-DD)");
    CHECK(convert_error(f, "01/02/2024") == "field 'day': '01/02/2024' is not a valid date (expected YYYY-MM-DD)");
    CHECK(convert_error(f, 20240101) == "field 'day': expected a date string (YYYY-MM-DD), got a number");
}

TEST_CASE("json", "[convert]") {
    const Field f = make_field("metadata", FieldType::json);
    CHECK(convert_value(f, json::parse(R"({"a": [1, 2.5, "x"], "b": null})")) ==
          SqlValue{JsonText{R"({"a":[1,2.5,"x"],"b":null})"}});
    CHECK(convert_value(f, "text") == SqlValue{JsonText{"\"text\""}});
    CHECK(convert_value(f, R"({"a":1})") == SqlValue{JsonText{R"("{\"a\":1}")"}});  // a string stays a string
    CHECK(convert_value(f, 5) == SqlValue{JsonText{"5"}});
    CHECK(convert_value(f, false) == SqlValue{JsonText{"false"}});
    CHECK(convert_value(f, json::array{}) == SqlValue{JsonText{"[]"}});
}

TEST_CASE("to_json of SqlValues", "[convert]") {
    CHECK(to_json(SqlValue{}) == json::value(nullptr));
    CHECK(to_json(SqlValue{std::int64_t{-5}}) == json::value(-5));
    CHECK(to_json(SqlValue{2.5}) == json::value(2.5));
    CHECK(to_json(SqlValue{true}) == json::value(true));
    CHECK(to_json(SqlValue{std::string("hi")}) == json::value("hi"));
    CHECK(to_json(SqlValue{Decimal{"-12.50"}}) == json::value("-12.50"));
    CHECK(to_json(SqlValue{Timestamp{1704110400LL * 1000000 + 5}}) == json::value("2024-01-01T12:00:00.000005Z"));
    CHECK(to_json(SqlValue{Date{19782}}) == json::value("2024-02-29"));
    CHECK(to_json(SqlValue{JsonText{R"({"a":[1,2]})"}}) == json::parse(R"({"a":[1,2]})"));
    CHECK(to_json(SqlValue{JsonText{"\"s\""}}) == json::value("s"));

    // Round trip: convert then to_json gives the canonical JSON form.
    const Field d = decimal_field(10, 2);
    CHECK(to_json(convert_value(d, "3.5")) == json::value("3.50"));
    const Field t = make_field("t", FieldType::datetime);
    CHECK(to_json(convert_value(t, "2024-01-01 12:00:00+05:30")) == json::value("2024-01-01T06:30:00Z"));
    const Field j = make_field("j", FieldType::json);
    const json::value doc = json::parse(R"({"k": [true, null, "v"]})");
    CHECK(to_json(convert_value(j, doc)) == doc);
}
