// The MySQL/MariaDB writer against a real server: exact upsert counts, exact decimals and
// datetimes, a failing row isolated, a killed connection recovered. Tables are named myd_*.

#include <bulkflow/dialect.hpp>
#include <bulkflow/mysql_dialect.hpp>

#include <boost/json.hpp>
#include <mysql.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>

using namespace bulkflow;

namespace {

std::string url() {
    const char* u = std::getenv("BULKFLOW_TEST_MYSQL_URL");
    return u && *u ? u : "mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test";
}

std::unique_ptr<Dialect> open() { return open_mysql(DatabaseUrl::parse(url())); }

Model model(const char* name, const char* json, const char* table) {
    Model m = Model::from_json(name, boost::json::parse(json));
    m.table = table;
    return m;
}

RowBatch batch(const Model& m, std::initializer_list<const char*> names, const std::vector<std::vector<SqlValue>>& rows) {
    std::vector<const Field*> cols;
    for (const char* n : names) cols.push_back(m.find(n));
    RowBatch b(cols);
    std::size_t i = 0;
    for (const auto& r : rows) b.add_row(r, i++);
    return b;
}

/// Straight Connector/C, for setup and checks behind the dialect's back.
class Probe {
public:
    Probe() : conn_(mysql_init(nullptr)) {
        const auto u = DatabaseUrl::parse(url());
        if (!mysql_real_connect(conn_, u.host.c_str(), u.user.c_str(), u.password.c_str(), u.database.c_str(), u.port ? u.port : 3306,
                                nullptr, 0))
            throw std::runtime_error(std::string("cannot connect to the test MariaDB: ") + mysql_error(conn_));
    }
    ~Probe() { mysql_close(conn_); }
    void exec(const std::string& sql) {
        if (mysql_query(conn_, sql.c_str()) != 0) throw std::runtime_error(sql + ": " + mysql_error(conn_));
        if (MYSQL_RES* r = mysql_store_result(conn_)) mysql_free_result(r);
    }
    std::string scalar(const std::string& sql) {
        if (mysql_query(conn_, sql.c_str()) != 0) throw std::runtime_error(sql + ": " + mysql_error(conn_));
        MYSQL_RES* r = mysql_store_result(conn_);
        MYSQL_ROW row = mysql_fetch_row(r);
        std::string v = row && row[0] ? row[0] : "NULL";
        mysql_free_result(r);
        return v;
    }

private:
    MYSQL* conn_;
};

const char* const kSku = R"({"fields": {"code": {"type": "str", "unique": true, "max_length": 20}, "qty": "int"}})";

} // namespace

