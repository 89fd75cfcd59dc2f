// Binary COPY (the default): the NUMERIC encoding, every type's round trip with edge values, the
// COPY line context of binary errors, row isolation, and the text fallback.
#include "pg_test_support.hpp"

#include "pg_connection.hpp"
#include "pg_copy_encode.hpp"
#include "pg_values.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <set>

using namespace pgtest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string words(std::initializer_list<int> ws) {
    std::string out;
    for (int w : ws) {
        const auto u = static_cast<std::uint16_t>(w);
        out += static_cast<char>(u >> 8);
        out += static_cast<char>(u & 0xFF);
    }
    return out;
}

std::string numeric(std::string_view text) {
    std::string out;
    REQUIRE(detail::append_binary_numeric(out, text));
    return out;
}

const char* kAll = kEveryTypeModel;

Model fresh_all(Dialect& d) {
    Probe db;
    db.drop({"pgd_bin"});
    Model m = model("Bin", kAll, "pgd_bin");
    d.ensure_table(m);
    return m;
}

struct CopyFailure {
    std::optional<std::size_t> line;
    std::string sqlstate, message;
};

} // namespace

TEST_CASE("binary NUMERIC: ndigits, weight, sign, dscale and base-10000 digits", "[postgres][binary][numeric]") {
    const int neg = 0x4000;
    CHECK(numeric("0") == words({0, 0, 0, 0}));
    CHECK(numeric("0.00") == words({0, 0, 0, 2}));
    CHECK(numeric("-0.000") == words({0, 0, 0, 3}));  // zero is never negative
    CHECK(numeric("0.01") == words({1, -1, 0, 2, 100}));
    CHECK(numeric("-0.01") == words({1, -1, neg, 2, 100}));
    CHECK(numeric("-12.50") == words({2, 0, neg, 2, 12, 5000}));
    CHECK(numeric("1") == words({1, 0, 0, 0, 1}));
    CHECK(numeric("9999") == words({1, 0, 0, 0, 9999}));
    CHECK(numeric("10000") == words({1, 1, 0, 0, 1}));  // trailing zero groups are dropped
    CHECK(numeric("100000000.0001") == words({4, 2, 0, 4, 1, 0, 0, 1}));
    CHECK(numeric("123456789.123456789") == words({6, 2, 0, 9, 1, 2345, 6789, 1234, 5678, 9000}));
    CHECK(numeric("0.00001") == words({1, -2, 0, 5, 1000}));
    CHECK(numeric("00012.3400") == words({2, 0, 0, 4, 12, 3400}));
    CHECK(numeric("+5") == words({1, 0, 0, 0, 5}));
    CHECK(numeric(".5") == words({1, -1, 0, 1, 5000}));
    CHECK(numeric("5.") == words({1, 0, 0, 0, 5}));
    CHECK(numeric("1e3") == words({1, 0, 0, 0, 1000}));
    CHECK(numeric("1.5e-3") == words({1, -1, 0, 4, 15}));
    CHECK(numeric("-2.5E+5") == words({1, 1, neg, 0, 25}));
    for (const char* bad : {"", "-", "+", ".", "1.2.3", "abc", "NaN", "Infinity", "1e", "1e+", "1x", " 1", "1 ", "--1", "1e1234567"}) {
        INFO("text '" << bad << "'");
        std::string out = "keep";
        CHECK_FALSE(detail::append_binary_numeric(out, bad));
        CHECK(out == "keep");
    }
}

