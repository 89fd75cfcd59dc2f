#include "bulk_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {
// 10 records; 3 bad: a missing required name (index 2), a non-numeric price (5), a duplicate
// unique code that only the database detects (8).
boost::json::array mixed() {
    boost::json::array a;
    for (int i = 0; i < 10; ++i) {
        boost::json::object r{{"code", "c" + std::to_string(i)}, {"name", "n" + std::to_string(i)}, {"price", "1.00"}};
        if (i == 2) r.erase("name");
        if (i == 5) r["price"] = "abc";
        if (i == 8) r["code"] = "c1";
        a.push_back(r);
    }
    return a;
}
const char* kCoded = R"({"fields": {"code": {"type": "str", "unique": true}, "name": {"type": "str", "required": true}, "price": "decimal"}})";
} // namespace

TEST_CASE("error_strategy continue isolates bad records and stores the rest", "[bulk][errors]") {
    BulkDb db("errors_continue");
    db.add_model("Coded", kCoded);
    auto failed = db.file("failed.jsonl");
    auto d = db.run_node("CodedBulkCreateNode", {{"data", mixed()}, {"batch_size", 4}, {"error_strategy", "continue"},
                                                 {"failed_records_file", failed.string()}});
    CHECK(d.at("records_processed").as_int64() == 10);
    CHECK(d.at("success_count").as_int64() == 7);
    CHECK(d.at("failure_count").as_int64() == 3);
    CHECK(d.at("inserted").as_int64() == 7);
    auto errs = d.at("errors").as_array();
    REQUIRE(errs.size() == 3);
    CHECK(errs[0].at("index").as_int64() == 2);
    CHECK_THAT(std::string(errs[0].at("error").as_string()), Contains("'name' is required"));
    CHECK(errs[1].at("index").as_int64() == 5);
    CHECK_THAT(std::string(errs[1].at("error").as_string()), Contains("price"));
    CHECK(errs[2].at("index").as_int64() == 8);
    CHECK_THAT(std::string(errs[2].at("error").as_string()), Contains("unique", Catch::CaseSensitive::No));
    CHECK(d.at("failed_records_file").as_string() == failed.string());
    CHECK(db.count("codeds") == 7);
    CHECK(db.count("codeds", "code = 'c9'") == 1);  // after the failing row in the same batch
    std::ifstream in(failed);
    std::string line;
    std::vector<boost::json::object> lines;
    while (std::getline(in, line)) lines.push_back(boost::json::parse(line).as_object());
    REQUIRE(lines.size() == 3);
    CHECK(lines[2].at("index").as_int64() == 8);
    CHECK(lines[2].at("record").at("code").as_string() == "c1");
}

TEST_CASE("max_errors stops a continuing load", "[bulk][errors]") {
    BulkDb db("errors_max");
    db.add_model("Coded", kCoded);
    auto e = run_error(db, "CodedBulkCreateNode", {{"data", mixed()}, {"batch_size", 4}, {"error_strategy", "continue"}, {"max_errors", 1}});
    CHECK_THAT(std::string(e.what()), Contains("max_errors"));
}

TEST_CASE("error_strategy stop fails at the first bad record, keeping committed batches", "[bulk][errors]") {
    BulkDb db("errors_stop");
    db.add_model("Coded", kCoded);
    auto e = run_error(db, "CodedBulkCreateNode", {{"data", mixed()}, {"batch_size", 2}});
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(std::string(e.what()), Contains("record 2"));
    CHECK(db.count("codeds") == 2);  // batch [0,1] committed; batch [2,3] not written
}

TEST_CASE("ensure_atomic: all or nothing", "[bulk][errors]") {
    BulkDb db("errors_atomic");
    db.add_model("Coded", kCoded);
    auto e = run_error(db, "CodedBulkCreateNode", {{"data", mixed()}, {"batch_size", 2}, {"ensure_atomic", true}});
    CHECK(db.count("codeds") == 0);
}

