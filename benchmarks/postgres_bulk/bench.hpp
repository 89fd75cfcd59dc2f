#pragma once
/// @file bench.hpp
/// Shared pieces of bench_postgres_bulk: the generated data (data.cpp), the PostgreSQL side
/// (libpq setup and the psql baselines, postgres.cpp), the bulkflow side (bulkflow_runs.cpp)
/// and the measurement of one run in a child process (measure.cpp).

#include <boost/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace bench {

namespace fs = std::filesystem;

/// The Product model of the specification, in its JSON form (as under `models:`).
extern const char* const kProductModel;
/// The table bulkflow creates for kProductModel on PostgreSQL, written by hand; the driver checks
/// that it matches the one bulkflow creates before measuring anything.
extern const char* const kProductDdl;

// ------------------------------------------------------------------------------------- data

/// The files every scenario reads, all holding the same rows: ids 1..rows in order.
struct DataFiles {
    fs::path create_csv, create_jsonl;  // name, price, category, stock, active, created_at
    fs::path upsert_csv, upsert_jsonl;  // id + every field, every value but created_at changed
    fs::path update_csv, update_jsonl;  // id, price, stock (changed)
    fs::path ids_csv;                   // id
};

DataFiles write_data(const fs::path& dir, long rows);
/// The create rows as one in-memory array of objects (the caller's memory).
boost::json::array create_array(long rows);
/// first..last.
boost::json::array id_array(long first, long last);

// ----------------------------------------------------------------------------- measurement

/// Time and resources of one measured run. CPU and peak RSS are those of the process that did
/// the client side's work (the psql process for a baseline, the forked child for bulkflow);
/// server_cpu_s is the CPU time all `postgres` processes used meanwhile (backends, WAL writer,
/// checkpointer: everything the server did, whoever asked).
struct Usage {
    double wall_s = 0;
    double client_cpu_s = 0;
    double server_cpu_s = 0;
    long peak_rss_kb = 0;
};

/// CPU seconds used so far by every process named `postgres` (from /proc; 0 if unreadable).
double postgres_cpu_s();
/// Current resident set of this process in kB (/proc/self/statm).
long current_rss_kb();

// --------------------------------------------------------------------------------- postgres

/// `base` with its database name replaced by `dbname`.
std::string with_database(const std::string& base, const std::string& dbname);

/// Setup, cleanup and checks over libpq (one short connection per call, so that nothing is
/// inherited by forked children). Throws std::runtime_error with the server's message.
class Admin {
public:
    explicit Admin(std::string url) : url_(std::move(url)) {}
    /// Runs `sql` (several statements allowed); returns the first column of the first row of the
    /// last result, or "" when there is none.
    std::string exec(const std::string& sql) const;
    /// Drops `products` and creates it with kProductDdl (fresh sequence: ids restart at 1).
    void fresh_table() const;
    /// Columns, defaults and indexes of `products`, one line each, for comparing two tables.
    std::string table_signature() const;
    /// Row count and an md5 over every column but updated_at (and but id unless `with_ids`: the
    /// ids a create assigns depend on the order batches are written in).
    std::string content_digest(bool with_ids) const;
    /// Keeps a copy of `products` (every column but updated_at) as `name`, for diff().
    void snapshot(const std::string& name) const;
    /// How `products` differs from snapshot `name`: the number of differing ids and a few
    /// examples, row by row ("-" snapshot, "+" products).
    std::string diff(const std::string& name, bool with_ids) const;
    /// Rows of `products` whose id holds another name than in snapshot `name`.
    long long ids_moved(const std::string& name) const;
    /// ANALYZE products, then CHECKPOINT, so that a measurement starts without pending writes.
    void settle() const;
    const std::string& url() const noexcept { return url_; }

private:
    std::string url_;
};

/// Runs `psql -X -q -v ON_ERROR_STOP=1 -d URL -f script` and measures it. Throws with psql's
/// stderr when it fails.
Usage run_psql(const std::string& url, const fs::path& script);

// --------------------------------------------------------------------------------- bulkflow

/// What a bulkflow run reports back from its child process.
struct Outcome {
    bool ok = false;
    std::string error;           // RunError or other exception text
    long long count = -1;        // inserted / updated / deleted, per scenario
    long long failures = -1;     // failure_count
    std::string detail;          // the result's counters, as JSON
    long rss_before_input_kb = 0;  // array scenarios: RSS before building the in-memory input
    long rss_after_input_kb = 0;   // ... and after (the difference is the caller's array)
    Usage usage;
};

struct BulkConfig {
    long batch_size = 10000;  // bulkflow's defaults
    long parallel_batches = 1;
};

enum class Scenario { create_jsonl, create_array, upsert, update, delete_ids, delete_chunks };
/// Ids per node in Scenario::delete_chunks (PostgreSQL takes at most 65,535 bind parameters).
inline constexpr long kDeleteChunk = 50'000;
const char* to_string(Scenario s);

/// Runs one bulkflow scenario against `url` in a forked child (so that its peak RSS is its own)
/// and returns what the child measured.
Outcome run_bulkflow(Scenario s, const std::string& url, const DataFiles& files, long rows, BulkConfig cfg);

} // namespace bench
