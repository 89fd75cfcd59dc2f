// <Model>BulkCreateNode and <Model>BulkUpsertNode: the ingest path with conflict handling.

#include "catalog.hpp"
#include "ingest.hpp"
#include "nested.hpp"
#include "verify.hpp"
#include "nodes.hpp"

#include <bulkflow/error.hpp>

#include <optional>
#include <unordered_map>

namespace bulkflow::bulk {
namespace {

// The spec allows error on create only (bulk_spec's choices).
ConflictMode parse_conflict(const Params& p) {
    const auto v = p.get_string("conflict_resolution");
    if (v == "update") return ConflictMode::update;
    if (v == "skip" || v == "ignore") return ConflictMode::skip;
    return ConflictMode::error;
}

// conflict_fields must name one of the model's unique keys.
std::vector<std::string> parse_conflict_fields(const Params& p, const Model& m) {
    std::vector<std::string> cols;
    const auto* v = p.json("conflict_fields");
    if (!v) return cols;
    if (!v->is_array()) Params::fail("conflict_fields", "must be a list of field names");
    for (const auto& e : v->get_array()) {
        if (!e.is_string() || !m.find(e.get_string()))
            Params::fail("conflict_fields", "names an unknown field " + boost::json::serialize(e) + " of model '" + m.name + "'");
        cols.emplace_back(e.get_string());
    }
    auto same = [&](std::vector<std::string> a) {
        auto b = cols;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        return a == b;
    };
    if (cols.size() == 1 && (cols[0] == "id" || m.find(cols[0])->unique)) return cols;
    for (const auto& u : m.unique)
        if (same(u)) return cols;
    Params::fail("conflict_fields", "must match a unique key of model '" + m.name +
                                        "' (id, a field with unique: true, or an entry of unique:)");
}

std::vector<std::string> parse_verification_fields(const Params& p, const Model& m) {
    std::vector<std::string> fields;
    if (const auto* vf = p.json("verification_fields"))
        for (const auto& f : vf->as_array()) {
            if (!f.is_string() || !m.find(f.get_string()))
                Params::fail("verification_fields", "names an unknown field " + boost::json::serialize(f) + " of model '" + m.name + "'");
            fields.emplace_back(f.get_string());
        }
    return fields;
}

// Keeps the last record of each id (CONTRACT 7: duplicate ids in one upsert, the last wins).
// nullopt when every id is distinct (the usual case: no copy).
std::optional<RowBatch> last_per_id(const RowBatch& rows) {
    const std::size_t id = rows.column_of("id");
    std::vector<bool> keep(rows.rows(), false);
    std::size_t distinct = 0;
    auto mark = [&](auto& last, auto key_of) {
        for (std::size_t r = 0; r < rows.rows(); ++r) last[key_of(rows.at(r, id))] = r;
        for (const auto& [_, r] : last) keep[r] = true;
        distinct = last.size();
    };
    bool int_ids = true;  // the usual case: integer ids, keyed without building text
    for (std::size_t r = 0; r < rows.rows() && int_ids; ++r) int_ids = std::holds_alternative<std::int64_t>(rows.at(r, id));
    if (int_ids) {
        std::unordered_map<std::int64_t, std::size_t> last;
        mark(last, [](const SqlValue& v) { return std::get<std::int64_t>(v); });
    } else {
        std::unordered_map<std::string, std::size_t> last;
        mark(last, [](const SqlValue& v) { return boost::json::serialize(to_json(v)); });
    }
    if (distinct == rows.rows()) return std::nullopt;
    RowBatch out(rows.columns());
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        if (!keep[r]) continue;
        std::vector<SqlValue> v;
        for (std::size_t c = 0; c < rows.columns().size(); ++c) v.push_back(rows.at(r, c));
        out.add_row(std::move(v), rows.record_index(r));
    }
    return out;
}

// The model's unique keys: id, each unique field, each composite unique constraint.
std::vector<std::vector<std::string>> unique_keys(const Model& m) {
    std::vector<std::vector<std::string>> keys{{"id"}};
    for (const auto& f : m.fields)
        if (f.unique && f.name != "id") keys.push_back({f.name});
    for (const auto& u : m.unique) keys.push_back(u);
    return keys;
}

class BulkIngestNode final : public Node {
public:
    BulkIngestNode(std::string model, Operation op) : model_(std::move(model)), op_(op) {}

