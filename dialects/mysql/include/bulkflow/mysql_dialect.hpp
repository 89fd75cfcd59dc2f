#pragma once
/// @file mysql_dialect.hpp
/// The MySQL/MariaDB writer: SOCI's mysql backend opens the connection (utf8mb4, local_infile),
/// and the MariaDB Connector/C handle SOCI holds runs server-side prepared statements with
/// SqlValues bound in the binary protocol (text without copies, DATETIME(6) as MYSQL_TIME, so
/// timestamps are exact; decimals as their exact text). The session runs in UTC with a strict
/// sql_mode. Tables are InnoDB, utf8mb4 (the server's default collation, case-insensitive).
///
/// Inserts are multi-row `INSERT ... VALUES (?, ...), (...)` of at most 1,000 rows and 65,535
/// parameters, prepared once and reused. Conflicts (ConflictMode skip / update) use
/// `ON DUPLICATE KEY UPDATE` (skip: `id = id`; update: every batch column but the key and
/// created_at from VALUES()), so a conflict on any unique index counts, as in SQLite's
/// ON CONFLICT DO NOTHING. Exact counts come from the server's insert info "Records: N
/// Duplicates: D" (with CLIENT_FOUND_ROWS, which SOCI sets, D counts every row that met an
/// existing key, changed or not): inserted = N - D, D skipped or updated. A statement of one
/// row gets no info, so such a row is tried as a plain INSERT and, on a duplicate key, skipped
/// or written again with ON DUPLICATE KEY UPDATE.
///
/// Load options: plain creates (ConflictMode::error) go through `LOAD DATA LOCAL INFILE`
/// streamed from memory (mysql_set_local_infile_handler; tab-separated text with backslash
/// escapes, \N for NULL) when use_load_data is set, the server has local_infile, and no
/// generated id is lost by it: the batch carries ids, the id is not AUTO_INCREMENT,
/// innodb_autoinc_lock_mode is 0, or load_data_id_gaps allows it (InnoDB reserves ids for a
/// LOAD DATA in growing blocks under modes 1/2 and drops the unused ones). A LOCAL load skips
/// duplicates and downgrades bad values to warnings, so a load whose info reports any skipped
/// row or warning is rolled back to the savepoint and the batch is written by INSERT instead.
///
/// insert_collecting_ids: LAST_INSERT_ID() of a multi-row INSERT is its first id, and the rows
/// got consecutive ids (step @@auto_increment_increment) when innodb_autoinc_lock_mode is 0 or
/// 1, which the writer reads at connect; with mode 2 it inserts one row per statement.
///
/// Row isolation: every write runs inside `SAVEPOINT bulkflow_row`; when a row-level error
/// occurs (SQLSTATE 22/23, or data errors such as 1366 incorrect value, 1364 no default) the
/// writer rolls back to the savepoint, bisects to the first failing row, writes the rows before
/// it and throws RowWriteError for it. Outside begin()/commit() each write runs in its own
/// transaction. Errors carry the MySQL error number, SQLSTATE and the column or key named in
/// the message; 1213 (deadlock) and 1205 (lock wait timeout) are ErrorCode::transient, lost or
/// killed connections (2006, 2013, 1927) ErrorCode::connection, and the next begin()
/// reconnects.
///
/// advance_id_sequence does nothing: InnoDB moves the AUTO_INCREMENT counter past every
/// explicit id it stores. drop/restore_secondary_indexes drop the non-unique indexes (not those
/// a foreign key needs) and add them back. open_query is the default (materialising) one.
///
/// Not thread-safe: one Dialect object per task (dialect.hpp).

#include <bulkflow/dialect.hpp>

#include <memory>

namespace bulkflow {

/// Connects to `url` (mysql:// or mariadb://). Throws Error(connection) without the password.
std::unique_ptr<Dialect> open_mysql(const DatabaseUrl& url);

} // namespace bulkflow
