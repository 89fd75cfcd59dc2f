// <Model>BulkDeleteNode: safe deletes. Order of checks: selection (empty filter needs
// confirmed), count, dry_run, max_delete_count, confirm_delete, backup (flushed to disk), then
// cascade and the delete itself in one transaction.

#include "catalog.hpp"
#include "job.hpp"
#include "nodes.hpp"
#include "selection.hpp"

#include <bulkflow/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

namespace bulkflow::bulk {
namespace {

// The filter and ids as one selection, or one per chunk of ids when the list is longer than one
// statement may bind (SQLite; PostgreSQL binds any number as one array); all run in the node's
// single transaction, so the chunks still delete all or nothing.
std::vector<Selection> selections(const Model& m, const Params& p, bool include_deleted, std::size_t per_statement) {
    const auto* ids = p.json("ids");
    if (!ids || !ids->is_array() || ids->get_array().size() <= per_statement)
        return {make_selection(m, p.json("filter"), ids, include_deleted)};
    std::vector<Selection> out;
    const auto& all = ids->get_array();
    for (std::size_t i = 0; i < all.size(); i += per_statement) {
        const boost::json::value chunk(boost::json::array(all.begin() + static_cast<std::ptrdiff_t>(i),
                                                          all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + per_statement))));
        out.push_back(make_selection(m, p.json("filter"), &chunk, include_deleted));
    }
    return out;
}

template <class Fn>
std::size_t sum_over(const std::vector<Selection>& sels, Fn&& fn) {
    std::size_t n = 0;
    for (const auto& s : sels) n += fn(s);
    return n;
}

// Writes the rows as JSON lines and forces them to disk; throws on any failure.
void write_backup(const std::string& path, const std::vector<boost::json::object>& rows) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw Error(ErrorCode::invalid_parameter, "parameter 'backup_location': cannot write '" + path + "'; nothing was deleted");
    bool ok = true;
    for (const auto& r : rows) {
        std::string line = boost::json::serialize(r) + "\n";
        ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size();
    }
    ok = ok && std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    ok = std::fclose(f) == 0 && ok;
    if (!ok)
        throw Error(ErrorCode::invalid_parameter, "parameter 'backup_location': writing '" + path + "' failed: " +
                                                      std::strerror(errno) + "; nothing was deleted");
}

using Cascade = std::vector<std::pair<const Relationship*, const Model*>>;

Cascade cascade_relationships(const Params& p, const Model& m, const ModelCatalog& catalog) {
    Cascade out;
    auto add = [&](const Relationship& r) {
        if (r.kind == RelationshipKind::belongs_to)
            Params::fail("cascade", "'" + r.name + "' is a belongs_to relationship; only has_one/has_many children are deleted");
        const Model* child = catalog.find(r.model);
        if (!child) Params::fail("cascade", "relationship '" + r.name + "' names unknown model '" + r.model + "'");
        out.emplace_back(&r, child);
    };
    if (p.get_bool("cleanup_related"))
        for (const auto& r : m.relationships)
            if (r.kind != RelationshipKind::belongs_to) add(r);
    if (const auto* c = p.json("cascade")) {
        if (!c->is_array()) Params::fail("cascade", "must be a list of relationship names");
        for (const auto& name : c->get_array()) {
            const Relationship* found = nullptr;
            for (const auto& r : m.relationships)
                if (name.is_string() && r.name == name.get_string()) found = &r;
            if (!found) Params::fail("cascade", "model '" + m.name + "' has no relationship " + boost::json::serialize(name));
            if (std::none_of(out.begin(), out.end(), [&](const auto& e) { return e.first == found; })) add(*found);
        }
    }
    return out;
}

// What the node reads from its parameters that needs no data (also the static check).
struct DeleteParams {
    bool hard = false, soft = false;
    Cascade cascade;
    std::string backup;  ///< empty: no backup
};

DeleteParams parse_delete_params(const Params& p, const Model& m, const ModelCatalog& catalog) {
    DeleteParams d;
    d.hard = p.get_bool("hard_delete");
    if (p.json("soft_delete") && p.get_bool("soft_delete") && !m.soft_delete && !d.hard)
        Params::fail("soft_delete", "needs a model with soft_delete: true ('" + m.name + "' has none); add it to the model or use hard_delete");
    d.soft = m.soft_delete && !d.hard && !(p.json("soft_delete") && !p.get_bool("soft_delete"));
    d.cascade = cascade_relationships(p, m, catalog);
    if (p.get_bool("backup_before_delete")) {
        d.backup = p.get_string("backup_location");
        if (d.backup.empty()) Params::fail("backup_location", "is required with backup_before_delete");
    }
    (void)make_selection(m, p.json("filter"), p.json("ids"), true);
    return d;
}

class BulkDeleteNode final : public Node {
public:
    explicit BulkDeleteNode(std::string model) : model_(std::move(model)) {}

