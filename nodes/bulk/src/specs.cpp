#include "nodes.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/output_file.hpp>

#include <functional>
#include <vector>

namespace bulkflow::bulk {
namespace {

using J = boost::json::value;
constexpr auto S = Support::supported;
constexpr auto IGN = Support::ignored;

// What a value must satisfy beyond its type (ParamSpec's choices, minimum, check).
struct Rule {
    std::vector<std::string> choices{};
    std::optional<double> min{};
    std::function<void(const J&)> check{};
};

Rule one_of(std::vector<std::string> choices) { return {std::move(choices), std::nullopt, {}}; }
Rule at_least(double min) { return {{}, min, {}}; }
// A file bulkflow writes: checked before the run without creating it (output_file.hpp).
Rule writable(const char* name) {
    return {{}, std::nullopt, [name](const J& v) {
                if (v.is_string()) check_writable(name, std::string(v.get_string()));
            }};
}
Rule checked(std::function<void(const J&)> fn) { return {{}, std::nullopt, std::move(fn)}; }

struct P {
    const char* name;
    ParamType type;
    std::optional<J> def;
    const char* doc;
    Rule rule = {};
    Support support = S;
    const char* note = "";
};

ParamSpec make(const P& p) {
    ParamSpec s;
    s.name = p.name;
    s.type = p.type;
    s.default_value = p.def;
    s.doc = p.doc;
    s.support = p.support;
    s.support_note = p.note;
    s.choices = p.rule.choices;
    s.minimum = p.rule.min;
    s.check = p.rule.check;
    return s;
}

constexpr const char* kNoGc = "C++ has no garbage collector; memory is bounded by batch_size x in-flight batches";
constexpr const char* kNoCallback = "Python callbacks do not exist in bulkflow; failed records go to failed_records_file and the result's errors";

// Parameters every bulk node shares.
const std::vector<P>& common() {
    static const std::vector<P> v = {
        {"batch_size", ParamType::integer, J(10000), "Records per batch; each batch is one transaction.", at_least(1)},
        {"error_strategy", ParamType::string, J("stop"), "stop: fail at the first bad record; continue: isolate and report bad records, store the rest; retry_batch: retry a failing batch (max_retries) then stop.", one_of({"stop", "continue", "retry_batch"})},
        {"max_errors", ParamType::integer, std::nullopt, "With error_strategy continue: fail the node once more than this many records failed.", at_least(0)},
        {"error_log_level", ParamType::string, J("warning"), "Log level for per-record errors (debug, info, warning, error).", one_of({"debug", "info", "warning", "warn", "error"})},
        {"failed_records_file", ParamType::string, std::nullopt, "Write failed records as JSON lines {index, record, error} to this file.", writable("failed_records_file")},
        {"failed_records_callback", ParamType::string, std::nullopt, "Callback name for failed records.", {}, IGN, kNoCallback},
        {"retry_failed_records", ParamType::boolean, J(false), "Also retry batches that fail with other (non-data) database errors."},
        {"max_retries", ParamType::integer, J(3), "Retries for a batch that fails with a lost connection, deadlock or serialization failure (always), or any database error with retry_batch / retry_failed_records. Data errors are never retried.", at_least(0)},
        {"retry_delay", ParamType::number, J(1.0), "Seconds before the first retry.", at_least(0)},
        {"retry_backoff", ParamType::string, J("exponential"), "exponential or linear growth of the retry delay.", one_of({"exponential", "linear"})},
        {"progress_callback", ParamType::boolean, J(true), "Report progress (shown by `bulkflow run --progress`)."},
        {"progress_interval", ParamType::integer, J(1000), "Report progress every N records.", at_least(1)},
        {"progress_format", ParamType::string, J("both"), "percentage, count or both (the CLI shows both).", {}, IGN, "the CLI display decides the format"},
        {"parallel_batches", ParamType::integer, J(1), "Batches in flight: converted and validated concurrently; on PostgreSQL and MySQL creates and upserts also write them concurrently on pooled connections, a batch sharing a unique key value with an earlier unfinished one waiting for it (SQLite has one writer; updates by rows, nested, resumable and atomic loads write in order).", at_least(1)},
        {"max_workers", ParamType::integer, std::nullopt, "Maximum threads converting and writing batches for this node.", at_least(1)},
        {"connection_pool_size", ParamType::integer, std::nullopt, "Connections for parallel writes (default: parallel_batches).", at_least(1)},
        {"load_balancing", ParamType::string, J("least_loaded"), "How batches pick a pooled connection: least_loaded (any idle one) or round_robin (batch i uses connection i mod N).", one_of({"least_loaded", "round_robin"})},
        {"ensure_atomic", ParamType::boolean, J(false), "All batches in one transaction: all or nothing."},
        {"dry_run", ParamType::boolean, J(false), "Change nothing; report what would change."},
        {"streaming", ParamType::boolean, J(true), "Read input as a stream in batches (always on: bulkflow never loads all records)."},
        {"memory_limit", ParamType::string, std::nullopt, "Maximum memory; bulkflow's memory is bounded by batch_size x in-flight batches.", {}, IGN, "memory is bounded by design"},
        {"spill_to_disk", ParamType::boolean, std::nullopt, "Use disk when memory is exceeded.", {}, IGN, "never needed: input is streamed"},
        {"compression", ParamType::boolean, std::nullopt, "Compress data in memory.", {}, IGN, "batches are short-lived and typed"},
        {"gc_interval", ParamType::integer, std::nullopt, "Garbage collection interval.", {}, IGN, kNoGc},
        {"auto_cleanup", ParamType::boolean, J(true), "Release connections and temporary files when done (always done)."},
        {"cleanup_on_failure", ParamType::boolean, J(true), "Roll back the failing batch and release resources on failure (always done)."},
        {"cleanup_temp_files", ParamType::boolean, J(true), "Remove temporary files (always done)."},
        {"cleanup_connections", ParamType::boolean, J(true), "Close connections when done (always done)."},
        {"monitor_memory", ParamType::boolean, J(false), "Add peak memory (peak_rss_mb) to the result."},
        {"monitor_cpu", ParamType::boolean, J(false), "Add CPU time (cpu_s) to the result."},
        {"monitor_disk_io", ParamType::boolean, J(false), "Add the process's disk I/O during the node (disk_read_mb, disk_write_mb) to the result."},
        {"monitor_network", ParamType::boolean, std::nullopt, "Network monitoring.", {}, IGN, "traffic to the database is not measured separately from the database's own work"},
        {"collect_metrics", ParamType::boolean, J(false), "Add per-batch metrics to the result."},
        {"metrics_interval", ParamType::integer, std::nullopt, "Records between metric samples.", {}, IGN, "metrics are per batch"},
        {"metrics_file", ParamType::string, std::nullopt, "Write the result's metrics as JSON to this file.", writable("metrics_file")},
        {"track_execution_time", ParamType::boolean, J(true), "duration_s and rows_per_s are always in the result."},
        {"track_memory_usage", ParamType::boolean, J(false), "Same as monitor_memory."},
        {"track_io_operations", ParamType::boolean, J(false), "Add the process's read/write system calls during the node (io_read_ops, io_write_ops) to the result."},
        {"track_batch_performance", ParamType::boolean, J(false), "Same as collect_metrics."},
        {"benchmark_mode", ParamType::boolean, std::nullopt, "Benchmark mode.", {}, IGN, "use benchmarks/ (ratios against the database's own bulk path)"},
        {"benchmark_iterations", ParamType::integer, std::nullopt, "Benchmark iterations.", {}, IGN, "use benchmarks/"},
        {"benchmark_warmup", ParamType::integer, std::nullopt, "Benchmark warm-up records.", {}, IGN, "use benchmarks/"},
        {"performance_report", ParamType::boolean, J(false), "Write a performance report (report_file)."},
        {"report_format", ParamType::string, J("json"), "Report format: json.", one_of({"json"})},
        {"report_file", ParamType::string, std::nullopt, "Where performance_report writes.", writable("report_file")},
        {"stream_buffer_size", ParamType::integer, std::nullopt, "Records buffered from the stream.", {}, IGN, "batch_size decides the buffer"},
        {"stream_timeout", ParamType::number, std::nullopt, "Stream read timeout.", {}, IGN, "sources are files and arrays, not live streams"},
        {"process_immediately", ParamType::boolean, std::nullopt, "Process records on arrival.", {}, IGN, "batches are written as soon as they are full"},
        {"max_latency", ParamType::number, std::nullopt, "Maximum latency.", {}, IGN, "batches are written as soon as they are full"},
        {"priority", ParamType::string, std::nullopt, "Scheduling priority.", {}, IGN, "the runtime has no priorities"},
        {"publish_events", ParamType::boolean, std::nullopt, "Publish change events.", {}, IGN, "bulkflow has no event bus; the node's result (and --progress json events) carry what changed"},
        {"event_topic", ParamType::string, std::nullopt, "Event topic.", {}, IGN, "bulkflow has no event bus"},
        {"event_format", ParamType::string, std::nullopt, "Event format.", {}, IGN, "bulkflow has no event bus"},
        {"include_deleted", ParamType::boolean, J(false), "Also touch soft-deleted rows (models with soft_delete)."},
        {"confirmed", ParamType::boolean, J(false), "Allow an update or delete with an empty filter (every row)."},
    };
    return v;
}

const std::vector<P>& create_like() {
    static const std::vector<P> v = {
        {"validate_data", ParamType::boolean, J(true), "Validate records against the model and validation_rules."},
        {"validation_rules", ParamType::object, std::nullopt, "Per-field rules: {field: {min, max, min_length, max_length, pattern, choices, required}}."},
        {"skip_validation", ParamType::boolean, J(false), "Skip validation_rules (types are still checked: the database needs them)."},
        {"transform_data", ParamType::boolean, J(true), "Apply transformation_rules."},
        {"transformation_rules", ParamType::object, std::nullopt, "Per-field expressions evaluated on each record, e.g. {price: \"price * 1.1\", category: \"category.lower()\"}."},
        {"preserve_ids", ParamType::boolean, J(false), "Store the records' own ids (id sequences are advanced afterwards)."},
        {"migration_mode", ParamType::boolean, J(false), "Same as preserve_ids plus disable_triggers."},
        {"verify_migration", ParamType::boolean, J(false), "After loading, read back the first verification_sample input records and check that a stored row has the same verification_fields; any mismatch fails the node (stored rows stay)."},
        {"verification_sample", ParamType::integer, J(1000), "Records checked by verify_migration.", at_least(0)},
        {"verification_fields", ParamType::array, std::nullopt, "Fields compared by verify_migration (default: every model field the record sets)."},
        {"resumable", ParamType::boolean, J(false), "Checkpoint progress in the database, in the same transaction as each batch, so a re-run stores every record exactly once."},
        {"checkpoint_interval", ParamType::integer, std::nullopt, "Records between checkpoints: bulkflow records every batch in its own transaction, so any interval is met.", at_least(1)},
        {"checkpoint_file", ParamType::string, std::nullopt, "The load's key in the ledger (default: node id and model); progress lives in the database table bulkflow_load_ledger, keyed by this and the input's fingerprint, not in a file, so it commits atomically with the data."},
        {"use_copy", ParamType::boolean, J(true), "PostgreSQL: load with COPY (binary by default); false: multi-row INSERT with bound parameters. No effect on SQLite (prepared statements)."},
        {"copy_options", ParamType::object, std::nullopt, "PostgreSQL COPY {format: binary|text|csv, delimiter, null_string}; a delimiter without a format means text. No effect on SQLite.", checked(check_copy_options)},
        {"disable_triggers", ParamType::boolean, J(false), "PostgreSQL: session_replication_role = replica during the load (needs a superuser; also skips foreign key checks). No effect on SQLite."},
        {"disable_indexes", ParamType::boolean, J(false), "PostgreSQL: drop secondary (non-unique) indexes before the load and rebuild them afterwards, also when the load fails. No effect on SQLite."},
        {"disable_foreign_keys", ParamType::boolean, J(false), "Skip foreign key checks during the load."},
        {"disable_autocommit", ParamType::boolean, J(true), "Manual transaction control (always on: one transaction per batch)."},
        {"use_load_data", ParamType::boolean, J(true), "MySQL/MariaDB: plain creates (no conflict_resolution, no nested ids) load each batch with LOAD DATA LOCAL INFILE streamed from memory when no generated id is lost by it (records carry their ids, the id is not AUTO_INCREMENT, innodb_autoinc_lock_mode 0, or mysql_options.allow_id_gaps); a batch the server would skip or warn about is written again by multi-row INSERT, so errors and counts stay exact. Needs local_infile on the server (else INSERT). No effect on SQLite and PostgreSQL."},
        {"mysql_options", ParamType::object, std::nullopt, "MySQL/MariaDB LOAD DATA {local_infile: false turns it off, fields_terminated_by: one character (default tab), allow_id_gaps: true uses LOAD DATA also where InnoDB leaves gaps between the generated ids of consecutive loads (innodb_autoinc_lock_mode 1/2), ignore_lines: accepted, no effect (the stream has no header line)}. No effect on SQLite and PostgreSQL.", checked(check_mysql_options)},
    };
    return v;
}

void add(NodeSpec& s, const std::vector<P>& ps) {
    for (const auto& p : ps) s.params.push_back(make(p));
}

} // namespace

std::int64_t default_batch_size() {
    static const std::int64_t n = [] {
        for (const auto& p : common())
            if (std::string_view(p.name) == "batch_size") return p.def->as_int64();
        return std::int64_t{0};
    }();
    return n;
}

NodeSpec bulk_spec(const std::string& model, Operation op) {
    NodeSpec s;
    s.type = model + "Bulk" + std::string(operation_name(op)) + "Node";
    s.outputs = {"success", "data"};
    switch (op) {
    case Operation::create:
        s.doc = "Bulk-insert records into model " + model + "'s table.";
        add(s, {{"data", ParamType::records, std::nullopt, "Records: a list of objects or a record stream (<<read.records>>)."},
                {"conflict_resolution", ParamType::string, J("error"), "On a duplicate key: error (fail the record), skip (keep the stored row), update (overwrite it).", one_of({"error", "skip", "ignore", "update"})},
                {"conflict_fields", ParamType::array, std::nullopt, "Unique key checked for conflicts (default: id)."},
                {"include_relationships", ParamType::array, std::nullopt, "has_one/has_many relationship names whose nested records (an object, or a list) are created after their parent, with its id as foreign key."},
                {"relationship_strategy", ParamType::string, J("nested_create"), "nested_create: insert nested records with the parent's id as foreign key (the only strategy).", one_of({"nested_create"})}});
        add(s, create_like());
        break;
    case Operation::upsert:
        s.doc = "Insert records or update the stored ones with the same id (every record needs an id).";
        add(s, {{"data", ParamType::records, std::nullopt, "Records with an id: a list of objects or a record stream."},
                {"conflict_resolution", ParamType::string, J("update"), "update: overwrite the stored row; skip or ignore: keep it.", one_of({"update", "skip", "ignore"})},
                {"unique_fields", ParamType::array, std::nullopt, "Removed in v0.7.1: conflicts are always detected on id.",
                 checked([](const J&) { throw Error(ErrorCode::invalid_parameter, unique_fields_removed()); })}});
        add(s, create_like());
        break;
    case Operation::update:
        s.doc = "Update " + model + " rows: by filter with field expressions, or by id from a list of records.";
        add(s, {{"filter", ParamType::object, std::nullopt, "Rows to update: {field: value | {$op: value}}, $and/$or/$not."},
                {"fields", ParamType::any, std::nullopt, "Object {field: value or expression} applied to the filtered rows, or a list of records with id (and atomic_ops)."},
                {"data", ParamType::records, std::nullopt, "A list or stream of records with id; same as the list form of fields."},
                {"return_updated", ParamType::boolean, J(false), "Return the updated rows in data.records."},
                {"validate_data", ParamType::boolean, J(true), "Validate values against the model and validation_rules."},
                {"validation_rules", ParamType::object, std::nullopt, "Per-field rules, as for create."}});
        break;
    case Operation::remove:
        s.doc = "Delete " + model + " rows by filter or ids, with dry runs, limits, confirmation and backups.";
        add(s, {{"filter", ParamType::object, std::nullopt, "Rows to delete: {field: value | {$op: value}}, $and/$or/$not."},
                {"ids", ParamType::array, std::nullopt, "Ids of the rows to delete."},
                {"soft_delete", ParamType::boolean, std::nullopt, "Set deleted_at instead of deleting (default on models with soft_delete)."},
                {"hard_delete", ParamType::boolean, J(false), "Delete rows even on a soft_delete model."},
                {"cascade", ParamType::array, std::nullopt, "Relationship names whose child rows are deleted too."},
                {"max_delete_count", ParamType::integer, std::nullopt, "Fail, deleting nothing, if more rows match.", at_least(0)},
                {"confirm_delete", ParamType::boolean, J(false), "Ask for confirmation with the row count (CLI: prompt, or --yes)."},
                {"backup_before_delete", ParamType::boolean, J(false), "Write the rows to backup_location (JSON lines) before deleting."},
                {"backup_location", ParamType::string, std::nullopt, "Backup file path.", writable("backup_location")},
                {"cleanup_related", ParamType::boolean, J(false), "Same as cascade over every has_one/has_many relationship."},
                {"cleanup_files", ParamType::boolean, std::nullopt, "Delete files referenced by rows.", {}, IGN, "rows do not reference files in bulkflow models"}});
        break;
    }
    add(s, common());
    if (op == Operation::update) {
        // The filter form runs one statement unless batch_size is given, so it has no default.
        for (auto& ps : s.params)
            if (ps.name == "batch_size") {
                ps.default_value.reset();
                ps.doc = "Records per batch for a list of records (default " + std::to_string(default_batch_size()) +
                         "), one transaction each. With a filter: update at most this many rows per transaction, in id "
                         "order (without it, or with ensure_atomic, one statement updates every matching row atomically).";
            }
    }
    return s;
}

} // namespace bulkflow::bulk
