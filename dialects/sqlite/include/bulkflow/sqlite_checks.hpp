#pragma once
/// @file sqlite_checks.hpp
/// The SQL functions SQLite update expressions call to fail where PostgreSQL and MySQL fail
/// (docs/bulk-nodes.md, "Update fields"): SQLite itself turns an integer overflow into a REAL,
/// a division by zero into NULL and stores any digits into a decimal column. Each raises an SQL
/// error that aborts the statement, so the update changes nothing.
///   bulkflow_integer(x)       x, or "integer out of range" when an integer operation gave a REAL
///   bulkflow_divisor(x)       x, or "division by zero"
///   bulkflow_to_integer(x)    a rounded REAL as INTEGER, or "integer out of range"
///   bulkflow_real(x)          x, or "floating point out of range" (infinite or NaN)
///   bulkflow_decimal(x, p, s) printf('%.<s>f', x), or an error when it needs more than p - s
///                             integer digits
/// NULL passes through every one of them.

struct sqlite3;

namespace bulkflow {

/// Registers the functions on `db`.
/// Throws Error(database) when SQLite refuses.
void register_sqlite_checks(::sqlite3* db);

} // namespace bulkflow
