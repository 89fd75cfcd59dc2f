// set_load_options: text and csv COPY with the caller's delimiter and NULL marker, validation,
// use_copy: false (multi-row INSERT), and disable_triggers.
#include "pg_test_support.hpp"

#include <catch2/catch.hpp>

using namespace pgtest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kOpts = R"({
  "fields": {
    "code": {"type": "str", "unique": true},
    "label": "str",
    "qty": "int",
    "price": {"type": "decimal", "precision": 12, "scale": 2},
    "ratio": "float",
    "flag": "bool",
    "seen": "datetime",
    "day": "date",
    "meta": "json"
  }
})";

const char* kColumns = "code, label, qty, price, ratio, flag, seen, day, meta";

Model fresh(Dialect& d, const char* table) {
    Probe db;
    db.drop({table});
    Model m = model("Opts", kOpts, table);
    d.ensure_table(m);
    return m;
}

/// Values that collide with delimiters, NULL markers, quotes and escapes of every option set.
RowBatch hostile_rows(const Model& m, const std::string& prefix = "k") {
    const std::vector<SqlValue> labels = {
        std::string(""), SqlValue{}, std::string("NULL"), std::string("\\N"), std::string("x"), std::string("0"), std::string("-"),
        std::string("a|b"), std::string("a;b"), std::string("a,b"), std::string("a b"), std::string("aXb"), std::string("tab\tnl\ncr\r"),
        std::string("quote\"q\"\""), std::string("\\."), std::string("back\\slash\\"), std::string("emoji \xF0\x9F\x98\x80"),
        std::string("'"), std::string("<null>"), std::string("\\"), std::string("\""), std::string(" ")};
    RowBatch rows({m.find("code"), m.find("label"), m.find("qty"), m.find("price"), m.find("ratio"), m.find("flag"), m.find("seen"),
                   m.find("day"), m.find("meta")});
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto n = static_cast<std::int64_t>(i);
        rows.add_row({prefix + std::to_string(i), labels[i], i % 3 == 0 ? SqlValue{std::int64_t{0}} : SqlValue{-n},
                      i % 4 == 0 ? SqlValue{} : convert_value(*m.find("price"), boost::json::value(i % 2 ? "-1.5" : "0")),
                      i % 2 ? -0.5 : 1e-7, i % 2 == 0, convert_value(*m.find("seen"), "1969-12-31T23:59:59.5-01:00"),
                      convert_value(*m.find("day"), "1969-12-31"),
                      i % 5 == 0 ? SqlValue{} : SqlValue{JsonText{R"({"d": "a|b;c,d -X x \\N \"q\"", "n": null, "t": "\t"})"}}},
                     i);
    }
    return rows;
}

void rejects(Dialect& d, const LoadOptions& o, const std::string& message) {
    try {
        d.set_load_options(o);
        FAIL("accepted: " << message);
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_parameter);
        CHECK_THAT(std::string(e.what()), StartsWith(message));
    }
}

std::string replication_role(Dialect& d) {
    auto r = d.query({"SELECT current_setting('session_replication_role')", {}}, {});
    return std::get<std::string>(r.at(0).at(0));
}

} // namespace