namespace {
// Records c0..c{n-1} with valid fields.
boost::json::array coded(int n, const std::string& prefix = "c") {
    boost::json::array a;
    for (int i = 0; i < n; ++i)
        a.push_back({{"code", prefix + std::to_string(i)}, {"name", "n" + std::to_string(i)}, {"price", "1.00"}});
    return a;
}
// A row with code `code`, stored behind the resumable load's back: the load fails on it.
void block_code(BulkDb& db, const std::string& code) {
    db.run_node("CodedBulkCreateNode", {{"data", boost::json::array{{{"code", code}, {"name", "blocker"}, {"price", "0"}}}}});
}
boost::json::object resumable(boost::json::array data) {
    return {{"data", std::move(data)}, {"batch_size", 2}, {"resumable", true}, {"checkpoint_file", "k1"}};
}
} // namespace

TEST_CASE("ensure_atomic upsert: a failure in the last batch leaves nothing of the earlier ones", "[bulk][errors][atomic]") {
    BulkDb db("errors_atomic_upsert");
    db.add_model("Coded", kCoded);
    boost::json::array data;
    for (int i = 1; i <= 300; ++i)
        data.push_back({{"id", i}, {"code", "c" + std::to_string(i)}, {"name", "n"}, {"price", "1.00"}});
    data[299].as_object()["code"] = "c1";  // only the database sees this collision
    auto e = run_error(db, "CodedBulkUpsertNode", {{"data", data}, {"batch_size", 100}, {"ensure_atomic", true}});
    CHECK_THAT(std::string(e.what()), Contains("record 299"));
    CHECK(db.count("codeds") == 0);  // all or nothing: the first two batches were rolled back too
}

TEST_CASE("resumable: a re-run of the same input stores every record exactly once", "[bulk][resume]") {
    BulkDb db("resume");
    db.add_model("Coded", kCoded);
    block_code(db, "c5");
    auto e = run_error(db, "CodedBulkCreateNode", resumable(coded(10)));
    CHECK(db.count("codeds") == 5);  // the blocker, and batches [0,1] [2,3] with their ledger row
    db.exec("DELETE FROM codeds WHERE name = 'blocker'");
    auto d = db.run_node("CodedBulkCreateNode", resumable(coded(10)));
    CHECK(d.at("resumed_from").as_int64() == 4);
    CHECK(d.at("inserted").as_int64() == 6);
    CHECK(d.at("records_processed").as_int64() == 10);
    CHECK(d.at("already_loaded").as_bool() == false);
    CHECK(db.count("codeds") == 10);
    CHECK(db.count("bulkflow_load_ledger", "completed = 1 AND records_done = 10") == 1);

    // A completed input is a no-op.
    auto again = db.run_node("CodedBulkCreateNode", resumable(coded(10)));
    CHECK(again.at("already_loaded").as_bool() == true);
    CHECK(again.at("inserted").as_int64() == 0);
    CHECK(db.count("codeds") == 10);
}

TEST_CASE("resumable: a different input is a new load, never skipped against another's checkpoint", "[bulk][resume]") {
    BulkDb db("resume_other");
    db.add_model("Coded", kCoded);
    block_code(db, "c5");
    run_error(db, "CodedBulkCreateNode", resumable(coded(10)));
    REQUIRE(db.count("codeds") == 5);
    auto d = db.run_node("CodedBulkCreateNode", resumable(coded(3, "other")));
    CHECK(d.at("resumed_from").as_int64() == 0);
    CHECK(d.at("inserted").as_int64() == 3);
    CHECK(db.count("codeds", "code LIKE 'other%'") == 3);
}

