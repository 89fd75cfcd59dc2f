#pragma once
// One libpq connection: statements, parameterised statements, COPY FROM STDIN, transactions and
// savepoints, and the mapping of PostgreSQL errors to bulkflow's categories.

#include <bulkflow/database_url.hpp>
#include <bulkflow/error.hpp>
#include <bulkflow/sql_value.hpp>

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow::detail {

/// A PostgreSQL error: the category, plus what the row isolation needs (SQLSTATE, COPY line).
class PgError : public Error {
public:
    PgError(ErrorCode code, const std::string& message, std::string sqlstate, std::string bare,
            std::optional<std::size_t> copy_line)
        : Error(code, message), sqlstate_(std::move(sqlstate)), bare_(std::move(bare)), copy_line_(copy_line) {}

    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
    /// The message without the operation prefix ("duplicate key ... (SQLSTATE 23505, ...)").
    [[nodiscard]] const std::string& bare() const noexcept { return bare_; }
    /// 1-based line of the COPY data that failed (from "COPY t, line N" in the error context).
    [[nodiscard]] std::optional<std::size_t> copy_line() const noexcept { return copy_line_; }
    /// Data exceptions (22) and integrity violations (23) are the fault of one row's values.
    [[nodiscard]] bool row_level() const noexcept {
        return sqlstate_.size() == 5 && sqlstate_[0] == '2' && (sqlstate_[1] == '2' || sqlstate_[1] == '3');
    }

private:
    std::string sqlstate_;
    std::string bare_;
    std::optional<std::size_t> copy_line_;
};

struct ResultDeleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

/// "line N" from a PG_DIAG_CONTEXT such as "COPY products, line 17, column name: \"x\"".
std::optional<std::size_t> parse_copy_line(std::string_view context) noexcept;

/// The connection keywords the linked libpq knows (PQconndefaults).
std::vector<std::string> libpq_keywords();

class PgConnection {
public:
    /// Connects (with the URL's options as libpq keywords) and prepares the session (UTC, ISO
    /// dates, exact float output, notices silenced). Throws Error(connection) with the password
    /// redacted, Error(invalid_url) for an option this libpq does not know.
    explicit PgConnection(const DatabaseUrl& url);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    /// Runs one statement without parameters. Throws PgError prefixed with `what`.
    PgResult exec(const std::string& sql, std::string_view what);
    /// Runs one statement with text-format parameters converted from `binds`.
    PgResult exec_params(const std::string& sql, const std::vector<SqlValue>& binds, std::string_view what);
    /// Runs one statement with `n` prepared parameters (values may be binary, per `formats`).
    PgResult exec_params_raw(const std::string& sql, int n, const Oid* types, const char* const* values, const int* lengths,
                             const int* formats, std::string_view what);
    /// `copy_sql` must be a COPY ... FROM STDIN; sends `data` (in the format the statement
    /// names) and returns the rows copied. Throws PgError (with copy_line() when PostgreSQL names the line).
    std::size_t copy_in(const std::string& copy_sql, std::string_view data, std::string_view what);
    /// The same in pieces, so the server parses one piece while the client encodes the next:
    /// copy_begin, copy_put for each piece, then copy_end (also after a failed copy_put; it
    /// throws then). copy_end returns the rows copied.
    void copy_begin(const std::string& copy_sql, std::string_view what);
    bool copy_put(std::string_view data);
    std::size_t copy_end(bool sent, std::string_view what);

    /// True inside a transaction block (also when it has failed).
    [[nodiscard]] bool in_transaction() const noexcept;
    /// True inside a transaction block that has failed (only ROLLBACK is possible).
    [[nodiscard]] bool failed_transaction() const noexcept;
    /// True when the connection is lost.
    [[nodiscard]] bool broken() const noexcept;
    /// Reconnects a lost connection (session settings re-applied). Throws Error(connection).
    void reconnect();

    /// Runs `sql` and ignores any failure (rollback paths; never throws).
    void exec_quietly(const char* sql) noexcept;

    /// The error of a failed result (or of the connection when `r` is null).
    [[nodiscard]] PgError error(const PGresult* r, std::string_view what) const;

private:
    void prepare_session();
    PgResult check(PgResult r, std::string_view what, ExecStatusType expected) const;

    PGconn* conn_ = nullptr;
    std::string redacted_url_;
};

/// Runs the caller's statements in a transaction when none is open (autocommit): BEGIN now,
/// commit() on success; the destructor rolls back if commit() was not reached.
class ImplicitTransaction {
public:
    explicit ImplicitTransaction(PgConnection& c);
    ~ImplicitTransaction();
    ImplicitTransaction(const ImplicitTransaction&) = delete;
    ImplicitTransaction& operator=(const ImplicitTransaction&) = delete;
    void commit();

private:
    PgConnection& conn_;
    bool owned_ = false;
};

/// Checks a COMMIT's result: PostgreSQL answers a COMMIT of a failed transaction with a
/// "ROLLBACK" status and no error, which must not pass for success.
void commit_checked(PgConnection& c);

} // namespace bulkflow::detail
