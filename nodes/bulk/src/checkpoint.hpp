#pragma once
// Resumable loads: the number of input records already stored is kept in the database table
// bulkflow_checkpoints and written in the same transaction as each batch, so after a crash a
// re-run skips exactly the committed records.

#include <bulkflow/dialect.hpp>

#include <string>

namespace bulkflow::bulk {

std::size_t checkpoint_read(Dialect& db, const std::string& key);
/// Inside the batch's transaction.
void checkpoint_write(Dialect& db, const std::string& key, std::size_t records_done);
void checkpoint_clear(Dialect& db, const std::string& key);

} // namespace bulkflow::bulk
