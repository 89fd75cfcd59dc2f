#pragma once
/// @file sqlite_dialect.hpp
/// The SQLite writer (SOCI). WAL journal, one transaction per batch, prepared statements reused
/// across rows; rows fail individually (a failed INSERT leaves the transaction usable), which
/// gives exact per-record error isolation.

#include <bulkflow/dialect.hpp>

#include <memory>

namespace bulkflow {

/// Opens `url` (sqlite:///path or sqlite:///:memory:). Throws Error(connection).
std::unique_ptr<Dialect> open_sqlite(const DatabaseUrl& url);

} // namespace bulkflow
