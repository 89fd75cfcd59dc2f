// Runs every example workflow in workflows/ through the real `bulkflow` binary against a fresh
// SQLite database in a temp directory, checks the exit status and the exact counts in the printed
// result, and reads the database back with the sqlite3 C API to check the stored values.
//
// The examples' default inputs are paths relative to the repository root, so the CLI is started
// with the repository root as working directory; generated inputs (and every database and backup
// file) live in temp directories, never in the repository.

#include "cli_runner.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <iomanip>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <vector>

using namespace bulkflow::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = BULKFLOW_SOURCE_DIR;

fs::path example(const std::string& file) { return kRepo / "workflows" / file; }

/// Makes the repository root the working directory while alive (the examples' default inputs are
/// relative to it).
class RepoCwd {
public:
    RepoCwd() : old_(fs::current_path()) { fs::current_path(kRepo); }
    ~RepoCwd() {
        std::error_code ec;
        fs::current_path(old_, ec);
    }
    RepoCwd(const RepoCwd&) = delete;
    RepoCwd& operator=(const RepoCwd&) = delete;

private:
    fs::path old_;
};

/// `bulkflow run workflows/FILE --database sqlite:///DB --progress none EXTRA`, from the repository root.
CliResult run_example(const std::string& file, const fs::path& db, const std::string& extra = {}) {
    RepoCwd cwd;
    return run_cli("run " + shell_quote(example(file).string()) + " --database " + shell_quote("sqlite:///" + db.string()) +
                   " --progress none " + extra);
}

/// A read-only sqlite3 connection for checking what the CLI stored.
class SqliteDb {
public:
    using Row = std::vector<std::optional<std::string>>;

    explicit SqliteDb(const fs::path& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            std::string msg = "cannot open " + path.string() + ": " + sqlite3_errmsg(db_);
            sqlite3_close(db_);
            throw std::runtime_error(msg);
        }
    }
    ~SqliteDb() { sqlite3_close(db_); }
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    [[nodiscard]] std::vector<Row> rows(const std::string& sql) const {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        std::vector<Row> out;
        int rc = SQLITE_OK;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            Row r;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                if (sqlite3_column_type(st, i) == SQLITE_NULL)
                    r.emplace_back();
                else
                    r.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, i)));
            }
            out.push_back(std::move(r));
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        return out;
    }

    /// The single value of a one-row, one-column query; "NULL" for SQL NULL.
    [[nodiscard]] std::string text(const std::string& sql) const {
        auto r = rows(sql);
        if (r.size() != 1 || r[0].size() != 1) throw std::runtime_error(sql + ": expected exactly one value, got " + std::to_string(r.size()) + " rows");
        return r[0][0].value_or("NULL");
    }

    [[nodiscard]] long long count(const std::string& sql) const { return std::stoll(text(sql)); }

private:
    sqlite3* db_ = nullptr;
};

const boost::json::object& node_data(const boost::json::object& run, const std::string& node) {
    return run.at("results").at(node).at("data").as_object();
}

std::int64_t num(const boost::json::object& o, const std::string& key) { return o.at(key).to_number<std::int64_t>(); }

std::int64_t records_read(const boost::json::object& run, const std::string& node) {
    return run.at("results").at(node).at("records").at("records_read").to_number<std::int64_t>();
}

/// The counts every bulk result has (CONTRACT 6), for a run without failures.
void check_counts(const boost::json::object& d, std::int64_t processed) {
    CHECK(num(d, "records_processed") == processed);
    CHECK(num(d, "success_count") == processed);
    CHECK(num(d, "failure_count") == 0);
    CHECK(d.contains("batches"));
    CHECK(d.contains("batch_size"));
    CHECK(d.contains("duration_s"));
    CHECK(d.contains("rows_per_s"));
    CHECK_FALSE(d.contains("errors"));
}

bool is_utc_timestamp(const std::string& s) {
    static const std::regex re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
    return std::regex_match(s, re);
}

