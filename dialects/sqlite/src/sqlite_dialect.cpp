#include "native_statement.hpp"
#include "soci_binding.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/sqlite_checks.hpp>
#include <bulkflow/sqlite_dialect.hpp>

#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <filesystem>
#include <deque>
#include <map>
#include <optional>

namespace bulkflow {
namespace {

using detail::BindSlot;
using detail::SlotKind;

std::string sqlite_type(const Field& f) {
    switch (f.type) {
    case FieldType::integer:
    case FieldType::boolean: return "INTEGER";
    case FieldType::floating: return "REAL";
    default: return "TEXT";
    }
}

// Maps a SOCI/SQLite error to our categories; constraint failures are the record's fault.
Error db_error(const soci::soci_error& e, const std::string& context) {
    std::string msg = e.get_error_message();
    // SOCI prefixes its backend function ("sqlite3_statement_backend::loadOne: "): not for users.
    if (auto p = msg.find("_backend::"); p != std::string::npos)
        if (auto colon = msg.find(": ", p); colon != std::string::npos) msg = msg.substr(colon + 2);
    auto code = ErrorCode::database;
    if (e.get_error_category() == soci::soci_error::constraint_violation ||
        msg.find("constraint failed") != std::string::npos)
        code = ErrorCode::constraint_violation;
    else if (e.get_error_category() == soci::soci_error::connection_error)
        code = ErrorCode::connection;
    return Error(code, context + ": " + msg);
}

/// A query stepped row by row: SQLite produces each row when asked, so pages cost no more memory
/// than they hold.
class QueryCursor final : public RowCursor {
public:
    QueryCursor(soci::session& session, const SqlFragment& stmt, std::vector<const Field*> result)
        : result_(std::move(result)), st_(session) {
        try {
            for (const auto& b : stmt.binds) {
                auto& s = slots_.emplace_back();
                s.kind = detail::slot_kind(b);
                detail::fill_slot(s, b);
                switch (s.kind) {
                case SlotKind::integer: st_.exchange(soci::use(s.i, s.ind)); break;
                case SlotKind::real: st_.exchange(soci::use(s.d, s.ind)); break;
                case SlotKind::text: st_.exchange(soci::use(s.s, s.ind)); break;
                }
            }
            st_.exchange(soci::into(row_));
            st_.alloc();
            st_.prepare(stmt.sql);
            st_.define_and_bind();
            has_row_ = st_.execute(true);
        } catch (const soci::soci_error& e) {
            throw db_error(e, "query failed");
        }
    }

    bool fetch(std::vector<std::vector<SqlValue>>& rows, std::size_t max) override {
        rows.clear();
        try {
            while (has_row_ && rows.size() < max) {
                std::vector<SqlValue> values;
                values.reserve(row_.size());
                for (std::size_t i = 0; i < row_.size(); ++i)
                    values.push_back(detail::read_cell(row_, i, i < result_.size() ? result_[i] : nullptr));
                rows.push_back(std::move(values));
                has_row_ = st_.fetch();
            }
        } catch (const soci::soci_error& e) {
            throw db_error(e, "query failed");
        }
        return !rows.empty();
    }

private:
    // The statement refers to the row and the bound values: it is declared last, destroyed first.
    soci::row row_;
    std::deque<BindSlot> slots_;
    std::vector<const Field*> result_;
    soci::statement st_;
    bool has_row_ = false;
};

// SOCI's sqlite3 connection string for the URL's path and options (docs/getting-started.md,
// "Database URLs"): mode=ro|rw|rwc|memory, cache=shared|private.
std::string connect_string(const DatabaseUrl& url) {
    const std::string* mode = url.option("mode");
    const std::string* cache = url.option("cache");
    const std::string path = mode && *mode == "memory" ? ":memory:" : url.path;
    if (mode && *mode == "rw" && path != ":memory:" && !std::filesystem::exists(path))
        throw Error(ErrorCode::connection, "cannot open SQLite database '" + url.path + "': it does not exist (mode=rw "
                                                                                         "opens an existing file only)");
    std::string cs = "db=\"" + path + "\" timeout=30";
    if (mode && *mode == "ro") cs += " readonly=true";
    if (cache && *cache == "shared") cs += " shared_cache=true";
    return cs;
}

class SqliteDialect final : public Dialect {
public:
    explicit SqliteDialect(const DatabaseUrl& url) {
        try {
            session_.open(*soci::factory_sqlite3(), connect_string(url));
            session_ << "PRAGMA journal_mode=WAL";
            session_ << "PRAGMA synchronous=NORMAL";
            session_ << "PRAGMA foreign_keys=ON";
            session_ << "PRAGMA temp_store=MEMORY";
            session_ << "PRAGMA cache_size=-65536";
            register_sqlite_checks(handle());  // update expressions call them (sqlite_checks.hpp)
        } catch (const soci::soci_error& e) {
            throw Error(ErrorCode::connection, "cannot open SQLite database '" + url.path + "': " + e.get_error_message());
        }
    }