TEST_CASE("upserts count inserted, updated and skipped rows exactly", "[mysql][upsert]") {
    Probe probe;
    probe.exec("DROP TABLE IF EXISTS myd_skus");
    const Model m = model("Sku", kSku, "myd_skus");
    auto db = open();
    db->ensure_table(m);
    auto c = db->insert_rows(m, batch(m, {"code", "qty"}, {{std::string("a"), std::int64_t{1}}, {std::string("b"), std::int64_t{2}}}),
                             ConflictMode::error, {});
    CHECK(c.inserted == 2);

    // a exists, c is new and then repeats: the repeat meets the row just inserted.
    c = db->insert_rows(m, batch(m, {"code", "qty"}, {{std::string("a"), std::int64_t{9}}, {std::string("c"), std::int64_t{3}},
                                                      {std::string("c"), std::int64_t{4}}}),
                        ConflictMode::skip, {"code"});
    CHECK(c.inserted == 1);
    CHECK(c.skipped == 2);
    CHECK(probe.scalar("SELECT qty FROM myd_skus WHERE code = 'a'") == "1");
    CHECK(probe.scalar("SELECT qty FROM myd_skus WHERE code = 'c'") == "3");

    // a unchanged (still counts as updated), b changed, d new then updated by its repeat.
    c = db->insert_rows(m, batch(m, {"code", "qty"}, {{std::string("a"), std::int64_t{1}}, {std::string("b"), std::int64_t{20}},
                                                      {std::string("d"), std::int64_t{4}}, {std::string("d"), std::int64_t{5}}}),
                        ConflictMode::update, {"code"});
    CHECK(c.inserted == 1);
    CHECK(c.updated == 3);
    CHECK(c.skipped == 0);
    CHECK(probe.scalar("SELECT qty FROM myd_skus WHERE code = 'd'") == "5");

    // One row alone (no insert info from the server).
    c = db->insert_rows(m, batch(m, {"code", "qty"}, {{std::string("a"), std::int64_t{1}}}), ConflictMode::update, {"code"});
    CHECK((c.inserted == 0 && c.updated == 1));
    c = db->insert_rows(m, batch(m, {"code", "qty"}, {{std::string("e"), std::int64_t{1}}}), ConflictMode::skip, {"code"});
    CHECK((c.inserted == 1 && c.skipped == 0));
    c = db->insert_rows(m, batch(m, {"code", "qty"}, {{std::string("e"), std::int64_t{1}}}), ConflictMode::skip, {"code"});
    CHECK((c.inserted == 0 && c.skipped == 1));
    CHECK(probe.scalar("SELECT COUNT(*) FROM myd_skus") == "5");

    std::vector<SqlValue> ids;
    db->insert_collecting_ids(m, batch(m, {"code", "qty"}, {{std::string("f"), std::int64_t{1}}, {std::string("g"), std::int64_t{1}}}), ids);
    REQUIRE(ids.size() == 2);
    CHECK(probe.scalar("SELECT code FROM myd_skus WHERE id = " + std::to_string(std::get<std::int64_t>(ids[1]))) == "g");
}

TEST_CASE("decimals and datetimes round trip exactly", "[mysql][types]") {
    Probe probe;
    probe.exec("DROP TABLE IF EXISTS myd_values");
    const Model m = model("Val", R"({"fields": {"price": {"type": "decimal", "precision": 30, "scale": 10}, "seen": "datetime",
                                                "day": "date", "meta": "json", "ratio": "float", "flag": "bool"}})",
                          "myd_values");
    auto db = open();
    db->ensure_table(m);
    const SqlValue price = Decimal{"12345678901234567890.1234567891"};
    const SqlValue seen = Timestamp{1'700'000'000'123'456};
    const SqlValue day = Date{19'000};
    db->insert_rows(m, batch(m, {"price", "seen", "day", "meta", "ratio", "flag"},
                             {{price, seen, day, JsonText{R"({"a":[1,2]})"}, 0.1, true}}),
                    ConflictMode::error, {});
    CHECK(probe.scalar("SELECT price FROM myd_values") == "12345678901234567890.1234567891");
    CHECK(probe.scalar("SELECT CAST(seen AS CHAR) FROM myd_values") == "2023-11-14 22:13:20.123456");
    auto rows = db->query({"SELECT price, seen, day, meta, ratio, flag FROM myd_values", {}},
                          {m.find("price"), m.find("seen"), m.find("day"), m.find("meta"), m.find("ratio"), m.find("flag")});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][0] == price);
    CHECK(rows[0][1] == seen);
    CHECK(rows[0][2] == day);
    CHECK(boost::json::parse(std::get<JsonText>(rows[0][3]).text) == boost::json::parse(R"({"a":[1,2]})"));
    CHECK(std::get<double>(rows[0][4]) == 0.1);
    CHECK(rows[0][5] == SqlValue{true});
    // A filter with a bound timestamp finds the row.
    CHECK(db->query({"SELECT COUNT(*) FROM myd_values WHERE seen = ?", {seen}}, {}).at(0).at(0) == SqlValue{std::int64_t{1}});
}