TEST_CASE("resumable: a file is fingerprinted by path, size and modification time", "[bulk][resume]") {
    BulkDb db("resume_file");
    const auto path = db.file("resume_file.jsonl");
    auto write = [&](int n) {
        std::ofstream out(path, std::ios::trunc);
        for (int i = 1; i <= n; ++i) out << R"({"name": "p)" << i << R"(", "price": "1.00"})" << '\n';
    };
    auto load = [&] {
        WorkflowBuilder b;
        b.add_node("JSONReaderNode", "read", {{"path", path.string()}, {"format", "lines"}});
        b.add_node("ProductBulkCreateNode", "load", {{"data", "<<read.records>>"}, {"resumable", true}});
        return db.run(std::move(b)).results["load"].at("data").as_object();
    };
    write(5);
    CHECK(load().at("inserted").as_int64() == 5);
    CHECK(load().at("already_loaded").as_bool() == true);
    CHECK(db.count() == 5);
    write(7);  // the file changed: a new input
    auto d = load();
    CHECK(d.at("already_loaded").as_bool() == false);
    CHECK(d.at("inserted").as_int64() == 7);
    CHECK(db.count() == 12);
}

TEST_CASE("resumable: two runs of one load at once store it once", "[bulk][resume]") {
    BulkDb db("resume_concurrent");
    db.add_model("Coded", kCoded);
    const int n = 6000;
    auto data = coded(n);
    std::atomic<int> succeeded{0}, refused{0};
    std::mutex m;
    std::string other_error;  // Catch2 assertions are not thread-safe: checked after join
    auto run = [&] {
        try {
            db.run_node("CodedBulkCreateNode", {{"data", data}, {"batch_size", 200}, {"resumable", true}});
            ++succeeded;
        } catch (const RunError& e) {
            if (e.code() == ErrorCode::refused || std::string(e.what()).find("another run") != std::string::npos) ++refused;
            else {
                std::lock_guard lock(m);
                other_error = e.what();
            }
        }
    };
    std::jthread a(run), b(run);
    a.join();
    b.join();
    CHECK(other_error.empty());
    CHECK(succeeded + refused == 2);
    CHECK(succeeded >= 1);
    CHECK(db.count("codeds") == n);  // a unique code stored twice would have failed too
    CHECK(db.count("bulkflow_load_ledger", "completed = 1") == 1);
}

TEST_CASE("unknown fields in records are rejected with a suggestion", "[bulk][errors]") {
    BulkDb db("errors_unknown");
    auto d = db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "a"}, {"prise", "1.00"}}}}, {"error_strategy", "continue"}});
    CHECK(d.at("failure_count").as_int64() == 1);
    CHECK_THAT(std::string(d.at("errors").at(0).at("error").as_string()), Contains("unknown field 'prise'") && Contains("did you mean 'price'"));
}

TEST_CASE("bad parameters fail with the parameter named", "[bulk][errors]") {
    BulkDb db("errors_params");
    auto e = run_error(db, "ProductBulkCreateNode", {{"data", products(1)}, {"batch_size", 0}});
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(std::string(e.what()), Contains("batch_size"));
    auto e2 = run_error(db, "ProductBulkCreateNode", {{"data", products(1)}, {"validation_rules", {{"price", {{"minimum", 1}}}}}});
    CHECK_THAT(std::string(e2.what()), Contains("unknown rule 'minimum'") && Contains("did you mean 'min'"));
}

TEST_CASE("an existing table that does not fit the model is an error, never altered", "[bulk][schema]") {
    BulkDb db("schema");
    db.run_node("ProductBulkCreateNode", {{"data", products(1)}});
    db.add_model("Product2", R"({"table": "products", "fields": {"name": "str", "colour": "str"}})");
    auto e = run_error(db, "Product2BulkCreateNode", {{"data", boost::json::array{{{"name", "x"}}}}});
    CHECK_THAT(std::string(e.what()), Contains("no column 'colour'"));
    CHECK(db.count() == 1);
}

