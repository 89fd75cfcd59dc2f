#include "pg_test_support.hpp"

#include <catch2/catch.hpp>

using namespace pgtest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kItem = kEveryTypeModel;

Model item() { return model("Item", kItem, "pgd_items"); }

Model fresh_items(Dialect& d) {
    Probe db;
    db.drop({"pgd_items"});
    Model m = item();
    d.ensure_table(m);
    return m;
}

} // namespace

TEST_CASE("insert_rows (error mode) COPYs every row and counts them", "[postgres][copy]") {
    auto d = open();
    const Model m = fresh_items(*d);
    auto rows = batch(m, {"code", "qty", "flag"},
                      {{std::string("a"), std::int64_t{1}, true}, {std::string("b"), std::int64_t{-2}, false}, {std::string("c"), SqlValue{}, SqlValue{}}});
    const WriteCounts c = d->insert_rows(m, rows, ConflictMode::error, {});
    CHECK(c.inserted == 3);
    CHECK(c.updated == 0);
    CHECK(c.skipped == 0);
    Probe db;
    CHECK(db.rows("SELECT code, qty, flag FROM pgd_items ORDER BY id") ==
          Rows{{"a", "1", "t"}, {"b", "-2", "f"}, {"c", std::nullopt, std::nullopt}});
    // ids from the sequence, created_at / updated_at from their DEFAULT.
    CHECK(db.value("SELECT string_agg(id::text, ',' ORDER BY id) FROM pgd_items") == "1,2,3");
    CHECK(db.count("pgd_items", "created_at > now() - interval '1 minute' AND updated_at = created_at") == 3);
}

TEST_CASE("COPY-hostile strings round-trip exactly", "[postgres][copy]") {
    auto d = open();
    const Model m = fresh_items(*d);
    const std::vector<std::string> hostile = {
        "tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.", "'single' \"double\"",
        "emoji \xF0\x9F\x98\x80 \xC3\xA9", "", "trailing backslash\\", "\\t not a tab", "mixed\t\\n\r\n\\\\"};
    RowBatch rows({m.find("code"), m.find("label")});
    for (std::size_t i = 0; i < hostile.size(); ++i) rows.add_row({std::string("k") + std::to_string(i), hostile[i]}, i);
    rows.add_row({std::string("null"), SqlValue{}}, hostile.size());
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == hostile.size() + 1);

    Probe db;
    auto stored = db.rows("SELECT label FROM pgd_items ORDER BY id");
    REQUIRE(stored.size() == hostile.size() + 1);
    for (std::size_t i = 0; i < hostile.size(); ++i) {
        INFO("row " << i);
        REQUIRE(stored[i][0].has_value());
        CHECK(*stored[i][0] == hostile[i]);
    }
    CHECK_FALSE(stored.back()[0].has_value());  // NULL stays NULL, "" stays ""
    CHECK(db.count("pgd_items", "label = ''") == 1);
    CHECK(db.count("pgd_items", "label IS NULL") == 1);
    CHECK(db.count("pgd_items", "label = E'\\\\N'") == 1);

    // And back through the dialect's own query().
    auto back = d->query({"SELECT label FROM pgd_items ORDER BY id", {}}, {m.find("label")});
    REQUIRE(back.size() == hostile.size() + 1);
    for (std::size_t i = 0; i < hostile.size(); ++i) CHECK(back[i][0] == SqlValue{hostile[i]});
    CHECK(is_null(back.back()[0]));
}

TEST_CASE("decimals, floats, dates and json are stored exactly", "[postgres][copy]") {
    auto d = open();
    const Model m = fresh_items(*d);
    auto rows = batch(m, {"code", "price", "ratio", "day", "meta"},
                      {{std::string("a"), conv(m, "price", "12345678901234567890.1234567891"), 0.1, conv(m, "day", "2024-02-29"),
                        JsonText{R"({"tags": ["x", "y\tz"], "n": 1.5})"}},
                       {std::string("b"), conv(m, "price", "-0.0000000001"), -1.7976931348623157e308, conv(m, "day", "0001-01-01"),
                        JsonText{"[]"}},
                       {std::string("c"), conv(m, "price", "0"), 5e-324, conv(m, "day", "9999-12-31"), JsonText{"null"}}});
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == 3);
    Probe db;
    CHECK(db.rows("SELECT price::text, ratio::text, day::text, meta::text FROM pgd_items ORDER BY id") ==
          Rows{{"12345678901234567890.1234567891", "0.1", "2024-02-29", R"({"n": 1.5, "tags": ["x", "y\tz"]})"},
               {"-0.0000000001", "-1.7976931348623157e+308", "0001-01-01", "[]"},
               {"0.0000000000", "5e-324", "9999-12-31", "null"}});
}

TEST_CASE("timestamps with offsets are stored as the right instant", "[postgres][copy]") {
    auto d = open();
    const Model m = fresh_items(*d);
    auto rows = batch(m, {"code", "seen"},
                      {{std::string("plus"), conv(m, "seen", "2024-01-01T12:00:00+05:30")},
                       {std::string("zulu"), conv(m, "seen", "2024-06-30T23:59:59.123456Z")},
                       {std::string("naive"), conv(m, "seen", "2024-01-01T00:00:00")},
                       {std::string("minus"), conv(m, "seen", "1969-12-31T20:00:00-04:00")},
                       {std::string("before"), conv(m, "seen", "1969-12-31T23:59:59.499999Z")}});
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == 5);
    Probe db;  // session time zone UTC
    CHECK(db.rows("SELECT seen::text, extract(epoch FROM seen)::text FROM pgd_items ORDER BY id") ==
          Rows{{"2024-01-01 06:30:00+00", "1704090600.000000"},
               {"2024-06-30 23:59:59.123456+00", "1719791999.123456"},
               {"2024-01-01 00:00:00+00", "1704067200.000000"},
               {"1970-01-01 00:00:00+00", "0.000000"},
               {"1969-12-31 23:59:59.499999+00", "-0.500001"}});
    // and back through query() as the same instants
    auto back = d->query({"SELECT seen FROM pgd_items ORDER BY id", {}}, {m.find("seen")});
    REQUIRE(back.size() == 5);
    for (std::size_t k = 0; k < 5; ++k) CHECK(back[k][0] == rows.at(k, 1));
}

