#include "pg_indexes.hpp"

#include <bulkflow/sql_flavor.hpp>

#include <algorithm>

namespace bulkflow::detail {
namespace {

const SqlFlavor& pg() { return sql_flavor(DatabaseKind::postgresql); }

} // namespace

void IndexKeeper::drop(PgConnection& conn, const Model& m) {
    const std::string what = "dropping the secondary indexes of '" + m.table + "'";
    ImplicitTransaction txn(conn);
    // Unique, primary key and exclusion indexes stay (they enforce something); so do indexes a
    // constraint uses, replica identity and CLUSTER indexes, invalid ones and partition children.
    auto r = conn.exec_params(
        "SELECT format('%I.%I', n.nspname, ci.relname), pg_get_indexdef(i.indexrelid), COALESCE(ts.spcname, '') "
        "FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ci.relnamespace "
        "LEFT JOIN pg_tablespace ts ON ts.oid = ci.reltablespace "
        "WHERE i.indrelid = CAST($1 AS regclass) AND ci.relkind = 'i' AND NOT i.indisprimary AND NOT i.indisunique "
        "AND NOT i.indisexclusion AND NOT i.indisreplident AND NOT i.indisclustered AND i.indisvalid "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) "
        "ORDER BY ci.relname",
        {SqlValue{pg().quote_identifier(m.table)}}, what);
    std::vector<Dropped> now;
    for (int i = 0; i < PQntuples(r.get()); ++i)
        now.push_back({PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1), PQgetvalue(r.get(), i, 2)});
    for (const auto& d : now) conn.exec("DROP INDEX " + d.qualified, what);
    txn.commit();
    auto& kept = dropped_[m.table];  // a second drop() adds to what the first remembered
    for (auto& d : now)
        if (std::none_of(kept.begin(), kept.end(), [&](const Dropped& k) { return k.qualified == d.qualified; }))
            kept.push_back(std::move(d));
}

void IndexKeeper::restore(PgConnection& conn, const Model& m) {
    auto it = dropped_.find(m.table);
    if (it == dropped_.end() || it->second.empty()) return;
    // Called after a failed load too: a lost connection is reopened, and a failed transaction,
    // which can only be rolled back, is rolled back.
    if (conn.broken()) conn.reconnect();
    if (conn.failed_transaction()) conn.exec("ROLLBACK", "rollback before restoring indexes");
    std::vector<Dropped> failed;
    std::string problems;
    for (auto& d : it->second) {
        const std::string what = "recreating index " + d.qualified + " of '" + m.table + "'";
        try {
            auto exists = conn.exec_params("SELECT to_regclass($1) IS NOT NULL", {SqlValue{d.qualified}}, what);
            if (PQgetvalue(exists.get(), 0, 0)[0] == 't') continue;
            ImplicitTransaction txn(conn);
            // pg_get_indexdef() omits the tablespace; pg_dump sets default_tablespace the same way.
            if (!d.tablespace.empty())
                conn.exec("SET LOCAL default_tablespace = " + pg().quote_identifier(d.tablespace), what);
            conn.exec(d.definition, what);
            txn.commit();
        } catch (const Error& e) {
            if (conn.broken()) throw;
            problems += std::string(problems.empty() ? "" : "; ") + e.what() + " [" + d.definition + "]";
            failed.push_back(d);
        }
    }
    it->second = std::move(failed);
    if (!problems.empty())
        throw Error(ErrorCode::database, "restoring the secondary indexes of '" + m.table + "' failed for " +
                                             std::to_string(it->second.size()) + " index(es): " + problems);
}

} // namespace bulkflow::detail