    DatabaseKind kind() const noexcept override { return DatabaseKind::sqlite; }
    const SqlFlavor& flavor() const noexcept override { return sql_flavor(DatabaseKind::sqlite); }

    void ensure_table(const Model& m) override {
        const auto& q = flavor();
        std::vector<std::pair<std::string, std::string>> existing;  // name, declared type
        try {
            soci::rowset<soci::row> rs = (session_.prepare << "PRAGMA table_info(" + q.quote_identifier(m.table) + ")");
            for (const auto& r : rs) existing.emplace_back(r.get<std::string>(1), r.get<std::string>(2));
        } catch (const soci::soci_error& e) {
            throw db_error(e, "table '" + m.table + "'");
        }
        if (!existing.empty()) {
            for (const auto& f : m.fields) {
                auto it = std::find_if(existing.begin(), existing.end(), [&](const auto& c) { return c.first == f.name; });
                if (it == existing.end())
                    throw Error(ErrorCode::invalid_workflow, "table '" + m.table + "' exists but has no column '" + f.name +
                                                                 "' required by model '" + m.name + "'; it is never altered automatically");
                std::string want = f.primary_key && f.type == FieldType::integer ? "INTEGER" : sqlite_type(f);
                std::string have = it->second;
                for (auto& c : have) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (have != want)
                    throw Error(ErrorCode::invalid_workflow, "table '" + m.table + "' column '" + f.name + "' has type " + have +
                                                                 ", model '" + m.name + "' needs " + want + " (" +
                                                                 std::string(to_string(f.type)) + ")");
            }
            return;
        }
        std::string ddl = "CREATE TABLE IF NOT EXISTS " + q.quote_identifier(m.table) + " (";
        bool first = true;
        for (const auto& f : m.fields) {
            if (!first) ddl += ", ";
            first = false;
            ddl += q.quote_identifier(f.name) + " " + sqlite_type(f);
            if (f.primary_key) ddl += " PRIMARY KEY";
            if (f.required || f.primary_key) ddl += " NOT NULL";
            if (f.unique && !f.primary_key) ddl += " UNIQUE";
            if (f.name == "created_at" || f.name == "updated_at") ddl += " NOT NULL DEFAULT (" + q.current_timestamp() + ")";
        }
        for (const auto& u : m.unique) {
            ddl += ", UNIQUE (";
            for (std::size_t i = 0; i < u.size(); ++i) ddl += (i ? ", " : "") + q.quote_identifier(u[i]);
            ddl += ")";
        }
        ddl += ")";
        try {
            session_ << ddl;
            for (const auto& f : m.fields)
                if (f.index && !f.unique && !f.primary_key)
                    session_ << "CREATE INDEX IF NOT EXISTS " + q.quote_identifier("idx_" + m.table + "_" + f.name) + " ON " +
                                    q.quote_identifier(m.table) + " (" + q.quote_identifier(f.name) + ")";
            if (m.soft_delete)
                session_ << "CREATE INDEX IF NOT EXISTS " + q.quote_identifier("idx_" + m.table + "_deleted_at") + " ON " +
                                q.quote_identifier(m.table) + " (" + q.quote_identifier("deleted_at") + ")";
        } catch (const soci::soci_error& e) {
            throw db_error(e, "creating table '" + m.table + "'");
        }
    }

    void begin() override {
        session_ << "BEGIN IMMEDIATE";
        native_.clear();  // statements are cheap to re-prepare; keep none across transactions
    }
    void commit() override {
        native_.clear();
        try {
            session_ << "COMMIT";
        } catch (const soci::soci_error& e) {
            throw db_error(e, "commit");
        }
    }
    void rollback() noexcept override {
        native_.clear();
        if (sqlite_api::sqlite3_get_autocommit(handle())) return;  // SQLite itself ended it (e.g. on SQLITE_FULL)
        try {
            session_ << "ROLLBACK";
        } catch (...) {
        }
    }
    bool in_transaction() override { return sqlite_api::sqlite3_get_autocommit(handle()) == 0; }
    CommitOutcome commit_outcome() noexcept override {
        rollback();  // a local file answers every COMMIT: it did not commit
        return CommitOutcome::rolled_back;
    }

