#pragma once
/// @file bench.hpp
/// Pieces of bench_mysql_bulk: the generated data (data.cpp), the MariaDB/MySQL side (setup,
/// checks and the LOAD DATA baselines, all through the `mariadb` client; mysql.cpp) and the
/// bulkflow side in a forked child (bulkflow_runs.cpp). Copied and cut down from
/// benchmarks/postgres_bulk, which stays independent.

#include <boost/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bench {

namespace fs = std::filesystem;

/// The table both sides write (a name of the benchmark's own, so that it can share a database).
inline constexpr const char* kTable = "bench_products";
/// The Product model of the specification, in its JSON form, with `table: bench_products`.
extern const char* const kProductModel;
/// The table bulkflow creates for kProductModel on MariaDB, written by hand; checked against the
/// one bulkflow creates before anything is measured.
extern const char* const kProductDdl;

// ------------------------------------------------------------------------------------- data

/// The files every scenario reads, all holding the same rows: ids 1..rows in order. The CSV files
/// are in the form LOAD DATA reads natively (booleans 1/0, 'YYYY-MM-DD HH:MM:SS' in UTC); the
/// JSON lines hold the same values as the PostgreSQL benchmark's (true/false, ISO 8601 with Z).
struct DataFiles {
    fs::path create_csv, create_jsonl;  // name, price, category, stock, active, created_at
    fs::path upsert_csv, upsert_jsonl;  // id + every field, every value but created_at changed
    fs::path update_csv, update_jsonl;  // id, price, stock (changed)
    fs::path ids_csv;                   // id
};

DataFiles write_data(const fs::path& dir, long rows);
/// first..last.
boost::json::array id_array(long first, long last);

// ----------------------------------------------------------------------------- measurement

/// Time and resources of one measured run. Client CPU and peak RSS are those of the process that
/// did the client side's work (the mariadb client, or the bulkflow child); server_cpu_s is the
/// CPU time of the mariadbd/mysqld process meanwhile (all its threads, whoever asked);
/// statements holds the deltas of the server's global Com_* counters (every session's).
struct Usage {
    double wall_s = 0;
    double client_cpu_s = 0;
    double server_cpu_s = 0;
    long peak_rss_kb = 0;
    std::map<std::string, long long> statements;
    long long batches = 0;  // bulkflow: the result's batch count
};

/// CPU seconds used so far by the processes named mariadbd or mysqld (from /proc; 0 if unreadable).
double server_cpu_s();
/// Current resident set of this process in kB.
long current_rss_kb();

// ----------------------------------------------------------------------------------- server

/// Setup, cleanup and checks through the `mariadb` command-line client (one short process per
/// call, so that no connection is inherited by forked children). Throws std::runtime_error with
/// the client's message.
class Admin {
public:
    /// `url`: mysql://user:password@host:port/database.
    explicit Admin(std::string url);
    /// Runs `sql` (several statements allowed); returns the first column of the last line printed.
    std::string exec(const std::string& sql) const;
    /// Tab-separated output of `sql`, one string per line.
    std::vector<std::string> lines(const std::string& sql) const;
    /// Drops the table and creates it with kProductDdl (ids restart at 1).
    void fresh_table() const;
    /// SHOW CREATE TABLE without the AUTO_INCREMENT counter, for comparing two tables.
    std::string table_signature() const;
    /// Row count, sum of CRC32 and XOR of MD5 halves over every column but updated_at (and but id
    /// unless `with_ids`), independent of row order.
    std::string content_digest(bool with_ids) const;
    /// Keeps a copy of the table (every column but updated_at) as `name`, for diff().
    void snapshot(const std::string& name) const;
    /// How the table differs from snapshot `name` (rows matched by name, which is unique in the data).
    std::string diff(const std::string& name, bool with_ids) const;
    /// Rows whose name has another id than in snapshot `name`.
    long long ids_moved(const std::string& name) const;
    /// ANALYZE TABLE, then waits (at most 60 s) until InnoDB has flushed most dirty pages and
    /// purged its history, so that a measurement starts without pending background work.
    std::string settle() const;
    /// The server's global Com_* counters of interest.
    std::map<std::string, long long> statement_counters() const;
    /// The client's argument list (without -e), and the database's name.
    const std::vector<std::string>& client_args() const noexcept { return args_; }
    const std::string& url() const noexcept { return url_; }
    const std::string& database() const noexcept { return database_; }
    const std::string& password() const noexcept { return password_; }
    /// The same server and user, another database.
    Admin with_database(const std::string& db) const;

private:
    std::string url_, database_, password_;
    std::vector<std::string> args_;
};

/// Runs `mariadb --local-infile=1 ... < script` and measures it. Throws with its stderr when it fails.
Usage run_client(const Admin& admin, const fs::path& script);

// --------------------------------------------------------------------------------- bulkflow

/// What a bulkflow run reports back from its child process.
struct Outcome {
    bool ok = false;
    std::string error;
    long long count = -1;     // inserted / updated / deleted, per scenario
    long long failures = -1;  // failure_count
    std::string detail;       // the result's counters, as JSON
    Usage usage;
};

struct BulkConfig {
    long batch_size = 10000;  // bulkflow's defaults
    long parallel_batches = 1;
};

enum class Scenario { create_jsonl, create_gaps, upsert, update, delete_ids };
const char* to_string(Scenario s);

/// Runs one bulkflow scenario against `url` in a forked child and returns what it measured.
Outcome run_bulkflow(Scenario s, const Admin& admin, const DataFiles& files, long rows, BulkConfig cfg);

} // namespace bench
