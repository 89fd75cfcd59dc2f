// <Model>BulkUpdateNode: by filter with {field: value | expression}, or by id from a list (or
// stream) of records, optionally with atomic_ops {"field": {"$inc": n} | {"$mul": n}}.

#include "catalog.hpp"
#include "ingest.hpp"
#include "nodes.hpp"
#include "selection.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/validation.hpp>

#include <limits>
#include <map>
#include <set>

namespace bulkflow::bulk {
namespace {

// The first row whose id matches no row of the table (a soft-deleted row does not match unless
// include_deleted), or rows.rows() when every id matches.
std::size_t first_missing_row(Dialect& db, const Model& m, const RowBatch& rows, const std::string& extra_where) {
    const auto& q = db.flavor();
    const std::size_t id = rows.column_of("id");
    const Field* id_field = m.find("id");
    std::set<std::string> found;
    constexpr std::size_t chunk = 1000;
    for (std::size_t from = 0; from < rows.rows(); from += chunk) {
        SqlFragment s{"SELECT " + q.quote_identifier("id") + " FROM " + q.quote_identifier(m.table) + " WHERE " +
                          q.quote_identifier("id") + " IN (",
                      {}};
        for (std::size_t r = from; r < std::min(rows.rows(), from + chunk); ++r) {
            s.binds.push_back(rows.at(r, id));
            s.sql += (r == from ? "" : ", ") + q.placeholder(s.binds.size());
        }
        s.sql += ")";
        if (!extra_where.empty()) s.sql += " AND (" + extra_where + ")";
        for (const auto& row : db.query(s, {id_field})) found.insert(boost::json::serialize(to_json(row[0])));
    }
    for (std::size_t r = 0; r < rows.rows(); ++r)
        if (!found.contains(boost::json::serialize(to_json(rows.at(r, id))))) return r;
    return rows.rows();
}

Error missing_row_error(const Model& m, const RowBatch& rows, std::size_t r) {
    return Error(ErrorCode::invalid_data, "record " + std::to_string(rows.record_index(r)) + ": no " + m.name + " with id " +
                                              boost::json::serialize(to_json(rows.at(r, rows.column_of("id")))) +
                                              " (nothing updated)");
}

// Updates rows by id; a record whose id matches no row is a failed record, never a silent
// success (RowWriteError: the rows before it are updated). With `isolate` (error_strategy
// continue) the ids are looked up first, so the failing record is found before its batch is
// written; otherwise only an update that changed fewer rows than it has records pays for the
// look-up, and the error fails the batch.
WriteCounts update_by_id(Dialect& db, const Model& m, const RowBatch& rows, const std::string& extra_where, bool isolate) {
    if (isolate) {
        const std::size_t missing = first_missing_row(db, m, rows, extra_where);
        if (missing < rows.rows()) {
            const std::size_t before = missing > 0 ? db.update_rows(m, rows.slice(0, missing), extra_where) : 0;
            throw RowWriteError(missing_row_error(m, rows, missing), missing, WriteCounts{0, before, 0});
        }
    }
    const std::size_t changed = db.update_rows(m, rows, extra_where);
    if (changed < rows.rows() && !isolate) {
        const std::size_t missing = first_missing_row(db, m, rows, extra_where);
        if (missing < rows.rows()) throw RowWriteError(missing_row_error(m, rows, missing), missing);
    }
    return WriteCounts{0, changed, 0};
}

const Field& settable_field(const Model& m, std::string_view name, const char* param) {
    const Field* f = m.find(name);
    if (!f) {
        std::vector<std::string> names;
        for (const auto& x : m.fields) names.push_back(x.name);
        std::string msg = "unknown field '" + std::string(name) + "' of model '" + m.name + "'";
        if (auto s = closest_match(name, names); !s.empty()) msg += " (did you mean '" + s + "'?)";
        Params::fail(param, msg);
    }
    if (f->name == "id" || f->name == "deleted_at" || f->name == "created_at")
        Params::fail(param, "field '" + f->name + "' cannot be updated");
    return *f;
}

// The text of an update value classified as an expression: "price * 0.9" or {"$expr": "..."}.
std::string expression_text(const boost::json::value& v) {
    return v.is_object() ? std::string(v.at("$expr").as_string()) : std::string(v.as_string());
}

// " SET a = ?, b = <expr>, updated_at = now" for the dict form of `fields`.
SqlFragment set_clause(const Model& m, const SqlFlavor& q, const boost::json::object& fields, std::size_t& next) {
    SqlFragment s{" SET ", {}};
    bool first = true;
    for (const auto& kv : fields) {
        const Field& f = settable_field(m, kv.key(), "fields");
        s.sql += (first ? "" : ", ") + q.quote_identifier(f.name) + " = ";
        first = false;
        const auto& v = kv.value();
        if (classify_update_value(v, m) == UpdateValueKind::expression) {
            append(s, Expr::parse(expression_text(v), m).to_assignment_sql(f, q, next));
        } else {
            const auto& lit = v.is_object() && v.get_object().contains("$literal") ? v.at("$literal") : v;
            SqlValue value;
            try {
                value = convert_value(f, lit);
            } catch (const Error& e) {
                Params::fail("fields", e.what());
            }
            s.sql += q.placeholder(next++);
            s.binds.push_back(std::move(value));
        }
    }
    if (!fields.contains("updated_at"))
        s.sql += std::string(first ? "" : ", ") + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
    return s;
}

// Called in a catch block: rethrows a database error of an update by filter naming the
// expressions it evaluated ("price = price * 10"), since the database names neither the field
// nor the expression when a result does not fit (overflow, division by zero).
[[noreturn]] void rethrow_naming_expressions(const Error& e, const Model& m, const boost::json::object& fields) {
    if (e.code() != ErrorCode::database) throw;
    std::string named;
    for (const auto& kv : fields) {
        if (classify_update_value(kv.value(), m) != UpdateValueKind::expression) continue;
        named += (named.empty() ? "" : ", ") + std::string(kv.key()) + " = " + expression_text(kv.value());
    }
    if (named.empty()) throw;
    throw Error(e.code(), "update of " + named + " failed: " + e.what(), e.node());
}

// One UPDATE per record with atomic_ops: SET f = f + n (or * n) WHERE id = ?.
WriteCounts apply_atomic_ops(Dialect& db, const Model& m, const ConvertedBatch& batch, const std::string& soft_where) {
    const auto& q = db.flavor();
    WriteCounts counts;
    if (batch.nested.empty()) return counts;
    std::map<std::size_t, const SqlValue*> id_of;  // record index -> its id, for the whole batch
    for (const auto& g : batch.groups) {
        const std::size_t id_col = g.column_of("id");
        for (std::size_t r = 0; r < g.rows(); ++r) id_of[g.record_index(r)] = &g.at(r, id_col);
    }
    for (const auto& [index, nested] : batch.nested) {
        const auto* ops = nested.if_contains("atomic_ops");
        if (!ops) continue;
        if (!ops->is_object()) throw Error(ErrorCode::invalid_data, "record " + std::to_string(index) + ": atomic_ops must be an object");
        auto found = id_of.find(index);
        if (found == id_of.end()) continue;  // the record itself was rejected
        const SqlValue* id = found->second;
        std::size_t next = 1;
        SqlFragment s{"UPDATE " + q.quote_identifier(m.table) + " SET ", {}};
        for (const auto& op : ops->get_object()) {
            const Field& f = settable_field(m, op.key(), "atomic_ops");
            if (!op.value().is_object() || op.value().get_object().size() != 1)
                throw Error(ErrorCode::invalid_data, "record " + std::to_string(index) + ": atomic_ops." + f.name + " must be {\"$inc\": n} or {\"$mul\": n}");
            const auto& [name, amount] = *op.value().get_object().begin();
            if (!amount.is_number() || (name != "$inc" && name != "$mul"))
                throw Error(ErrorCode::invalid_data, "record " + std::to_string(index) + ": atomic_ops." + f.name + " must be {\"$inc\": n} or {\"$mul\": n} with a number");
            // The amount is a JSON number re-serialised into our own expression parser, never into SQL.
            auto expr = Expr::parse(f.name + (name == "$inc" ? " + (" : " * (") + boost::json::serialize(amount) + ")", m);
            s.sql += q.quote_identifier(f.name) + " = ";
            append(s, expr.to_assignment_sql(f, q, next));
            s.sql += ", ";
        }
        s.sql += q.quote_identifier("updated_at") + " = " + q.current_timestamp() + " WHERE " + q.quote_identifier("id") + " = " + q.placeholder(next++);
        s.binds.push_back(*id);
        if (!soft_where.empty()) s.sql += " AND " + soft_where;
        counts.updated += db.execute(s);
    }
    return counts;
}

// The filter form's parameters, checked before anything runs: the selection, then every field
// and expression of `fields` (with any flavor: the SQL is not kept).
Selection parse_filter_form(const Params& p, const Model& m, const boost::json::object& fields, bool include_deleted) {
    if (fields.empty()) Params::fail("fields", "is empty: name at least one field to set");
    Selection sel = make_selection(m, p.json("filter"), nullptr, include_deleted);
    std::size_t next = 1;
    (void)set_clause(m, sql_flavor(DatabaseKind::sqlite), fields, next);
    return sel;
}

void check_list_form(const Params& p) {
    if (p.json("filter")) Params::fail("filter", "applies to the object form of fields; a list of records selects rows by id");
}

class BulkUpdateNode final : public Node {
public:
    explicit BulkUpdateNode(std::string model) : model_(std::move(model)) {}

