#pragma once
// Shared by the PostgreSQL dialect tests: the server URL (env BULKFLOW_TEST_PG_URL), models from
// JSON, RowBatches from values, and a raw libpq probe that checks what was stored without going
// through the dialect under test. Every test uses tables named pgd_* and drops them first.

#include <bulkflow/dialect.hpp>
#include <bulkflow/postgres_dialect.hpp>

#include <boost/json.hpp>
#include <libpq-fe.h>

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER  // show Cell values in failed comparisons
#include <catch2/catch.hpp>

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgtest {

using namespace bulkflow;

/// A model with one field of every type (and a unique code), shared by the COPY tests.
inline const char* const kEveryTypeModel = R"({
  "fields": {
    "code": {"type": "str", "unique": true},
    "label": "str",
    "price": {"type": "decimal", "precision": 30, "scale": 10},
    "qty": "int",
    "ratio": "float",
    "flag": "bool",
    "seen": "datetime",
    "day": "date",
    "meta": "json"
  }
})";

inline std::string url() {
    const char* u = std::getenv("BULKFLOW_TEST_PG_URL");
    return u && *u ? u : "postgresql://bulkflow:bulkflow@127.0.0.1:5432/bulkflow_test";
}

inline std::unique_ptr<Dialect> open() { return open_postgres(DatabaseUrl::parse(url())); }

inline Model model(const char* name, const char* json, const char* table) {
    Model m = Model::from_json(name, boost::json::parse(json));
    m.table = table;
    return m;
}

/// A batch over the model's fields `names`, one row per element (record index = position).
inline RowBatch batch(const Model& m, std::initializer_list<const char*> names, const std::vector<std::vector<SqlValue>>& rows) {
    std::vector<const Field*> cols;
    for (const char* n : names) {
        const Field* f = m.find(n);
        if (!f) throw std::logic_error(std::string("no field ") + n);
        cols.push_back(f);
    }
    RowBatch b(cols);
    std::size_t i = 0;
    for (const auto& r : rows) b.add_row(r, i++);
    return b;
}
inline RowBatch batch(const Model& m, std::initializer_list<const char*> names,
                      std::initializer_list<std::vector<SqlValue>> rows) {
    return batch(m, names, std::vector<std::vector<SqlValue>>(rows));
}

/// Converts like the engine does (ISO strings -> Timestamp, decimals scaled...).
inline SqlValue conv(const Model& m, const char* field, const boost::json::value& v) {
    return convert_value(*m.find(field), v);
}

using Cell = std::optional<std::string>;  // nullopt = NULL
using Rows = std::vector<std::vector<Cell>>;

/// Straight libpq, for setting up and checking tables behind the dialect's back.
class Probe {
public:
    Probe() : conn_(PQconnectdb(url().c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(conn_);
            PQfinish(conn_);
            throw std::runtime_error("cannot connect to the test PostgreSQL (" + url() + "): " + msg);
        }
        exec("SET TIME ZONE 'UTC'");
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    }
    ~Probe() { PQfinish(conn_); }
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;

    void exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        std::string msg = PQresultErrorMessage(r);
        PQclear(r);
        if (!ok) throw std::runtime_error(sql + ": " + msg);
    }
    void drop(std::initializer_list<const char*> tables) {
        for (const char* t : tables) exec(std::string("DROP TABLE IF EXISTS ") + t + " CASCADE");
    }
    Rows rows(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error(sql + ": " + msg);
        }
        Rows out;
        for (int i = 0; i < PQntuples(r); ++i) {
            std::vector<Cell> row;
            for (int j = 0; j < PQnfields(r); ++j)
                row.push_back(PQgetisnull(r, i, j) ? Cell{} : Cell{std::string(PQgetvalue(r, i, j), static_cast<std::size_t>(PQgetlength(r, i, j)))});
            out.push_back(std::move(row));
        }
        PQclear(r);
        return out;
    }
    /// The single value of a one-row, one-column query ("<NULL>" for NULL).
    std::string value(const std::string& sql) {
        auto r = rows(sql);
        if (r.size() != 1 || r[0].size() != 1) throw std::runtime_error(sql + ": expected one value");
        return r[0][0] ? *r[0][0] : "<NULL>";
    }
    long count(const std::string& table, const std::string& where = "") {
        return std::stol(value("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where)));
    }

private:
    PGconn* conn_;
};

/// LoadOptions for COPY in `format` with an optional delimiter and NULL marker.
inline LoadOptions copy_as(const char* format, const char* delimiter = "", const char* null_string = "") {
    LoadOptions o;
    o.copy_format = format;
    o.copy_delimiter = delimiter;
    o.copy_null = null_string;
    return o;
}

/// Records the text of every INSERT / COPY statement on `table` (current_query(), from a
/// statement trigger) in pgd_log, so a test can see how rows travelled.
inline void log_statements(Probe& db, const std::string& table) {
    db.exec("CREATE TABLE IF NOT EXISTS pgd_log (n BIGSERIAL, q TEXT)");
    db.exec("TRUNCATE pgd_log");
    db.exec("CREATE OR REPLACE FUNCTION pgd_log_statement() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO pgd_log (q) VALUES (current_query()); RETURN NULL; END $$");
    db.exec("CREATE TRIGGER pgd_log_statements AFTER INSERT ON " + table + " FOR EACH STATEMENT EXECUTE FUNCTION pgd_log_statement()");
}

/// The logged statements, oldest first, each cut to `prefix` characters.
inline std::vector<std::string> logged(Probe& db, std::size_t prefix = 1000) {
    std::vector<std::string> out;
    for (auto& r : db.rows("SELECT q FROM pgd_log ORDER BY n")) out.push_back(r[0]->substr(0, prefix));
    return out;
}

} // namespace pgtest
