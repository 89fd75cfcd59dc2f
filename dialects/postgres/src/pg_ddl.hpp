#pragma once
// Model -> PostgreSQL table: the column types (CONTRACT 4), CREATE TABLE for a missing table and
// the compatibility check of an existing one (never altered).

#include "pg_connection.hpp"

#include <bulkflow/model.hpp>

#include <string>

namespace bulkflow::detail {

/// The column type of a field: BIGSERIAL / BIGINT for integer ids, TEXT or VARCHAR(n),
/// BIGINT, DOUBLE PRECISION, BOOLEAN, NUMERIC(p,s), TIMESTAMPTZ, DATE, JSONB.
std::string pg_type(const Field& f);

/// Creates the table, its unique constraints and indexes if the table is missing; otherwise
/// checks every model column against information_schema.columns and throws
/// Error(invalid_workflow) naming the table and column when one is missing or incompatible.
void ensure_pg_table(PgConnection& conn, const Model& m);

} // namespace bulkflow::detail
