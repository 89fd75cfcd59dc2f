#include "my_connection.hpp"
#include "my_ddl.hpp"
#include "my_statement.hpp"
#include "my_writer.hpp"

#include <bulkflow/mysql_dialect.hpp>
#include <bulkflow/transaction.hpp>

#include <mysqld_error.h>

#include <cstdint>
#include <map>
#include <random>

namespace bulkflow {
namespace {

using detail::MyConnection;
using detail::MyError;
using detail::MyStatement;

class MysqlDialect final : public Dialect {
public:
    explicit MysqlDialect(const DatabaseUrl& url) : conn_(url), writer_(conn_), commit_key_(random_key()) {
        // Outside any transaction: DDL would commit one implicitly.
        conn_.exec("CREATE TABLE IF NOT EXISTS bulkflow_commit_log (session_key CHAR(32) PRIMARY KEY, seq BIGINT NOT NULL) "
                   "ENGINE=InnoDB",
                   "creating bulkflow_commit_log");
    }
    ~MysqlDialect() override {
        if (!conn_.broken()) conn_.exec_quietly(("DELETE FROM bulkflow_commit_log WHERE session_key = '" + commit_key_ + "'").c_str());
    }
    MysqlDialect(const MysqlDialect&) = delete;
    MysqlDialect& operator=(const MysqlDialect&) = delete;

    DatabaseKind kind() const noexcept override { return DatabaseKind::mysql; }
    const SqlFlavor& flavor() const noexcept override { return sql_flavor(DatabaseKind::mysql); }

    void ensure_table(const Model& m) override {
        if (conn_.broken()) reconnect();
        detail::ensure_my_table(conn_, m);
    }

    void set_load_options(const LoadOptions& o) override { writer_.set_load_data(o.use_load_data, o.load_data_delimiter, o.load_data_id_gaps); }

    void begin() override {
        if (conn_.broken()) reconnect();  // a retry after a lost connection starts on a fresh one
        conn_.exec("START TRANSACTION", "begin");
    }
    // A connection lost (or KILLed) while COMMIT runs leaves the outcome unknown: the server may
    // have committed. Every transaction also writes this connection's row of
    // bulkflow_commit_log, so that commit_outcome() can read it back on a fresh connection.
    void commit() override {
        commit_sent_ = false;
        // InnoDB ends the whole transaction on a deadlock and the session goes on in autocommit:
        // a COMMIT now would "succeed" for a transaction whose work is gone.
        if (!conn_.in_transaction())
            throw Error(ErrorCode::transient, "commit: the database already ended the transaction (deadlock or lost "
                                              "connection); none of its work is stored");
        seq_ = std::to_string(++commit_seq_);
        conn_.exec("REPLACE INTO bulkflow_commit_log (session_key, seq) VALUES ('" + commit_key_ + "', " + seq_ + ")", "commit");
        commit_sent_ = true;
        conn_.exec("COMMIT", "commit");
    }
    void rollback() noexcept override {
        if (!conn_.broken()) conn_.exec_quietly("ROLLBACK");
    }
    bool in_transaction() override { return conn_.in_transaction(); }
    CommitOutcome commit_outcome() noexcept override {
        if (!conn_.broken()) {  // the server answered: the transaction is not committed
            rollback();
            return CommitOutcome::rolled_back;
        }
        return commit_sent_ ? outcome_after_loss(seq_) : CommitOutcome::rolled_back;
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
        if (conn_.broken()) reconnect();
        if (stmt.binds.empty()) {
            conn_.exec(stmt.sql, "statement failed");
            return static_cast<std::size_t>(mysql_affected_rows(conn_.handle()));
        }
        MyStatement st(conn_, stmt.sql);
        for (std::size_t i = 0; i < stmt.binds.size() && i < st.param_count(); ++i) st.bind(i, stmt.binds[i]);
        return static_cast<std::size_t>(st.execute("statement failed"));
    }

    std::vector<std::vector<SqlValue>> query(const SqlFragment& stmt, const std::vector<const Field*>& result) override {
        if (conn_.broken()) reconnect();
        MyStatement st(conn_, stmt.sql);
        for (std::size_t i = 0; i < stmt.binds.size() && i < st.param_count(); ++i) st.bind(i, stmt.binds[i]);
        st.execute("query failed");
        std::vector<std::vector<SqlValue>> out;
        st.fetch_all(result, out, "query failed");
        return out;
    }