    NodeOutput run(Context& ctx, const Params& p) override {
        ModelCatalog catalog(ctx.models());
        const Model& m = catalog.at(model_);
        const JobOptions opt = parse_job_options(p);
        const Param* fields = p.find("fields");
        const bool dict_form = fields && !fields->is_stream() && fields->json().is_object();
        if (dict_form) {
            try {
                return update_by_filter(ctx, p, m, opt, fields->json().get_object());
            } catch (const Error& e) {
                rethrow_naming_expressions(e, m, fields->json().get_object());
            }
        }
        const bool has_fields = fields && (fields->is_stream() || !fields->json().is_null());
        StreamPtr records = has_fields ? p.records("fields") : p.records("data");
        if (!records) Params::fail("fields", "is required: an object {field: value} with a filter, or a list of records with id");
        check_list_form(p);
        return update_by_records(ctx, p, m, opt, *records);
    }

private:
    NodeOutput update_by_filter(Context& ctx, const Params& p, const Model& m, const JobOptions& opt,
                                const boost::json::object& fields) {
        const Selection sel = parse_filter_form(p, m, fields, opt.include_deleted);
        if (sel.selects_everything() && !opt.confirmed) refuse_everything(m, "update");
        JobStats stats("bulk_update", opt);
        auto db = open_database(ctx, m);
        const auto& q = db->flavor();
        std::size_t next = 1;
        SqlFragment stmt{"UPDATE " + q.quote_identifier(m.table), {}};
        append(stmt, set_clause(m, q, fields, next));
        append(stmt, sel.where(m, q, next));
        if (opt.dry_run) {
            const std::size_t n = count_rows(*db, m, sel);
            stats.records_processed = n;
            return stats.result({{"dry_run", true}, {"would_update", n}, {"sample_ids", select_ids(*db, m, sel, 10)}, {"updated", 0}});
        }
        const bool chunked = p.json("batch_size") && !opt.ensure_atomic && m.id_field().type == FieldType::integer;
        if (chunked)
            return report_committed(stats, [&] { return boost::json::object{{"updated", stats.updated}}; },
                                    [&] { return update_in_chunks(p, m, opt, sel, fields, *db, stats); });
        Transaction txn(*db);
        txn.open();
        boost::json::object extra;
        std::size_t n = 0;
        if (p.get_bool("return_updated", false)) {
            std::size_t k = 1;
            boost::json::array rows;
            for (auto& r : updated_rows(*db, m, stmt, sel.where(m, q, k))) rows.push_back(std::move(r));
            n = rows.size();
            extra["records"] = std::move(rows);
        } else {
            n = db->execute(stmt);
        }
        extra["updated"] = n;
        txn.commit();
        stats.records_processed = n;
        stats.updated = n;
        ++stats.batches;
        return report_committed(stats, [&] { return boost::json::object{{"updated", stats.updated}}; }, [&] { return stats.result(extra); });
    }

