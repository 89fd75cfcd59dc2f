#include "job.hpp"

#include "specs.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/json_text.hpp>
#include <bulkflow/node_failure.hpp>
#include <bulkflow/output_file.hpp>

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace bulkflow::bulk {
namespace {

LogLevel parse_level(const std::string& s) {
    if (s == "debug") return LogLevel::debug;
    if (s == "info") return LogLevel::info;
    if (s == "warning" || s == "warn") return LogLevel::warn;
    return LogLevel::error;  // the spec allows nothing else
}

// The process's I/O counters (Linux /proc/self/io): rchar, wchar, syscr, syscw, read_bytes...
std::map<std::string, long long> read_proc_io() {
    std::map<std::string, long long> v;
    std::ifstream in("/proc/self/io");
    std::string key;
    long long n = 0;
    while (in >> key >> n) v[key.substr(0, key.size() - 1)] = n;  // "read_bytes:" -> "read_bytes"
    return v;
}

} // namespace

// Ranges and allowed values are the spec's rules (specs.cpp), applied before the node runs;
// this reads the values and the rules that join two parameters.
JobOptions parse_job_options(const Params& p) {
    JobOptions o;
    auto count = [&](const char* name) { return static_cast<std::size_t>(p.get_int(name)); };
    o.batch_size = p.json("batch_size") ? count("batch_size") : static_cast<std::size_t>(default_batch_size());
    const auto strategy = p.get_string("error_strategy");
    o.strategy = strategy == "continue" ? ErrorStrategy::continue_
               : strategy == "retry_batch" ? ErrorStrategy::retry_batch : ErrorStrategy::stop;
    if (p.json("max_errors")) o.max_errors = count("max_errors");
    o.error_level = parse_level(p.get_string("error_log_level"));
    o.failed_records_file = p.get_string("failed_records_file");
    o.retry_failed_records = p.get_bool("retry_failed_records");
    o.max_retries = static_cast<int>(p.get_int("max_retries"));
    o.retry_delay = p.get_double("retry_delay");
    o.exponential_backoff = p.get_string("retry_backoff") == "exponential";
    o.progress = p.get_bool("progress_callback");
    o.progress_interval = count("progress_interval");
    o.parallel_batches = count("parallel_batches");
    if (p.json("connection_pool_size")) o.connection_pool_size = count("connection_pool_size");
    if (p.json("max_workers")) o.max_workers = count("max_workers");
    o.round_robin = p.get_string("load_balancing") == "round_robin";
    o.ensure_atomic = p.get_bool("ensure_atomic");
    o.dry_run = p.get_bool("dry_run");
    o.include_deleted = p.get_bool("include_deleted");
    o.confirmed = p.get_bool("confirmed");
    o.monitor_memory = p.get_bool("monitor_memory") || p.get_bool("track_memory_usage");
    o.monitor_cpu = p.get_bool("monitor_cpu");
    o.collect_metrics = p.get_bool("collect_metrics") || p.get_bool("track_batch_performance");
    o.monitor_disk_io = p.get_bool("monitor_disk_io");
    o.track_io_operations = p.get_bool("track_io_operations");
    o.metrics_file = p.get_string("metrics_file");
    o.performance_report = p.get_bool("performance_report");
    o.report_file = p.get_string("report_file");
    if (o.performance_report && o.report_file.empty()) Params::fail("report_file", "is required with performance_report");
    return o;
}

JobStats::JobStats(std::string operation, const JobOptions& options) : operation_(std::move(operation)), opt_(options) {
    if (opt_.monitor_disk_io || opt_.track_io_operations) io_start_ = read_proc_io();
    if (!opt_.failed_records_file.empty()) {
        check_writable("failed_records_file", opt_.failed_records_file);  // a templated path: before any write
        failed_file_.open(opt_.failed_records_file, std::ios::trunc);
        if (!failed_file_) failed_file_error("opening");
    }
}

void JobStats::fail_record(Context& ctx, std::size_t index, const boost::json::object& record, const std::string& message) {
    // Dialect errors already start with "record N: "; the index is reported on its own.
    const std::string prefix = "record " + std::to_string(index) + ": ";
    const std::string error = message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
    ++failures;
    if (errors_.size() < 100) errors_.push_back({{"index", index}, {"error", error}});
    if (failed_file_.is_open()) {
        // to_json_text: each number as it was read (an exact number's own text, 0.5 not 5E-1)
        failed_file_ << to_json_text(boost::json::object{{"index", index}, {"record", record}, {"error", error}}) << '\n';
        failed_file_.flush();
        if (!failed_file_) failed_file_error("writing");  // never lose a failed record silently
    }
    ctx.log(opt_.error_level, "record " + std::to_string(index) + ": " + error);
}

void JobStats::failed_file_error(const char* what) const {
    throw Error(ErrorCode::invalid_parameter, "parameter 'failed_records_file': " + std::string(what) + " '" +
                                                  opt_.failed_records_file + "' failed: " + std::strerror(errno));
}

void JobStats::batch_metric(std::size_t rows, double seconds) {
    if (!opt_.collect_metrics && opt_.metrics_file.empty() && !opt_.performance_report) return;
    metrics_.push_back({{"batch", batches}, {"rows", rows}, {"seconds", seconds},
                        {"rows_per_s", seconds > 0 ? static_cast<double>(rows) / seconds : 0.0}});
}

double JobStats::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void JobStats::report_progress(Context& ctx, std::optional<std::size_t> total, bool force) {
    if (!opt_.progress) return;
    if (!force && records_processed - last_progress_ < opt_.progress_interval) return;
    last_progress_ = records_processed;
    ctx.progress(records_processed, total, failures);
}

// Counts are size_t, which Boost.JSON stores as uint64; results carry them as int64 so that
// C++ callers can read every count with as_int64().
static void counts_as_int64(boost::json::value& v) {
    if (v.is_uint64()) v = static_cast<std::int64_t>(v.get_uint64());
    else if (v.is_object())
        for (auto& kv : v.get_object()) counts_as_int64(kv.value());
    else if (v.is_array())
        for (auto& e : v.get_array()) counts_as_int64(e);
}

NodeOutput JobStats::result(const boost::json::object& extra) {
    const double secs = elapsed();
    boost::json::object d;
    d["operation"] = operation_;
    d["records_processed"] = records_processed;
    d["success_count"] = records_processed >= failures ? records_processed - failures : 0;
    d["failure_count"] = failures;
    d["batches"] = batches;
    d["batch_size"] = opt_.batch_size;
    d["duration_s"] = secs;
    d["rows_per_s"] = secs > 0 ? static_cast<double>(records_processed) / secs : 0.0;
    for (const auto& kv : extra) d[kv.key()] = kv.value();
    if (failures > 0) {
        d["errors"] = errors_;
        d["failed_records_file"] = opt_.failed_records_file.empty() ? boost::json::value(nullptr)
                                                                     : boost::json::value(opt_.failed_records_file);
    }
    if (opt_.monitor_memory) {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        d["peak_rss_mb"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
    }
    if (opt_.monitor_cpu) {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        d["cpu_s"] = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    }
    if (opt_.collect_metrics) d["metrics"] = metrics_;
    if (opt_.monitor_disk_io || opt_.track_io_operations) {
        auto now = read_proc_io();
        auto delta = [&](const char* k) { return now[k] - io_start_[k]; };
        if (opt_.monitor_disk_io) {
            d["disk_read_mb"] = static_cast<double>(delta("read_bytes")) / (1024.0 * 1024.0);
            d["disk_write_mb"] = static_cast<double>(delta("write_bytes")) / (1024.0 * 1024.0);
        }
        if (opt_.track_io_operations) {
            d["io_read_ops"] = delta("syscr");
            d["io_write_ops"] = delta("syscw");
        }
    }
    if (!opt_.metrics_file.empty()) {
        write_whole_file("metrics_file", opt_.metrics_file, to_json_text(boost::json::object{{"batches", metrics_}}) + "\n");
        d["metrics_file"] = opt_.metrics_file;
    }
    if (opt_.performance_report) {
        boost::json::object report{{"summary", d}, {"batches", metrics_}};
        write_whole_file("report_file", opt_.report_file, to_json_text(report) + "\n");
        d["report_file"] = opt_.report_file;
    }
    boost::json::value data(std::move(d));
    counts_as_int64(data);
    NodeOutput out;
    out.value["success"] = true;
    out.value["data"] = std::move(data);
    return out;
}

WriteCounts write_isolated(const RowBatch& rows, const RecordBatch& raw, const JobOptions& opt, std::vector<Reject>& failed,
                           const GroupWriter& write) {
    WriteCounts total;
    std::size_t start = 0;
    while (start < rows.rows()) {
        RowBatch part = start == 0 ? rows : rows.slice(start, rows.rows());
        try {
            auto c = write(part);
            total.inserted += c.inserted;
            total.updated += c.updated;
            total.skipped += c.skipped;
            break;
        } catch (const RowWriteError& e) {
            if (opt.strategy != ErrorStrategy::continue_) throw;
            total.inserted += e.written().inserted;  // the rows before the failing one are stored
            total.updated += e.written().updated;
            total.skipped += e.written().skipped;
            const std::size_t index = part.record_index(e.row());
            failed.push_back({index, e.what(), raw.row(index - raw.first_index)});
            start += e.row() + 1;
        }
    }
    return total;
}

void with_retries(Context& ctx, const JobOptions& opt, const std::function<void()>& attempt,
                  const std::function<bool()>& on_failure) {
    const bool retry_any_database_error = opt.strategy == ErrorStrategy::retry_batch || opt.retry_failed_records;
    double delay = opt.retry_delay;
    for (int n = 0;; ++n) {
        try {
            attempt();
            return;
        } catch (const RowWriteError&) {
            on_failure();
            throw;
        } catch (const Error& e) {
            if (!on_failure()) throw;  // the transaction's state is not known to be rolled back
            const bool transient = e.code() == ErrorCode::connection || e.code() == ErrorCode::transient;
            const bool retry = transient || (retry_any_database_error && e.code() == ErrorCode::database);
            if (!retry || n >= opt.max_retries) throw;
            ctx.log(LogLevel::warn, "batch failed (" + std::string(e.what()) + "); retry " + std::to_string(n + 1) + " of " +
                                        std::to_string(opt.max_retries) + " in " + std::to_string(delay) + " s");
            std::this_thread::sleep_for(std::chrono::duration<double>(delay));
            delay = opt.exponential_backoff ? delay * 2 : delay + opt.retry_delay;
        }
    }
}

bool committed_anything(const JobStats& stats) noexcept {
    return stats.records_processed > 0 || stats.inserted > 0 || stats.updated > 0 || stats.skipped > 0 || stats.deleted > 0;
}

NodeOutput report_committed(JobStats& stats, const std::function<boost::json::object()>& counts,
                            const std::function<NodeOutput()>& work) {
    try {
        return work();
    } catch (const NodeFailure&) {
        throw;
    } catch (const Error& e) {
        if (!committed_anything(stats)) throw;
        boost::json::object result;
        try {
            result = stats.result(counts()).value;
        } catch (const std::exception&) {  // e.g. a report file that cannot be written: the counts still go out
            const std::size_t ok = stats.records_processed >= stats.failures ? stats.records_processed - stats.failures : 0;
            boost::json::object data = counts();
            data["records_processed"] = static_cast<std::int64_t>(stats.records_processed);
            data["success_count"] = static_cast<std::int64_t>(ok);
            data["failure_count"] = static_cast<std::int64_t>(stats.failures);
            data["batches"] = static_cast<std::int64_t>(stats.batches);
            result["data"] = std::move(data);
        }
        result["success"] = false;
        throw NodeFailure(e, std::move(result));
    }
}

} // namespace bulkflow::bulk