    void insert_collecting_ids(const Model& m, const RowBatch& rows, std::vector<SqlValue>& ids) override {
        collect_ids_ = &ids;
        try {
            insert_rows(m, rows, ConflictMode::error, {});
        } catch (...) {
            collect_ids_ = nullptr;
            throw;
        }
        collect_ids_ = nullptr;
    }

    WriteCounts insert_rows(const Model& m, const RowBatch& rows, ConflictMode mode,
                            const std::vector<std::string>& conflict_columns) override {
        const auto& q = flavor();
        const auto& cols = rows.columns();
        std::vector<std::string> target = conflict_columns.empty() ? std::vector<std::string>{"id"} : conflict_columns;
        std::string sql = "INSERT INTO " + q.quote_identifier(m.table) + " (";
        for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + q.quote_identifier(cols[i]->name);
        // created_at/updated_at the records do not set: one timestamp per batch, bound once,
        // instead of the column DEFAULT's strftime() evaluated for every row.
        std::vector<std::string> stamped;
        for (const char* sys : {"created_at", "updated_at"})
            if (m.find(sys) && rows.column_of(sys) == cols.size()) stamped.emplace_back(sys);
        for (const auto& name : stamped) {
            sql += (sql.back() == '(' ? "" : ", ") + q.quote_identifier(name);
        }
        const std::size_t width = cols.size() + stamped.size();
        if (width == 0) {
            sql.pop_back();  // "INSERT INTO t DEFAULT VALUES": a record with only defaults
            sql.pop_back();
            sql += " DEFAULT VALUES";
        } else {
            sql += ") VALUES (";
            for (std::size_t i = 0; i < width; ++i) sql += (i ? ", ?" : "?");
            sql += ")";
        }
        // skip without conflict columns keeps a row met on any unique key; otherwise only the
        // target matches and another key's duplicate fails the record (docs/bulk-nodes.md, Conflicts).
        if (mode == ConflictMode::skip)
            sql += conflict_columns.empty() ? " ON CONFLICT DO NOTHING" : " ON CONFLICT (" + column_list(target) + ") DO NOTHING";
        if (mode == ConflictMode::update) sql += " ON CONFLICT (" + column_list(target) + ") DO NOTHING";
        auto& insert = native("insert:" + sql, sql);

        // update mode: rows that conflicted are updated by their conflict key.
        detail::NativeStatement* update = nullptr;
        std::vector<std::size_t> key_pos, set_pos;
        if (mode == ConflictMode::update) {
            for (const auto& t : target) {
                auto p = rows.column_of(t);
                if (p == cols.size())
                    throw Error(ErrorCode::invalid_parameter, "conflict column '" + t + "' is missing from the records");
                key_pos.push_back(p);
            }
            std::string up = "UPDATE " + q.quote_identifier(m.table) + " SET ";
            bool first = true;
            for (std::size_t i = 0; i < cols.size(); ++i) {
                if (std::find(key_pos.begin(), key_pos.end(), i) != key_pos.end()) continue;
                if (cols[i]->name == "created_at") continue;
                up += (first ? "" : ", ") + q.quote_identifier(cols[i]->name) + " = ?";
                first = false;
                set_pos.push_back(i);
            }
            if (rows.column_of("updated_at") == cols.size())
                up += std::string(first ? "" : ", ") + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
            up += " WHERE ";
            for (std::size_t k = 0; k < key_pos.size(); ++k) {
                up += (k ? " AND " : "") + q.quote_identifier(cols[key_pos[k]]->name) + " = ?";
            }
            update = &native("update:" + up, up);
        }

        if (!stamped.empty()) {
            const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
            // Bound without a copy: the member outlives every step of this call.
            stamp_ = SqlValue{detail::sqlite_timestamp_text(Timestamp{now.time_since_epoch().count()})};
            for (std::size_t i = 0; i < stamped.size(); ++i) insert.bind(cols.size() + i, stamp_);
        }
        WriteCounts counts;
        try {
            write_rows(rows, insert, update, set_pos, key_pos, counts);
        } catch (const RowWriteError& e) {
            throw RowWriteError(e, e.row(), counts);  // the rows before it are written: count them
        }
        return counts;
    }

