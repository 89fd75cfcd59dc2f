#pragma once
// What every bulk node shares: its options (batching, error strategy, retries, progress,
// monitoring), its running statistics and the result object of CONTRACT section 6.

#include "convert.hpp"

#include <bulkflow/context.hpp>
#include <bulkflow/dialect.hpp>
#include <bulkflow/node_failure.hpp>
#include <bulkflow/transaction.hpp>
#include <bulkflow/params.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace bulkflow::bulk {

enum class ErrorStrategy { stop, continue_, retry_batch };

/// The shared options as parse_job_options reads them; every default comes from the node's spec
/// (specs.cpp), none from here.
struct JobOptions {
    std::size_t batch_size = 0;
    ErrorStrategy strategy = ErrorStrategy::stop;
    std::optional<std::size_t> max_errors;
    LogLevel error_level = LogLevel::warn;
    std::string failed_records_file;
    bool retry_failed_records = false;
    int max_retries = 0;
    double retry_delay = 0;
    bool exponential_backoff = false;
    bool progress = false;
    std::size_t progress_interval = 0;
    std::size_t parallel_batches = 0;
    std::size_t connection_pool_size = 0;  ///< 0: parallel_batches
    std::size_t max_workers = 0;           ///< 0: no limit beyond the machine
    bool round_robin = false;              ///< load_balancing: round_robin (else least_loaded)
    bool ensure_atomic = false;
    bool dry_run = false;
    bool include_deleted = false;
    bool confirmed = false;
    bool monitor_memory = false, monitor_cpu = false, collect_metrics = false, performance_report = false;
    bool monitor_disk_io = false, track_io_operations = false;
    std::string metrics_file, report_file;
};

/// Reads and checks the shared options; throws Error(invalid_parameter) naming the parameter.
JobOptions parse_job_options(const Params& params);

/// Running counts of one node execution and the result object.
class JobStats {
public:
    JobStats(std::string operation, const JobOptions& options);

    std::size_t records_processed = 0, batches = 0;
    std::size_t inserted = 0, updated = 0, skipped = 0, deleted = 0;
    std::size_t failures = 0;
    /// Resumable loads: the input had been loaded completely before (nothing was done), or the
    /// number of its records that an earlier run had stored.
    bool already_loaded = false;
    std::size_t ids_ignored = 0;  ///< create: records whose id was not stored (no preserve_ids)
    std::size_t resumed_from = 0;

    /// Records a failed record: result errors (first 100), failed_records_file, log.
    void fail_record(Context& ctx, std::size_t index, const boost::json::object& record, const std::string& error);
    /// Adds per-batch metrics when collect_metrics is on.
    void batch_metric(std::size_t rows, double seconds);
    void report_progress(Context& ctx, std::optional<std::size_t> total, bool force = false);
    [[nodiscard]] double elapsed() const;
    /// {"success": true, "data": {...}} with the operation's counts plus `extra`.
    [[nodiscard]] NodeOutput result(const boost::json::object& extra = {});

private:
    std::string operation_;
    const JobOptions& opt_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    boost::json::array errors_, metrics_;
    std::map<std::string, long long> io_start_;  // /proc/self/io at start
    std::ofstream failed_file_;
    [[noreturn]] void failed_file_error(const char* what) const;
    std::size_t last_progress_ = 0;
};

/// Opens the database for the run's URL and makes sure the model's table exists.
std::unique_ptr<Dialect> open_database(Context& ctx, const Model& model);
/// The same for a URL (for work that outlives the node's run, such as a stream read later).
std::unique_ptr<Dialect> open_database(const std::string& database_url, const Model& model);

/// Writes a group of rows, isolating failing rows under error_strategy continue: a row that
/// fails is added to `failed` (and skipped), the rest of the group is written. Other strategies
/// rethrow. Failures are batch-local so that a retried or rolled-back batch reports nothing.
using GroupWriter = std::function<WriteCounts(const RowBatch&)>;
WriteCounts write_isolated(const RowBatch& rows, const RecordBatch& raw, const JobOptions& opt, std::vector<Reject>& failed,
                           const GroupWriter& write);

/// Runs `attempt` (one batch's transaction) with the retry policy: connection losses and
/// transient errors (deadlock, serialization failure) are retried up to max_retries times with
/// retry_delay and retry_backoff; with retry_batch or retry_failed_records other database
/// errors are retried too. Data errors (one record's fault) and in-doubt commits never are.
/// `on_failure` runs after each failed attempt and returns whether a retry may start: only
/// from a known state (the batch's transaction rolled back), never blind.
void with_retries(Context& ctx, const JobOptions& opt, const std::function<void()>& attempt,
                  const std::function<bool()>& on_failure);

/// True when the node's stats count committed work.
[[nodiscard]] bool committed_anything(const JobStats& stats) noexcept;

/// Runs a bulk node's work. When it fails after committing anything, the Error is rethrown as
/// NodeFailure carrying {"success": false, "data": {...}} whose counts (plus `counts()`, e.g.
/// inserted/updated) are exactly what stays committed (docs/bulk-nodes.md, "What bulkflow
/// guarantees"); otherwise it is rethrown as it is.
NodeOutput report_committed(JobStats& stats, const std::function<boost::json::object()>& counts,
                            const std::function<NodeOutput()>& work);

} // namespace bulkflow::bulk