TEST_CASE("a failing row is isolated: the rows before it are written and counted", "[mysql][errors]") {
    Probe probe;
    probe.exec("DROP TABLE IF EXISTS myd_skus");
    const Model m = model("Sku", kSku, "myd_skus");
    auto db = open();
    db->ensure_table(m);
    db->begin();
    std::vector<std::vector<SqlValue>> rows;
    for (int i = 0; i < 10; ++i) rows.push_back({std::string(i == 6 ? "c1" : "c" + std::to_string(i)), std::int64_t{i}});
    try {
        db->insert_rows(m, batch(m, {"code", "qty"}, rows), ConflictMode::error, {});
        FAIL("expected a RowWriteError");
    } catch (const RowWriteError& e) {
        CHECK(e.row() == 6);
        CHECK(e.written().inserted == 6);
        CHECK(e.code() == ErrorCode::constraint_violation);
        CHECK_THAT(std::string(e.what()), Catch::Contains("1062") && Catch::Contains("23000"));
    }
    db->commit();
    CHECK(probe.scalar("SELECT COUNT(*) FROM myd_skus") == "6");
}

TEST_CASE("a killed connection fails as a connection error and the retry reconnects", "[mysql][connection]") {
    Probe probe;
    probe.exec("DROP TABLE IF EXISTS myd_skus");
    const Model m = model("Sku", kSku, "myd_skus");
    auto db = open();
    db->ensure_table(m);
    const auto id = std::get<std::int64_t>(db->query({"SELECT CONNECTION_ID()", {}}, {}).at(0).at(0));
    probe.exec("KILL " + std::to_string(id));
    const auto one = batch(m, {"code", "qty"}, {{std::string("k"), std::int64_t{1}}});
    try {
        db->begin();
        db->insert_rows(m, one, ConflictMode::error, {});
        db->commit();
        FAIL("expected the killed connection to fail");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::connection);
        db->rollback();
    }
    // What the bulk node's retry does: begin again (reconnects), write the batch again.
    db->begin();
    CHECK(db->insert_rows(m, one, ConflictMode::error, {}).inserted == 1);
    db->commit();
    CHECK(probe.scalar("SELECT COUNT(*) FROM myd_skus") == "1");
}