    void write_rows(const RowBatch& rows, detail::NativeStatement& insert, detail::NativeStatement* update,
                    const std::vector<std::size_t>& set_pos, const std::vector<std::size_t>& key_pos, WriteCounts& counts) {
        const auto& cols = rows.columns();
        for (std::size_t r = 0; r < rows.rows(); ++r) {
            for (std::size_t c = 0; c < cols.size(); ++c) insert.bind(c, rows.at(r, c));
            long long n = run(insert, r, rows);
            if (n > 0) {
                ++counts.inserted;
                if (collect_ids_) {
                    const std::size_t id_pos = rows.column_of("id");
                    collect_ids_->push_back(id_pos < cols.size() ? rows.at(r, id_pos)
                                                                 : SqlValue{insert.last_insert_rowid()});
                }
                continue;
            }
            if (!update) {
                ++counts.skipped;
                continue;
            }
            std::size_t s = 0;
            for (auto p : set_pos) update->bind(s++, rows.at(r, p));
            for (auto p : key_pos) update->bind(s++, rows.at(r, p));
            if (run(*update, r, rows) > 0) ++counts.updated;
            else ++counts.skipped;
        }
    }

    std::size_t update_rows(const Model& m, const RowBatch& rows, const std::string& extra_where) override {
        const auto& q = flavor();
        const auto& cols = rows.columns();
        std::size_t id_pos = rows.column_of("id");
        if (id_pos == cols.size()) throw Error(ErrorCode::invalid_parameter, "update records need an 'id'");
        std::string sql = "UPDATE " + q.quote_identifier(m.table) + " SET ";
        std::vector<std::size_t> order;
        bool first = true;
        for (std::size_t i = 0; i < cols.size(); ++i) {
            if (i == id_pos) continue;
            sql += (first ? "" : ", ") + q.quote_identifier(cols[i]->name) + " = ?";
            first = false;
            order.push_back(i);
        }
        if (rows.column_of("updated_at") == cols.size())
            sql += std::string(first ? "" : ", ") + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
        sql += " WHERE " + q.quote_identifier("id") + " = ?";
        if (!extra_where.empty()) sql += " AND (" + extra_where + ")";
        order.push_back(id_pos);
        auto& st = native("update_rows:" + sql, sql);
        std::size_t changed = 0;
        for (std::size_t r = 0; r < rows.rows(); ++r) {
            for (std::size_t s = 0; s < order.size(); ++s) st.bind(s, rows.at(r, order[s]));
            try {
                changed += static_cast<std::size_t>(run(st, r, rows));
            } catch (const RowWriteError& e) {
                throw RowWriteError(e, e.row(), WriteCounts{0, changed, 0});
            }
        }
        return changed;
    }

    std::size_t execute(const SqlFragment& stmt) override {
        detail::NativeStatement st(handle(), stmt.sql);
        for (std::size_t i = 0; i < stmt.binds.size(); ++i) st.bind(i, stmt.binds[i]);
        return static_cast<std::size_t>(st.step());
    }

    std::vector<std::vector<SqlValue>> query(const SqlFragment& stmt, const std::vector<const Field*>& result) override {
        std::vector<std::vector<SqlValue>> out;
        QueryCursor cursor(session_, stmt, result);
        for (std::vector<std::vector<SqlValue>> page; cursor.fetch(page, 10000);)
            for (auto& row : page) out.push_back(std::move(row));
        return out;
    }

    std::unique_ptr<RowCursor> open_query(const SqlFragment& stmt, const std::vector<const Field*>& result) override {
        return std::make_unique<QueryCursor>(session_, stmt, result);
    }

    void set_foreign_key_checks(bool enabled) override {
        session_ << (enabled ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF");
    }

    void advance_id_sequence(const Model&) override {
        // INTEGER PRIMARY KEY without AUTOINCREMENT always allocates max(id) + 1.
    }

private:
    ::sqlite3* handle() {
        return reinterpret_cast<::sqlite3*>(static_cast<soci::sqlite3_session_backend*>(session_.get_backend())->conn_);
    }

    std::string column_list(const std::vector<std::string>& names) const {
        std::string s;
        for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + flavor().quote_identifier(names[i]);
        return s;
    }

    static long long run(detail::NativeStatement& st, std::size_t row, const RowBatch& rows) {
        try {
            return st.step();
        } catch (const Error& e) {
            throw RowWriteError(Error(e.code(), "record " + std::to_string(rows.record_index(row)) + ": " + e.what()), row);
        }
    }

    detail::NativeStatement& native(const std::string& key, const std::string& sql) {
        auto it = native_.find(key);
        if (it == native_.end()) it = native_.emplace(key, std::make_unique<detail::NativeStatement>(handle(), sql)).first;
        return *it->second;
    }

private:
    soci::session session_;
    std::map<std::string, std::unique_ptr<detail::NativeStatement>> native_;
    SqlValue stamp_;
    std::vector<SqlValue>* collect_ids_ = nullptr;  // set by insert_collecting_ids
};

} // namespace

std::unique_ptr<Dialect> open_sqlite(const DatabaseUrl& url) { return std::make_unique<SqliteDialect>(url); }

} // namespace bulkflow
