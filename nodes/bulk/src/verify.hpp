#pragma once
// verify_migration: re-reads the first input records (streams are re-openable), converts them
// as the load did, and checks that the table holds a row with the same values.

#include "convert.hpp"

#include <bulkflow/dialect.hpp>
#include <bulkflow/record.hpp>

#include <boost/json.hpp>

namespace bulkflow::bulk {

/// Returns {"checked": n, "mismatched": m, "mismatched_indexes": [...first 10]}. `fields`
/// empty: every field the record sets except json fields (those cannot be compared in SQL).
boost::json::object verify_sample(Dialect& db, const Model& model, const RecordStream& input, const ConvertOptions& convert,
                                  std::size_t sample, const std::vector<std::string>& fields);

} // namespace bulkflow::bulk
