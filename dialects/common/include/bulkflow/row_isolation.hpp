#pragma once
/// @file row_isolation.hpp
/// Finding the one row that makes a batch's write fail, shared by the writers that write
/// several rows per statement (PostgreSQL COPY/INSERT, MySQL multi-row INSERT): the write runs
/// in a savepoint; when it fails because of a row's values, the range is bisected (or cut at the
/// line the database names) until the first failing row is found. Runs inside the caller's
/// transaction (transaction.hpp); never begins, commits or rolls back the transaction itself.

#include <bulkflow/dialect.hpp>

#include <exception>
#include <functional>
#include <optional>
#include <string>

namespace bulkflow {

/// A write failed because of one row's values (a data or constraint error).
struct RowFault {
    ErrorCode code = ErrorCode::constraint_violation;
    std::string message;              ///< the database's message, without "record N: "
    std::optional<std::size_t> line;  ///< 1-based row of the range that failed, when the database says
};

/// What a writer supplies to the isolation.
struct IsolationPort {
    std::function<void(const char* sql)> exec;   ///< runs SAVEPOINT / RELEASE / ROLLBACK TO
    std::function<bool()> transaction_alive;     ///< after a failure: false when the database ended the transaction
    /// The current exception as a row's fault, or nullopt when it is not one (it is rethrown).
    std::function<std::optional<RowFault>(const std::exception_ptr&)> row_fault;
};

/// Writes rows [lo, hi) of the batch; throws on failure.
using RangeOp = std::function<WriteCounts(std::size_t lo, std::size_t hi)>;
/// Told about each range that is written (in row order), e.g. to collect its ids.
using RangeWritten = std::function<void(std::size_t lo, std::size_t hi)>;

/// Writes rows [0, n) with `op`. When a row fails, the rows before it stay written and
/// RowWriteError names it (with their counts); any other failure is rethrown, after the
/// savepoint is undone when the transaction is still open.
inline WriteCounts isolate_rows(const RowBatch& rows, std::size_t n, const IsolationPort& port, const RangeOp& op,
                                const RangeWritten& written = {}) {
    WriteCounts total;
    if (n == 0) return total;
    auto attempt = [&](std::size_t a, std::size_t b) -> std::optional<RowFault> {
        port.exec("SAVEPOINT bulkflow_row");
        try {
            const WriteCounts c = op(a, b);
            port.exec("RELEASE SAVEPOINT bulkflow_row");
            total += c;
            if (written) written(a, b);
            return std::nullopt;
        } catch (...) {
            // A lost connection or a transaction the database ended (InnoDB deadlock): the
            // savepoint is gone with it; the transaction owner sees RolledBack.
            if (!port.transaction_alive()) throw;
            port.exec("ROLLBACK TO SAVEPOINT bulkflow_row");
            port.exec("RELEASE SAVEPOINT bulkflow_row");
            auto fault = port.row_fault(std::current_exception());
            if (!fault) throw;
            return fault;
        }
    };
    auto failure = attempt(0, n);
    if (!failure) return total;
    // Invariant: rows [0, lo) are written and writing [lo, hi) fails (with `failure`, whose
    // line, if any, counts from row `failure_from`).
    std::size_t lo = 0, hi = n, failure_from = 0;
    while (hi - lo > 1) {
        const auto line = failure_from == lo ? failure->line : std::nullopt;
        if (line && *line >= 1 && *line <= hi - lo) {
            const std::size_t bad = lo + *line - 1;
            if (bad > lo) {
                if (auto again = attempt(lo, bad)) {  // should not happen: rows go in order
                    failure = std::move(again);
                    hi = bad;
                    continue;
                }
                lo = bad;
            }
            hi = bad + 1;
            break;
        }
        const std::size_t mid = lo + (hi - lo) / 2;
        if (auto again = attempt(lo, mid)) {
            failure = std::move(again);
            failure_from = lo;
            hi = mid;
        } else {
            lo = mid;
        }
    }
    throw RowWriteError(Error(failure->code, "record " + std::to_string(rows.record_index(lo)) + ": " + failure->message), lo, total);
}

} // namespace bulkflow
