#include "ingest.hpp"

#include "checkpoint.hpp"

#include <bulkflow/error.hpp>

#include <tbb/parallel_pipeline.h>

#include <memory>

namespace bulkflow::bulk {
namespace {

struct Token {
    RecordBatch raw;
    ConvertedBatch converted;
};

} // namespace

void ingest(Context& ctx, Dialect& db, const RecordStream& stream, const JobOptions& opt, const IngestPlan& plan,
            JobStats& stats) {
    auto cursor = stream.open();
    const auto total = stream.size_hint();
    std::size_t already_done = 0;
    if (!plan.checkpoint_key.empty()) {
        already_done = checkpoint_read(db, plan.checkpoint_key);
        if (already_done > 0) {
            ctx.log(LogLevel::info, "resuming after " + std::to_string(already_done) + " records already stored");
            RecordBatch skip;
            std::size_t skipped = 0;
            while (skipped < already_done && cursor->next(skip, std::min(opt.batch_size, already_done - skipped)))
                skipped += skip.size();
        }
    }
    std::size_t consumed = already_done;  // records through the last read batch
    if (opt.ensure_atomic && !opt.dry_run) db.begin();

    auto write_stage = [&](Token* t) {
        std::unique_ptr<Token> token(t);
        auto& conv = token->converted;
        const std::size_t batch_end = token->raw.first_index + token->raw.size();
        for (const auto& r : conv.rejects) {
            if (opt.strategy != ErrorStrategy::continue_)
                throw Error(ErrorCode::invalid_data, "record " + std::to_string(r.index) + ": " + r.error);
            stats.fail_record(ctx, r.index, r.record, r.error);
            if (opt.max_errors && stats.failures > *opt.max_errors)
                throw Error(ErrorCode::invalid_data, "more than max_errors (" + std::to_string(*opt.max_errors) +
                                                         ") records failed; last: record " + std::to_string(r.index) + ": " + r.error);
        }
        const auto started = std::chrono::steady_clock::now();
        WriteCounts counts;
        const std::size_t failures_before = stats.failures;
        if (!opt.dry_run) {
            with_retries(
                ctx, opt,
                [&] {
                    counts = {};
                    stats.failures = failures_before;  // a retried batch re-reports its failures
                    if (!opt.ensure_atomic) db.begin();
                    for (const auto& group : conv.groups) {
                        auto c = write_isolated(ctx, group, token->raw, opt, stats,
                                                [&](const RowBatch& part) { return plan.write(db, part); });
                        counts.inserted += c.inserted;
                        counts.updated += c.updated;
                        counts.skipped += c.skipped;
                    }
                    if (plan.after_write) {
                        auto c = plan.after_write(db, conv);
                        counts.inserted += c.inserted;
                        counts.updated += c.updated;
                        counts.skipped += c.skipped;
                    }
                    if (!plan.checkpoint_key.empty() && !opt.ensure_atomic) checkpoint_write(db, plan.checkpoint_key, batch_end);
                    if (!opt.ensure_atomic) db.commit();
                },
                [&] {
                    if (!opt.ensure_atomic) db.rollback();
                });
        }
        stats.inserted += counts.inserted;
        stats.updated += counts.updated;
        stats.skipped += counts.skipped;
        stats.records_processed += conv.records;
        ++stats.batches;
        stats.batch_metric(conv.records, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        stats.report_progress(ctx, total);
    };

    try {
        tbb::parallel_pipeline(
            opt.parallel_batches + 1,
            tbb::make_filter<void, Token*>(tbb::filter_mode::serial_in_order,
                                           [&](tbb::flow_control& fc) -> Token* {
                                               if (ctx.cancelled()) throw Error(ErrorCode::cancelled, "run cancelled");
                                               auto t = std::make_unique<Token>();
                                               if (!cursor->next(t->raw, opt.batch_size)) {
                                                   fc.stop();
                                                   return nullptr;
                                               }
                                               consumed = t->raw.first_index + t->raw.size();
                                               return t.release();
                                           }) &
                tbb::make_filter<Token*, Token*>(tbb::filter_mode::parallel,
                                                 [&](Token* t) {
                                                     t->converted = convert_batch(*plan.model, t->raw, plan.convert);
                                                     return t;
                                                 }) &
                tbb::make_filter<Token*, void>(tbb::filter_mode::serial_in_order, write_stage));
        if (opt.ensure_atomic && !opt.dry_run) db.commit();
    } catch (...) {
        if (opt.ensure_atomic && !opt.dry_run) db.rollback();
        throw;
    }
    (void)consumed;
    if (!plan.checkpoint_key.empty() && !opt.dry_run) checkpoint_clear(db, plan.checkpoint_key);
    stats.records_processed += already_done;
    stats.report_progress(ctx, total, true);
}

} // namespace bulkflow::bulk
