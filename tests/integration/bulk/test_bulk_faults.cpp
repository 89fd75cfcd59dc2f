// Transactions under faults: a failed node still reports exactly what stays committed, a
// deadlock under ensure_atomic stores all or nothing, a COMMIT lost with its connection is
// resolved and never stored twice (docs/bulk-nodes.md, "What bulkflow guarantees").

#include "bulk_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

const char* kCoded = R"({"fields": {"code": {"type": "str", "unique": true}, "name": {"type": "str", "required": true}, "price": "decimal"}})";

boost::json::array coded(int n) {
    boost::json::array a;
    for (int i = 0; i < n; ++i) a.push_back({{"code", "c" + std::to_string(i)}, {"name", "n" + std::to_string(i)}, {"price", "1.00"}});
    return a;
}

/// A second MariaDB session of the test's own (bulkflow_suite), for locks the node must meet.
class MysqlSession {
public:
    MysqlSession() {
        const char* base = std::getenv("BULKFLOW_TEST_MYSQL_URL");
        const std::string url = base && *base ? base : "mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test";
        static const std::regex parts(R"(mysql://([^:@/]*)(?::([^@/]*))?@([^:/]+)(?::(\d+))?/(.*))");
        std::smatch m;
        if (!std::regex_match(url, m, parts)) throw std::runtime_error("cannot parse " + url);
        conn_ = mysql_init(nullptr);
        if (!mysql_real_connect(conn_, m[3].str().c_str(), m[1].str().c_str(), m[2].str().c_str(), "bulkflow_suite",
                                m[4].matched ? static_cast<unsigned>(std::stoul(m[4].str())) : 3306, nullptr, 0))
            throw std::runtime_error(std::string("cannot connect: ") + mysql_error(conn_));
    }
    ~MysqlSession() { mysql_close(conn_); }
    MysqlSession(const MysqlSession&) = delete;
    MysqlSession& operator=(const MysqlSession&) = delete;
    /// Runs `sql`; returns the error number (0: success) and drops any result.
    unsigned exec(const std::string& sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) return mysql_errno(conn_);
        if (MYSQL_RES* r = mysql_store_result(conn_)) mysql_free_result(r);
        return 0;
    }
    std::string scalar(const std::string& sql) {
        if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) return "";
        MYSQL_RES* r = mysql_store_result(conn_);
        std::string v;
        if (MYSQL_ROW row = r ? mysql_fetch_row(r) : nullptr) v = row[0] ? row[0] : "";
        if (r) mysql_free_result(r);
        return v;
    }

private:
    MYSQL* conn_ = nullptr;
};

boost::json::object product(int id) {
    return {{"id", id}, {"name", "p" + std::to_string(id)}, {"price", "1.00"}, {"category", "c"}, {"stock", 1}};
}

} // namespace

TEST_CASE("a parallel load stopped by a bad record reports exactly what stays committed", "[bulk][errors][partial]") {
    BulkDb db("partial_parallel");
    db.add_model("Coded", kCoded);
    auto data = coded(20000);
    data[5555].as_object()["code"] = "c10";  // a unique code only the database rejects
    auto e = run_error<RunError>(db, "CodedBulkCreateNode", {{"data", data}, {"batch_size", 500}, {"parallel_batches", 4}, {"retry_delay", 0.01}});
    CHECK(e.node() == "op");
    CHECK_THAT(std::string(e.what()), Contains("record 5555") || Contains("record 10"));
    REQUIRE(e.results().contains("op"));
    const auto& r = e.results()["op"];
    CHECK(r.at("success").as_bool() == false);
    const long long stored = db.count("codeds");
    CHECK(stored >= 5500);  // the batches before the failing one committed
    CHECK(r.at("data").at("success_count").as_int64() == stored);
    CHECK(r.at("data").at("inserted").as_int64() == stored);
}

