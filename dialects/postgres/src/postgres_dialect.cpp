#include "pg_connection.hpp"
#include "pg_copy_encode.hpp"
#include "pg_ddl.hpp"
#include "pg_indexes.hpp"
#include "pg_values.hpp"
#include "pg_writer.hpp"

#include <bulkflow/postgres_dialect.hpp>
#include <bulkflow/transaction.hpp>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdlib>

namespace bulkflow {
namespace {

using detail::PgConnection;
using detail::PgError;

class PostgresDialect final : public Dialect {
public:
    explicit PostgresDialect(const DatabaseUrl& url) : conn_(url), writer_(conn_) {}

    DatabaseKind kind() const noexcept override { return DatabaseKind::postgresql; }
    const SqlFlavor& flavor() const noexcept override { return sql_flavor(DatabaseKind::postgresql); }

    void ensure_table(const Model& m) override {
        writer_.forget_table(m.table);
        detail::ensure_pg_table(conn_, m);
    }

    void set_load_options(const LoadOptions& o) override {
        const auto options = detail::pg_load_options(o);  // throws before anything changes
        if (o.disable_triggers != triggers_off_) {
            triggers_off_ = o.disable_triggers;
            try {
                apply_replication_role();
            } catch (const PgError& e) {
                triggers_off_ = !triggers_off_;
                if (e.sqlstate() != "42501") throw;
                throw Error(ErrorCode::database, "disable_triggers needs a superuser (session_replication_role): " + e.bare());
            }
        }
        writer_.set_options(options);
    }

    void drop_secondary_indexes(const Model& m) override { indexes_.drop(conn_, m); }
    void restore_secondary_indexes(const Model& m) override {
        if (conn_.broken()) reconnect();
        try {
            indexes_.restore(conn_, m);
        } catch (const Error&) {
            if (!conn_.broken()) throw;
            reconnect();  // lost before or while restoring: once more on a fresh connection
            indexes_.restore(conn_, m);
        }
    }

    void begin() override {
        if (conn_.broken()) reconnect();  // a retry after a lost connection starts on a fresh one
        conn_.exec("BEGIN", "begin");
    }
    // A connection lost while COMMIT runs leaves the outcome unknown: the server may have
    // committed before it went. The transaction's id is read first, so that commit_outcome()
    // can ask a fresh connection for its status.
    void commit() override {
        commit_sent_ = false;
        if (!in_transaction()) throw Error(ErrorCode::connection, "commit: the transaction is gone (lost connection); none of its work is stored");
        if (conn_.failed_transaction()) return detail::commit_checked(conn_);  // says it rolled back
        {
            auto r = conn_.exec("SELECT txid_current()", "commit");
            txid_ = PQgetvalue(r.get(), 0, 0);
        }
        commit_sent_ = true;
        detail::commit_checked(conn_);
    }
    void rollback() noexcept override {
        if (conn_.in_transaction()) conn_.exec_quietly("ROLLBACK");
    }
    bool in_transaction() override { return !conn_.broken() && conn_.in_transaction(); }
    CommitOutcome commit_outcome() noexcept override {
        if (!conn_.broken()) {  // the server answered: the transaction is not committed
            rollback();
            return CommitOutcome::rolled_back;
        }
        return commit_sent_ ? outcome_after_loss(txid_) : CommitOutcome::rolled_back;
    }

    WriteCounts insert_rows(const Model& m, const RowBatch& rows, ConflictMode mode,
                            const std::vector<std::string>& conflict_columns) override {
        WriteCounts c;
        in_transaction_or_own(*this, [&] { c = writer_.insert_rows(m, rows, mode, conflict_columns); });
        return c;
    }
    void insert_collecting_ids(const Model& m, const RowBatch& rows, std::vector<SqlValue>& ids) override {
        in_transaction_or_own(*this, [&] { writer_.insert_collecting_ids(m, rows, ids); });
    }
    std::size_t update_rows(const Model& m, const RowBatch& rows, const std::string& extra_where) override {
        std::size_t n = 0;
        in_transaction_or_own(*this, [&] { n = writer_.update_rows(m, rows, extra_where); });
        return n;
    }

    std::size_t execute(const SqlFragment& stmt) override {
        auto r = conn_.exec_params(stmt.sql, stmt.binds, "statement failed");
        return static_cast<std::size_t>(std::strtoull(PQcmdTuples(r.get()), nullptr, 10));
    }

    std::vector<std::vector<SqlValue>> query(const SqlFragment& stmt, const std::vector<const Field*>& result) override {
        auto r = conn_.exec_params(stmt.sql, stmt.binds, "query failed");
        std::vector<std::vector<SqlValue>> out;
        read_rows(r.get(), result, out);
        return out;
    }

    std::unique_ptr<RowCursor> open_query(const SqlFragment& stmt, const std::vector<const Field*>& result) override {
        return std::make_unique<Cursor>(*this, stmt, result);
    }

    void set_foreign_key_checks(bool enabled) override {
        // replica mode skips the triggers that enforce foreign keys; it needs superuser rights.
        if (enabled != fk_off_) return;
        fk_off_ = !enabled;
        try {
            apply_replication_role();
        } catch (const PgError& e) {
            fk_off_ = !fk_off_;
            if (e.sqlstate() != "42501") throw;
            throw Error(ErrorCode::database, std::string("cannot turn foreign key checks ") + (enabled ? "on" : "off") +
                                                 ": PostgreSQL allows SET session_replication_role to superusers only (" +
                                                 e.bare() + ")");
        }
    }