    void set_foreign_key_checks(bool enabled) override {
        if (conn_.broken()) reconnect();
        fk_off_ = !enabled;
        conn_.exec(enabled ? "SET foreign_key_checks = 1" : "SET foreign_key_checks = 0", "setting foreign_key_checks");
    }

    void advance_id_sequence(const Model&) override {
        // InnoDB moves the AUTO_INCREMENT counter past every explicit id it stores.
    }

    void drop_secondary_indexes(const Model& m) override {
        const auto& q = flavor();
        MyStatement st(conn_, "SELECT index_name, column_name, sub_part FROM information_schema.statistics "
                              "WHERE table_schema = DATABASE() AND table_name = ? AND non_unique = 1 "
                              "ORDER BY index_name, seq_in_index");
        const SqlValue table{m.table};
        st.bind(0, table);
        st.execute("reading the indexes of '" + m.table + "'");
        std::vector<std::vector<SqlValue>> rows;
        st.fetch_all({}, rows, "reading the indexes of '" + m.table + "'");
        std::map<std::string, std::string> defs;  // name -> column list
        for (const auto& r : rows) {
            const auto name = std::get<std::string>(r[0]);
            std::string col = q.quote_identifier(std::get<std::string>(r[1]));
            if (const auto* len = std::get_if<std::int64_t>(&r[2])) col += "(" + std::to_string(*len) + ")";
            auto& d = defs[name];
            d += (d.empty() ? "" : ", ") + col;
        }
        for (const auto& [name, cols] : defs) {
            try {
                conn_.exec("ALTER TABLE " + q.quote_identifier(m.table) + " DROP INDEX " + q.quote_identifier(name),
                           "dropping index '" + name + "'");
                dropped_[m.table][name] = cols;
            } catch (const MyError& e) {
                if (e.number() != ER_DROP_INDEX_FK) throw;  // a foreign key needs it: it stays
            }
        }
    }

    void restore_secondary_indexes(const Model& m) override {
        if (conn_.broken()) reconnect();
        auto it = dropped_.find(m.table);
        if (it == dropped_.end()) return;
        const auto& q = flavor();
        std::string failed;
        for (auto i = it->second.begin(); i != it->second.end();) {
            try {
                conn_.exec("ALTER TABLE " + q.quote_identifier(m.table) + " ADD INDEX " + q.quote_identifier(i->first) + " (" +
                               i->second + ")",
                           "restoring index '" + i->first + "'");
                i = it->second.erase(i);
            } catch (const MyError& e) {
                if (e.number() == ER_DUP_KEYNAME) {
                    i = it->second.erase(i);  // exists again
                    continue;
                }
                failed += (failed.empty() ? "" : "; ") + std::string(e.what());
                ++i;
            }
        }
        if (it->second.empty()) dropped_.erase(it);
        if (!failed.empty()) throw Error(ErrorCode::database, "could not rebuild the indexes of '" + m.table + "': " + failed);
    }

private:
    /// After a connection lost during COMMIT: whether the commit numbered `seq` happened. The
    /// locking read waits for the old connection's transaction to end either way; unknown when
    /// no fresh connection can tell.
    CommitOutcome outcome_after_loss(const std::string& seq) noexcept {
        try {
            reconnect();
            return conn_.scalar("SELECT seq FROM bulkflow_commit_log WHERE session_key = '" + commit_key_ + "' LOCK IN SHARE MODE",
                                "checking a commit's outcome") == seq
                       ? CommitOutcome::committed
                       : CommitOutcome::rolled_back;
        } catch (...) {
            return CommitOutcome::unknown;
        }
    }

    static std::string random_key() {
        std::random_device rd;
        std::string key;
        constexpr char hex[] = "0123456789abcdef";
        for (int i = 0; i < 32; ++i) key += hex[rd() % 16];
        return key;
    }

    void reconnect() {
        conn_.reconnect();
        writer_.forget_session();
        if (fk_off_) conn_.exec("SET foreign_key_checks = 0", "setting foreign_key_checks");
    }

    MyConnection conn_;
    detail::MyWriter writer_;
    std::string commit_key_;     // this connection's row in bulkflow_commit_log
    std::uint64_t commit_seq_ = 0;
    std::string seq_;           // the commit being made
    bool commit_sent_ = false;  // its COMMIT went to the server
    bool fk_off_ = false;
    std::map<std::string, std::map<std::string, std::string>> dropped_;  // table -> index -> columns
};

} // namespace

std::unique_ptr<Dialect> open_mysql(const DatabaseUrl& url) { return std::make_unique<MysqlDialect>(url); }

} // namespace bulkflow