    // Runs `update` and returns the rows it changed, in id order: by RETURNING, or where the
    // database has none (MySQL) by selecting the ids matching `where` first and the rows after.
    static std::vector<boost::json::object> updated_rows(Dialect& db, const Model& m, const SqlFragment& update,
                                                         const SqlFragment& where) {
        if (db.flavor().update_returning()) return update_returning_rows(db, m, update);
        const auto& q = db.flavor();
        SqlFragment select_ids{"SELECT " + q.quote_identifier("id") + " FROM " + q.quote_identifier(m.table), {}};
        append(select_ids, where);
        boost::json::array ids;
        for (const auto& r : db.query(select_ids, {&m.id_field()})) ids.push_back(to_json(r.at(0)));
        db.execute(update);
        std::vector<boost::json::object> out;
        const std::size_t per_statement = q.max_in_list();
        for (std::size_t i = 0; i < ids.size(); i += per_statement) {
            const boost::json::value chunk(boost::json::array(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                                              ids.begin() + static_cast<std::ptrdiff_t>(i + std::min(per_statement, ids.size() - i))));
            for (auto& r : select_rows(db, m, make_selection(m, nullptr, &chunk, true))) out.push_back(std::move(r));
        }
        return out;
    }

    // batch_size rows per transaction, in id order: each chunk is the next batch_size matching
    // ids above the last chunk's, so rows already updated are never visited again.
    static NodeOutput update_in_chunks(const Params& p, const Model& m, const JobOptions& opt, const Selection& sel,
                                       const boost::json::object& fields, Dialect& db, JobStats& stats) {
        const auto& q = db.flavor();
        const std::string id = q.quote_identifier("id");
        const bool return_updated = p.get_bool("return_updated");
        boost::json::array updated_rows_json;
        std::int64_t last = std::numeric_limits<std::int64_t>::min();
        std::size_t total = 0;
        for (;;) {
            std::int64_t upto = 0;
            std::size_t chunk_updated = 0;
            Transaction txn(db);
            txn.open();
            {
                std::size_t next = 1;
                SqlFragment bound{"SELECT MAX(" + id + ") FROM (SELECT " + id + " FROM " + q.quote_identifier(m.table), {}};
                append(bound, sel.where(m, q, next));
                bound.sql += " AND " + id + " > " + q.placeholder(next++) + " ORDER BY " + id + " LIMIT " + std::to_string(opt.batch_size) + ") chunk";
                bound.binds.emplace_back(last);
                const auto top = db.query(bound, {&m.id_field()}).at(0).at(0);
                if (is_null(top)) {
                    txn.commit();
                    break;
                }
                upto = std::get<std::int64_t>(top);
                auto in_range = [&](SqlFragment& f, std::size_t& n) {
                    append(f, sel.where(m, q, n));
                    f.sql += " AND " + id + " > " + q.placeholder(n) + " AND " + id + " <= " + q.placeholder(n + 1);
                    n += 2;
                    f.binds.emplace_back(last);
                    f.binds.emplace_back(upto);
                };
                std::size_t n = 1;
                SqlFragment stmt{"UPDATE " + q.quote_identifier(m.table), {}};
                append(stmt, set_clause(m, q, fields, n));
                in_range(stmt, n);
                if (return_updated) {
                    std::size_t k = 1;
                    SqlFragment chunk_sel{"", {}};
                    in_range(chunk_sel, k);  // the same rows, for databases without UPDATE ... RETURNING
                    auto rows = updated_rows(db, m, stmt, chunk_sel);
                    chunk_updated = rows.size();
                    for (auto& r : rows) updated_rows_json.push_back(std::move(r));
                } else {
                    chunk_updated = db.execute(stmt);
                }
                txn.commit();
            }
            total += chunk_updated;  // committed: a later failure still reports it
            stats.records_processed = total;
            stats.updated = total;
            ++stats.batches;
            last = upto;
        }
        boost::json::object extra{{"updated", total}};
        if (return_updated) extra["records"] = std::move(updated_rows_json);
        return stats.result(extra);
    }

