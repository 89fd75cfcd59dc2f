#include "pg_test_support.hpp"

#include <catch2/catch.hpp>

using namespace pgtest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kStock = R"({
  "fields": {
    "code": {"type": "str", "unique": true},
    "name": {"type": "str", "required": true},
    "qty": "int"
  },
  "soft_delete": true
})";

Model fresh_stock(Dialect& d) {
    Probe db;
    db.drop({"pgd_stock"});
    Model m = model("Stock", kStock, "pgd_stock");
    d.ensure_table(m);
    return m;
}

SqlValue s(const char* v) { return std::string(v); }
SqlValue i(std::int64_t v) { return v; }

} // namespace

TEST_CASE("skip mode: existing and repeated keys are skipped, with exact counts", "[postgres][upsert]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    d->insert_rows(m, batch(m, {"code", "name", "qty"}, {{s("a"), s("old a"), i(1)}, {s("b"), s("old b"), i(2)}}), ConflictMode::error, {});
    auto rows = batch(m, {"code", "name", "qty"},
                      {{s("a"), s("new a"), i(10)}, {s("c"), s("new c"), i(30)}, {s("b"), s("new b"), i(20)},
                       {s("c"), s("again c"), i(31)}, {s("d"), s("new d"), i(40)}});
    const WriteCounts c = d->insert_rows(m, rows, ConflictMode::skip, {"code"});
    CHECK(c.inserted == 2);
    CHECK(c.updated == 0);
    CHECK(c.skipped == 3);
    Probe db;
    CHECK(db.rows("SELECT code, name, qty FROM pgd_stock ORDER BY code") ==
          Rows{{"a", "old a", "1"}, {"b", "old b", "2"}, {"c", "new c", "30"}, {"d", "new d", "40"}});
}

TEST_CASE("update mode: inserted and updated counts are exact; a repeated key ends with its last values", "[postgres][upsert]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    Probe db;
    d->insert_rows(m, batch(m, {"code", "name", "qty"}, {{s("a"), s("old a"), i(1)}, {s("b"), s("old b"), i(2)}}), ConflictMode::error, {});
    db.exec("UPDATE pgd_stock SET created_at = '2000-01-01Z', updated_at = '2000-01-01Z'");
    auto rows = batch(m, {"code", "name", "qty"},
                      {{s("a"), s("new a"), i(10)}, {s("c"), s("first c"), i(30)}, {s("c"), s("second c"), i(31)},
                       {s("a"), s("newer a"), i(11)}, {s("c"), s("third c"), i(32)}, {s("d"), s("new d"), i(40)}});
    const WriteCounts c = d->insert_rows(m, rows, ConflictMode::update, {"code"});
    CHECK(c.inserted == 2);  // c (first time), d
    CHECK(c.updated == 4);   // a, c, a, c: every later row of a key updates, as row-by-row writing does
    CHECK(c.skipped == 0);
    CHECK(db.rows("SELECT code, name, qty FROM pgd_stock ORDER BY code") ==
          Rows{{"a", "newer a", "11"}, {"b", "old b", "2"}, {"c", "third c", "32"}, {"d", "new d", "40"}});
    // updated_at moves on update; created_at stays.
    CHECK(db.value("SELECT created_at::text || ' ' || (updated_at > '2001-01-01Z')::text FROM pgd_stock WHERE code = 'a'") ==
          "2000-01-01 00:00:00+00 true");
    CHECK(db.value("SELECT updated_at::text FROM pgd_stock WHERE code = 'b'") == "2000-01-01 00:00:00+00");
}

TEST_CASE("update mode by id (the default conflict key), then new ids do not collide", "[postgres][upsert]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    auto rows = batch(m, {"id", "code", "name"}, {{i(5), s("x"), s("five")}, {i(9), s("y"), s("nine")}});
    CHECK(d->insert_rows(m, rows, ConflictMode::update, {}).inserted == 2);
    auto again = batch(m, {"id", "code", "name"}, {{i(9), s("y"), s("NINE")}, {i(7), s("z"), s("seven")}});
    const WriteCounts c = d->insert_rows(m, again, ConflictMode::update, {});
    CHECK(c.inserted == 1);
    CHECK(c.updated == 1);
    d->advance_id_sequence(m);
    d->insert_rows(m, batch(m, {"code", "name"}, {{s("w"), s("auto")}}), ConflictMode::error, {});
    Probe db;
    CHECK(db.rows("SELECT id::text, name FROM pgd_stock ORDER BY pgd_stock.id") ==
          Rows{{"5", "five"}, {"7", "seven"}, {"9", "NINE"}, {"10", "auto"}});
}

TEST_CASE("update mode needs its conflict columns in the records", "[postgres][upsert]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    CHECK_THROWS_WITH(d->insert_rows(m, batch(m, {"name"}, {{s("n")}}), ConflictMode::update, {"code"}),
                      "conflict column 'code' is missing from the records");
}