TEST_CASE("binary NUMERIC stores exactly what PostgreSQL's own numeric input does", "[postgres][binary][numeric]") {
    Probe db;
    db.drop({"pgd_num"});
    db.exec("CREATE TABLE pgd_num (id BIGSERIAL PRIMARY KEY, src TEXT, v NUMERIC, w NUMERIC(10,2), z NUMERIC(12,0))");
    const Model m = model("Num", R"({"fields": {"src": "str", "v": {"type": "decimal", "precision": 38, "scale": 10},
        "w": {"type": "decimal", "precision": 10, "scale": 2}, "z": {"type": "decimal", "precision": 12, "scale": 0}}})", "pgd_num");
    std::vector<std::string> values = {
        "0", "-0", "0.00", "-0.00", "0.01", "-0.01", "0.1", "1", "-1", "9999", "10000", "-10000", "99999999", "100000000",
        "0.0001", "0.00001", "0.000000000000000000000000000001", "12345678901234567890.1234567891",
        "-12345678901234567890123456789012345678", "1" + std::string(120, '0'), "-0." + std::string(60, '0') + "7",
        "3.14159265358979323846264338327950288419716939937510", "1e3", "1.5e-3", "-2.5E+5", "+5", "00012.3400", ".5", "5.", "-.5",
        "999.995", "-999.995", "0.005", "-0.005", "12345678.994", "1234.5", "98765432.1"};
    // Also into NUMERIC(10,2) and NUMERIC(12,0), whose typmods round: values that fit them.
    const std::set<std::string> typmod = {"0", "-0", "0.00", "-0.00", "0.01", "-0.01", "0.1", "1", "-1", "9999", "10000", "-10000",
                                          "99999999", "0.0001", "0.00001", "1e3", "1.5e-3", "-2.5E+5", "+5", "00012.3400", ".5", "5.",
                                          "-.5", "999.995", "-999.995", "0.005", "-0.005", "12345678.994", "1234.5", "98765432.1"};
    const std::size_t fixed = values.size();
    std::mt19937 rng(20240229);
    auto digits = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
        return s;
    };
    for (int i = 0; i < 3000; ++i) {
        std::string s = rng() % 3 == 0 ? "-" : (rng() % 7 == 0 ? "+" : "");
        const std::size_t int_len = rng() % 4 == 0 ? 0 : rng() % 46, frac_len = rng() % 3 == 0 ? 0 : rng() % 46;
        s += rng() % 5 == 0 ? "000" + digits(int_len) : digits(int_len);
        if (frac_len || int_len == 0) s += "." + digits(frac_len ? frac_len : 1) + (rng() % 4 == 0 ? "000" : "");
        if (rng() % 10 == 0) s += "e" + std::to_string(static_cast<int>(rng() % 61) - 30);
        values.push_back(s);
    }
    RowBatch rows({m.find("src"), m.find("v"), m.find("w"), m.find("z")});
    for (std::size_t i = 0; i < values.size(); ++i) {
        INFO(values[i]);
        std::string ignored;
        REQUIRE(detail::append_binary_numeric(ignored, values[i]));  // so the COPY below is binary
        const bool small = i < fixed && typmod.count(values[i]) > 0;
        rows.add_row({values[i], Decimal{values[i]}, small ? SqlValue{Decimal{values[i]}} : SqlValue{},
                      small ? SqlValue{Decimal{values[i]}} : SqlValue{}},
                     i);
    }
    auto d = open();
    log_statements(db, "pgd_num");
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == values.size());
    CHECK(logged(db, 200) == std::vector<std::string>{"COPY \"pgd_num\" (\"src\", \"v\", \"w\", \"z\") FROM STDIN (FORMAT binary)"});
    CHECK(db.count("pgd_num") == static_cast<long>(values.size()));
    CHECK(db.rows("SELECT src, v::text, src::numeric::text FROM pgd_num "
                  "WHERE v IS DISTINCT FROM src::numeric OR v::text IS DISTINCT FROM src::numeric::text") == Rows{});
    CHECK(db.rows("SELECT src, w::text, src::numeric(10,2)::text, z::text, src::numeric(12,0)::text FROM pgd_num WHERE w IS NOT NULL "
                  "AND (w::text IS DISTINCT FROM src::numeric(10,2)::text OR z::text IS DISTINCT FROM src::numeric(12,0)::text)") == Rows{});
    CHECK(db.count("pgd_num", "w IS NOT NULL") == static_cast<long>(typmod.size()));
    CHECK(db.rows("SELECT w::text, z::text FROM pgd_num WHERE src IN ('999.995', '-0.005', '12345678.994') ORDER BY id") ==
          Rows{{"1000.00", "1000"}, {"-0.01", "0"}, {"12345678.99", "12345679"}});

    SECTION("a value beyond the column's precision is that row's error") {
        auto over = batch(m, {"src", "w"}, {{std::string("ok"), Decimal{"1.5"}}, {std::string("big"), Decimal{"123456789.5"}}});
        try {
            d->insert_rows(m, over, ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 1);
            CHECK_THAT(std::string(e.what()), StartsWith("record 1: numeric field overflow (SQLSTATE 22003, column w)"));
        }
        CHECK(db.count("pgd_num", "src = 'ok'") == 1);
    }
}