    NodeOutput update_by_records(Context& ctx, const Params& p, const Model& m, const JobOptions& opt, const RecordStream& records) {
        IngestPlan plan;
        plan.model = &m;
        plan.convert.ids = ConvertOptions::Ids::require;
        plan.convert.fill_defaults = false;
        plan.convert.check_required = false;
        plan.convert.nested = {"atomic_ops"};
        if (p.get_bool("validate_data")) plan.convert.rules = parse_rules(m, p.json("validation_rules"));
        JobStats stats("bulk_update", opt);
        auto db = open_database(ctx, m);
        const std::string soft_sql =
            m.soft_delete && !opt.include_deleted ? db->flavor().quote_identifier("deleted_at") + " IS NULL" : std::string();
        const bool isolate = opt.strategy == ErrorStrategy::continue_;
        plan.write = [&](Dialect& d, const RowBatch& rows) {
            if (rows.columns().size() <= 1) return WriteCounts{};  // only an id: atomic_ops alone
            return update_by_id(d, m, rows, soft_sql, isolate);
        };
        plan.after_write = [&](Dialect& d, const ConvertedBatch& batch) { return apply_atomic_ops(d, m, batch, soft_sql); };
        auto counts = [&] { return boost::json::object{{"updated", stats.updated}}; };
        return report_committed(stats, counts, [&] {
            ingest(ctx, *db, records, opt, plan, stats);
            boost::json::object extra = counts();
            if (opt.dry_run) extra["dry_run"] = true;
            return stats.result(extra);
        });
    }

    std::string model_;
};

} // namespace

void check_update_params(const Params& p, const Model& m) {
    const auto* fields = p.json("fields");
    if (fields && fields->is_object()) {
        (void)parse_filter_form(p, m, fields->get_object(), false);
        return;
    }
    if (fields || p.json("data")) check_list_form(p);
    if (p.get_bool("validate_data")) (void)parse_rules(m, p.json("validation_rules"));
}

std::unique_ptr<Node> make_update_node(const std::string& model) { return std::make_unique<BulkUpdateNode>(model); }

} // namespace bulkflow::bulk
