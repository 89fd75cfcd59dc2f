#include "pg_test_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace pgtest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kValues = R"({
  "fields": {"i": "int", "f": "float", "b": "bool", "s": "str", "d": {"type": "decimal", "precision": 30, "scale": 10},
             "t": "datetime", "dt": "date", "j": "json"}
})";

Timestamp at(std::int64_t y, unsigned mo, unsigned d, std::int64_t micros_of_day = 0) {
    return Timestamp{days_from_civil(y, mo, d) * 86'400'000'000 + micros_of_day};
}
Date day(std::int64_t y, unsigned mo, unsigned d) { return Date{static_cast<std::int32_t>(days_from_civil(y, mo, d))}; }

} // namespace

TEST_CASE("execute and query round-trip every SqlValue type", "[postgres][sql]") {
    Probe db;
    db.drop({"pgd_values"});
    auto d = open();
    const Model m = model("Value", kValues, "pgd_values");
    d->ensure_table(m);
    const auto& q = d->flavor();
    const std::vector<std::vector<SqlValue>> values = {
        {std::numeric_limits<std::int64_t>::max(), 0.1, true, std::string("tab\t'quote' \\ \xF0\x9F\x98\x80"),
         Decimal{"-12345678901234567890.0123456789"}, at(2024, 1, 1, 23'400'123'456), day(2024, 2, 29), JsonText{R"({"a": [1, 2]})"}},
        {std::numeric_limits<std::int64_t>::min(), -1e-300, false, std::string(""), Decimal{"0.0000000000"}, at(-99, 3, 1),
         day(0, 12, 31), JsonText{"\"text\""}},
        {std::int64_t{0}, std::numeric_limits<double>::infinity(), SqlValue{}, SqlValue{}, SqlValue{}, at(12000, 6, 30, 1),
         day(9999, 12, 31), SqlValue{}},
    };
    for (const auto& row : values) {
        std::string sql = "INSERT INTO pgd_values (i, f, b, s, d, t, dt, j) VALUES (";
        for (std::size_t k = 0; k < row.size(); ++k) sql += (k ? ", " : "") + q.placeholder(k + 1);
        CHECK(d->execute({sql + ")", row}) == 1);
    }
    // Stored as the right PostgreSQL values (read behind the dialect's back).
    CHECK(db.rows("SELECT t::text, dt::text FROM pgd_values ORDER BY id") ==
          Rows{{"2024-01-01 06:30:00.123456+00", "2024-02-29"},
               {"0100-03-01 00:00:00+00 BC", "0001-12-31 BC"},
               {"12000-06-30 00:00:00.000001+00", "9999-12-31"}});

    std::vector<const Field*> fields;
    for (const char* n : {"i", "f", "b", "s", "d", "t", "dt", "j"}) fields.push_back(m.find(n));
    const std::string select = "SELECT i, f, b, s, d, t, dt, j FROM pgd_values ORDER BY id";
    CHECK(d->query({select, {}}, fields) == values);
    CHECK(d->query({select, {}}, {}) == values);  // natural types from the column type OIDs

    // Typed parameters compare against the columns.
    auto hit = d->query({"SELECT s FROM pgd_values WHERE t = $1 AND d = $2 AND b = $3 AND i = $4 AND dt = $5",
                         {at(2024, 1, 1, 23'400'123'456), Decimal{"-12345678901234567890.0123456789"}, true,
                          std::numeric_limits<std::int64_t>::max(), day(2024, 2, 29)}},
                        {});
    CHECK(hit == std::vector<std::vector<SqlValue>>{{std::string("tab\t'quote' \\ \xF0\x9F\x98\x80")}});
    CHECK(d->execute({"UPDATE pgd_values SET s = $1 WHERE s IS NULL OR s = $2", {std::string("x"), std::string("")}}) == 2);
    CHECK(d->execute({"DELETE FROM pgd_values WHERE s = $1", {std::string("x")}}) == 2);
    CHECK(d->query({"SELECT COUNT(*), 1::int4, 2::int2, 1.5::float4, NULL::text, now() > $1", {at(2020, 1, 1)}}, {}) ==
          std::vector<std::vector<SqlValue>>{{std::int64_t{1}, std::int64_t{1}, std::int64_t{2}, 1.5, SqlValue{}, true}});
}

TEST_CASE("statement errors carry the category and the SQLSTATE", "[postgres][sql]") {
    Probe db;
    db.drop({"pgd_codes"});
    db.exec("CREATE TABLE pgd_codes (code TEXT PRIMARY KEY)");
    auto d = open();
    d->execute({"INSERT INTO pgd_codes VALUES ($1)", {std::string("a")}});
    try {
        d->execute({"INSERT INTO pgd_codes VALUES ($1)", {std::string("a")}});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::constraint_violation);
        CHECK(std::string(e.what()) == "statement failed: duplicate key value violates unique constraint \"pgd_codes_pkey\" "
                                       "(SQLSTATE 23505, constraint pgd_codes_pkey): Key (code)=(a) already exists.");
    }
    try {
        d->query({"SELECT 1 / 0", {}}, {});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::database);
        CHECK(std::string(e.what()) == "query failed: division by zero (SQLSTATE 22012)");
    }
    CHECK_THROWS_WITH(d->execute({"SELECT $1", {std::string("a\0b", 3)}}),
                      "statement failed: parameter $1 contains a NUL byte, which PostgreSQL text cannot store");

    SECTION("a COMMIT of a failed transaction is an error, not a silent rollback") {
        d->begin();
        d->execute({"INSERT INTO pgd_codes VALUES ($1)", {std::string("b")}});
        CHECK_THROWS(d->execute({"INSERT INTO pgd_codes VALUES ($1)", {std::string("a")}}));
        CHECK_THROWS_WITH(d->commit(), "commit: the transaction had failed earlier and was rolled back; nothing was committed");
        CHECK(db.count("pgd_codes") == 1);
    }
    SECTION("rollback discards, and is harmless outside a transaction") {
        d->rollback();
        d->begin();
        d->execute({"INSERT INTO pgd_codes VALUES ($1)", {std::string("c")}});
        d->rollback();
        CHECK(db.count("pgd_codes") == 1);
    }
    SECTION("a lost connection is a connection error, and begin() reconnects") {
        auto pid = d->query({"SELECT pg_backend_pid()", {}}, {});
        db.exec("SELECT pg_terminate_backend(" + std::to_string(std::get<std::int64_t>(pid.at(0).at(0))) + ")");
        try {
            d->execute({"SELECT 1", {}});
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::connection);
        }
        d->begin();
        d->execute({"INSERT INTO pgd_codes VALUES ($1)", {std::string("after")}});
        d->commit();
        CHECK(db.count("pgd_codes", "code = 'after'") == 1);
    }
}