    void advance_id_sequence(const Model& m) override {
        const Field& id = m.id_field();
        if (!id.auto_increment || id.type != FieldType::integer) return;
        const auto& q = flavor();
        // Never moves the sequence backwards (another session may hold values beyond MAX(id)),
        // and leaves an empty table's sequence alone.
        conn_.exec_params("SELECT setval(s, GREATEST(m, COALESCE(pg_sequence_last_value(s), 0)), true) FROM (SELECT "
                          "CAST(pg_get_serial_sequence(CAST($1 AS TEXT), 'id') AS regclass) AS s, (SELECT MAX(" +
                              q.quote_identifier(id.name) + ") FROM " + q.quote_identifier(m.table) +
                              ") AS m) AS bulkflow_q WHERE s IS NOT NULL AND m IS NOT NULL",
                          {SqlValue{q.quote_identifier(m.table)}}, "advancing the id sequence of '" + m.table + "'");
    }

private:
    /// A server-side cursor in a transaction of its own (a snapshot of the data when opened);
    /// closed, and the transaction ended, when the cursor is destroyed.
    class Cursor final : public RowCursor {
    public:
        Cursor(PostgresDialect& db, const SqlFragment& stmt, std::vector<const Field*> result)
            : db_(db), result_(std::move(result)) {
            if (db_.conn_.in_transaction())
                throw Error(ErrorCode::internal, "open_query needs a connection without an open transaction");
            db_.begin();
            try {
                db_.conn_.exec_params("DECLARE bulkflow_rows NO SCROLL CURSOR FOR " + stmt.sql, stmt.binds, "query failed");
            } catch (...) {
                db_.rollback();
                throw;
            }
        }
        ~Cursor() override { db_.rollback(); }  // read only: ending it is all CLOSE + COMMIT would do
        Cursor(const Cursor&) = delete;
        Cursor& operator=(const Cursor&) = delete;

        bool fetch(std::vector<std::vector<SqlValue>>& rows, std::size_t max) override {
            rows.clear();
            if (done_) return false;
            auto r = db_.conn_.exec("FETCH FORWARD " + std::to_string(std::max<std::size_t>(1, max)) + " FROM bulkflow_rows", "query failed");
            read_rows(r.get(), result_, rows);
            done_ = rows.size() < max;
            return !rows.empty();
        }

    private:
        PostgresDialect& db_;
        std::vector<const Field*> result_;
        bool done_ = false;
    };

    static void read_rows(const PGresult* r, const std::vector<const Field*>& result, std::vector<std::vector<SqlValue>>& out) {
        const int rows = PQntuples(r), cols = PQnfields(r);
        out.reserve(out.size() + static_cast<std::size_t>(rows));
        for (int i = 0; i < rows; ++i) {
            std::vector<SqlValue> values;
            values.reserve(static_cast<std::size_t>(cols));
            for (int c = 0; c < cols; ++c) {
                if (PQgetisnull(r, i, c)) {
                    values.emplace_back();
                    continue;
                }
                const auto col = static_cast<std::size_t>(c);
                const std::string_view text(PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c)));
                values.push_back(detail::from_pg_text(text, col < result.size() ? result[col] : nullptr, PQftype(r, c), PQfname(r, c)));
            }
            out.push_back(std::move(values));
        }
    }

    /// session_replication_role is replica while foreign key checks are off or triggers are
    /// disabled (either asks for it), DEFAULT otherwise; SET only when that changes.
    void apply_replication_role() {
        const bool want = fk_off_ || triggers_off_;
        if (want == replica_) return;
        conn_.exec(want ? "SET session_replication_role = replica" : "SET session_replication_role = DEFAULT",
                   "setting session_replication_role");
        replica_ = want;
    }

    /// After a connection lost during COMMIT: what became of transaction `txid`, asked on a
    /// fresh connection. Waits while the old backend is still finishing it; unknown when that
    /// cannot be proven (no connection, a status PostgreSQL no longer keeps).
    CommitOutcome outcome_after_loss(const std::string& txid) noexcept {
        try {
            reconnect();
            for (int i = 0; i < 3000; ++i) {  // up to 30 s
                auto r = conn_.exec_params("SELECT txid_status(CAST($1 AS BIGINT))", {SqlValue{txid}}, "checking a commit's outcome");
                const std::string status = PQgetisnull(r.get(), 0, 0) ? "" : PQgetvalue(r.get(), 0, 0);
                if (status == "committed") return CommitOutcome::committed;
                if (status == "aborted") return CommitOutcome::rolled_back;
                if (status != "in progress") return CommitOutcome::unknown;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        } catch (...) {
        }
        return CommitOutcome::unknown;
    }

    void reconnect() {
        conn_.reconnect();
        writer_.forget_session();
        replica_ = false;  // a new session starts in DEFAULT
        apply_replication_role();
    }

    PgConnection conn_;
    detail::PgWriter writer_;
    detail::IndexKeeper indexes_;
    std::string txid_;          // the transaction being committed
    bool commit_sent_ = false;  // its COMMIT went to the server
    bool fk_off_ = false;        // set_foreign_key_checks(false)
    bool triggers_off_ = false;  // LoadOptions::disable_triggers
    bool replica_ = false;       // what the session is set to
};

} // namespace

std::unique_ptr<Dialect> open_postgres(const DatabaseUrl& url) { return std::make_unique<PostgresDialect>(url); }

} // namespace bulkflow