TEST_CASE("a failing row in an upsert is found by bisection; the rows before it are written", "[postgres][upsert]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    RowBatch rows({m.find("code"), m.find("name")});
    for (int k = 0; k < 25; ++k)
        rows.add_row({std::string("k") + std::to_string(k), k == 13 ? SqlValue{} : SqlValue{std::string("n")}}, 50 + static_cast<std::size_t>(k));
    d->begin();
    try {
        d->insert_rows(m, rows, ConflictMode::update, {"code"});
        FAIL("no error");
    } catch (const RowWriteError& e) {
        CHECK(e.row() == 13);
        CHECK(e.code() == ErrorCode::constraint_violation);
        CHECK_THAT(std::string(e.what()), StartsWith("record 63: null value in column \"name\""));
        CHECK_THAT(std::string(e.what()), Contains("SQLSTATE 23502, column name"));
    }
    const WriteCounts rest = d->insert_rows(m, rows.slice(14, 25), ConflictMode::update, {"code"});
    CHECK(rest.inserted == 11);
    d->commit();
    Probe db;
    CHECK(db.count("pgd_stock") == 24);
    CHECK(db.count("pgd_stock", "code = 'k13'") == 0);
}

TEST_CASE("insert_collecting_ids returns each row's id in row order", "[postgres][ids]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    Probe db;
    db.exec("SELECT setval('pgd_stock_id_seq', 100)");
    RowBatch rows({m.find("code"), m.find("name")});
    for (int k = 0; k < 300; ++k) rows.add_row({std::string("c") + std::to_string(k), std::string("n") + std::to_string(k)}, static_cast<std::size_t>(k));
    std::vector<SqlValue> ids;
    d->insert_collecting_ids(m, rows, ids);
    REQUIRE(ids.size() == 300);
    for (int k = 0; k < 300; ++k) {
        REQUIRE(std::holds_alternative<std::int64_t>(ids[static_cast<std::size_t>(k)]));
        const auto id = std::get<std::int64_t>(ids[static_cast<std::size_t>(k)]);
        CHECK(id == 101 + k);
        CHECK(db.value("SELECT code FROM pgd_stock WHERE id = " + std::to_string(id)) == "c" + std::to_string(k));
    }

    SECTION("explicit ids are reported as given") {
        std::vector<SqlValue> given;
        d->insert_collecting_ids(m, batch(m, {"id", "code", "name"}, {{i(7), s("e7"), s("n")}, {i(3), s("e3"), s("n")}}), given);
        CHECK(given == std::vector<SqlValue>{i(7), i(3)});
    }
    SECTION("a failing row: the ids of the rows before it are collected") {
        std::vector<SqlValue> some;
        auto bad = batch(m, {"code", "name"}, {{s("x1"), s("n")}, {s("x2"), s("n")}, {s("c5"), s("dup")}, {s("x3"), s("n")}});
        try {
            d->insert_collecting_ids(m, bad, some);
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 2);
        }
        REQUIRE(some.size() == 2);
        CHECK(db.value("SELECT code FROM pgd_stock WHERE id = " + std::to_string(std::get<std::int64_t>(some[0]))) == "x1");
        CHECK(db.value("SELECT code FROM pgd_stock WHERE id = " + std::to_string(std::get<std::int64_t>(some[1]))) == "x2");
        CHECK(db.count("pgd_stock", "code = 'x3'") == 0);
    }
}

TEST_CASE("update_rows sets only the batch's columns and counts the rows changed", "[postgres][update]") {
    auto d = open();
    const Model m = fresh_stock(*d);
    Probe db;
    d->insert_rows(m, batch(m, {"id", "code", "name", "qty"},
                            {{i(1), s("a"), s("A"), i(1)}, {i(2), s("b"), s("B"), i(2)}, {i(3), s("c"), s("C"), i(3)}}),
                   ConflictMode::error, {});
    db.exec("UPDATE pgd_stock SET updated_at = '2000-01-01Z'");
    db.exec("UPDATE pgd_stock SET deleted_at = now() WHERE id = 3");
    const std::string live = "\"deleted_at\" IS NULL";

    auto rows = batch(m, {"id", "qty"}, {{i(1), i(10)}, {i(2), i(20)}, {i(3), i(30)}, {i(99), i(990)}, {i(1), i(11)}});
    CHECK(d->update_rows(m, rows, live) == 3);  // 1, 2 and 1 again; 3 is soft-deleted, 99 absent
    CHECK(db.rows("SELECT id::text, name, qty::text, (updated_at > '2001-01-01Z')::text FROM pgd_stock ORDER BY pgd_stock.id") ==
          Rows{{"1", "A", "11", "true"}, {"2", "B", "20", "true"}, {"3", "C", "3", "false"}});
    CHECK(d->update_rows(m, batch(m, {"id", "qty"}, {{i(3), i(30)}}), "") == 1);
    CHECK(db.value("SELECT qty FROM pgd_stock WHERE id = 3") == "30");

    SECTION("records without an id are refused") {
        CHECK_THROWS_WITH(d->update_rows(m, batch(m, {"qty"}, {{i(1)}}), ""), "update records need an 'id'");
    }
    SECTION("a row-level failure names the record; the rows before it are updated") {
        auto clash = batch(m, {"id", "code"}, {{i(1), s("z")}, {i(2), s("z")}});  // second one breaks UNIQUE(code)
        try {
            d->update_rows(m, clash, "");
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 1);
            CHECK(e.code() == ErrorCode::constraint_violation);
            CHECK_THAT(std::string(e.what()), StartsWith("record 1: duplicate key value violates unique constraint \"pgd_stock_code_key\""));
        }
        CHECK(db.rows("SELECT code FROM pgd_stock ORDER BY pgd_stock.id") == Rows{{"z"}, {"b"}, {"c"}});
    }
}