TEST_CASE("retry_batch does not retry data errors: the record is reported at once", "[bulk][errors]") {
    BulkDb db("errors_retry_data");
    db.add_model("Coded", kCoded);
    const auto start = std::chrono::steady_clock::now();
    auto e = run_error(db, "CodedBulkCreateNode", {{"data", mixed()}, {"batch_size", 2}, {"error_strategy", "retry_batch"},
                                                   {"max_retries", 3}, {"retry_delay", 2.0}});
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // no retry delay was spent
    CHECK_THAT(std::string(e.what()), Contains("record 2"));
    CHECK(db.count("codeds") == 2);
}

TEST_CASE("rows written before a failing row in the same batch are counted", "[bulk][errors]") {
    // Regression: a database error in the middle of a batch lost the counts of the rows before it.
    BulkDb db("errors_counts_mid_batch");
    db.add_model("Coded", kCoded);
    boost::json::array data;
    for (int i = 0; i < 6; ++i) data.push_back({{"code", i == 3 ? "c0" : "c" + std::to_string(i)}, {"name", "n"}});
    auto d = db.run_node("CodedBulkCreateNode", {{"data", data}, {"batch_size", 6}, {"error_strategy", "continue"}});
    CHECK(d.at("failure_count").as_int64() == 1);
    CHECK(d.at("errors").at(0).at("index").as_int64() == 3);
    CHECK(d.at("inserted").as_int64() == 5);
    CHECK(db.count("codeds") == 5);
    CHECK(std::string(d.at("errors").at(0).at("error").as_string()).rfind("record ", 0) != 0);  // no doubled prefix
}

TEST_CASE("a killed database connection is retried to completion with nothing duplicated", "[bulk][errors][postgres][mysql]") {
    if (test_dialect() != "postgres" && test_dialect() != "mysql") {
        WARN("PostgreSQL and MySQL only: pg_terminate_backend / KILL");
        return;
    }
    const bool pg = test_dialect() == "postgres";
    BulkDb db("kill");
    db.run_node("ProductBulkCreateNode", {{"data", products(1)}});  // table exists before the race
    db.exec("TRUNCATE products");
    std::atomic<bool> killed{false};
    std::jthread killer([&] {
        // Wait until the load has committed something, then kill the backend that is writing.
        for (int i = 0; i < 2000 && !killed; ++i) {
            if (db.count() > 0) {
                auto rows = pg ? db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND pid <> pg_backend_pid() AND state <> 'idle' AND query NOT ILIKE '%pg_stat_activity%'")
                               : db.query("SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
                                          "AND id <> CONNECTION_ID() AND command <> 'Sleep'");
                for (const auto& r : rows) {
                    if (pg) db.query("SELECT pg_terminate_backend(" + r.at(0).value() + ")");
                    else {
                        try {
                            db.exec("KILL " + r.at(0).value());
                        } catch (const std::exception&) {
                            continue;  // ended meanwhile
                        }
                    }
                    killed = true;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    auto d = db.run_node("ProductBulkCreateNode", {{"data", products(60000)}, {"batch_size", 2000}, {"retry_delay", 0.05}});
    killer.join();
    CHECK(killed.load());
    CHECK(d.at("inserted").as_int64() == 60000);
    CHECK(db.count() == 60000);
    CHECK(db.scalar("SELECT COUNT(DISTINCT name) FROM products") == "60000");
}

TEST_CASE("ensure_atomic create with preserve_ids: a bad record in the last batch leaves nothing", "[bulk][errors][atomic]") {
    BulkDb db("errors_atomic_ids");
    db.add_model("Coded", kCoded);
    boost::json::array data;
    for (int i = 1; i <= 300; ++i)
        data.push_back({{"id", i}, {"code", "c" + std::to_string(i)}, {"name", "n"}, {"price", "1.00"}});
    data[250].as_object().erase("name");  // required: batch 2 fails before it is written
    auto e = run_error(db, "CodedBulkCreateNode", {{"data", data}, {"batch_size", 100}, {"ensure_atomic", true}, {"preserve_ids", true}});
    CHECK_THAT(std::string(e.what()), Contains("record 250"));
    CHECK(db.count("codeds") == 0);  // all or nothing: batches 0 and 1 were rolled back too
}