std::string ymd_text(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    std::ostringstream s;
    s << std::setfill('0') << std::setw(4) << static_cast<int>(ymd.year()) << '-' << std::setw(2)
      << static_cast<unsigned>(ymd.month()) << '-' << std::setw(2) << static_cast<unsigned>(ymd.day());
    return s.str();
}

std::string utc_today() { return ymd_text(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())); }

std::vector<std::string> read_lines(const fs::path& p) {
    std::ifstream f(p);
    std::vector<std::string> out;
    for (std::string line; std::getline(f, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("every workflow in workflows/ is covered by this file", "[workflows]") {
    const std::set<std::string> covered{"quickstart.yaml",   "import_csv.yaml",  "import_json_api.yaml",
                                        "discount_update.yaml", "restock.yaml",  "safe_delete.yaml",
                                        "upsert_sync.yaml",  "historical_import.yaml"};
    std::set<std::string> found;
    for (const auto& e : fs::directory_iterator(kRepo / "workflows"))
        if (e.is_regular_file()) found.insert(e.path().filename().string());
    CHECK(found == covered);
}

TEST_CASE("bulkflow validate accepts every workflow in workflows/", "[workflows][validate]") {
    auto dir = temp_dir("wf-validate");
    int checked = 0;
    for (const auto& e : fs::directory_iterator(kRepo / "workflows")) {
        if (!e.is_regular_file()) continue;
        const auto ext = e.path().extension().string();
        if (ext != ".yaml" && ext != ".yml" && ext != ".json") continue;
        RepoCwd cwd;
        auto r = run_cli("validate " + shell_quote(e.path().string()) + " --database " +
                         shell_quote("sqlite:///" + (dir / "v.db").string()));
        INFO(e.path().filename().string() << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.json().at("valid").as_bool());
        ++checked;
    }
    CHECK(checked == 8);
    CHECK_FALSE(fs::exists(dir / "v.db"));  // validate writes nothing
}

TEST_CASE("the runtime starts each node once: a source stream is read once per run", "[workflows][engine]") {
    // A two-node workflow (reader -> bulk create), run repeatedly on fresh databases: the reader's
    // records_read and the rows stored must equal the file's 4 records every time.
    auto dir = temp_dir("wf-once");
    int bad_runs = 0;
    for (int i = 0; i < 20; ++i) {
        const auto db = dir / ("once" + std::to_string(i) + ".db");
        auto r = run_example("import_json_api.yaml", db, "--log-level off");
        REQUIRE(r.exit_code == 0);
        const auto j = r.json();
        const auto rows = SqliteDb(db).count("SELECT count(*) FROM products");
        if (records_read(j, "fetch_api_data") != 4 || rows != 4 || num(node_data(j, "import_products"), "inserted") != 4) {
            ++bad_runs;
            UNSCOPED_INFO("run " << i << ": records_read " << records_read(j, "fetch_api_data") << ", rows stored " << rows
                                 << ", inserted reported " << num(node_data(j, "import_products"), "inserted"));
        }
    }
    CHECK(bad_runs == 0);
}

TEST_CASE("quickstart.yaml: CSV import then a discount on kitchen", "[workflows][quickstart]") {
    auto dir = temp_dir("wf-quickstart");
    auto r = run_example("quickstart.yaml", dir / "x.db");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(j.at("status").as_string() == "completed");
    CHECK(j.at("error").is_null());
    CHECK(records_read(j, "read") == 5);
    const auto& imp = node_data(j, "import_products");
    check_counts(imp, 5);
    CHECK(imp.at("operation").as_string() == "bulk_create");
    CHECK(num(imp, "inserted") == 5);
    CHECK(num(imp, "updated") == 0);
    CHECK(num(imp, "skipped") == 0);
    const auto& disc = node_data(j, "discount_kitchen");
    check_counts(disc, 2);
    CHECK(num(disc, "updated") == 2);

    SqliteDb db(dir / "x.db");
    CHECK(db.count("SELECT count(*) FROM products") == 5);
    CHECK(db.text("SELECT price FROM products WHERE name = 'Desk lamp'") == "19.99");
    CHECK(db.text("SELECT price FROM products WHERE name = 'USB-C cable, 2 m'") == "9.50");
    CHECK(db.text("SELECT price FROM products WHERE name = 'Mug — ceramic ☕'") == "6.30");  // 7.00 * 0.9
    CHECK(db.text("SELECT price FROM products WHERE name = 'Chef''s knife'") == "40.50");    // 45.00 * 0.9
    CHECK(db.text("SELECT name FROM products WHERE id = 3") == "Notebook \"A5\"");
    CHECK(db.text("SELECT created_at FROM products WHERE id = 2") == "2024-01-15T10:45:00.000000Z");  // +01:00
    CHECK(db.text("SELECT created_at FROM products WHERE id = 3") == "2024-02-01T00:00:00.000000Z");
    CHECK(db.text("SELECT active FROM products WHERE id = 4") == "0");
    CHECK(is_utc_timestamp(db.text("SELECT created_at FROM products WHERE id = 5")));  // empty cell -> NULL -> default
}

TEST_CASE("import_csv.yaml: CSV import with datetime conversion", "[workflows][import_csv]") {
    auto dir = temp_dir("wf-import-csv");
    SECTION("the sample file") {
        auto r = run_example("import_csv.yaml", dir / "x.db");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto j = r.json();
        CHECK(records_read(j, "parse_csv") == 4);
        const auto& d = node_data(j, "import_csv");
        check_counts(d, 4);
        CHECK(num(d, "inserted") == 4);
        CHECK(num(d, "batch_size") == 5000);
        CHECK(num(d, "batches") == 1);

        SqliteDb db(dir / "x.db");
        CHECK(db.count("SELECT count(*) FROM products") == 4);
        const std::vector<SqliteDb::Row> expected{
            {"Desk lamp", "19.99", "2024-01-15T10:30:00.000000Z", "2024-03-01T09:00:00.123456Z"},
            {"USB-C cable, 2 m", "9.50", "2024-01-15T11:45:00.000000Z", "2024-03-02T18:30:00.000000Z"},
            {"Notebook A5", "3.20", "2024-02-01T02:30:00.000000Z", "2024-02-02T07:59:59.500000Z"},  // +05:30, -08:00
            {"Mug", "7.00", "2023-11-30T00:00:00.000000Z", "2024-01-01T00:00:00.000001Z"},
        };
        CHECK(db.rows("SELECT name, price, created_at, updated_at FROM products ORDER BY id") == expected);
        CHECK(db.count("SELECT count(*) FROM products WHERE typeof(price) <> 'text'") == 0);  // exact decimals
    }
    SECTION("a generated file through --input csv_path") {
        auto csv = write_file(dir / "in.csv",
                              "name,price,created_date,updated_date\n"
                              "late,0.10,2024-06-30T23:30:00-01:00,2024-12-31T23:59:59.999999Z\n"
                              "\"quote \"\"q\"\", tab\t\",12345678.99,2024-02-29T12:00:00+14:00,2024-02-29\n");
        auto r = run_example("import_csv.yaml", dir / "y.db", "--input " + shell_quote("csv_path=" + csv.string()));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(num(node_data(r.json(), "import_csv"), "inserted") == 2);
        SqliteDb db(dir / "y.db");
        const std::vector<SqliteDb::Row> expected{
            {"late", "0.10", "2024-07-01T00:30:00.000000Z", "2024-12-31T23:59:59.999999Z"},
            {"quote \"q\", tab\t", "12345678.99", "2024-02-28T22:00:00.000000Z", "2024-02-29T00:00:00.000000Z"},
        };
        CHECK(db.rows("SELECT name, price, created_at, updated_at FROM products ORDER BY id") == expected);
    }
}

TEST_CASE("import_json_api.yaml: JSON API response with ISO timestamps and offsets", "[workflows][import_json_api]") {
    auto dir = temp_dir("wf-import-json");
    auto r = run_example("import_json_api.yaml", dir / "x.db");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(records_read(j, "fetch_api_data") == 4);
    const auto& d = node_data(j, "import_products");
    check_counts(d, 4);
    CHECK(num(d, "inserted") == 4);

    SqliteDb db(dir / "x.db");
    const std::vector<SqliteDb::Row> expected{
        {"Product 1", "19.99", "2024-01-15T10:30:00.000000Z"},
        {"Product 2", "29.99", "2024-01-15T11:45:00.000000Z"},
        {"Product 3", "5.05", "2024-01-15T11:30:00.000000Z"},           // 17:00+05:30
        {"Product 4", "1234.50", "2024-01-15T13:30:00.123456Z"},        // 10:30:00.123456-03:00
    };
    CHECK(db.rows("SELECT name, price, created_at FROM products ORDER BY id") == expected);
    CHECK(db.count("SELECT count(*) FROM products WHERE typeof(price) <> 'text'") == 0);
    CHECK(db.count("SELECT count(*) FROM products WHERE stock = 0 AND active = 1") == 4);  // model defaults
}

TEST_CASE("discount_update.yaml: conditional update and update by id", "[workflows][discount_update]") {
    auto dir = temp_dir("wf-discount");
    auto r = run_example("discount_update.yaml", dir / "x.db");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(num(node_data(j, "import_products"), "inserted") == 10);
    const auto& disc = node_data(j, "discount_electronics");
    check_counts(disc, 3);
    CHECK(disc.at("operation").as_string() == "bulk_update");
    CHECK(num(disc, "updated") == 3);
    const auto& by_id = node_data(j, "update_specific_products");
    check_counts(by_id, 3);
    CHECK(num(by_id, "updated") == 3);

    SqliteDb db(dir / "x.db");
    const std::vector<SqliteDb::Row> expected{
        {"1", "Laptop", "15.99", "200"},        // 999.99 * 0.9, then set to 15.99 by id
        {"2", "Headphones", "25.99", "150"},    // 59.90 * 0.9, then set to 25.99 by id
        {"3", "Phone charger", "17.99", "0"},   // 19.99 * 0.9 = 17.991 -> 17.99; stock 0 by id
        {"4", "T-shirt", "12.50", "3"},
        {"5", "Jeans", "49.00", "25"},
        {"6", "Winter coat", "120.00", "0"},
        {"7", "Frying pan", "35.75", "2"},
        {"8", "Fax machine", "89.00", "1"},
        {"9", "Pager", "15.00", "0"},
        {"10", "Floppy disks (10-pack)", "4.99", "7"},
    };
    CHECK(db.rows("SELECT id, name, price, stock FROM products ORDER BY id") == expected);
    // updated_at: ":current_timestamp" on the electronics rows, untouched elsewhere.
    for (const auto& row : db.rows("SELECT created_at, updated_at FROM products ORDER BY id")) {
        CHECK(is_utc_timestamp(row[0].value_or("")));
        CHECK(is_utc_timestamp(row[1].value_or("")));
        CHECK(row[1].value_or("") >= row[0].value_or(""));
    }
    CHECK(db.count("SELECT count(*) FROM products WHERE category <> 'electronics' AND updated_at <> created_at") == 0);
}

TEST_CASE("restock.yaml: filter with $lt, $in and active; expression, token and literal fields", "[workflows][restock]") {
    auto dir = temp_dir("wf-restock");
    const auto before = utc_today();
    auto r = run_example("restock.yaml", dir / "x.db");
    const auto after = utc_today();
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = r.json();
    CHECK(num(node_data(j, "import_products"), "inserted") == 10);
    const auto& d = node_data(j, "restock_products");
    check_counts(d, 3);
    CHECK(num(d, "updated") == 3);
    // return_updated: the updated rows, as stored.
    const auto& recs = d.at("records").as_array();
    REQUIRE(recs.size() == 3);
    const std::vector<std::pair<std::int64_t, std::int64_t>> id_stock{{1, 105}, {4, 103}, {6, 100}};
    for (std::size_t i = 0; i < recs.size(); ++i) {
        const auto& rec = recs[i].as_object();
        CHECK(num(rec, "id") == id_stock[i].first);
        CHECK(num(rec, "stock") == id_stock[i].second);
        CHECK(rec.at("status").as_string() == "restocked");
        const std::string date(rec.at("restock_date").as_string());
        CHECK((date == before || date == after));
    }

    SqliteDb db(dir / "x.db");
    const std::vector<SqliteDb::Row> expected{
        {"Laptop", "105", "restocked"},      // electronics, 5, active
        {"Headphones", "8", std::nullopt},   // inactive
        {"Phone charger", "40", std::nullopt},
        {"T-shirt", "103", "restocked"},     // clothing, 3
        {"Jeans", "25", std::nullopt},
        {"Winter coat", "100", "restocked"}, // clothing, 0
        {"Frying pan", "2", std::nullopt},   // kitchen
        {"Fax machine", "1", std::nullopt},
        {"Pager", "0", std::nullopt},
        {"Floppy disks (10-pack)", "7", std::nullopt},
    };
    CHECK(db.rows("SELECT name, stock, status FROM products ORDER BY id") == expected);
    for (const auto& row : db.rows("SELECT restock_date FROM products WHERE status = 'restocked'"))
        CHECK((row[0] == before || row[0] == after));
    CHECK(db.count("SELECT count(*) FROM products WHERE status IS NULL AND restock_date IS NOT NULL") == 0);
}

TEST_CASE("safe_delete.yaml: dry run, confirmation, max_delete_count and backup", "[workflows][safe_delete]") {
    auto dir = temp_dir("wf-safe-delete");
    const auto db_path = dir / "x.db";
    const auto backup = dir / "deleted.jsonl";
    const std::string backup_arg = "--input " + shell_quote("backup_path=" + backup.string());

    // Without --yes (stdin is not a terminal): refused, nothing deleted, no backup.
    auto r = run_example("safe_delete.yaml", db_path, backup_arg);
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    auto j = r.json();
    CHECK(j.at("status").as_string() == "failed");
    CHECK(j.at("error").at("node").as_string() == "safe_delete_products");
    CHECK(j.at("error").at("kind").as_string() == "refused");
    CHECK_THAT(std::string(j.at("error").at("message").as_string()), Contains("nothing was deleted"));
    CHECK_THAT(r.err, Contains("--yes"));
    const auto& preview = node_data(j, "preview");
    CHECK(preview.at("dry_run").as_bool());
    CHECK(num(preview, "would_delete") == 3);
    CHECK(num(preview, "deleted") == 0);
    CHECK(boost::json::serialize(preview.at("sample_ids")) == "[8,9,10]");
    CHECK_FALSE(j.at("results").as_object().contains("safe_delete_products"));
    {
        SqliteDb db(db_path);
        CHECK(db.count("SELECT count(*) FROM products") == 10);
        CHECK(db.count("SELECT count(*) FROM products WHERE category = 'discontinued'") == 3);
    }
    CHECK_FALSE(fs::exists(backup));

    // More matches than max_delete_count: refused even with --yes.
    auto over = run_example("safe_delete.yaml", db_path,
                            backup_arg + " --yes --set safe_delete_products.max_delete_count=5");
    INFO(over.err);
    REQUIRE(over.exit_code == 1);
    auto jo = over.json();
    CHECK(jo.at("error").at("kind").as_string() == "refused");
    CHECK_THAT(std::string(jo.at("error").at("message").as_string()), Contains("max_delete_count 5"));
    CHECK(num(node_data(jo, "preview"), "would_delete") == 6);  // the catalog was imported a second time
    {
        SqliteDb db(db_path);
        CHECK(db.count("SELECT count(*) FROM products") == 20);
        CHECK(db.count("SELECT count(*) FROM products WHERE category = 'discontinued'") == 6);
    }
    CHECK_FALSE(fs::exists(backup));

    // With --yes: the backup is written, then every discontinued row is deleted.
    auto ok = run_example("safe_delete.yaml", db_path, backup_arg + " --yes");
    INFO(ok.err);
    REQUIRE(ok.exit_code == 0);
    auto jk = ok.json();
    CHECK(jk.at("status").as_string() == "completed");
    CHECK(num(node_data(jk, "import_products"), "inserted") == 10);
    CHECK(num(node_data(jk, "preview"), "would_delete") == 9);
    const auto& del = node_data(jk, "safe_delete_products");
    check_counts(del, 9);
    CHECK(del.at("operation").as_string() == "bulk_delete");
    CHECK(num(del, "deleted") == 9);
    CHECK(del.at("backup_location").as_string() == backup.string());
    {
        SqliteDb db(db_path);
        CHECK(db.count("SELECT count(*) FROM products") == 21);
        CHECK(db.count("SELECT count(*) FROM products WHERE category = 'discontinued'") == 0);
    }
    const auto lines = read_lines(backup);
    REQUIRE(lines.size() == 9);
    std::set<std::int64_t> ids;
    for (const auto& line : lines) {
        const auto row = boost::json::parse(line).as_object();
        CHECK(row.at("category").as_string() == "discontinued");
        ids.insert(num(row, "id"));
        CHECK(row.contains("price"));
        CHECK(row.contains("created_at"));
    }
    CHECK(ids == std::set<std::int64_t>{8, 9, 10, 18, 19, 20, 28, 29, 30});
    const auto fax = boost::json::parse(lines.front()).as_object();
    CHECK(fax.at("name").as_string() == "Fax machine");
    CHECK(fax.at("price").as_string() == "89.00");
    CHECK(fax.at("active").as_bool() == false);
}

TEST_CASE("upsert_sync.yaml: first run inserts, second run updates", "[workflows][upsert_sync]") {
    auto dir = temp_dir("wf-upsert");
    const auto db_path = dir / "x.db";

    auto first = run_example("upsert_sync.yaml", db_path);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    const auto j1 = first.json();
    const auto& d1 = node_data(j1, "upsert_products");
    check_counts(d1, 3);
    CHECK(d1.at("operation").as_string() == "bulk_upsert");
    CHECK(num(d1, "inserted") == 3);
    CHECK(num(d1, "updated") == 0);
    CHECK(num(d1, "skipped") == 0);

    auto second = run_example("upsert_sync.yaml", db_path);
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    const auto j2 = second.json();
    const auto& d2 = node_data(j2, "upsert_products");
    check_counts(d2, 3);
    CHECK(num(d2, "inserted") == 0);
    CHECK(num(d2, "updated") == 3);
    CHECK(num(d2, "skipped") == 0);
    {
        SqliteDb db(db_path);
        const std::vector<SqliteDb::Row> expected{
            {"101", "Widget", "10.00", "5"}, {"102", "Gadget", "25.50", "0"}, {"103", "Gizmo", "7.25", "12"}};
        CHECK(db.rows("SELECT id, name, price, stock FROM products ORDER BY id") == expected);
    }

    // A changed record and a new one: one update, one insert.
    auto changes = write_file(dir / "changes.json",
                              R"([{"id": 102, "name": "Gadget", "price": "19.95", "category": "tools", "stock": 40},
                                  {"id": 104, "name": "Doohickey", "price": 3.5, "category": "toys"}])");
    const std::string changes_arg = "--input " + shell_quote("json_path=" + changes.string());
    auto third = run_example("upsert_sync.yaml", db_path, changes_arg);
    INFO(third.err);
    REQUIRE(third.exit_code == 0);
    const auto j3 = third.json();
    const auto& d3 = node_data(j3, "upsert_products");
    check_counts(d3, 2);
    CHECK(num(d3, "inserted") == 1);
    CHECK(num(d3, "updated") == 1);

    // conflict_resolution: skip keeps the stored rows.
    auto skip = run_example("upsert_sync.yaml", db_path, "--set upsert_products.conflict_resolution=skip");
    INFO(skip.err);
    REQUIRE(skip.exit_code == 0);
    const auto j4 = skip.json();
    const auto& d4 = node_data(j4, "upsert_products");
    CHECK(num(d4, "inserted") == 0);
    CHECK(num(d4, "updated") == 0);
    CHECK(num(d4, "skipped") == 3);

    SqliteDb db(db_path);
    const std::vector<SqliteDb::Row> expected{{"101", "Widget", "10.00", "5"},
                                              {"102", "Gadget", "19.95", "40"},  // kept by the skip run
                                              {"103", "Gizmo", "7.25", "12"},
                                              {"104", "Doohickey", "3.50", "0"}};
    CHECK(db.rows("SELECT id, name, price, stock FROM products ORDER BY id") == expected);
}

TEST_CASE("historical_import.yaml: 10,000 dated records in batches of 5000", "[workflows][historical_import]") {
    auto dir = temp_dir("wf-historical");
    SECTION("the 10-line sample") {
        auto r = run_example("historical_import.yaml", dir / "s.db");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(num(node_data(r.json(), "import_historical"), "inserted") == 10);
        CHECK(SqliteDb(dir / "s.db").count("SELECT count(*) FROM records") == 10);
    }
    SECTION("10,000 generated records") {
        // As the specification's generator: one a day from 2020-01-01, value i * 10.0, recorded at noon.
        const auto input = dir / "historical.jsonl";
        {
            std::ofstream out(input);
            const std::chrono::sys_days start{std::chrono::year{2020} / 1 / 1};
            for (int i = 0; i < 10000; ++i) {
                const auto day = ymd_text(start + std::chrono::days{i});
                out << R"({"date": ")" << day << R"(T00:00:00", "value": )" << i * 10 << R"(.0, "recorded_at": ")" << day
                    << "T12:00:00\"}\n";
            }
        }
        auto r = run_example("historical_import.yaml", dir / "x.db", "--input " + shell_quote("json_path=" + input.string()));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto j = r.json();
        CHECK(records_read(j, "generate_historical") == 10000);
        const auto& d = node_data(j, "import_historical");
        check_counts(d, 10000);
        CHECK(num(d, "inserted") == 10000);
        CHECK(num(d, "batches") == 2);
        CHECK(num(d, "batch_size") == 5000);

        SqliteDb db(dir / "x.db");
        CHECK(db.count("SELECT count(*) FROM records") == 10000);
        CHECK(db.text("SELECT date FROM records WHERE id = 1") == "2020-01-01T00:00:00.000000Z");
        CHECK(db.text("SELECT recorded_at FROM records WHERE id = 10000") == "2047-05-18T12:00:00.000000Z");
        CHECK(db.text("SELECT typeof(value) FROM records WHERE id = 2") == "real");
        // Every row, in order: id i+1 holds day i.
        CHECK(db.count("SELECT count(*) FROM records WHERE"
                       " date = strftime('%Y-%m-%dT00:00:00.000000Z', '2020-01-01', printf('+%d days', id - 1))"
                       " AND recorded_at = strftime('%Y-%m-%dT12:00:00.000000Z', '2020-01-01', printf('+%d days', id - 1))"
                       " AND value = (id - 1) * 10.0") == 10000);
    }
}
