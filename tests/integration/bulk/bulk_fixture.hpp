#pragma once
// Runs bulk workflows through the public C++ API against a fresh database (an SQLite file, an
// emptied PostgreSQL schema with BULKFLOW_TEST_DIALECT=postgres, or an emptied MariaDB/MySQL
// database with BULKFLOW_TEST_DIALECT=mysql) and reads the resulting table state back with the
// database's own C API (never through bulkflow's code).

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <boost/json.hpp>
#include <libpq-fe.h>
#include <mysql.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace bulkflow::test {

using Cell = std::optional<std::string>;  // nullopt = SQL NULL
using Rows = std::vector<std::vector<Cell>>;

inline const char* kProductModel = R"({
  "fields": {
    "name": {"type": "str", "required": true, "max_length": 200},
    "price": {"type": "decimal", "precision": 10, "scale": 2},
    "category": {"type": "str", "index": true},
    "stock": {"type": "int", "default": 0},
    "active": {"type": "bool", "default": true},
    "created": "datetime",
    "metadata": "json"
  }
})";

/// Which database the suite runs on: env BULKFLOW_TEST_DIALECT = sqlite (default) | postgres | mysql.
inline std::string test_dialect() {
    const char* d = std::getenv("BULKFLOW_TEST_DIALECT");
    return d && *d ? d : "sqlite";
}

/// Today's date in UTC as "YYYY-MM-DD".
inline std::string today_utc() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

/// Verification queries straight to PostgreSQL through libpq, with PostgreSQL's text forms
/// normalised to the SQLite ones the tests compare against (booleans 1/0, timestamps
/// "YYYY-MM-DDTHH:MM:SS.ffffffZ").
class PgProbe {
public:
    /// Connects to this test process's own database (created once, dropped when the process
    /// ends, so that two suite runs on one server cannot empty each other's tables), emptied for
    /// each test.
    explicit PgProbe(std::string& url_out) {
        const char* base = std::getenv("BULKFLOW_TEST_PG_URL");
        static const std::string admin = base && *base ? base : "postgresql://bulkflow:bulkflow@127.0.0.1:5432/bulkflow_test";
        static const std::string name = "bulkflow_suite_" + std::to_string(::getpid());
        static const struct SuiteDatabase {
            SuiteDatabase() {
                admin_exec("DROP DATABASE IF EXISTS " + name);  // left by an earlier process with this pid
                admin_exec("CREATE DATABASE " + name);
            }
            ~SuiteDatabase() { admin_exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); }
            static void admin_exec(const std::string& sql) {
                PGconn* c = connect(admin);
                PQclear(PQexec(c, sql.c_str()));
                PQfinish(c);
            }
        } database;
        url_out = admin.substr(0, admin.rfind('/') + 1) + name;
        conn_ = connect(url_out);
        exec("SET client_min_messages TO warning");
        exec("DROP SCHEMA IF EXISTS public CASCADE");
        exec("CREATE SCHEMA public");
    }
    ~PgProbe() { PQfinish(conn_); }
    PgProbe(const PgProbe&) = delete;
    PgProbe& operator=(const PgProbe&) = delete;

    Rows query(const std::string& sql) const {
        PGresult* r = PQexec(conn_, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error("bad test query: " + msg);
        }
        Rows rows;
        for (int i = 0; i < PQntuples(r); ++i) {
            std::vector<Cell> row;
            for (int j = 0; j < PQnfields(r); ++j) {
                if (PQgetisnull(r, i, j)) row.emplace_back(std::nullopt);
                else row.emplace_back(normalise(PQftype(r, j), PQgetvalue(r, i, j)));
            }
            rows.push_back(std::move(row));
        }
        PQclear(r);
        return rows;
    }

    void exec(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        std::string msg = PQresultErrorMessage(r);
        PQclear(r);
        if (!ok) throw std::runtime_error(sql + ": " + msg);
    }

