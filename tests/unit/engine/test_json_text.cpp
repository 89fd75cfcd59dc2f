// The number path: JsonReader keeps numbers exact, convert_value converts them from their text,
// to_json_text prints them plainly, Params::get_int checks a double's range before casting.
#include <bulkflow/error.hpp>
#include <bulkflow/json_number.hpp>
#include <bulkflow/json_text.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/params.hpp>
#include <bulkflow/workflow_file.hpp>

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <random>

using namespace bulkflow;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

json::value parse(std::string_view text) {
    json::error_code ec;
    auto v = parse_json(text, ec);
    REQUIRE_FALSE(ec);
    return v;
}

std::string exact(const json::value& v) {
    const auto* t = exact_number_text(v);
    return t ? std::string(*t) : std::string("<not exact>");
}

Field field(FieldType type, std::uint32_t precision = 0, std::uint32_t scale = 0) {
    Field f;
    f.name = "x";
    f.type = type;
    f.precision = precision;
    f.scale = scale;
    return f;
}

std::string error_of(const Field& f, const json::value& v) {
    try {
        (void)convert_value(f, v);
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

} // namespace

TEST_CASE("JsonReader keeps faithful doubles and the text of every other number", "[json][numbers]") {
    CHECK(parse("12").as_int64() == 12);
    CHECK(parse("18446744073709551615").as_uint64() == UINT64_MAX);
    CHECK(parse("0.1").as_double() == 0.1);
    CHECK(parse("-2.5e3").as_double() == -2500.0);
    CHECK(parse("123456789012345").is_int64());
    CHECK(parse("1.23456789012345e300").as_double() == 1.23456789012345e300);
    CHECK(parse("0e-999").as_double() == 0.0);
    CHECK(parse("1.50000000000000000000").as_double() == 1.5);  // trailing zeros are not digits
    CHECK(parse("0.30000000000000004").as_double() == 0.1 + 0.2);  // 17 digits, a double's own text
    CHECK(parse("9007199254740992.0").as_double() == 9007199254740992.0);
    CHECK(exact(parse("0.30000000000000005")) == "0.30000000000000005");  // not a double's text
    // Correctly rounded (Boost 1.81's own conversion is 1 ulp off for this one).
    CHECK(parse("6475e-168").as_double() == 6.475e-165);
    CHECK(exact(parse("9007199254740993.0")) == "9007199254740993.0");
    CHECK(exact(parse("123456789012345678.01")) == "123456789012345678.01");
    CHECK(exact(parse("1e-400")) == "1e-400");
    CHECK(exact(parse("1e400")) == "1e400");
    CHECK(exact(parse("2.0000000000000001")) == "2.0000000000000001");
    CHECK(exact(parse("18446744073709551616")) == "18446744073709551616");
    const auto doc = parse(R"({"a": [1, 0.5, 1e-400], "b": {"c": 1.0000000000000001}})");
    CHECK(doc.at("a").at(1).as_double() == 0.5);
    CHECK(exact(doc.at("a").at(2)) == "1e-400");
    CHECK(exact(doc.at("b").at("c")) == "1.0000000000000001");
    json::error_code ec;
    JsonReader reader;
    std::size_t used = 0;
    (void)reader.parse("{\"a\": 1} x", ec, &used);
    CHECK(ec == json::error::extra_data);
    (void)reader.parse("{\"a\": 1", ec);
    CHECK(ec);
    CHECK(reader.parse("[2]", ec).at(0).as_int64() == 2);  // reusable after an error
}

TEST_CASE("JsonReader's doubles are correctly rounded and print back as their text", "[json][numbers]") {
    std::mt19937_64 gen(42);
    JsonReader reader;
    int doubles = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text = gen() % 2 ? "-" : "";
        const int int_digits = 1 + static_cast<int>(gen() % 10), frac_digits = static_cast<int>(gen() % 12);
        text += static_cast<char>('1' + gen() % 9);
        for (int k = 1; k < int_digits; ++k) text += static_cast<char>('0' + gen() % 10);
        if (frac_digits > 0) text += '.';
        for (int k = 0; k < frac_digits; ++k) text += static_cast<char>('0' + gen() % 10);
        text += "e" + std::to_string(static_cast<int>(gen() % 80) - 40);
        json::error_code ec;
        const auto v = reader.parse(text, ec);
        REQUIRE_FALSE(ec);
        double expected = 0;
        std::from_chars(text.data(), text.data() + text.size(), expected);
        if (v.is_double()) {
            ++doubles;
            INFO(text);
            REQUIRE(v.get_double() == expected);
        } else {
            REQUIRE(exact(v) == text);
            REQUIRE(int_digits + frac_digits > 15);  // short numbers in range are always doubles
        }
    }
    CHECK(doubles > 50000);
}

TEST_CASE("number_from_text gives the same values as the JSON reader", "[json][numbers]") {
    CHECK(number_from_text("+7").as_int64() == 7);
    CHECK(number_from_text("99999999999999999999").is_object());
    CHECK(number_from_text("1.5").as_double() == 1.5);
    CHECK(exact(number_from_text("9007199254740993.0")) == "9007199254740993.0");
    CHECK_THROWS(number_from_text("1.2.3"));
    // YAML plain scalars go the same way.
    const auto y = parse_yaml("a: 9007199254740993.0\nb: 1e-400\nc: 0.25\nd: +.5\ne: 99999999999999999999\n", "t.yaml");
    CHECK(exact(y.at("a")) == "9007199254740993.0");
    CHECK(exact(y.at("b")) == "1e-400");
    CHECK(y.at("c").as_double() == 0.25);
    CHECK(y.at("d").as_double() == 0.5);
    CHECK(exact(y.at("e")) == "99999999999999999999");
}

