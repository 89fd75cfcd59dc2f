#pragma once
// Resumable loads (docs/bulk-nodes.md, "Resumable loads"): the load ledger, the database table
// bulkflow_load_ledger, holds one row per (load key, input fingerprint) with the number of input
// records already stored and whether the load completed.
//
// - The row is advanced inside each batch's transaction by a compare-and-set (records_done moves
//   from the batch's first index to its end only if nobody moved it meanwhile), so after a crash a
//   re-run skips exactly the committed records, and two runs of one load at once cannot both
//   store a batch: the second one's compare-and-set waits for the first's commit, then fails.
// - A different input (another file, the same file changed, other in-memory data) has another
//   fingerprint, hence another row: it is a new load, never skipped against another input.
// - A completed input is a no-op on re-run (already_loaded).

#include <bulkflow/dialect.hpp>
#include <bulkflow/record.hpp>

#include <cstddef>
#include <string>

namespace bulkflow::bulk {

/// The state of one load in the ledger.
struct LedgerEntry {
    std::size_t records_done = 0;
    bool completed = false;
};

/// The fingerprint of a stream's content: the stream's own (a file's path, size and
/// modification time plus the reader's options) or, when the stream has none, a hash of every
/// record, read once.
std::string input_fingerprint(const RecordStream& stream);

class LoadLedger {
public:
    /// `key`: the load's name (node id and model, or checkpoint_file); `fingerprint`: the input's.
    LoadLedger(std::string key, std::string fingerprint);

    /// Creates the ledger table if missing (tolerating a concurrent creator) and this load's row
    /// if missing; returns the load's state. Outside any transaction.
    LedgerEntry open(Dialect& db) const;
    /// Inside a batch's transaction: records_done from `from` to `to`. Throws Error(refused) when
    /// another run moved it (the caller rolls the batch back).
    void advance(Dialect& db, std::size_t from, std::size_t to) const;
    /// Marks the load completed after its last batch (`records_done` records in all).
    void complete(Dialect& db, std::size_t records_done) const;

    [[nodiscard]] const std::string& key() const noexcept { return key_; }

private:
    std::string key_, input_, id_;  // id_: a hash of input_ (the fingerprint), the row's key
};

} // namespace bulkflow::bulk
