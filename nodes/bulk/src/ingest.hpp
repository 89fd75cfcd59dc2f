#pragma once
// The create/upsert data path: stream -> batches -> parallel conversion -> ordered writes,
// one transaction per batch (or one for all with ensure_atomic), with bounded memory:
// at most parallel_batches + 1 batches exist at once.

#include "job.hpp"

#include <bulkflow/record.hpp>

#include <functional>
#include <string>
#include <vector>

namespace bulkflow::bulk {

struct IngestPlan {
    const Model* model = nullptr;
    ConvertOptions convert;
    /// Writes one group of converted rows inside the open transaction.
    std::function<WriteCounts(Dialect&, const RowBatch&)> write;
    /// Called once per batch, inside its transaction, after its rows are written (e.g. the
    /// atomic_ops of updates); its counts are added to the batch's.
    std::function<WriteCounts(Dialect&, const ConvertedBatch&)> after_write;
    /// Resumable: checkpoint key (empty: not resumable).
    std::string checkpoint_key;
    /// Opens one more connection for parallel writes (null: writes stay on `db`, in order).
    /// The node sets this when batch order cannot matter (plain inserts) or matters only through
    /// shared keys (conflict_keys); ensure_atomic and resumable loads always write in order on
    /// one connection.
    std::function<std::unique_ptr<Dialect>()> open_connection;
    /// Order-dependent loads that may still write in parallel (upserts, creates with conflict
    /// handling): their keys, each a list of columns. Batches sharing a value of any key are
    /// written one after the other in input order (key_order.hpp); empty: any order.
    std::vector<std::vector<std::string>> conflict_keys;
};

/// Runs the data path; fills `stats`. Throws Error on the first failure under stop (batches
/// already committed stay committed). With parallel_batches > 1 and `open_connection`, up to
/// connection_pool_size batches are written at once, each on its own pooled connection in its
/// own transaction (load_balancing: least_loaded takes any idle connection, round_robin gives
/// batch i connection i mod N); with a conflict_key, a batch sharing a key with an earlier
/// unfinished batch waits for it.
void ingest(Context& ctx, Dialect& db, const RecordStream& stream, const JobOptions& opt, const IngestPlan& plan,
            JobStats& stats);

} // namespace bulkflow::bulk