TEST_CASE("exact numbers convert from their text; what does not fit fails", "[json][numbers][convert]") {
    const Field i = field(FieldType::integer), d = field(FieldType::decimal, 30, 2), small = field(FieldType::decimal, 10, 2),
                fl = field(FieldType::floating), s = field(FieldType::str), js = field(FieldType::json);
    CHECK(std::get<std::int64_t>(convert_value(i, parse("9007199254740993.0"))) == 9007199254740993);
    CHECK(std::get<std::int64_t>(convert_value(i, parse("-9223372036854775808.000000"))) == INT64_MIN);
    CHECK(std::get<std::int64_t>(convert_value(i, parse("1.2e1"))) == 12);
    CHECK_THAT(error_of(i, parse("2.0000000000000001")), Contains("2.0000000000000001 is not an integer"));
    CHECK_THAT(error_of(i, parse("1.5")), Contains("1.5 is not an integer"));
    CHECK_THAT(error_of(i, parse("9223372036854775808.0")), Contains("out of range"));
    CHECK_THAT(error_of(i, parse("18446744073709551616")), Contains("out of range"));
    CHECK(std::get<Decimal>(convert_value(d, parse("123456789012345678.01"))).text == "123456789012345678.01");
    CHECK_THAT(error_of(small, parse("1.234")), Contains("1.234 has more than 2 decimal places"));
    CHECK_THAT(error_of(small, parse("1e-400")), Contains("1e-400 has more than 2 decimal places"));
    CHECK_THAT(error_of(small, parse("123456789.5")), Contains("does not fit decimal(10,2)"));
    CHECK_THAT(error_of(fl, parse("1e-400")), Contains("1e-400 is out of range"));
    CHECK_THAT(error_of(fl, parse("-1e400")), Contains("-1e400 is out of range"));
    CHECK_THAT(error_of(fl, json::value("1e-400")), Contains("out of range"));  // also as a string
    CHECK(std::get<double>(convert_value(fl, parse("0.30000000000000004441"))) == 0.30000000000000004);
    CHECK_THAT(error_of(s, parse("1e-400")), Contains("expected a string, got a number"));
    CHECK(std::get<JsonText>(convert_value(js, parse(R"({"n": 1e-400, "m": 0.5})"))).text == R"({"n":1e-400,"m":0.5})");
    // A double into a decimal goes through its shortest text; into an int only when integral.
    CHECK(std::get<Decimal>(convert_value(small, json::value(0.1))).text == "0.10");
    CHECK_THAT(error_of(i, json::value(1e30)), Contains("out of range"));
}

TEST_CASE("to_json_text prints plain numbers and exact numbers as written", "[json][numbers]") {
    CHECK(to_json_text(json::value(0.001986218)) == "0.001986218");
    CHECK(to_json_text(json::value(1.5)) == "1.5");
    CHECK(to_json_text(json::value(-0.5)) == "-0.5");
    CHECK(to_json_text(json::value(2.0)) == "2");
    CHECK(to_json_text(json::value(1e20)) == "100000000000000000000");
    CHECK(to_json_text(json::value(1e21)) == "1e+21");
    CHECK(to_json_text(json::value(1.25e-7)) == "1.25e-7");
    CHECK(to_json_text(json::value(1.5e-7)) == "1.5e-7");
    CHECK(to_json_text(json::value(1e-6)) == "0.000001");
    CHECK(to_json_text(json::value(123.456)) == "123.456");
    CHECK(to_json_text(json::value(std::numeric_limits<double>::infinity())) == "null");
    CHECK(to_json_text(parse(R"({"a":[1,"x\"y",null,true,1e-400]})")) == R"({"a":[1,"x\"y",null,true,1e-400]})");
    CHECK(to_json_text(json::object{{"$number", "abc"}}) == R"({"$number":"abc"})");  // not a number
    CHECK(double_text(0.0123) == "0.0123");
}

TEST_CASE("Params::get_int checks a double's range before converting it", "[params][numbers]") {
    Params p;
    p.set("ok", json::value(12.0));
    p.set("nan", json::value(std::nan("")));
    p.set("inf", json::value(HUGE_VAL));
    p.set("big", json::value(1e30));
    p.set("half", json::value(1.5));
    p.set("huge", json::value(UINT64_MAX));
    CHECK(p.get_int("ok") == 12);
    CHECK_THROWS_WITH(p.get_int("nan"), Contains("parameter 'nan' must be a finite integer"));
    CHECK_THROWS_WITH(p.get_int("inf"), Contains("parameter 'inf' must be a finite integer"));
    CHECK_THROWS_WITH(p.get_int("big"), Contains("parameter 'big' is out of the 64-bit integer range"));
    CHECK_THROWS_WITH(p.get_int("half"), Contains("parameter 'half' must be an integer"));
    CHECK_THROWS_WITH(p.get_int("huge"), Contains("parameter 'huge' is out of the 64-bit integer range"));
}