TEST_CASE("a NUL byte fails that record only, before anything of it is sent", "[postgres][copy]") {
    auto d = open();
    const Model m = fresh_items(*d);
    auto rows = batch(m, {"code", "label"},
                      {{std::string("r0"), std::string("ok")}, {std::string("r1"), std::string("ok")},
                       {std::string("r2"), std::string("bad\0byte", 8)}, {std::string("r3"), std::string("ok")}});
    try {
        d->insert_rows(m, rows, ConflictMode::error, {});
        FAIL("no error");
    } catch (const RowWriteError& e) {
        CHECK(e.row() == 2);
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK(std::string(e.what()) == "record 2: field 'label' contains a NUL byte, which PostgreSQL text cannot store");
    }
    Probe db;
    CHECK(db.value("SELECT string_agg(code, ',' ORDER BY id) FROM pgd_items") == "r0,r1");
    // The caller continues after the failing row, as write_isolated does.
    CHECK(d->insert_rows(m, rows.slice(3, 4), ConflictMode::error, {}).inserted == 1);
    CHECK(db.value("SELECT string_agg(code, ',' ORDER BY id) FROM pgd_items") == "r0,r1,r3");
}

TEST_CASE("a unique violation inside a COPY names its row; the rows before it are written", "[postgres][copy]") {
    auto d = open();
    const Model m = fresh_items(*d);
    Probe db;
    RowBatch rows({m.find("code"), m.find("qty")});
    for (int i = 0; i < 40; ++i) rows.add_row({std::string("c") + std::to_string(i), std::int64_t{i}}, 100 + static_cast<std::size_t>(i));
    RowBatch dup(rows.columns());  // row 17 repeats row 3's code
    for (int i = 0; i < 40; ++i)
        dup.add_row({std::string("c") + std::to_string(i == 17 ? 3 : i), std::int64_t{i}}, 100 + static_cast<std::size_t>(i));

    SECTION("inside a transaction, which stays usable") {
        d->begin();
        try {
            d->insert_rows(m, dup, ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 17);
            CHECK(e.code() == ErrorCode::constraint_violation);
            CHECK_THAT(std::string(e.what()), StartsWith("record 117: duplicate key value violates unique constraint \"pgd_items_code_key\""));
            CHECK_THAT(std::string(e.what()), Contains("SQLSTATE 23505, constraint pgd_items_code_key"));
            CHECK_THAT(std::string(e.what()), Contains("Key (code)=(c3) already exists."));
        }
        // Rows 0..16 are written; the caller goes on after row 17 in the same transaction.
        CHECK(d->insert_rows(m, dup.slice(18, 40), ConflictMode::error, {}).inserted == 22);
        d->commit();
        CHECK(db.count("pgd_items") == 39);
        CHECK(db.count("pgd_items", "qty = 17") == 0);
        CHECK(db.count("pgd_items", "qty < 17") == 17);
    }
    SECTION("without a transaction the rows before it are committed") {
        REQUIRE_THROWS_AS(d->insert_rows(m, dup, ConflictMode::error, {}), RowWriteError);
        CHECK(db.count("pgd_items") == 17);
    }
    SECTION("against a row already in the table") {
        d->insert_rows(m, rows.slice(39, 40), ConflictMode::error, {});  // c39
        try {
            d->insert_rows(m, rows.slice(0, 40), ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 39);
            CHECK_THAT(std::string(e.what()), StartsWith("record 139: "));
        }
        CHECK(db.count("pgd_items") == 40);
    }
    SECTION("a value the column type rejects (22001) is isolated as well") {
        db.exec("ALTER TABLE pgd_items ALTER COLUMN label TYPE VARCHAR(3)");
        auto bad = batch(m, {"code", "label"}, {{std::string("x"), std::string("abc")}, {std::string("y"), std::string("abcd")}});
        try {
            d->insert_rows(m, bad, ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 1);
            CHECK(e.code() == ErrorCode::database);
            CHECK_THAT(std::string(e.what()), StartsWith("record 1: value too long for type character varying(3) (SQLSTATE 22001, column label)"));
        }
        CHECK(db.value("SELECT string_agg(code, ',') FROM pgd_items") == "x");
        // Through the staging table (skip mode): same row, same column name.
        auto staged = batch(m, {"code", "label"}, {{std::string("x"), std::string("dup")}, {std::string("z"), std::string("abc")},
                                                   {std::string("w"), std::string("abcd")}});
        try {
            d->insert_rows(m, staged, ConflictMode::skip, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 2);
            CHECK_THAT(std::string(e.what()), StartsWith("record 2: value too long for type character varying(3) (SQLSTATE 22001, column label)"));
        }
        CHECK(db.value("SELECT string_agg(code || '=' || label, ',' ORDER BY id) FROM pgd_items") == "x=abc,z=abc");
    }
}