TEST_CASE("LOAD DATA LOCAL INFILE stores hostile text exactly and falls back to INSERT on a bad row", "[mysql][load_data]") {
    Probe probe;
    probe.exec("DROP TABLE IF EXISTS myd_notes");
    const Model m = model("Note", R"({"fields": {"code": {"type": "str", "unique": true, "max_length": 20}, "body": "str",
                                                 "price": {"type": "decimal", "precision": 12, "scale": 2}, "at": "datetime"}})",
                          "myd_notes");
    for (char delimiter : {'\t', ',', '5'}) {
        probe.exec("DROP TABLE IF EXISTS myd_notes");
        auto db = open();
        LoadOptions o;
        o.load_data_delimiter = delimiter;
        o.load_data_id_gaps = true;  // generated ids: LOAD DATA only when gaps are allowed (lock mode 1 here)
        db->set_load_options(o);
        db->ensure_table(m);
        std::vector<std::vector<SqlValue>> rows;
        for (int i = 0; i < 50; ++i)
            rows.push_back({std::string("c" + std::to_string(i)), std::string(i % 2 ? "tab\there,comma\\N \"q\" 5\nline\\" : ""),
                            i % 3 ? SqlValue{Decimal{"-12.50"}} : SqlValue{}, Timestamp{1'700'000'000'000'001 + i}});
        auto c = db->insert_rows(m, batch(m, {"code", "body", "price", "at"}, rows), ConflictMode::error, {});
        CHECK(c.inserted == 50);
        CHECK(probe.scalar("SELECT COUNT(*) FROM myd_notes WHERE body = 'tab\\there,comma\\\\N \"q\" 5\\nline\\\\'") == "25");
        CHECK(probe.scalar("SELECT COUNT(*) FROM myd_notes WHERE body = ''") == "25");
        CHECK(probe.scalar("SELECT COUNT(*) FROM myd_notes WHERE price IS NULL") == "17");
        CHECK(probe.scalar("SELECT COUNT(*) FROM myd_notes WHERE price = -12.50") == "33");
        CHECK(probe.scalar("SELECT CAST(at AS CHAR) FROM myd_notes WHERE code = 'c3'") == "2023-11-14 22:13:20.000004");

        // A duplicate: LOCAL would skip it silently; the writer redoes the batch by INSERT and isolates it.
        db->begin();
        try {
            db->insert_rows(m, batch(m, {"code", "body", "price", "at"},
                                     {{std::string("n1"), std::string("x"), SqlValue{}, SqlValue{}},
                                      {std::string("c7"), std::string("x"), SqlValue{}, SqlValue{}},
                                      {std::string("n2"), std::string("x"), SqlValue{}, SqlValue{}}}),
                            ConflictMode::error, {});
            FAIL("expected a RowWriteError");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 1);
            CHECK(e.written().inserted == 1);
        }
        db->commit();
        CHECK(probe.scalar("SELECT COUNT(*) FROM myd_notes") == "51");
    }
}

TEST_CASE("updates by id run as one UPDATE ... JOIN per batch; a failing row is still found", "[mysql][update]") {
    Probe probe;
    probe.exec("DROP TABLE IF EXISTS myd_upd");
    const Model m = model("Upd", R"({"fields": {"code": {"type": "str", "unique": true, "max_length": 20}, "qty": "int"}})", "myd_upd");
    auto db = open();
    db->ensure_table(m);
    std::vector<std::vector<SqlValue>> rows;
    for (std::int64_t i = 1; i <= 3000; ++i) rows.push_back({std::string("c") + std::to_string(i), i});
    db->insert_rows(m, batch(m, {"code", "qty"}, rows), ConflictMode::error, {});

    // 3,000 distinct ids (one with an unchanged value: found rows count it) and one id that does not exist.
    std::vector<std::vector<SqlValue>> changes;
    for (std::int64_t i = 1; i <= 3000; ++i) changes.push_back({i, i == 7 ? std::int64_t{7} : i * 10});
    changes.push_back({std::int64_t{99999}, std::int64_t{1}});
    const auto multi_before = std::stoll(probe.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_UPDATE_MULTI'"));
    const auto single_before = std::stoll(probe.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_UPDATE'"));
    db->begin();
    CHECK(db->update_rows(m, batch(m, {"id", "qty"}, changes), "") == 3000);
    db->commit();
    const auto multi = std::stoll(probe.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_UPDATE_MULTI'")) - multi_before;
    const auto single = std::stoll(probe.scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'COM_UPDATE'")) - single_before;
    CHECK(multi >= 1);
    CHECK(single < 100);  // not one statement per row (other sessions may add a few)
    CHECK(probe.scalar("SELECT SUM(qty) FROM myd_upd") == std::to_string(10 * 3000 * 3001 / 2 - 70 + 7));

    // Row 1,500 takes the code of id 2,500 (not in the batch): the joined statement fails, the
    // batch goes row by row, stores the rows before it and reports that row.
    std::vector<std::vector<SqlValue>> clash;
    for (std::int64_t i = 1; i <= 2000; ++i) clash.push_back({i, i == 1500 ? SqlValue{std::string("c2500")} : SqlValue{std::string("n") + std::to_string(i)}});
    db->begin();
    try {
        db->update_rows(m, batch(m, {"id", "code"}, clash), "");
        FAIL("no error");
    } catch (const RowWriteError& e) {
        CHECK(e.row() == 1499);
        CHECK(e.written().updated == 1499);
        CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("record 1499") && Catch::Matchers::Contains("Duplicate entry 'c2500'"));
    }
    db->commit();
    CHECK(probe.scalar("SELECT COUNT(*) FROM myd_upd WHERE code LIKE 'n%'") == "1499");
    probe.exec("DROP TABLE myd_upd");
}