TEST_CASE("advance_id_sequence: later default ids follow the largest stored id", "[postgres][sql]") {
    Probe db;
    db.drop({"pgd_seq"});
    auto d = open();
    const Model m = model("Seq", R"({"fields": {"name": "str"}})", "pgd_seq");
    d->ensure_table(m);
    d->advance_id_sequence(m);  // empty table: the sequence is left alone
    d->insert_rows(m, batch(m, {"name"}, {{std::string("first")}}), ConflictMode::error, {});
    CHECK(db.value("SELECT id FROM pgd_seq") == "1");

    d->insert_rows(m, batch(m, {"id", "name"}, {{std::int64_t{40}, std::string("forty")}, {std::int64_t{7}, std::string("seven")}}),
                   ConflictMode::error, {});
    d->advance_id_sequence(m);
    d->insert_rows(m, batch(m, {"name"}, {{std::string("next")}}), ConflictMode::error, {});
    CHECK(db.value("SELECT id FROM pgd_seq WHERE name = 'next'") == "41");

    db.exec("SELECT setval('pgd_seq_id_seq', 500)");  // another session ran ahead: never go back
    d->advance_id_sequence(m);
    d->insert_rows(m, batch(m, {"name"}, {{std::string("later")}}), ConflictMode::error, {});
    CHECK(db.value("SELECT id FROM pgd_seq WHERE name = 'later'") == "501");

    const Model text_ids = model("Seq", R"({"fields": {"id": "str", "name": "str"}})", "pgd_seq");
    CHECK_NOTHROW(d->advance_id_sequence(text_ids));  // not auto-increment: nothing to do
}

TEST_CASE("set_foreign_key_checks turns foreign key enforcement off and on", "[postgres][sql]") {
    Probe db;
    db.drop({"pgd_child", "pgd_parent"});
    db.exec("CREATE TABLE pgd_parent (id BIGINT PRIMARY KEY)");
    db.exec("CREATE TABLE pgd_child (id BIGSERIAL PRIMARY KEY, parent_id BIGINT REFERENCES pgd_parent (id))");
    auto d = open();
    const SqlFragment orphan{"INSERT INTO pgd_child (parent_id) VALUES ($1)", {std::int64_t{42}}};
    d->set_foreign_key_checks(false);
    CHECK(d->execute(orphan) == 1);
    d->set_foreign_key_checks(true);
    try {
        d->execute(orphan);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::constraint_violation);
        CHECK_THAT(std::string(e.what()), Contains("(SQLSTATE 23503, constraint pgd_child_parent_id_fkey)"));
    }
    CHECK(db.count("pgd_child") == 1);

    SECTION("a user who may not do it gets a clear error") {
        db.exec("DROP ROLE IF EXISTS pgd_plain");
        db.exec("CREATE ROLE pgd_plain LOGIN PASSWORD 'pgd-plain-pw'");
        std::string plain = url();
        plain = "postgresql://pgd_plain:pgd-plain-pw@" + plain.substr(plain.find('@') + 1);
        {
            auto p = open_postgres(DatabaseUrl::parse(plain));
            try {
                p->set_foreign_key_checks(false);
                FAIL("no error");
            } catch (const Error& e) {
                CHECK(e.code() == ErrorCode::database);
                CHECK_THAT(std::string(e.what()), StartsWith("cannot turn foreign key checks off: PostgreSQL allows SET "
                                                             "session_replication_role to superusers only (permission denied"));
            }
        }
        db.exec("DROP ROLE pgd_plain");
    }
}

TEST_CASE("a connection error never shows the password", "[postgres][connection]") {
    std::string wrong = url();
    const auto colon = wrong.find(':', wrong.find("://") + 3);
    wrong = wrong.substr(0, colon + 1) + "Sup3r-s3cret-pw" + wrong.substr(wrong.find('@'));
    try {
        open_postgres(DatabaseUrl::parse(wrong));
        FAIL("connected with a wrong password");
    } catch (const Error& e) {
        const std::string msg = e.what();
        CHECK(e.code() == ErrorCode::connection);
        CHECK(msg.find("Sup3r-s3cret-pw") == std::string::npos);
        CHECK_THAT(msg, StartsWith("cannot connect to PostgreSQL at postgresql://bulkflow:***@"));
        CHECK_THAT(msg, Contains("password authentication failed"));
    }
    CHECK_THROWS_WITH(open_postgres(DatabaseUrl::parse("postgresql://u:Sup3r-s3cret-pw@127.0.0.1:1/x")),
                      StartsWith("cannot connect to PostgreSQL at postgresql://u:***@127.0.0.1:1/x: "));
}
