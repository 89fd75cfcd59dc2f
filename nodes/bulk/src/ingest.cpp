#include "ingest.hpp"

#include "checkpoint.hpp"
#include "key_order.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/transaction.hpp>

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <mutex>

namespace bulkflow::bulk {
namespace {

struct Token {
    RecordBatch raw;
    ConvertedBatch converted;
    std::size_t sequence = 0;
    std::vector<std::uint64_t> keys;  // conflict key hashes (ordered parallel writes only)
};

/// What writing one batch did; applied to the node's stats only once the batch committed.
struct BatchOutcome {
    WriteCounts counts;
    std::vector<Reject> failed;
};

/// Connections for parallel writes. least_loaded: any idle one; round_robin: batch i waits
/// for connection i mod N.
class ConnectionPool {
public:
    ConnectionPool(Dialect& first, std::vector<std::unique_ptr<Dialect>> more, bool round_robin)
        : owned_(std::move(more)), round_robin_(round_robin) {
        all_.push_back(&first);
        for (auto& d : owned_) all_.push_back(d.get());
        busy_.assign(all_.size(), false);
    }
    [[nodiscard]] std::size_t size() const noexcept { return all_.size(); }

    std::size_t acquire(std::size_t sequence) {
        std::unique_lock lock(m_);
        std::size_t pick = all_.size();
        cv_.wait(lock, [&] {
            if (round_robin_) pick = sequence % all_.size();
            else
                for (pick = 0; pick < all_.size() && busy_[pick]; ++pick) {}
            return pick < all_.size() && !busy_[pick];
        });
        busy_[pick] = true;
        return pick;
    }
    void release(std::size_t i) {
        {
            std::lock_guard lock(m_);
            busy_[i] = false;
        }
        cv_.notify_all();
    }
    Dialect& at(std::size_t i) { return *all_[i]; }

private:
    std::vector<std::unique_ptr<Dialect>> owned_;
    std::vector<Dialect*> all_;
    std::vector<bool> busy_;
    bool round_robin_;
    std::mutex m_;
    std::condition_variable cv_;
};

// ensure_atomic: the whole load is one transaction, committed at the end. dry_run: the same,
// rolled back at the end, so that its counts are the real run's (the database decides conflicts).
bool one_transaction(const JobOptions& opt) { return opt.ensure_atomic || opt.dry_run; }

// Writes one converted batch in its own transaction, or (ensure_atomic, dry_run) in a savepoint
// of the load's one transaction (`atomic`): failing rows isolated under continue, the ledger row
// advanced in the same transaction, retries per policy. A retry starts only from a known state:
// the batch's transaction rolled back, or its savepoint undone while the load's transaction
// stays open.
BatchOutcome write_batch(Context& ctx, Dialect& db, Transaction* atomic, const Token& token, const JobOptions& opt,
                         const IngestPlan& plan, const LoadLedger* ledger) {
    BatchOutcome out;
    const std::size_t batch_end = token.raw.first_index + token.raw.size();
    Transaction own(db);
    Transaction& txn = atomic ? *atomic : own;
    auto write = [&] {
        // First: the ledger row's lock orders two runs of one load before either writes.
        if (ledger) ledger->advance(db, token.raw.first_index, batch_end);
        for (const auto& group : token.converted.groups)
            out.counts += write_isolated(group, token.raw, opt, out.failed, [&](const RowBatch& part) { return plan.write(db, part); });
        if (plan.after_write) out.counts += plan.after_write(db, token.converted);
    };
    with_retries(
        ctx, opt,
        [&] {
            out = {};
            if (atomic) return txn.in_savepoint(write);
            txn.open();
            write();
            txn.commit();
        },
        [&] {
            if (atomic) return txn.state() == TxnState::open;  // the load's transaction survived the batch
            txn.rollback();
            // Idle: the batch's BEGIN itself failed (a connection lost between batches), so
            // nothing of it can be stored: safe to retry like a rolled-back batch.
            return txn.state() == TxnState::rolled_back || txn.state() == TxnState::idle;
        });
    return out;
}

void check_max_errors(const JobOptions& opt, const JobStats& stats, std::size_t index, const std::string& error) {
    if (opt.max_errors && stats.failures > *opt.max_errors)
        throw Error(ErrorCode::invalid_data, "more than max_errors (" + std::to_string(*opt.max_errors) +
                                                 ") records failed; last: record " + std::to_string(index) + ": " + error);
}

} // namespace

void ingest(Context& ctx, Dialect& db, const RecordStream& stream, const JobOptions& opt, const IngestPlan& plan,
            JobStats& stats) {
    const auto total = stream.size_hint();
    std::size_t already_done = 0;
    std::optional<LoadLedger> ledger;
    if (!plan.checkpoint_key.empty() && !opt.dry_run) {
        ledger.emplace(plan.checkpoint_key, input_fingerprint(stream));
        const LedgerEntry entry = ledger->open(db);
        if (entry.completed) {
            ctx.log(LogLevel::info, "resumable: this input was loaded completely before (load '" + plan.checkpoint_key +
                                        "'); nothing to do");
            stats.already_loaded = true;
            return;
        }
        already_done = entry.records_done;
    }
    auto cursor = stream.open();
    if (already_done > 0) {
        ctx.log(LogLevel::info, "resuming after " + std::to_string(already_done) + " records already stored");
        RecordBatch skip;
        std::size_t skipped = 0;
        while (skipped < already_done && cursor->next(skip, std::min(opt.batch_size, already_done - skipped)))
            skipped += skip.size();
    }
    // SQLite has one writer at a time: extra connections would only queue on its lock. Keyed
    // writes block the admitting stage while a batch waits for an earlier one, which another
    // thread must be free to finish: not with max_workers 1.
    const bool parallel_writes = opt.parallel_batches > 1 && plan.open_connection && !opt.ensure_atomic &&
                                 plan.checkpoint_key.empty() && !opt.dry_run && db.kind() != DatabaseKind::sqlite &&
                                 (plan.conflict_keys.empty() || opt.max_workers != 1);
    const bool keyed = parallel_writes && !plan.conflict_keys.empty();
    KeyOrder key_order;
    std::unique_ptr<ConnectionPool> pool;
    if (parallel_writes) {
        const std::size_t n = opt.connection_pool_size ? opt.connection_pool_size : opt.parallel_batches;
        std::vector<std::unique_ptr<Dialect>> more;
        for (std::size_t i = 1; i < n; ++i) more.push_back(plan.open_connection());
        pool = std::make_unique<ConnectionPool>(db, std::move(more), opt.round_robin);
    }
    // ensure_atomic and dry_run: the whole load is one transaction (all or nothing; rolled back).
    Transaction atomic(db);
    if (one_transaction(opt)) atomic.open();
    Transaction* const shared = one_transaction(opt) ? &atomic : nullptr;

    // The pipeline carries raw pointers; `live` owns the batches. oneTBB does not destroy items
    // in flight when a failure cancels the pipeline, so ownership cannot travel with them.
    std::mutex live_mutex;
    std::map<const Token*, std::unique_ptr<Token>> live;
    auto release = [&](const Token* t) {
        std::lock_guard lock(live_mutex);
        live.erase(t);
    };
    std::mutex stats_mutex;  // the write stage may run concurrently
    auto write_stage = [&](Token* token) {
        struct Done {  // the batch is freed when its write stage ends, however it ends
            std::function<void()> fn;
            ~Done() { fn(); }
        } done{[&] {
            if (keyed) key_order.finish(token->sequence);
            release(token);
        }};
        const auto& conv = token->converted;
        if (opt.strategy != ErrorStrategy::continue_ && !conv.rejects.empty()) {
            const auto& r = conv.rejects.front();
            throw Error(ErrorCode::invalid_data, "record " + std::to_string(r.index) + ": " + r.error);
        }
        if (keyed && key_order.aborted()) return;  // an earlier batch failed; the run is ending
        const auto started = std::chrono::steady_clock::now();
        BatchOutcome out;
        if (pool) {
            const std::size_t c = pool->acquire(token->sequence);
            try {
                out = write_batch(ctx, pool->at(c), shared, *token, opt, plan, nullptr);
            } catch (...) {
                pool->release(c);
                throw;
            }
            pool->release(c);
        } else {
            out = write_batch(ctx, db, shared, *token, opt, plan, ledger ? &*ledger : nullptr);
        }
        std::lock_guard lock(stats_mutex);
        // The batch is committed: its counts go in before max_errors may end the load.
        stats.inserted += out.counts.inserted;
        stats.updated += out.counts.updated;
        stats.skipped += out.counts.skipped;
        if (conv.ids_ignored > 0 && stats.ids_ignored == 0)
            ctx.log(LogLevel::warn, "records carry an 'id' that is not stored: the database generates ids unless "
                                    "preserve_ids: true (counted in ids_ignored)");
        stats.ids_ignored += conv.ids_ignored;
        stats.records_processed += conv.records;
        ++stats.batches;
        for (const auto& r : conv.rejects) stats.fail_record(ctx, r.index, r.record, r.error);
        for (const auto& f : out.failed) stats.fail_record(ctx, f.index, f.record, f.error);
        for (const auto& r : conv.rejects) check_max_errors(opt, stats, r.index, r.error);
        for (const auto& f : out.failed) check_max_errors(opt, stats, f.index, f.error);
        stats.batch_metric(conv.records, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        stats.report_progress(ctx, total);
    };

    // Any failing stage cancels the pipeline; a batch waiting for admission must not wait for a
    // write that will never run.
    auto aborting = [&](auto fn) {
        return [&key_order, fn](auto&&... args) {
            try {
                return fn(std::forward<decltype(args)>(args)...);
            } catch (...) {
                key_order.abort();
                throw;
            }
        };
    };
    std::size_t sequence = 0, records_seen = 0;
    auto run_pipeline = [&] {
        tbb::parallel_pipeline(
            opt.parallel_batches + 1,
            tbb::make_filter<void, Token*>(tbb::filter_mode::serial_in_order,
                                           aborting([&](tbb::flow_control& fc) -> Token* {
                                               if (ctx.cancelled()) throw Error(ErrorCode::cancelled, "run cancelled");
                                               auto t = std::make_unique<Token>();
                                               if (!cursor->next(t->raw, opt.batch_size)) {
                                                   fc.stop();
                                                   return nullptr;
                                               }
                                               t->sequence = sequence++;
                                               records_seen += t->raw.size();
                                               std::lock_guard lock(live_mutex);
                                               return live.emplace(t.get(), std::move(t)).first->second.get();
                                           })) &
                tbb::make_filter<Token*, Token*>(tbb::filter_mode::parallel,
                                                 aborting([&](Token* t) {
                                                     t->converted = convert_batch(*plan.model, t->raw, plan.convert);
                                                     if (keyed) t->keys = conflict_key_hashes(t->converted, plan.conflict_keys);
                                                     return t;
                                                 })) &
                // In input order: a batch goes on once no earlier unfinished batch shares a key.
                tbb::make_filter<Token*, Token*>(tbb::filter_mode::serial_in_order,
                                                 [&](Token* t) {
                                                     if (keyed) key_order.admit(t->sequence, t->keys);
                                                     return t;
                                                 }) &
                tbb::make_filter<Token*, void>(parallel_writes ? tbb::filter_mode::parallel : tbb::filter_mode::serial_in_order,
                                               aborting(write_stage)));
    };
    try {
        if (opt.max_workers > 0) {
            tbb::task_arena arena(static_cast<int>(opt.max_workers));
            arena.execute(run_pipeline);
        } else {
            run_pipeline();
        }
        if (ledger) ledger->complete(db, already_done + records_seen);
        if (opt.dry_run) atomic.rollback();
        else if (shared) atomic.commit();
    } catch (const Error& e) {
        if (!shared) throw;
        atomic.rollback();
        // Nothing of the load stays (or, in doubt, nothing is known; a dry run never keeps
        // anything): no committed counts.
        stats.inserted = stats.updated = stats.skipped = stats.records_processed = stats.batches = 0;
        if (atomic.state() != TxnState::rolled_back || opt.dry_run) throw;
        throw Error(e.code(), std::string(e.what()) + "; nothing was stored (ensure_atomic: the load's transaction was rolled back)");
    }
    stats.resumed_from = already_done;
    stats.records_processed += already_done;
    stats.report_progress(ctx, total, true);
}

} // namespace bulkflow::bulk