TEST_CASE("a failed update by records reports the rows its committed batches changed", "[bulk][errors][partial]") {
    BulkDb db("partial_update");
    db.add_model("Coded", kCoded);
    db.run_node("CodedBulkCreateNode", {{"data", coded(3000)}, {"batch_size", 1000}});
    boost::json::array changes;
    for (int i = 1; i <= 3000; ++i) changes.push_back({{"id", i}, {"code", i == 2100 ? "x5" : "x" + std::to_string(i)}});
    auto e = run_error<RunError>(db, "CodedBulkUpdateNode", {{"data", changes}, {"batch_size", 500}});
    CHECK_THAT(std::string(e.what()), Contains("record 2099"));
    REQUIRE(e.results().contains("op"));
    const auto& r = e.results()["op"];
    CHECK(r.at("success").as_bool() == false);
    const long long changed = db.count("codeds", "code LIKE 'x%'");
    CHECK(changed == 2000);
    CHECK(r.at("data").at("updated").as_int64() == changed);
    CHECK(r.at("data").at("success_count").as_int64() == changed);
}

TEST_CASE("ensure_atomic: a deadlock stores all rows or none, and the counts say which", "[bulk][fault][mysql]") {
    if (test_dialect() != "mysql") {
        WARN("MariaDB only: InnoDB ends the whole transaction of a deadlock's victim");
        return;
    }
    BulkDb db("deadlock");
    db.run_node("ProductBulkUpsertNode", {{"data", boost::json::array{product(1)}}});
    db.exec("CREATE TABLE ballast (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    db.exec("INSERT INTO ballast SELECT seq, 0 FROM seq_1_to_20000");
    // Records 2..401 (4 batches), then record 1, which the test's session holds locked.
    boost::json::array data;
    for (int id = 2; id <= 401; ++id) data.push_back(product(id));
    data.push_back(product(1));

    MysqlSession other;
    // Many changed rows make the other session the heavier transaction: InnoDB picks the node.
    REQUIRE(other.exec("START TRANSACTION") == 0);
    REQUIRE(other.exec("UPDATE ballast SET v = v + 1") == 0);
    REQUIRE(other.exec("UPDATE products SET stock = 999 WHERE id = 1") == 0);
    std::atomic<unsigned> other_error{1};
    std::atomic<bool> node_waited{false};
    std::jthread locker([&] {
        for (int i = 0; i < 3000; ++i) {  // until the node waits for row 1
            node_waited = other.scalar("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'") != "0";
            if (node_waited) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        other_error = other.exec("SELECT id FROM products WHERE id = 2 FOR UPDATE");  // a cycle: InnoDB ends one
        other.exec(other_error == 0 ? "COMMIT" : "ROLLBACK");
    });
    std::optional<boost::json::object> result;
    bool failed = false;
    try {
        result = db.run_node("ProductBulkUpsertNode", {{"data", data}, {"batch_size", 100}, {"ensure_atomic", true}, {"retry_delay", 0.05}});
    } catch (const RunError& e) {
        failed = true;
        if (e.results().contains("op")) CHECK(e.results()["op"].at("data").at("success_count").as_int64() == 0);
    }
    locker.join();
    REQUIRE(node_waited);
    REQUIRE(other_error == 0);  // the node was the victim (else this run proves nothing)
    const long long stored = db.count("products", "id > 1");
    if (failed) {
        CHECK(stored == 0);  // all or nothing: nothing
    } else {
        CHECK(stored == 400);  // all or nothing: all
        CHECK(result->at("inserted").as_int64() == 400);
        CHECK(result->at("updated").as_int64() == 1);
    }
}

TEST_CASE("ensure_atomic create: a deadlock's whole-transaction rollback is never retried as one batch", "[bulk][fault][mysql]") {
    // The reported defect: InnoDB rolls back the victim's whole transaction; a retry of only the
    // failing batch then ran in autocommit, stored that batch alone and reported success.
    if (test_dialect() != "mysql") {
        WARN("MariaDB only: InnoDB ends the whole transaction of a deadlock's victim");
        return;
    }
    BulkDb db("deadlock_create");
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{product(1000)}}, {"preserve_ids", true}});
    db.exec("DELETE FROM products");
    db.exec("CREATE TABLE ballast (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    db.exec("INSERT INTO ballast SELECT seq, 0 FROM seq_1_to_20000");
    boost::json::array data;  // ids 2..401 (4 batches), then id 1, which the other session inserts uncommitted
    for (int id = 2; id <= 401; ++id) data.push_back(product(id));
    data.push_back(product(1));

    MysqlSession other;
    REQUIRE(other.exec("START TRANSACTION") == 0);
    REQUIRE(other.exec("UPDATE ballast SET v = v + 1") == 0);  // the heavier transaction: InnoDB picks the node
    REQUIRE(other.exec("INSERT INTO products (id, name, price, category, stock, active) VALUES (1, 'other', 1, 'c', 1, 1)") == 0);
    const std::string other_id = other.scalar("SELECT CONNECTION_ID()");
    std::atomic<unsigned> other_error{1};
    std::atomic<bool> node_waited{false};
    std::jthread locker([&] {
        for (int i = 0; i < 3000 && !node_waited; ++i) {  // until the node waits for id 1
            node_waited = other.scalar("SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT' "
                                       "AND trx_mysql_thread_id <> " + other_id + " AND trx_query LIKE '%products%'") != "0";
            if (!node_waited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        other_error = other.exec("SELECT id FROM products WHERE id = 2 FOR UPDATE");  // a cycle: InnoDB ends one
        other.exec("ROLLBACK");  // id 1 is free again: a blind retry of the last batch would succeed
    });
    std::optional<boost::json::object> result;
    try {
        result = db.run_node("ProductBulkCreateNode", {{"data", data}, {"batch_size", 100}, {"ensure_atomic", true},
                                                       {"preserve_ids", true}, {"retry_delay", 0.05}});
    } catch (const RunError& e) {
        if (e.results().contains("op")) CHECK(e.results()["op"].at("data").at("success_count").as_int64() == 0);
    }
    locker.join();
    REQUIRE(node_waited);
    REQUIRE(other_error == 0);  // the node was the victim (else this run proves nothing)
    const long long stored = db.count();
    if (result) {
        CHECK(stored == 401);  // all or nothing: all
        CHECK(result->at("inserted").as_int64() == 401);
    } else {
        CHECK(stored == 0);  // all or nothing: nothing
    }
}

TEST_CASE("a COMMIT lost with its connection is resolved, never stored twice", "[bulk][fault][postgres]") {
    if (test_dialect() != "postgres") {
        WARN("PostgreSQL only: a deferred trigger holds the COMMIT open");
        return;
    }
    BulkDb db("lost_commit");
    db.run_node("ProductBulkCreateNode", {{"data", products(1)}});
    db.exec("TRUNCATE products");
    // The COMMIT of the batch holding 'Product 1500' runs a deferred trigger that sleeps.
    db.exec("CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.name = 'Product 1500' THEN PERFORM pg_sleep(1); END IF; RETURN NULL; END $$");
    db.exec("CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON products DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION slow_commit()");
    std::atomic<bool> killed{false};
    std::jthread killer([&] {
        for (int i = 0; i < 5000 && !killed; ++i) {
            for (const auto& r : db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND pid <> pg_backend_pid() AND state = 'active' AND query = 'COMMIT'")) {
                db.query("SELECT pg_terminate_backend(" + r.at(0).value() + ")");
                killed = true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    auto d = db.run_node("ProductBulkCreateNode", {{"data", products(4000)}, {"batch_size", 1000}, {"retry_delay", 0.05}});
    killer.join();
    CHECK(killed.load());
    CHECK(d.at("inserted").as_int64() == 4000);
    CHECK(db.count() == 4000);
    CHECK(db.scalar("SELECT COUNT(DISTINCT name) FROM products") == "4000");
}
