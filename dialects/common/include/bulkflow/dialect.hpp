#pragma once
/// @file dialect.hpp
/// The narrow interface every database writer implements. One Dialect object owns one
/// connection and is used by one task at a time (not thread-safe). All SQL is built from
/// validated identifiers (the Model) and bound values (SqlFragment binds).

#include <bulkflow/database_url.hpp>
#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/row_batch.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bulkflow {

/// What happens when an inserted row collides with an existing one.
enum class ConflictMode {
    error,   ///< the batch fails (constraint_violation)
    skip,    ///< the row is left as it is and counted as skipped
    update,  ///< the existing row takes the new values and is counted as updated
};

struct WriteCounts {
    std::size_t inserted = 0;
    std::size_t updated = 0;
    std::size_t skipped = 0;

    WriteCounts& operator+=(const WriteCounts& b) noexcept {
        inserted += b.inserted;
        updated += b.updated;
        skipped += b.skipped;
        return *this;
    }
};

/// What became of a transaction whose COMMIT failed.
enum class CommitOutcome { committed, rolled_back, unknown };

/// A write failed on one row of a batch, and only that row: rows before it are written, the
/// transaction is still usable, and the caller may continue with the rows after it. Dialects
/// that cannot isolate a row (COPY) throw a plain Error instead, and the caller bisects.
class RowWriteError : public Error {
public:
    RowWriteError(const Error& e, std::size_t row, WriteCounts written = {}) : Error(e), row_(row), written_(written) {}
    [[nodiscard]] std::size_t row() const noexcept { return row_; }
    /// What the rows before the failing one did (they are written).
    [[nodiscard]] const WriteCounts& written() const noexcept { return written_; }

private:
    std::size_t row_;
    WriteCounts written_;
};

/// Per-load tuning from a bulk node's parameters. Each writer applies what it supports and
/// ignores the rest (the node documents which database honours which option).
struct LoadOptions {
    bool use_copy = true;             ///< PostgreSQL: COPY; false: multi-row INSERT with bound parameters
    std::string copy_format = "binary";  ///< PostgreSQL COPY format: binary | text | csv
    std::string copy_delimiter;       ///< text/csv: one character (default: tab for text, ',' for csv)
    std::string copy_null;            ///< text/csv NULL marker (default: \N for text, empty for csv)
    bool disable_triggers = false;    ///< PostgreSQL: session_replication_role = replica for the load
    bool use_load_data = true;        ///< MySQL: plain creates by LOAD DATA LOCAL INFILE from memory
    char load_data_delimiter = '\t';  ///< MySQL LOAD DATA field separator (mysql_options.fields_terminated_by)
    bool load_data_id_gaps = false;   ///< MySQL: LOAD DATA even where it leaves gaps between generated ids
};

/// The rows of one query, fetched a page at a time.
class RowCursor {
public:
    virtual ~RowCursor() = default;
    /// Replaces `rows` with up to `max` next rows; false (and `rows` empty) at the end.
    virtual bool fetch(std::vector<std::vector<SqlValue>>& rows, std::size_t max) = 0;
};

class Dialect {
public:
    virtual ~Dialect() = default;

    /// Applies a bulk node's load options to this connection (before begin()). Throws
    /// Error(invalid_parameter) for values the writer cannot use (e.g. a bad copy format) and
    /// Error(database) when it lacks the privilege (disable_triggers without superuser).
    virtual void set_load_options(const LoadOptions& /*options*/) {}
    /// disable_indexes: drops the table's secondary indexes (not primary key or unique ones)
    /// before a load; restore_secondary_indexes() recreates exactly what was dropped. Callers
    /// restore even when the load fails. Writers without the optimisation do nothing.
    virtual void drop_secondary_indexes(const Model& /*model*/) {}
    virtual void restore_secondary_indexes(const Model& /*model*/) {}

    [[nodiscard]] virtual DatabaseKind kind() const noexcept = 0;
    [[nodiscard]] virtual const SqlFlavor& flavor() const noexcept = 0;

    /// Creates the table (and indexes, unique constraints) if missing; if it exists, checks that
    /// every model column exists with a compatible type and throws Error(invalid_workflow)
    /// naming the table and column when not. Never alters an existing table.
    virtual void ensure_table(const Model& model) = 0;

