#pragma once
/// @file postgres_dialect.hpp
/// The PostgreSQL writer, on libpq (libpq-fe.h stays out of this header).
///
/// Bulk inserts travel as `COPY table (cols) FROM STDIN (FORMAT binary)`, encoded straight from
/// the RowBatch's typed values into one reused buffer (int2/4/8, float8, bool, text/varchar,
/// numeric from the exact Decimal text, timestamp(tz), date, json/jsonb; the target's column
/// types are read from pg_attribute for each write). A batch holding a value binary cannot carry
/// exactly (say an integer too large for an INTEGER column) goes as text COPY instead, so the
/// server judges it like any text value. Upserts (ConflictMode::skip / update) and update_rows
/// COPY into a temporary staging table, then run one set-based INSERT ... ON CONFLICT or
/// UPDATE ... FROM, which gives exact inserted / updated / skipped counts.
///
/// Load options (set_load_options, validated up front, Error(invalid_parameter) naming the
/// option): copy_format "text" (PostgreSQL's text format; delimiter and null_string honoured,
/// the delimiter escaped inside values) or "csv" (fields with the delimiter, a quote, CR or LF,
/// empty strings and values equal to the NULL marker are quoted, so "" and NULL differ).
/// use_copy false replaces every COPY (staging ones included) with multi-row
/// `INSERT ... VALUES ($1, ...), (...)` of at most 65,535 binary parameters each, with the same
/// counts and row isolation. disable_triggers sets session_replication_role = replica (user
/// triggers and foreign key triggers do not fire; superusers only, else Error(database)) until
/// set_load_options is called without it or the connection closes; it composes with
/// set_foreign_key_checks(false), which uses the same setting: replica while either asks for
/// it. Both should be called outside a transaction (a SET inside one is undone by ROLLBACK).
///
/// drop_secondary_indexes / restore_secondary_indexes: the indexes dropped are those that are
/// not the primary key, not unique, not exclusion indexes and back no constraint (nor replica
/// identity, CLUSTER, invalid or partition indexes); their pg_get_indexdef() is remembered by
/// this Dialect object (not on disk). Call both outside a transaction: drop runs in a
/// transaction of its own (all indexes or none, committed before it returns, so other
/// connections load without them); restore recreates each index in its own transaction (in
/// its former tablespace), skips one that exists again by name (so it is idempotent and safe
/// without a drop), reconnects a lost connection, rolls back a failed transaction, and throws
/// Error(database) listing any index it could not rebuild (remembered for another attempt). If
/// the caller does hold a transaction, both join it, and a ROLLBACK brings the indexes back.
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