TEST_CASE("text and csv COPY honour delimiter and null_string; NULL and empty strings stay apart", "[postgres][options]") {
    auto d = open();
    const Model ref = fresh(*d, "pgd_ref");
    const Model m = fresh(*d, "pgd_opts");
    const RowBatch rows = hostile_rows(m);
    REQUIRE(d->insert_rows(ref, rows, ConflictMode::error, {}).inserted == rows.rows());  // binary, checked elsewhere
    Probe db;
    REQUIRE(db.count("pgd_ref", "label IS NULL") == 1);
    REQUIRE(db.count("pgd_ref", "label = ''") == 1);

    struct Case {
        const char *format, *delimiter, *null, *clause;
    };
    const auto c = GENERATE(values<Case>({
        {"text", "", "", ""},
        {"text", "|", "NULL", " (FORMAT text, DELIMITER '|', NULL 'NULL')"},
        {"text", ";", "", " (FORMAT text, DELIMITER ';', NULL E'\\\\N')"},
        {"TEXT", " ", "<null>", " (FORMAT text, DELIMITER ' ', NULL '<null>')"},
        {"text", "-", "0", " (FORMAT text, DELIMITER '-', NULL '0')"},
        {"text", "X", "x", " (FORMAT text, DELIMITER 'X', NULL 'x')"},
        {"text", "'", "\\\\", " (FORMAT text, DELIMITER '''', NULL E'\\\\\\\\')"},  // the value "\" is sent as \134
        {"csv", "", "", " (FORMAT csv, DELIMITER ',', NULL '')"},
        {"csv", "\t", "\\N", " (FORMAT csv, DELIMITER '\t', NULL E'\\\\N')"},  // the specification's example
        {"csv", ";", "NULL", " (FORMAT csv, DELIMITER ';', NULL 'NULL')"},
        {"CSV", "|", "", " (FORMAT csv, DELIMITER '|', NULL '')"},
        {"csv", " ", "-", " (FORMAT csv, DELIMITER ' ', NULL '-')"},
    }));
    INFO("format " << c.format << ", delimiter '" << c.delimiter << "', null '" << c.null << "'");
    log_statements(db, "pgd_opts");
    d->set_load_options(copy_as(c.format, c.delimiter, c.null));
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == rows.rows());
    CHECK(logged(db) == std::vector<std::string>{"COPY \"pgd_opts\" (\"code\", \"label\", \"qty\", \"price\", \"ratio\", \"flag\", \"seen\", "
                                                 "\"day\", \"meta\") FROM STDIN" + std::string(c.clause)});
    const std::string same = std::string("SELECT ") + kColumns + " FROM pgd_opts EXCEPT ALL SELECT " + kColumns + " FROM pgd_ref";
    const std::string same_back = std::string("SELECT ") + kColumns + " FROM pgd_ref EXCEPT ALL SELECT " + kColumns + " FROM pgd_opts";
    CHECK(db.rows(same) == Rows{});
    CHECK(db.rows(same_back) == Rows{});
    CHECK(db.count("pgd_opts", "label IS NULL") == 1);
    CHECK(db.count("pgd_opts", "label = ''") == 1);
    CHECK(db.count("pgd_opts", "label = 'NULL'") == 1);
    CHECK(db.count("pgd_opts", "qty = 0") == 8);

    // Through the staging table (skip mode) with the same options: the same values again.
    const RowBatch again = hostile_rows(m, "s");
    CHECK(d->insert_rows(m, again, ConflictMode::skip, {}).inserted == again.rows());
    CHECK(db.rows("SELECT o.code FROM pgd_opts o JOIN pgd_opts s ON s.code = 's' || substr(o.code, 2) WHERE "
                  "(o.label, o.qty, o.price, o.ratio, o.flag, o.seen, o.day, o.meta::text) IS DISTINCT FROM "
                  "(s.label, s.qty, s.price, s.ratio, s.flag, s.seen, s.day, s.meta::text)") == Rows{});
    CHECK(db.count("pgd_opts", "code LIKE 's%'") == static_cast<long>(again.rows()));
}