    NodeOutput run(Context& ctx, const Params& p) override {
        ModelCatalog catalog(ctx.models());
        const Model& m = catalog.at(model_);
        const JobOptions opt = parse_job_options(p);
        auto data = p.records("data");
        if (!data) Params::fail("data", "is required: a list of records or a record stream");
        const ConflictMode mode = parse_conflict(p);
        const auto conflict_cols = op_ == Operation::create ? parse_conflict_fields(p, m) : std::vector<std::string>{};
        const auto verification_fields = parse_verification_fields(p, m);
        NestedCreate nested(p, m, catalog);

        IngestPlan plan;
        plan.model = &m;
        const bool keep_ids = p.get_bool("preserve_ids") || p.get_bool("migration_mode");
        plan.convert.ids = op_ == Operation::upsert ? ConvertOptions::Ids::require
                                                    : (keep_ids ? ConvertOptions::Ids::keep : ConvertOptions::Ids::drop);
        if (p.get_bool("validate_data") && !p.get_bool("skip_validation"))
            plan.convert.rules = parse_rules(m, p.json("validation_rules"));
        if (p.get_bool("transform_data")) plan.convert.transforms = parse_transforms(m, p.json("transformation_rules"));
        if (p.get_bool("resumable"))
            plan.checkpoint_key = p.get_string("checkpoint_file", ctx.node_id() + ":" + m.name);

        plan.convert.nested = nested.keys();
        const LoadOptions load = load_options(p);
        const bool disable_indexes = p.get_bool("disable_indexes");
        auto open = [&] {
            auto d = open_database(ctx, m);
            d->set_load_options(load);
            return d;
        };
        auto db = open();
        nested.ensure_tables(*db);
        // Plain inserts do not depend on batch order, so they may be written in parallel; upserts
        // and creates with conflict handling too, as long as batches sharing a conflict key are
        // written in input order (key_order.hpp).
        // Every unique key counts: which of two records sharing any of them is skipped, updated
        // or rejected must not depend on timing.
        if (!nested.enabled()) {
            plan.open_connection = open;
            if (op_ == Operation::upsert || mode != ConflictMode::error) plan.conflict_keys = unique_keys(m);
        }
        const bool no_fk = p.get_bool("disable_foreign_keys");
        if (no_fk) db->set_foreign_key_checks(false);
        if (op_ == Operation::upsert)
            plan.write = [&](Dialect& d, const RowBatch& rows) {
                auto deduplicated = last_per_id(rows);
                return d.insert_rows(m, deduplicated ? *deduplicated : rows, mode, {"id"});
            };
        else if (nested.enabled()) {
            plan.write = [&](Dialect& d, const RowBatch& rows) { return nested.insert_parents(d, m, rows); };
            plan.after_write = [&](Dialect& d, const ConvertedBatch& batch) { return nested.insert_children(d, batch); };
        } else
            plan.write = [&](Dialect& d, const RowBatch& rows) { return d.insert_rows(m, rows, mode, conflict_cols); };

        JobStats stats(std::string(operation_result_name(op_)), opt);
        auto counts = [&] { return boost::json::object{{"inserted", stats.inserted}, {"updated", stats.updated}, {"skipped", stats.skipped}}; };
        return report_committed(stats, counts, [&]() -> NodeOutput {
            if (disable_indexes && !opt.dry_run) {
                db->drop_secondary_indexes(m);
                try {
                    ingest(ctx, *db, *data, opt, plan, stats);
                } catch (...) {
                    try {
                        db->restore_secondary_indexes(m);  // always rebuilt, even on failure
                    } catch (const std::exception& restore) {
                        // Keep the load's own error; say loudly which indexes are missing.
                        ctx.log(LogLevel::error, std::string("disable_indexes: rebuilding indexes after the failed load failed: ") + restore.what());
                    }
                    throw;
                }
                db->restore_secondary_indexes(m);
            } else {
                ingest(ctx, *db, *data, opt, plan, stats);
            }
            if (no_fk) db->set_foreign_key_checks(true);
            if ((keep_ids || op_ == Operation::upsert) && !opt.dry_run) db->advance_id_sequence(m);
            boost::json::object extra = counts();
            if (opt.dry_run) extra["dry_run"] = true;
            if (op_ == Operation::create) extra["ids_ignored"] = stats.ids_ignored;
            if (!plan.checkpoint_key.empty() && !opt.dry_run) {
                extra["already_loaded"] = stats.already_loaded;
                extra["resumed_from"] = stats.resumed_from;
            }
            if (nested.enabled()) extra["nested"] = nested.counts();
            if (p.get_bool("verify_migration") && !opt.dry_run) {
                const auto sample = p.get_int("verification_sample");
                auto report = verify_sample(*db, m, *data, plan.convert, static_cast<std::size_t>(sample), verification_fields);
                if (report.at("mismatched").as_int64() > 0)
                    throw Error(ErrorCode::invalid_data, "verify_migration: " + std::to_string(report.at("mismatched").as_int64()) + " of " +
                                                             std::to_string(report.at("checked").as_int64()) +
                                                             " sampled records have no matching stored row (record indexes " +
                                                             boost::json::serialize(report.at("mismatched_indexes")) + "); the stored rows stay");
                extra["verification"] = std::move(report);
            }
            return stats.result(extra);
        });
    }

private:
    std::string model_;
    Operation op_;
};

} // namespace