    NodeOutput run(Context& ctx, const Params& p) override {
        ModelCatalog catalog(ctx.models());
        const Model& m = catalog.at(model_);
        const JobOptions opt = parse_job_options(p);
        const DeleteParams d = parse_delete_params(p, m, catalog);
        const bool hard = d.hard;
        const bool soft = d.soft;
        const auto& cascade = d.cascade;
        const std::string& backup = d.backup;
        std::optional<std::size_t> max_count;
        if (p.json("max_delete_count")) max_count = static_cast<std::size_t>(p.get_int("max_delete_count"));
        const bool confirm = p.get_bool("confirm_delete");

        JobStats stats("bulk_delete", opt);
        auto db = open_database(ctx, m);
        const auto sels = selections(m, p, opt.include_deleted && !soft, db->flavor().max_in_list());
        if (sels.size() == 1 && sels.front().selects_everything() && !opt.confirmed) refuse_everything(m, "delete");
        auto count = [&] { return sum_over(sels, [&](const Selection& s) { return count_rows(*db, m, s); }); };
        if (opt.dry_run) {
            const std::size_t n = count();
            boost::json::array sample;
            for (const auto& s : sels)
                for (auto& id : select_ids(*db, m, s, 10 - std::min<std::size_t>(10, sample.size())))
                    if (sample.size() < 10) sample.push_back(std::move(id));
            stats.records_processed = n;
            return stats.result({{"dry_run", true}, {"would_delete", n}, {"sample_ids", sample}, {"deleted", 0}});
        }
        Transaction txn(*db);
        txn.open();
        {
            // Counted first only when a limit or a question needs the number; otherwise the
            // delete's own row count is the result (one pass over the ids instead of two).
            const std::size_t n = max_count || confirm ? count() : 0;
            if (max_count && n > *max_count)
                throw Error(ErrorCode::refused, std::to_string(n) + " rows of '" + m.table + "' match, more than max_delete_count " +
                                                    std::to_string(*max_count) + "; nothing was deleted");
            if (confirm && n > 0 &&
                !ctx.confirm((soft ? "Soft-delete " : "Delete ") + std::to_string(n) + " rows from '" + m.table + "'?"))
                throw Error(ErrorCode::refused, "deleting " + std::to_string(n) + " rows from '" + m.table + "' was not confirmed; nothing was deleted");
            if (!backup.empty()) {
                std::vector<boost::json::object> rows;
                for (const auto& s : sels)
                    for (auto& r : select_rows(*db, m, s)) rows.push_back(std::move(r));
                write_backup(backup, rows);
            }
            boost::json::object cascaded;
            if (!cascade.empty()) {
                boost::json::array ids;
                for (const auto& s : sels)
                    for (auto& id : select_ids(*db, m, s, 0)) ids.push_back(std::move(id));
                for (const auto& [rel, child] : cascade) cascaded[rel->name] = delete_children(*db, *rel, *child, ids, hard);
            }
            const std::size_t deleted =
                sum_over(sels, [&](const Selection& s) { return soft ? soft_delete(*db, m, s) : hard_delete(*db, m, s); });
            txn.commit();
            stats.records_processed = deleted;
            stats.deleted = deleted;
            boost::json::object extra{{"deleted", deleted}, {"soft_delete", soft}};
            if (!cascade.empty()) extra["cascade"] = cascaded;
            if (!backup.empty()) extra["backup_location"] = backup;
            stats.batches = sels.size();
            return report_committed(stats, [&] { return extra; }, [&] { return stats.result(extra); });
        }
    }

private:
    static std::size_t delete_children(Dialect& db, const Relationship& rel, const Model& child,
                                       const boost::json::array& ids, bool hard) {
        if (ids.empty()) return 0;
        db.ensure_table(child);
        std::size_t n = 0;
        const std::size_t per_statement = db.flavor().max_in_list();
        for (std::size_t i = 0; i < ids.size(); i += per_statement) {
            boost::json::array chunk(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                     ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size() - i, per_statement) + i));
            Selection sel = make_selection(child, nullptr, nullptr, false);
            sel.filter = Filter::parse(boost::json::object{{rel.foreign_key, boost::json::object{{"$in", std::move(chunk)}}}}, child);
            n += child.soft_delete && !hard ? soft_delete(db, child, sel) : hard_delete(db, child, sel);
        }
        return n;
    }

    static std::size_t soft_delete(Dialect& db, const Model& m, const Selection& sel) {
        const auto& q = db.flavor();
        std::size_t next = 1;
        Selection live = sel;
        live.exclude_deleted = true;  // a second soft delete is a no-op
        SqlFragment s{"UPDATE " + q.quote_identifier(m.table) + " SET " + q.quote_identifier("deleted_at") + " = " +
                          q.current_timestamp() + ", " + q.quote_identifier("updated_at") + " = " + q.current_timestamp(),
                      {}};
        append(s, live.where(m, q, next));
        return db.execute(s);
    }

    static std::size_t hard_delete(Dialect& db, const Model& m, const Selection& sel) {
        const auto& q = db.flavor();
        std::size_t next = 1;
        SqlFragment s{"DELETE FROM " + q.quote_identifier(m.table), {}};
        append(s, sel.where(m, q, next));
        return db.execute(s);
    }

    std::string model_;
};

} // namespace

void check_delete_params(const Params& p, const Model& m, const ModelCatalog& catalog) {
    (void)parse_delete_params(p, m, catalog);
}

std::unique_ptr<Node> make_delete_node(const std::string& model) { return std::make_unique<BulkDeleteNode>(model); }

} // namespace bulkflow::bulk
