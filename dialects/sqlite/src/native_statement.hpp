#pragma once
// The SQLite hot path: a statement prepared once on the connection SOCI opened, with values
// bound straight from the RowBatch (text without copies) and stepped per row. SOCI's use()
// binding copies every value into its own buffers and adds per-execute bookkeeping; for
// millions of rows that was the largest cost left in the writer.

#include <bulkflow/sql_value.hpp>

#include <cstdint>
#include <string>
#include <vector>

// Declared, not included: SOCI's backend header wraps <sqlite3.h> in its own namespace, and both
// meet in sqlite_dialect.cpp.
struct sqlite3;
struct sqlite3_stmt;

namespace bulkflow::detail {

class NativeStatement {
public:
    /// Prepares `sql` (persistent). Throws Error(database) with SQLite's message.
    NativeStatement(::sqlite3* db, const std::string& sql);
    ~NativeStatement();
    NativeStatement(const NativeStatement&) = delete;
    NativeStatement& operator=(const NativeStatement&) = delete;

    /// Binds parameter `index` (0-based). Text alternatives are bound without copying: `v` must
    /// stay alive and unchanged until step() returns.
    void bind(std::size_t index, const SqlValue& v);
    /// Executes once and resets; returns the rows changed. Throws Error(constraint_violation)
    /// for constraint failures, Error(database) otherwise; the statement is reset either way.
    long long step();
    /// The rowid of the last row inserted on this connection.
    [[nodiscard]] std::int64_t last_insert_rowid() const;

private:
    ::sqlite3* db_;
    ::sqlite3_stmt* stmt_ = nullptr;
    std::vector<std::string> scratch_;  // per parameter: formatted timestamps and dates
};

} // namespace bulkflow::detail