namespace {

void parse_mysql_options(const boost::json::value& my, LoadOptions& o) {
    if (!my.is_object()) Params::fail("mysql_options", "must be an object {local_infile, fields_terminated_by, allow_id_gaps, ignore_lines}");
    for (const auto& kv : my.get_object()) {
        const std::string k(kv.key());
        if (k == "local_infile") {
            if (!kv.value().is_bool()) Params::fail("mysql_options", "local_infile must be true or false");
            o.use_load_data = o.use_load_data && kv.value().get_bool();
        } else if (k == "fields_terminated_by") {
            const auto* d = kv.value().if_string();
            if (!d || d->size() != 1 || (*d)[0] == '\\' || (*d)[0] == '\n' || (*d)[0] == '\r')
                Params::fail("mysql_options", "fields_terminated_by must be one character other than a backslash or a line break");
            o.load_data_delimiter = (*d)[0];
        } else if (k == "allow_id_gaps") {
            if (!kv.value().is_bool()) Params::fail("mysql_options", "allow_id_gaps must be true or false");
            o.load_data_id_gaps = kv.value().get_bool();
        } else if (k == "ignore_lines") {
            // The rows are streamed from the records, without a header line to skip.
            if (!kv.value().is_int64() || kv.value().get_int64() < 0) Params::fail("mysql_options", "ignore_lines must be an integer >= 0");
        } else {
            Params::fail("mysql_options", "unknown option '" + k + "' (local_infile, fields_terminated_by, allow_id_gaps, ignore_lines)");
        }
    }
}

void parse_copy_options(const boost::json::value& c, LoadOptions& o) {
    if (!c.is_object()) Params::fail("copy_options", "must be an object {format, delimiter, null_string}");
    for (const auto& kv : c.get_object()) {
        const std::string k(kv.key());
        if (!kv.value().is_string()) Params::fail("copy_options", k + " must be a string");
        const std::string v(kv.value().get_string());
        if (k == "format") o.copy_format = v;
        else if (k == "delimiter") o.copy_delimiter = v;
        else if (k == "null_string") o.copy_null = v;
        else Params::fail("copy_options", "unknown option '" + k + "' (format, delimiter, null_string)");
    }
    // Checked for every database, so a typo fails on SQLite as it would on PostgreSQL.
    std::string fmt = o.copy_format;
    for (auto& ch : fmt) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (fmt != "binary" && fmt != "text" && fmt != "csv")
        Params::fail("copy_options", "format must be binary, text or csv, not '" + o.copy_format + "'");
    // The specification's example gives a delimiter without a format: that means text.
    if (!c.get_object().contains("format") && (!o.copy_delimiter.empty() || !o.copy_null.empty())) o.copy_format = "text";
}

} // namespace

void check_copy_options(const boost::json::value& v) {
    LoadOptions scratch;
    parse_copy_options(v, scratch);
}

void check_mysql_options(const boost::json::value& v) {
    LoadOptions scratch;
    parse_mysql_options(v, scratch);
}

LoadOptions load_options(const Params& p) {
    LoadOptions o;
    o.use_copy = p.get_bool("use_copy");
    o.disable_triggers = p.get_bool("disable_triggers") || p.get_bool("migration_mode");
    o.use_load_data = p.get_bool("use_load_data");
    if (const auto* my = p.json("mysql_options")) parse_mysql_options(*my, o);
    if (const auto* c = p.json("copy_options")) parse_copy_options(*c, o);
    return o;
}

void check_ingest_params(const Params& p, const Model& m, const ModelCatalog& catalog, Operation op) {
    if (op == Operation::create) (void)parse_conflict_fields(p, m);
    (void)parse_verification_fields(p, m);
    const NestedCreate nested(p, m, catalog);
    (void)parse_rules(m, p.json("validation_rules"));
    (void)parse_transforms(m, p.json("transformation_rules"));
    (void)load_options(p);
}

std::string unique_fields_removed() {
    return "was removed in v0.7.1: BulkUpsert always detects conflicts on 'id'. Remove unique_fields, make sure "
           "every record has an 'id', and choose conflict_resolution: update or skip";
}

std::unique_ptr<Node> make_ingest_node(const std::string& model, Operation op) {
    return std::make_unique<BulkIngestNode>(model, op);
}

} // namespace bulkflow::bulk