TEST_CASE("bad copy options are rejected, and the options before stay", "[postgres][options]") {
    auto d = open();
    const Model m = fresh(*d, "pgd_opts");
    d->set_load_options(copy_as("csv", ";"));
    rejects(*d, copy_as("xml"), "copy_options.format must be binary, text or csv, not 'xml'");
    rejects(*d, copy_as("csv", ";;"), "copy_options.delimiter must be one single-byte character, not ';;' (2 bytes)");
    rejects(*d, copy_as("csv", "\xC3\xA9"), "copy_options.delimiter must be one single-byte character");
    rejects(*d, copy_as("csv", "\""), "copy_options.delimiter cannot be '\"'");
    rejects(*d, copy_as("text", "\\"), "copy_options.delimiter cannot be '\\'");
    rejects(*d, copy_as("csv", "\n"), "copy_options.delimiter cannot be byte 0x0a");
    rejects(*d, copy_as("text", "\r"), "copy_options.delimiter cannot be byte 0x0d");
    rejects(*d, copy_as("csv", "\x80"), "copy_options.delimiter cannot be byte 0x80");
    rejects(*d, copy_as("text", "a"), "copy_options.delimiter cannot be 'a' with format text");
    rejects(*d, copy_as("text", "."), "copy_options.delimiter cannot be '.' with format text");
    rejects(*d, copy_as("text", "7"), "copy_options.delimiter cannot be '7' with format text");
    rejects(*d, copy_as("binary", ","), "copy_options.delimiter applies to format text or csv, not binary");
    rejects(*d, copy_as("binary", "", "NULL"), "copy_options.null_string applies to format text or csv, not binary");
    rejects(*d, copy_as("text", "", "a\nb"), "copy_options.null_string cannot contain CR, LF or NUL");
    rejects(*d, copy_as("text", "", "N\\"), "copy_options.null_string cannot end in a lone backslash with format text");
    CHECK_NOTHROW(d->set_load_options(copy_as("csv", "", "N\\")));  // backslash means nothing in csv
    rejects(*d, copy_as("csv", "|", "a|b"), "copy_options.null_string 'a|b' cannot contain the delimiter '|' (format csv)");
    rejects(*d, copy_as("text", "", "a\tb"), "copy_options.null_string 'a\tb' cannot contain the delimiter byte 0x09 (format text)");
    rejects(*d, copy_as("csv", "", "\"\""), "copy_options.null_string cannot contain '\"' with format csv");
    // 'a' is fine in csv; the csv options set first are still in force.
    CHECK_NOTHROW(d->set_load_options(copy_as("csv", "a")));
    d->set_load_options(copy_as("csv", ";"));
    Probe db;
    log_statements(db, "pgd_opts");
    REQUIRE(d->insert_rows(m, batch(m, {"code"}, {{std::string("a")}}), ConflictMode::error, {}).inserted == 1);
    CHECK(logged(db) == std::vector<std::string>{"COPY \"pgd_opts\" (\"code\") FROM STDIN (FORMAT csv, DELIMITER ';', NULL '')"});
}

