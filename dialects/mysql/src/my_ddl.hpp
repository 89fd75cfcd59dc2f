#pragma once
// CREATE TABLE per the MySQL storage convention (sql_flavor.hpp), or the check of an existing
// table (never altered).

#include "my_connection.hpp"

#include <bulkflow/model.hpp>

#include <string>

namespace bulkflow::detail {

/// The column type the writer creates for `f`.
std::string my_type(const Field& f);
/// The name of the index kept on a secondary-indexed column ("idx_<table>_<column>").
std::string my_index_name(const Model& m, const std::string& column);
/// Creates the table if missing, then checks its columns against the model (Error(invalid_workflow)).
void ensure_my_table(MyConnection& conn, const Model& m);

} // namespace bulkflow::detail
