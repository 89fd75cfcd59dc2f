#include "job.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/json_text.hpp>
#include <bulkflow/node_failure.hpp>

#include <sys/resource.h>

#include <thread>

namespace bulkflow::bulk {
namespace {

LogLevel parse_level(const std::string& s) {
    if (s == "debug") return LogLevel::debug;
    if (s == "info") return LogLevel::info;
    if (s == "warning" || s == "warn") return LogLevel::warn;
    if (s == "error") return LogLevel::error;
    Params::fail("error_log_level", "must be debug, info, warning or error");
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

JobOptions parse_job_options(const Params& p) {
    JobOptions o;
    auto positive = [&](const char* name, std::int64_t def) {
        auto v = p.get_int(name, def);
        if (v < 1) Params::fail(name, "must be at least 1");
        return static_cast<std::size_t>(v);
    };
    o.batch_size = positive("batch_size", 10000);
    auto strategy = p.get_string("error_strategy", "stop");
    if (strategy == "stop") o.strategy = ErrorStrategy::stop;
    else if (strategy == "continue") o.strategy = ErrorStrategy::continue_;
    else if (strategy == "retry_batch") o.strategy = ErrorStrategy::retry_batch;
    else Params::fail("error_strategy", "must be stop, continue or retry_batch, not '" + strategy + "'");
    if (p.json("max_errors")) {
        auto m = p.get_int("max_errors");
        if (m < 0) Params::fail("max_errors", "must be >= 0");
        o.max_errors = static_cast<std::size_t>(m);
    }
    o.error_level = parse_level(p.get_string("error_log_level", "warning"));
    o.failed_records_file = p.get_string("failed_records_file");
    o.retry_failed_records = p.get_bool("retry_failed_records", false);
    o.max_retries = static_cast<int>(p.get_int("max_retries", 3));
    if (o.max_retries < 0) Params::fail("max_retries", "must be >= 0");
    o.retry_delay = p.get_double("retry_delay", 1.0);
    if (o.retry_delay < 0) Params::fail("retry_delay", "must be >= 0");
    auto backoff = p.get_string("retry_backoff", "exponential");
    if (backoff != "exponential" && backoff != "linear") Params::fail("retry_backoff", "must be exponential or linear");
    o.exponential_backoff = backoff == "exponential";
    o.progress = p.get_bool("progress_callback", true);
    o.progress_interval = positive("progress_interval", 1000);
    o.parallel_batches = positive("parallel_batches", 1);
    if (p.json("connection_pool_size")) o.connection_pool_size = positive("connection_pool_size", 1);
    if (p.json("max_workers")) o.max_workers = positive("max_workers", 1);
    const auto balancing = p.get_string("load_balancing", "least_loaded");
    if (balancing != "round_robin" && balancing != "least_loaded")
        Params::fail("load_balancing", "must be round_robin or least_loaded, not '" + balancing + "'");
    o.round_robin = balancing == "round_robin";
    o.ensure_atomic = p.get_bool("ensure_atomic", false);
    o.dry_run = p.get_bool("dry_run", false);
    o.include_deleted = p.get_bool("include_deleted", false);
    o.confirmed = p.get_bool("confirmed", false);
    o.monitor_memory = p.get_bool("monitor_memory", false) || p.get_bool("track_memory_usage", false);
    o.monitor_cpu = p.get_bool("monitor_cpu", false);
    o.collect_metrics = p.get_bool("collect_metrics", false) || p.get_bool("track_batch_performance", false);
    o.monitor_disk_io = p.get_bool("monitor_disk_io", false);
    o.track_io_operations = p.get_bool("track_io_operations", false);
    o.metrics_file = p.get_string("metrics_file");
    o.performance_report = p.get_bool("performance_report", false);
    o.report_file = p.get_string("report_file");
    if (o.performance_report && o.report_file.empty()) Params::fail("report_file", "is required with performance_report");
    auto fmt = p.get_string("report_format", "json");
    if (fmt != "json") Params::fail("report_format", "only json is supported");
    return o;
}

JobStats::JobStats(std::string operation, const JobOptions& options) : operation_(std::move(operation)), opt_(options) {
    if (opt_.monitor_disk_io || opt_.track_io_operations) io_start_ = read_proc_io();
    if (!opt_.failed_records_file.empty()) {
        failed_file_.open(opt_.failed_records_file, std::ios::trunc);
        if (!failed_file_)
            throw Error(ErrorCode::invalid_parameter, "failed_records_file: cannot write '" + opt_.failed_records_file + "'");
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
    }
    ctx.log(opt_.error_level, "record " + std::to_string(index) + ": " + error);
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
    auto write_json = [&](const std::string& path, const boost::json::value& v, const char* param) {
        std::ofstream f(path, std::ios::trunc);
        f << to_json_text(v) << '\n';
        if (!f) throw Error(ErrorCode::invalid_parameter, std::string(param) + ": cannot write '" + path + "'");
    };
    if (!opt_.metrics_file.empty()) write_json(opt_.metrics_file, boost::json::object{{"batches", metrics_}}, "metrics_file");
    if (opt_.performance_report) write_json(opt_.report_file, boost::json::object{{"summary", d}, {"batches", metrics_}}, "report_file");
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