private:
    static PGconn* connect(const std::string& url) {
        PGconn* c = PQconnectdb(url.c_str());
        if (PQstatus(c) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(c);
            PQfinish(c);
            throw std::runtime_error("cannot connect to the test PostgreSQL: " + msg);
        }
        return c;
    }
    static std::string normalise(Oid type, std::string v) {
        constexpr Oid kBool = 16, kTimestamptz = 1184;
        if (type == kBool) return v == "t" ? "1" : "0";
        if (type == kTimestamptz) {
            static const std::regex ts(R"((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?\+00)");
            std::smatch m;
            if (std::regex_match(v, m, ts)) {
                std::string frac = m[3].matched ? m[3].str() : "";
                frac.resize(6, '0');
                return m[1].str() + "T" + m[2].str() + "." + frac + "Z";
            }
        }
        return v;
    }
    PGconn* conn_ = nullptr;
};

/// Verification queries straight to MariaDB/MySQL through Connector/C, in the suite's own
/// database bulkflow_suite (scripts/start-databases.sh creates it), emptied for each test.
/// The session reads `||` as concatenation and backslashes literally, as the checks are written
/// for SQLite and PostgreSQL; DATETIME values come back as "YYYY-MM-DDTHH:MM:SS.ffffffZ".
class MysqlProbe {
public:
    explicit MysqlProbe(std::string& url_out) {
        const char* base = std::getenv("BULKFLOW_TEST_MYSQL_URL");
        const std::string admin = base && *base ? base : "mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test";
        static const std::regex parts(R"(mysql://([^:@/]*)(?::([^@/]*))?@([^:/]+)(?::(\d+))?/(.*))");
        std::smatch m;
        if (!std::regex_match(admin, m, parts)) throw std::runtime_error("BULKFLOW_TEST_MYSQL_URL: cannot parse " + admin);
        url_out = admin.substr(0, admin.rfind('/') + 1) + "bulkflow_suite";
        conn_ = mysql_init(nullptr);
        if (!mysql_real_connect(conn_, m[3].str().c_str(), m[1].str().c_str(), m[2].str().c_str(), "bulkflow_suite",
                                m[4].matched ? static_cast<unsigned>(std::stoul(m[4].str())) : 3306, nullptr, 0)) {
            std::string msg = mysql_error(conn_);
            mysql_close(conn_);
            throw std::runtime_error("cannot connect to the test MariaDB (database bulkflow_suite): " + msg);
        }
        exec("SET NAMES utf8mb4");
        exec("SET time_zone = '+00:00', sql_mode = 'PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES'");
        exec("SET foreign_key_checks = 0");
        for (const auto& r : query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"))
            exec("DROP TABLE IF EXISTS `" + r.at(0).value() + "`");
        exec("SET foreign_key_checks = 1");
    }
    ~MysqlProbe() { mysql_close(conn_); }
    MysqlProbe(const MysqlProbe&) = delete;
    MysqlProbe& operator=(const MysqlProbe&) = delete;

    Rows query(const std::string& sql) const {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) throw std::runtime_error("bad test query: " + std::string(mysql_error(conn_)));
        MYSQL_RES* r = mysql_store_result(conn_);
        if (!r) throw std::runtime_error("bad test query (no result): " + std::string(mysql_error(conn_)));
        Rows rows;
        const unsigned n = mysql_num_fields(r);
        MYSQL_FIELD* fields = mysql_fetch_fields(r);
        while (MYSQL_ROW row = mysql_fetch_row(r)) {
            unsigned long* len = mysql_fetch_lengths(r);
            std::vector<Cell> cells;
            for (unsigned i = 0; i < n; ++i) {
                if (!row[i]) cells.emplace_back(std::nullopt);
                else cells.emplace_back(normalise(fields[i].type, std::string(row[i], len[i])));
            }
            rows.push_back(std::move(cells));
        }
        mysql_free_result(r);
        return rows;
    }

    void exec(const std::string& sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) throw std::runtime_error(sql + ": " + mysql_error(conn_));
        if (MYSQL_RES* r = mysql_store_result(conn_)) mysql_free_result(r);
    }