TEST_CASE("use_copy false: multi-row INSERTs under 65,535 parameters with exact counts", "[postgres][options][insert]") {
    auto d = open();
    const Model ref = fresh(*d, "pgd_ref");
    const Model m = fresh(*d, "pgd_opts");
    constexpr std::size_t kRows = 20'000;  // x 6 columns = 120,000 parameters
    RowBatch rows({m.find("code"), m.find("label"), m.find("qty"), m.find("price"), m.find("flag"), m.find("seen")});
    for (std::size_t i = 0; i < kRows; ++i) {
        const auto n = static_cast<std::int64_t>(i);
        rows.add_row({std::string("c") + std::to_string(i), i % 7 ? SqlValue{std::string("label \t") + std::to_string(i)} : SqlValue{}, n,
                      Decimal{std::to_string(i) + ".05"}, i % 2 == 0, Timestamp{n * 1'000'000 - 86'400'000'000}},
                     i);
    }
    REQUIRE(d->insert_rows(ref, rows, ConflictMode::error, {}).inserted == kRows);
    Probe db;
    log_statements(db, "pgd_opts");
    LoadOptions o;
    o.use_copy = false;
    d->set_load_options(o);

    SECTION("every row, in statements of 10,922 rows (65,532 parameters)") {
        const WriteCounts c = d->insert_rows(m, rows, ConflictMode::error, {});
        CHECK(c.inserted == kRows);
        CHECK(c.updated == 0);
        CHECK(c.skipped == 0);
        CHECK(db.count("pgd_opts") == static_cast<long>(kRows));
        const auto log = logged(db, 40);
        CHECK(log == std::vector<std::string>(2, std::string("INSERT INTO \"pgd_opts\" (\"code\", \"label\", \"qty\"").substr(0, 40)));
        CHECK(db.count("pgd_log", "q LIKE '%$65532)' AND q NOT LIKE '%$65533%'") == 1);
        const std::string cols = "code, label, qty, price, flag, seen";
        CHECK(db.rows("SELECT " + cols + " FROM pgd_opts EXCEPT ALL SELECT " + cols + " FROM pgd_ref") == Rows{});
        CHECK(db.rows("SELECT " + cols + " FROM pgd_ref EXCEPT ALL SELECT " + cols + " FROM pgd_opts") == Rows{});
    }
    SECTION("a failing row in the second statement: the rows before it are written") {
        RowBatch dup(rows.columns());
        for (std::size_t i = 0; i < kRows; ++i) {
            std::vector<SqlValue> cells;
            for (std::size_t k = 0; k < 6; ++k) cells.push_back(rows.at(i, k));
            if (i == 15'000) cells[0] = std::string("c42");
            dup.add_row(std::move(cells), 100 + i);
        }
        d->begin();
        try {
            d->insert_rows(m, dup, ConflictMode::error, {});
            FAIL("no error");
        } catch (const RowWriteError& e) {
            CHECK(e.row() == 15'000);
            CHECK(e.written().inserted == 15'000);
            CHECK(e.code() == ErrorCode::constraint_violation);
            CHECK_THAT(std::string(e.what()), StartsWith("record 15100: duplicate key value violates unique constraint \"pgd_opts_code_key\""));
        }
        CHECK(d->insert_rows(m, dup.slice(15'001, kRows), ConflictMode::error, {}).inserted == 4'999);
        d->commit();
        CHECK(db.count("pgd_opts") == static_cast<long>(kRows - 1));
        CHECK(db.count("pgd_opts", "qty = 15000") == 0);
    }
    SECTION("upserts, ids and updates stage their rows with INSERTs as well") {
        REQUIRE(d->insert_rows(m, rows.slice(0, 5'000), ConflictMode::error, {}).inserted == 5'000);
        const WriteCounts up = d->insert_rows(m, rows, ConflictMode::update, {"code"});
        CHECK(up.inserted == 15'000);
        CHECK(up.updated == 5'000);
        CHECK(up.skipped == 0);
        const WriteCounts skip = d->insert_rows(m, rows.slice(19'000, kRows), ConflictMode::skip, {});
        CHECK(skip.inserted == 0);
        CHECK(skip.skipped == 1'000);
        db.exec("TRUNCATE pgd_opts RESTART IDENTITY");
        std::vector<SqlValue> ids;
        d->insert_collecting_ids(m, rows, ids);
        REQUIRE(ids.size() == kRows);
        CHECK(ids.front() == SqlValue{std::int64_t{1}});
        CHECK(ids.back() == SqlValue{static_cast<std::int64_t>(kRows)});
        CHECK(db.value("SELECT count(*) FROM pgd_opts WHERE id = qty + 1") == std::to_string(kRows));
        RowBatch changes({m.find("id"), m.find("label")});
        for (std::size_t i = 0; i < kRows; i += 2) changes.add_row({ids[i], std::string("changed")}, i);
        CHECK(d->update_rows(m, changes, "") == kRows / 2);
        CHECK(db.count("pgd_opts", "label = 'changed'") == static_cast<long>(kRows / 2));
    }
}

TEST_CASE("disable_triggers: user triggers do not fire during the load, and do again after", "[postgres][options][triggers]") {
    auto d = open();
    const Model m = fresh(*d, "pgd_opts");
    Probe db;
    db.exec("CREATE OR REPLACE FUNCTION pgd_meddle() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.code = 'boom' THEN RAISE EXCEPTION 'the trigger fired'; END IF; NEW.label := 'touched'; RETURN NEW; END $$");
    db.exec("CREATE TRIGGER pgd_meddle BEFORE INSERT ON pgd_opts FOR EACH ROW EXECUTE FUNCTION pgd_meddle()");
    auto rows = batch(m, {"code", "label"}, {{std::string("a"), std::string("as sent")}, {std::string("boom"), std::string("as sent")}});
    LoadOptions off;
    off.disable_triggers = true;
    CHECK(replication_role(*d) == "origin");
    d->set_load_options(off);
    CHECK(replication_role(*d) == "replica");
    REQUIRE(d->insert_rows(m, rows, ConflictMode::error, {}).inserted == 2);
    off.use_copy = false;
    d->set_load_options(off);
    REQUIRE(d->insert_rows(m, batch(m, {"code", "label"}, {{std::string("b"), std::string("as sent")}}), ConflictMode::error, {}).inserted == 1);
    CHECK(db.count("pgd_opts", "label = 'as sent'") == 3);

    d->set_load_options({});  // the load is over: back to DEFAULT, the trigger fires again
    CHECK(replication_role(*d) == "origin");
    REQUIRE(d->insert_rows(m, batch(m, {"code", "label"}, {{std::string("c"), std::string("as sent")}}), ConflictMode::error, {}).inserted == 1);
    CHECK(db.value("SELECT label FROM pgd_opts WHERE code = 'c'") == "touched");
    try {
        d->insert_rows(m, batch(m, {"code"}, {{std::string("boom")}}), ConflictMode::error, {});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(std::string(e.what()), Contains("the trigger fired"));
    }

    SECTION("composes with set_foreign_key_checks, which uses the same setting") {
        d->set_foreign_key_checks(false);
        d->set_load_options(off);
        d->set_load_options({});
        CHECK(replication_role(*d) == "replica");  // foreign key checks are still off
        d->set_foreign_key_checks(true);
        CHECK(replication_role(*d) == "origin");
        d->set_load_options(off);
        d->set_foreign_key_checks(false);
        d->set_foreign_key_checks(true);
        CHECK(replication_role(*d) == "replica");  // triggers are still disabled
        d->set_load_options({});
        CHECK(replication_role(*d) == "origin");
    }
    SECTION("survives a reconnect") {
        d->set_load_options(off);
        const auto pid = std::get<std::int64_t>(d->query({"SELECT pg_backend_pid()", {}}, {}).at(0).at(0));
        db.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
        CHECK_THROWS(d->begin());  // the lost connection is noticed here...
        d->begin();                // ...and the retry starts on a fresh one
        CHECK(replication_role(*d) == "replica");
        d->rollback();
    }
    SECTION("a user who is not a superuser gets a clear error") {
        db.exec("DROP ROLE IF EXISTS pgd_plain_load");
        db.exec("CREATE ROLE pgd_plain_load LOGIN PASSWORD 'pgd-plain-pw'");
        std::string plain = url();
        plain = "postgresql://pgd_plain_load:pgd-plain-pw@" + plain.substr(plain.find('@') + 1);
        {
            auto p = open_postgres(DatabaseUrl::parse(plain));
            try {
                p->set_load_options(off);
                FAIL("no error");
            } catch (const Error& e) {
                CHECK(e.code() == ErrorCode::database);
                CHECK_THAT(std::string(e.what()), StartsWith("disable_triggers needs a superuser (session_replication_role): "
                                                             "permission denied to set parameter \"session_replication_role\""));
            }
            CHECK_NOTHROW(p->set_load_options({}));  // nothing was changed, nothing to undo
        }
        db.exec("DROP ROLE pgd_plain_load");
    }
}
