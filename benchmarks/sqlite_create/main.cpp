// Bulk-create N Product rows into SQLite with bulkflow (CSVReaderNode -> ProductBulkCreateNode)
// and with sqlite3's own `.import` of the same CSV, in the same run, and print the ratio.
//
//   build/bin/bench_sqlite_create [ROWS=1000000] [BATCH_SIZE=10000]
//
// Needs the sqlite3 command line tool. Writes only to a temporary directory.

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const char* kModel = R"({"fields": {
  "name": {"type": "str", "required": true, "max_length": 200},
  "price": {"type": "decimal", "precision": 10, "scale": 2},
  "category": {"type": "str"},
  "stock": {"type": "int", "default": 0},
  "active": {"type": "bool", "default": true},
  "created": "datetime"}})";

void write_csv(const fs::path& path, long rows) {
    std::ofstream out(path);
    out << "name,price,category,stock,active,created\n";
    static const char* cats[] = {"electronics", "books", "kitchen", "garden", "toys"};
    char line[256];
    for (long i = 1; i <= rows; ++i) {
        int n = std::snprintf(line, sizeof line, "Product %ld,%ld.%02ld,%s,%ld,%s,2024-%02ld-%02ldT%02ld:%02ld:00Z\n", i,
                              i % 1000, i % 100, cats[i % 5], i % 500, i % 7 ? "true" : "false", 1 + i % 12, 1 + i % 28,
                              i % 24, i % 60);
        out.write(line, n);
    }
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

long peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

} // namespace

int main(int argc, char** argv) {
    const long rows = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    const long batch = argc > 2 ? std::atol(argv[2]) : 10'000;
    const fs::path dir = fs::temp_directory_path() / ("bulkflow-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path csv = dir / "products.csv";
    write_csv(csv, rows);

    // sqlite3's own bulk path: .import into a table of the same shape bulkflow creates.
    const fs::path native_db = dir / "native.db";
    const std::string ddl =
        "CREATE TABLE products (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, price TEXT, category TEXT, "
        "stock INTEGER, active INTEGER, created TEXT, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')), "
        "updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')));";
    std::string setup = "sqlite3 '" + native_db.string() + "' \"" + ddl + "\"";
    if (std::system(setup.c_str()) != 0) {
        std::fprintf(stderr, "sqlite3 command line tool failed (apt-get install sqlite3)\n");
        return 1;
    }
    // (a) sqlite3's purest bulk path: .import straight into a new table of the CSV's columns
    //     (untyped TEXT, no id, no timestamps). This is the headline baseline.
    const fs::path bare_db = dir / "bare.db";
    const std::string bare_cmd = "sqlite3 '" + bare_db.string() +
                                 "' -cmd 'PRAGMA journal_mode=WAL' -cmd 'PRAGMA synchronous=NORMAL' "
                                 "'.import --csv \"" + csv.string() + "\" products' > /dev/null";
    auto t0 = Clock::now();
    if (std::system(bare_cmd.c_str()) != 0) return 1;
    const double bare_s = seconds_since(t0);
    // (b) the same rows into a table shaped like bulkflow's (id, timestamps): .import into a
    //     staging table, then INSERT ... SELECT.
    const std::string import_cmd = "sqlite3 '" + native_db.string() +
                                   "' -cmd 'PRAGMA journal_mode=WAL' -cmd 'PRAGMA synchronous=NORMAL' "
                                   "'.import --csv \"" + csv.string() + "\" staging' "
                                   "'INSERT INTO products (name, price, category, stock, active, created) "
                                   "SELECT name, price, category, stock, active, created FROM staging' > /dev/null";
    auto t0b = Clock::now();
    if (std::system(import_cmd.c_str()) != 0) return 1;
    const double native_s = seconds_since(t0b);

    // bulkflow: stream the same CSV through the bulk node (typed, validated, exact decimals).
    bulkflow::WorkflowBuilder b;
    b.add_model("Product", boost::json::parse(kModel));
    b.add_node("CSVReaderNode", "read", {{"path", csv.string()}});
    b.add_node("ProductBulkCreateNode", "load", {{"data", "<<read.records>>"}, {"batch_size", batch}, {"parallel_batches", 2}});
    bulkflow::LocalRuntime rt(bulkflow::Database{"sqlite:///" + (dir / "bulkflow.db").string()});
    auto t1 = Clock::now();
    auto res = rt.execute(b.build());
    const double ours_s = seconds_since(t1);
    const auto& data = res.results["load"].at("data");

    std::printf("rows            %ld (batch_size %ld)\n", rows, batch);
    std::printf("sqlite3 .import into a bare table        %8.2f s %10.0f rows/s\n", bare_s, static_cast<double>(rows) / bare_s);
    std::printf("sqlite3 .import + INSERT, bulkflow's shape %8.2f s %10.0f rows/s\n", native_s, static_cast<double>(rows) / native_s);
    std::printf("bulkflow (typed, validated)               %8.2f s %10.0f rows/s  (inserted %lld, failed %lld)\n", ours_s,
                static_cast<double>(rows) / ours_s, static_cast<long long>(data.at("inserted").as_int64()),
                static_cast<long long>(data.at("failure_count").as_int64()));
    std::printf("ratio vs bare .import                     %8.1f %%  (target >= 80 %%)\n", 100.0 * bare_s / ours_s);
    std::printf("ratio vs same-shape .import               %8.1f %%\n", 100.0 * native_s / ours_s);
    std::printf("peak RSS        %8ld MB\n", peak_rss_mb());
    fs::remove_all(dir);
    return 0;
}