private:
    static std::string normalise(enum_field_types type, std::string v) {
        if (type == MYSQL_TYPE_DATETIME || type == MYSQL_TYPE_TIMESTAMP) {
            static const std::regex ts(R"((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?)");
            std::smatch m;
            if (std::regex_match(v, m, ts)) {
                std::string frac = m[3].matched ? m[3].str() : "";
                frac.resize(6, '0');
                return m[1].str() + "T" + m[2].str() + "." + frac + "Z";
            }
        }
        return v;
    }
    MYSQL* conn_ = nullptr;
};

class BulkDb {
public:
    explicit BulkDb(const std::string& name) {
        dir_ = std::filesystem::temp_directory_path() / ("bulkflow-bulk-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        if (test_dialect() == "postgres") {
            pg_ = std::make_unique<PgProbe>(url_);
            return;
        }
        if (test_dialect() == "mysql") {
            my_ = std::make_unique<MysqlProbe>(url_);
            return;
        }
        path_ = dir_ / (name + ".db");
        for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + ext);
        url_ = "sqlite:///" + path_.string();
    }
    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] std::filesystem::path file(const std::string& name) const { return dir_ / name; }

    /// Runs a workflow with the Product model (plus `models`), returns the results.
    ExecutionResult run(WorkflowBuilder b, RuntimeOptions opts = {}) {
        b.add_model("Product", boost::json::parse(kProductModel));
        LocalRuntime rt(Database{url()}, std::move(opts));
        return rt.execute(b.build());
    }
    /// Runs one node and returns its result's "data".
    boost::json::object run_node(const std::string& type, boost::json::object params, RuntimeOptions opts = {}) {
        WorkflowBuilder b;
        for (const auto& [name, def] : models_) b.add_model(name, def);
        b.add_node(type, "op", std::move(params));
        auto res = run(std::move(b), std::move(opts));
        return res.results["op"].at("data").as_object();
    }
    /// Adds a model used by run_node (Product is always there).
    void add_model(const std::string& name, const std::string& json) { models_.emplace_back(name, boost::json::parse(json)); }

    Rows query(const std::string& sql) const {
        if (pg_) return pg_->query(sql);
        if (my_) return my_->query(sql);
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot open test db");
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            std::string msg = sqlite3_errmsg(db);
            sqlite3_close(db);
            throw std::runtime_error("bad test query: " + msg);
        }
        Rows rows;
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<Cell> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                if (sqlite3_column_type(st, i) == SQLITE_NULL) row.emplace_back(std::nullopt);
                else row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                                                  static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
            }
            rows.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        return rows;
    }
    /// Runs a statement that changes the database (test setup behind bulkflow's back).
    void exec(const std::string& sql) {
        if (pg_) return pg_->exec(sql);
        if (my_) return my_->exec(sql);
        sqlite3* db = nullptr;
        sqlite3_open(path_.c_str(), &db);
        char* err = nullptr;
        int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
        std::string msg = err ? err : "";
        sqlite3_free(err);
        sqlite3_close(db);
        if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + msg);
    }
    std::string scalar(const std::string& sql) const { return query(sql).at(0).at(0).value_or("NULL"); }
    long long count(const std::string& table = "products", const std::string& where = "") const {
        return std::stoll(scalar("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where)));
    }

private:
    std::filesystem::path dir_, path_;
    std::string url_;
    std::unique_ptr<PgProbe> pg_;
    std::unique_ptr<MysqlProbe> my_;
    std::vector<std::pair<std::string, boost::json::value>> models_;
};

inline boost::json::array products(int n, const std::string& category = "test") {
    boost::json::array a;
    for (int i = 1; i <= n; ++i)
        a.push_back({{"name", "Product " + std::to_string(i)}, {"price", std::to_string(i * 10) + ".50"},
                     {"category", category}, {"stock", i}});
    return a;
}

/// The error a node raised: a RunError, or a ValidationError for what is checked before the run
/// (docs/getting-started.md "The command line"); fails the test when nothing of type E was thrown.
/// run_error<RunError> keeps the partial results of a node that failed at run time.
template <class E = Error>
inline E run_error(BulkDb& db, const std::string& type, boost::json::object params) {
    try {
        db.run_node(type, std::move(params));
    } catch (const E& e) {
        return e;
    }
    throw std::runtime_error("expected the node to fail");
}

} // namespace bulkflow::test