TEST_CASE("binary COPY round-trips every type with edge values", "[postgres][binary]") {
    auto d = open();
    const Model m = fresh_all(*d);
    Probe db;
    log_statements(db, "pgd_bin");
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const std::int64_t big = std::numeric_limits<std::int64_t>::max(), small = std::numeric_limits<std::int64_t>::min();
    const std::string long_text(200'000, 'x');
    auto rows = batch(
        m, {"code", "label", "price", "qty", "ratio", "flag", "seen", "day", "meta"},
        {{std::string("r0"), std::string(""), conv(m, "price", "0"), std::int64_t{0}, 0.1, true, conv(m, "seen", "2000-01-01T00:00:00Z"),
          conv(m, "day", "2000-01-01"), JsonText{"null"}},
         {std::string("r1"), SqlValue{}, conv(m, "price", "-0.0000000001"), big, -0.0, false, conv(m, "seen", "1999-12-31T23:59:59.999999Z"),
          conv(m, "day", "1999-12-31"), JsonText{"[]"}},
         {std::string("r2"), std::string("emoji \xF0\x9F\x98\x80 caf\xC3\xA9"), conv(m, "price", "0.01"), small, 1e308, SqlValue{},
          conv(m, "seen", "1969-07-20T20:17:40Z"), conv(m, "day", "1969-12-31"), JsonText{R"({"a": "tab\there", "b": [1, 2.5, null]})"}},
         {std::string("r3"), std::string("tab\there\nnew\rcr\\back \\N \\. 'q' \"dq\""), conv(m, "price", "12345678901234567890.1234567891"),
          std::int64_t{-1}, 5e-324, true, conv(m, "seen", "1900-01-01T00:00:00.000001Z"), conv(m, "day", "0001-01-01"),
          JsonText{R"({"u": "\u00e9\ud83d\ude00", "nested": {"x": {"y": []}}})"}},
         {std::string("r4"), long_text, conv(m, "price", "-99999999999999999999.9999999999"), std::int64_t{42}, nan, false,
          conv(m, "seen", "9999-12-31T23:59:59.999999Z"), conv(m, "day", "9999-12-31"), JsonText{"\"just a string\""}},
         {std::string("r5"), std::string("\\"), conv(m, "price", "100000000"), std::int64_t{1}, -inf, true, Timestamp{-62'167'219'200'000'000},
          Date{-719'528}, JsonText{"12.50"}},
         {std::string("r6"), SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}, SqlValue{}}});
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == 7);
    CHECK(logged(db, 300) == std::vector<std::string>{"COPY \"pgd_bin\" (\"code\", \"label\", \"price\", \"qty\", \"ratio\", \"flag\", \"seen\", "
                                                      "\"day\", \"meta\") FROM STDIN (FORMAT binary)"});
    const Rows expected{
        {"r0", "", "0.0000000000", "0", "0.1", "t", "2000-01-01 00:00:00+00", "2000-01-01", "null"},
        {"r1", std::nullopt, "-0.0000000001", "9223372036854775807", "-0", "f", "1999-12-31 23:59:59.999999+00", "1999-12-31", "[]"},
        {"r2", "emoji \xF0\x9F\x98\x80 caf\xC3\xA9", "0.0100000000", "-9223372036854775808", "1e+308", std::nullopt,
         "1969-07-20 20:17:40+00", "1969-12-31", R"({"a": "tab\there", "b": [1, 2.5, null]})"},
        {"r3", "tab\there\nnew\rcr\\back \\N \\. 'q' \"dq\"", "12345678901234567890.1234567891", "-1", "5e-324", "t",
         "1900-01-01 00:00:00.000001+00", "0001-01-01", "{\"u\": \"\xC3\xA9\xF0\x9F\x98\x80\", \"nested\": {\"x\": {\"y\": []}}}"},
        {"r4", long_text, "-99999999999999999999.9999999999", "42", "NaN", "f", "9999-12-31 23:59:59.999999+00", "9999-12-31",
         "\"just a string\""},
        {"r5", "\\", "100000000.0000000000", "1", "-Infinity", "t", "0001-01-01 00:00:00+00 BC", "0001-01-01 BC", "12.50"},
        {"r6", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
    CHECK(db.rows("SELECT code, label, price::text, qty::text, ratio::text, flag, seen::text, day::text, meta::text "
                  "FROM pgd_bin ORDER BY id") == expected);
    CHECK(db.count("pgd_bin", "label = ''") == 1);
    CHECK(db.count("pgd_bin", "label IS NULL") == 2);
    CHECK(db.value("SELECT extract(epoch FROM seen)::text FROM pgd_bin WHERE code = 'r2'") == "-14182940.000000");
    // And back through query(): the same instants and days.
    auto back = d->query({"SELECT seen, day FROM pgd_bin ORDER BY id", {}}, {m.find("seen"), m.find("day")});
    REQUIRE(back.size() == 7);
    for (std::size_t k = 0; k < 7; ++k) {
        CHECK(back[k][0] == rows.at(k, 6));
        CHECK(back[k][1] == rows.at(k, 7));
    }
}

TEST_CASE("binary COPY errors name their line, as text COPY errors do", "[postgres][binary]") {
    Probe db;
    db.drop({"pgd_lines"});
    db.exec("CREATE TABLE pgd_lines (code TEXT UNIQUE, qty BIGINT CHECK (qty >= 0), label VARCHAR(3), req TEXT NOT NULL)");
    const Model m = model("Lines", R"({"fields": {"code": "str", "qty": "int", "label": "str", "req": "str"}})", "pgd_lines");
    detail::PgConnection conn(DatabaseUrl::parse(url()));
    const std::vector<unsigned> oids{detail::kOidText, detail::kOidInt8, detail::kOidVarchar, detail::kOidText};
    auto make = [&](std::size_t n) {
        RowBatch rows({m.find("code"), m.find("qty"), m.find("label"), m.find("req")});
        for (std::size_t i = 0; i < n; ++i)
            rows.add_row({std::string("c") + std::to_string(i), std::int64_t{1}, std::string("abc"), std::string("x")}, i);
        return rows;
    };
    auto copy = [&](const RowBatch& rows) -> CopyFailure {
        detail::RowSource src;
        src.rows = &rows;
        std::string buffer;
        REQUIRE(detail::encode_binary_copy(buffer, src, 0, rows.rows(), oids));
        try {
            conn.copy_in("COPY pgd_lines (code, qty, label, req) FROM STDIN (FORMAT binary)", buffer, "copy");
        } catch (const detail::PgError& e) {
            return {e.copy_line(), e.sqlstate(), e.bare()};
        }
        return {};
    };
    auto with = [&](std::size_t n, std::size_t bad, std::size_t column, SqlValue v) {
        RowBatch rows = make(n), out(rows.columns());
        for (std::size_t r = 0; r < n; ++r) {
            std::vector<SqlValue> cells;
            for (std::size_t c = 0; c < 4; ++c) cells.push_back(r == bad && c == column ? v : rows.at(r, c));
            out.add_row(std::move(cells), r);
        }
        return out;
    };
    SECTION("a unique violation (found when the buffered rows are flushed)") {
        auto f = copy(with(10, 6, 0, std::string("c1")));
        CHECK(f.sqlstate == "23505");
        CHECK(f.line == std::optional<std::size_t>(7));
        auto g = copy(with(2500, 1700, 0, std::string("c3")));  // past PostgreSQL's 1,000-row insert buffer
        CHECK(g.line == std::optional<std::size_t>(1701));
    }
    SECTION("a check constraint") {
        auto f = copy(with(10, 6, 1, std::int64_t{-1}));
        CHECK(f.sqlstate == "23514");
        CHECK(f.line == std::optional<std::size_t>(7));
    }
    SECTION("a value too long for its column, with the column named") {
        auto f = copy(with(10, 6, 2, std::string("abcd")));
        CHECK(f.sqlstate == "22001");
        CHECK(f.line == std::optional<std::size_t>(7));
        CHECK_THAT(f.message, Contains("column label"));
    }
    SECTION("a NULL in a NOT NULL column") {
        auto f = copy(with(10, 6, 3, SqlValue{}));
        CHECK(f.sqlstate == "23502");
        CHECK(f.line == std::optional<std::size_t>(7));
    }
    CHECK(db.count("pgd_lines") == 0);
}

TEST_CASE("a constraint failure in the middle of a binary COPY is isolated to its row", "[postgres][binary]") {
    auto d = open();
    const Model m = fresh_all(*d);
    Probe db;
    db.exec("ALTER TABLE pgd_bin ADD CONSTRAINT pgd_bin_qty_positive CHECK (qty >= 0)");
    log_statements(db, "pgd_bin");
    RowBatch rows({m.find("code"), m.find("qty"), m.find("price")});
    for (std::size_t i = 0; i < 5000; ++i)
        rows.add_row({std::string("c") + std::to_string(i), std::int64_t{i == 3210 ? -5 : static_cast<std::int64_t>(i)},
                      Decimal{std::to_string(i) + ".25"}},
                     1000 + i);
    d->begin();
    try {
        d->insert_rows(m, rows, ConflictMode::error, {});
        FAIL("no error");
    } catch (const RowWriteError& e) {
        CHECK(e.row() == 3210);
        CHECK(e.written().inserted == 3210);
        CHECK(e.code() == ErrorCode::constraint_violation);
        CHECK_THAT(std::string(e.what()), StartsWith("record 4210: new row for relation \"pgd_bin\" violates check constraint "
                                                     "\"pgd_bin_qty_positive\" (SQLSTATE 23514, constraint pgd_bin_qty_positive)"));
    }
    CHECK(d->insert_rows(m, rows.slice(3211, 5000), ConflictMode::error, {}).inserted == 1789);
    d->commit();
    CHECK(db.count("pgd_bin") == 4999);
    CHECK(db.count("pgd_bin", "code = 'c3210'") == 0);
    CHECK(db.value("SELECT sum(price)::text FROM pgd_bin") == "12495539.7500000000");
    // The failing COPY names its line: the rows before it are written by one more COPY, no bisection.
    const auto log = logged(db, 60);
    CHECK(log.size() == 2);
    for (const auto& q : log) CHECK_THAT(q, StartsWith("COPY \"pgd_bin\" (\"code\", \"qty\", \"price\") FROM STDIN"));
}

TEST_CASE("binary COPY follows the table's real column types, and falls back to text where it cannot", "[postgres][binary]") {
    Probe db;
    db.drop({"pgd_narrow"});
    db.exec("DROP DOMAIN IF EXISTS pgd_positive");
    db.exec("CREATE DOMAIN pgd_positive AS BIGINT CHECK (VALUE > 0)");
    db.exec("CREATE TABLE pgd_narrow (id BIGSERIAL PRIMARY KEY, code VARCHAR(10), qty INTEGER, small SMALLINT, pos pgd_positive, "
            "u UUID, doc JSON, c CHAR(4), ts TIMESTAMP)");
    const Model m = model("Narrow", R"({"fields": {"code": "str", "qty": "int", "small": "int", "pos": "int", "u": "str",
        "doc": "json", "c": "str", "ts": "datetime"}})", "pgd_narrow");
    log_statements(db, "pgd_narrow");
    auto d = open();
    const auto binary = "COPY \"pgd_narrow\" (\"code\", \"qty\", \"small\", \"pos\", \"doc\", \"c\", \"ts\") FROM STDIN (FORMAT binary)";

    SECTION("INTEGER, SMALLINT, a domain, JSON, CHAR and TIMESTAMP go in binary") {
        auto rows = batch(m, {"code", "qty", "small", "pos", "doc", "c", "ts"},
                          {{std::string("a"), std::int64_t{2147483647}, std::int64_t{32767}, std::int64_t{1}, JsonText{R"({"k": [1]})"},
                            std::string("ab"), conv(m, "ts", "1999-12-31T23:59:59.5Z")},
                           {std::string("b"), std::int64_t{-2147483648LL}, std::int64_t{-32768}, std::int64_t{7}, JsonText{"[ 1,2 ]"},
                            std::string("abcd"), conv(m, "ts", "2024-02-29T12:00:00+01:00")}});
        REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == 2);
        CHECK(logged(db) == std::vector<std::string>{binary});
        CHECK(db.rows("SELECT qty::text, small::text, pos::text, doc::text, c, ts::text FROM pgd_narrow ORDER BY id") ==
              Rows{{"2147483647", "32767", "1", R"({"k": [1]})", "ab  ", "1999-12-31 23:59:59.5"},
                   {"-2147483648", "-32768", "7", "[ 1,2 ]", "abcd", "2024-02-29 11:00:00"}});
    }
    SECTION("a domain's check fails its row") {
        auto rows = batch(m, {"code", "pos"}, {{std::string("a"), std::int64_t{1}}, {std::string("b"), std::int64_t{0}}});
        try {
            d->insert_rows(m, rows, ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 1);
            CHECK_THAT(std::string(e.what()), StartsWith("record 1: value for domain pgd_positive violates check constraint"));
        }
        CHECK(db.count("pgd_narrow") == 1);
    }
    SECTION("an integer too large for INTEGER: text COPY, and the server's error for that row") {
        auto rows = batch(m, {"code", "qty"},
                          {{std::string("a"), std::int64_t{1}}, {std::string("b"), std::int64_t{2}}, {std::string("c"), std::int64_t{1} << 40}});
        try {
            d->insert_rows(m, rows, ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 2);
            CHECK_THAT(std::string(e.what()), StartsWith("record 2: value \"1099511627776\" is out of range for type integer (SQLSTATE 22003, column qty)"));
        }
        CHECK(db.value("SELECT string_agg(code, ',' ORDER BY id) FROM pgd_narrow") == "a,b");
        CHECK(logged(db) == std::vector<std::string>{"COPY \"pgd_narrow\" (\"code\", \"qty\") FROM STDIN (FORMAT binary)"});
    }
    SECTION("a type binary does not know (UUID from a string) goes as text") {
        auto rows = batch(m, {"code", "u"}, {{std::string("a"), std::string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")}});
        REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == 1);
        CHECK(logged(db) == std::vector<std::string>{"COPY \"pgd_narrow\" (\"code\", \"u\") FROM STDIN"});
        CHECK(db.value("SELECT u::text FROM pgd_narrow") == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    }
    SECTION("binary COPY is sent in slices; from a slice binary cannot carry on, the rest goes as text") {
        // Slices hold 1,024 rows: rows 0-2047 go in binary, the UUIDs from row 2100 make the
        // rest (2048-2999) a text COPY; every row arrives once.
        std::vector<std::vector<SqlValue>> values;
        for (std::int64_t i = 0; i < 3000; ++i)
            values.push_back({std::string("r") + std::to_string(i),
                              i < 2100 ? SqlValue{} : SqlValue{std::string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd38") + std::to_string(1000 + i)}});
        REQUIRE(d->insert_rows(m, batch(m, {"code", "u"}, values), ConflictMode::error, {}).inserted == 3000);
        CHECK(logged(db) == std::vector<std::string>{"COPY \"pgd_narrow\" (\"code\", \"u\") FROM STDIN (FORMAT binary)",
                                                     "COPY \"pgd_narrow\" (\"code\", \"u\") FROM STDIN"});
        CHECK(db.count("pgd_narrow") == 3000);
        CHECK(db.count("pgd_narrow", "u IS NOT NULL") == 900);
        CHECK(db.value("SELECT string_agg(code, ',') FROM (SELECT code FROM pgd_narrow WHERE u IS NOT NULL ORDER BY id LIMIT 2) s") ==
              "r2100,r2101");
    }
    SECTION("a failing row in the text part of a sliced COPY is reported by its index in the batch") {
        std::vector<std::vector<SqlValue>> values;
        for (std::int64_t i = 0; i < 3000; ++i)
            values.push_back({std::string("r") + std::to_string(i), i == 2500 ? std::int64_t{1} << 40 : i});
        try {
            d->insert_rows(m, batch(m, {"code", "qty"}, values), ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 2500);
            CHECK(e.written().inserted == 2500);
            CHECK_THAT(std::string(e.what()), StartsWith("record 2500: value \"1099511627776\" is out of range for type integer"));
        }
        CHECK(db.count("pgd_narrow") == 2500);
        CHECK(db.value("SELECT max(qty)::text FROM pgd_narrow") == "2499");
    }
    SECTION("a string too long for VARCHAR(10) is that row's error") {
        auto rows = batch(m, {"code"}, {{std::string("short")}, {std::string("much too long")}});
        REQUIRE_THROWS_AS(d->insert_rows(m, rows, ConflictMode::error, {}), RowWriteError);
        CHECK(db.count("pgd_narrow") == 1);
    }
}
