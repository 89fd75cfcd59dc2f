#pragma once
// Parallel writes for loads whose result depends on order only through shared keys (upserts,
// creates with conflict handling): batches may be written at once on several connections, but
// a batch that shares a conflict key with an earlier unfinished batch waits for it, so every
// key still sees its records in input order (the last one wins, counts are exact).

#include "convert.hpp"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace bulkflow::bulk {

/// Sorted, distinct hashes of the rows' values of each key (a list of columns; the key's
/// position is part of the hash). A row with a NULL in a key, or without one of its columns,
/// cannot conflict on it and is left out. Equal values hash equally; a collision only costs a wait.
std::vector<std::uint64_t> conflict_key_hashes(const ConvertedBatch& batch, const std::vector<std::vector<std::string>>& keys);

/// Admits batches in input order; a batch waits while an earlier admitted, unfinished batch
/// shares a key hash with it. admit() must be called in input order (a serial pipeline stage):
/// it blocks that stage, never a batch that an admitted batch waits for, so it cannot deadlock
/// as long as one other thread runs the admitted writes.
class KeyOrder {
public:
    void admit(std::size_t sequence, const std::vector<std::uint64_t>& keys);
    /// The batch's write ended (committed, failed or cancelled).
    void finish(std::size_t sequence);
    /// A stage failed and the pipeline is being cancelled: admissions stop waiting (a batch
    /// admitted before may never reach its write, so it would never finish).
    void abort();
    [[nodiscard]] bool aborted() const;
    /// How many admissions had to wait (for tests and logs).
    [[nodiscard]] std::size_t waits() const;

private:
    [[nodiscard]] bool conflicts(const std::vector<std::uint64_t>& keys) const;

    mutable std::mutex m_;
    std::condition_variable cv_;
    std::map<std::size_t, const std::vector<std::uint64_t>*> running_;
    std::size_t waits_ = 0;
    bool aborted_ = false;
};

} // namespace bulkflow::bulk
