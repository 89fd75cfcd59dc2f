#pragma once
/// @file postgres_dialect.hpp
/// The PostgreSQL writer, on libpq (libpq-fe.h stays out of this header).
///
/// Bulk inserts travel as `COPY table (cols) FROM STDIN` in text format, built straight from the
/// RowBatch into one buffer. Upserts (ConflictMode::skip / update) and update_rows COPY into a
/// temporary staging table, then run one set-based INSERT ... ON CONFLICT or UPDATE ... FROM,
/// which gives exact inserted / updated / skipped counts.
///
/// Row isolation: a COPY is all-or-nothing, so every write runs inside `SAVEPOINT bulkflow_row`.
/// When a row-level error occurs (SQLSTATE class 22 data exception or 23 integrity violation),
/// the writer rolls back to the savepoint, writes the rows before the first failing row again
/// (the row is known from PostgreSQL's `COPY t, line N` context, or found by bisection when the
/// failing statement is not a COPY) and throws RowWriteError for it: the rows before it are
/// written and the transaction is still usable, as dialect.hpp requires. Outside begin()/commit()
/// each write runs in its own transaction, committed up to the failing row.
///
/// A text value containing a NUL byte cannot be stored in PostgreSQL: that record fails with a
/// RowWriteError (ErrorCode::invalid_data) and is never sent.
///
/// Errors map SQLSTATE classes: 23 -> constraint_violation; 08, 57P01-57P03 and a lost connection
/// -> connection; everything else (40001 and 40P01 included, which a retry may cure) -> database.
/// Messages carry the SQLSTATE and the constraint or column name; passwords are redacted.
///
/// Not thread-safe: one Dialect object per task (dialect.hpp).

#include <bulkflow/dialect.hpp>

#include <memory>

namespace bulkflow {

/// Connects to `url` (postgresql:// or postgres://), sets the session to UTC and ISO dates.
/// Throws Error(connection) whose message never contains the password.
std::unique_ptr<Dialect> open_postgres(const DatabaseUrl& url);

} // namespace bulkflow