    /// The transaction verbs. Only the transaction owner (transaction.hpp) calls them: nodes
    /// and writers never begin, commit or roll back on their own. begin() reconnects a lost
    /// connection first. commit() throws Error when the COMMIT failed; commit_outcome() then
    /// tells what became of the transaction.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    /// True while this connection holds an open transaction (a failed PostgreSQL one included).
    /// After a failed statement it reflects what the database did: InnoDB ends the whole
    /// transaction on a deadlock, SQLite on some errors, and a lost connection ends it too.
    [[nodiscard]] virtual bool in_transaction() = 0;
    /// After commit() threw: committed, rolled back, or unknown. A connection lost while
    /// COMMIT ran is asked on a fresh connection (PostgreSQL txid_status, the MySQL commit-log
    /// row); when the database cannot prove the outcome it is unknown, never "rolled back".
    [[nodiscard]] virtual CommitOutcome commit_outcome() noexcept = 0;

    /// Inserts the batch's rows. `conflict_columns` names the unique key checked for conflicts
    /// (empty: the primary key `id`). Throws Error(constraint_violation | database) on failure;
    /// the caller decides about the transaction. Counts are exact.
    virtual WriteCounts insert_rows(const Model& model, const RowBatch& rows, ConflictMode mode,
                                    const std::vector<std::string>& conflict_columns) = 0;

    /// Inserts rows (conflicts are errors) and appends each inserted row's id to `ids`, in
    /// order. When a row fails (RowWriteError), the ids of the rows before it are already in `ids`.
    virtual void insert_collecting_ids(const Model& model, const RowBatch& rows, std::vector<SqlValue>& ids) = 0;

    /// Updates rows by `id` (the batch must have an `id` column); only the batch's columns are
    /// set (plus updated_at). `extra_where` restricts further (e.g. deleted_at IS NULL).
    /// Returns the number of rows changed.
    virtual std::size_t update_rows(const Model& model, const RowBatch& rows, const std::string& extra_where) = 0;

    /// Runs one statement; returns affected rows.
    virtual std::size_t execute(const SqlFragment& statement) = 0;

    /// Runs a query whose result columns have the given fields' types; returns rows of values.
    virtual std::vector<std::vector<SqlValue>> query(const SqlFragment& statement,
                                                     const std::vector<const Field*>& result_columns) = 0;

    /// The query's rows a page at a time, for results too large to hold: PostgreSQL reads them
    /// through a server-side cursor (in a transaction of its own until the cursor is
    /// destroyed), SQLite steps the statement. The connection serves nothing else meanwhile.
    /// The default runs query() and hands out its rows.
    virtual std::unique_ptr<RowCursor> open_query(const SqlFragment& statement, const std::vector<const Field*>& result_columns);

    /// Turns foreign key enforcement off/on for this connection (outside a transaction).
    virtual void set_foreign_key_checks(bool enabled) = 0;

    /// After explicit ids were stored: makes later auto-generated ids larger than any stored id.
    virtual void advance_id_sequence(const Model& model) = 0;
};

namespace detail {
/// RowCursor over rows already read.
class MaterializedCursor final : public RowCursor {
public:
    explicit MaterializedCursor(std::vector<std::vector<SqlValue>> rows) : rows_(std::move(rows)) {}
    bool fetch(std::vector<std::vector<SqlValue>>& out, std::size_t max) override {
        out.clear();
        for (; next_ < rows_.size() && out.size() < max; ++next_) out.push_back(std::move(rows_[next_]));
        return !out.empty();
    }

private:
    std::vector<std::vector<SqlValue>> rows_;
    std::size_t next_ = 0;
};
} // namespace detail

inline std::unique_ptr<RowCursor> Dialect::open_query(const SqlFragment& statement, const std::vector<const Field*>& result_columns) {
    return std::make_unique<detail::MaterializedCursor>(query(statement, result_columns));
}

/// Opens a dialect for `url` (throws Error(connection) with the password redacted).
using DialectOpener = std::unique_ptr<Dialect> (*)(const DatabaseUrl& url);

} // namespace bulkflow
