#pragma once
/// @file transaction.hpp
/// The one owner of a batch's transaction. Nodes and writers issue SQL inside it; only it
/// begins, commits and rolls back (docs/bulk-nodes.md, "What bulkflow guarantees").
///
///     Idle -> Open -> (Savepoint)* -> Committing -> Committed | RolledBack | InDoubt
///
/// A retry starts only from RolledBack (or after Committed, for the next batch). A lost COMMIT
/// is resolved by the dialect on a fresh connection when the database can prove the outcome;
/// otherwise the state is InDoubt and commit() throws Error(in_doubt), which nothing retries.
/// Not thread-safe: one Transaction per connection at a time.

#include <bulkflow/dialect.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace bulkflow {

enum class TxnState { idle, open, committing, committed, rolled_back, in_doubt };

class Transaction {
public:
    explicit Transaction(Dialect& db) noexcept : db_(db) {}
    ~Transaction() { rollback(); }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    [[nodiscard]] TxnState state() const noexcept { return state_; }
    [[nodiscard]] Dialect& db() noexcept { return db_; }

    /// Idle, Committed or RolledBack -> Open. Throws Error(internal) from any other state: an
    /// open transaction is never begun twice, and an in-doubt one is never retried.
    void open() {
        if (state_ == TxnState::open || state_ == TxnState::committing || state_ == TxnState::in_doubt)
            throw Error(ErrorCode::internal, "transaction: open() while the previous one is not finished");
        hooks_.clear();
        db_.begin();
        state_ = TxnState::open;
    }

    /// Extra work inside the transaction right before COMMIT (the resume ledger, an outbox
    /// event): it commits with the batch or not at all. Cleared when the transaction ends.
    void before_commit(std::function<void(Dialect&)> hook) { hooks_.push_back(std::move(hook)); }

    /// Runs `work` in a savepoint. On failure: back to the savepoint when the transaction is
    /// still open (state Open), else the database ended it (state RolledBack); rethrows.
    void in_savepoint(const std::function<void()>& work) {
        require_open("in_savepoint");
        db_.execute({"SAVEPOINT bulkflow_batch", {}});
        try {
            work();
            db_.execute({"RELEASE SAVEPOINT bulkflow_batch", {}});
        } catch (...) {
            undo_savepoint();
            throw;
        }
    }

    /// Open -> Committing -> Committed, or RolledBack (rethrows the commit's error), or InDoubt
    /// (throws Error(in_doubt)). A failing before_commit hook rolls back and rethrows.
    void commit() {
        require_open("commit");
        try {
            for (auto& hook : hooks_) hook(db_);
        } catch (...) {
            rollback();
            throw;
        }
        hooks_.clear();
        state_ = TxnState::committing;
        try {
            db_.commit();
            state_ = TxnState::committed;
        } catch (const Error& e) {
            switch (db_.commit_outcome()) {
            case CommitOutcome::committed: state_ = TxnState::committed; return;  // only the answer was lost
            case CommitOutcome::rolled_back: state_ = TxnState::rolled_back; throw;
            case CommitOutcome::unknown: break;
            }
            state_ = TxnState::in_doubt;
            throw Error(ErrorCode::in_doubt, std::string("the outcome of a COMMIT is unknown (") + e.what() +
                                                 "); the batch may or may not be stored, so it is not retried");
        }
    }

    /// Open -> RolledBack (also when the database already ended it). Never throws.
    void rollback() noexcept {
        if (state_ != TxnState::open) return;
        hooks_.clear();
        db_.rollback();
        state_ = TxnState::rolled_back;
    }

    /// After a statement failed inside the transaction: RolledBack when the database ended the
    /// whole transaction (a deadlock on InnoDB, a lost connection), else still Open.
    void note_failure() noexcept {
        if (state_ != TxnState::open) return;
        bool alive = false;
        try {
            alive = db_.in_transaction();
        } catch (...) {
        }
        if (!alive) rollback();
    }

private:
    void require_open(const char* what) const {
        if (state_ != TxnState::open) throw Error(ErrorCode::internal, std::string("transaction: ") + what + " outside an open transaction");
    }
    void undo_savepoint() noexcept {
        note_failure();
        if (state_ != TxnState::open) return;
        try {
            db_.execute({"ROLLBACK TO SAVEPOINT bulkflow_batch", {}});
            db_.execute({"RELEASE SAVEPOINT bulkflow_batch", {}});
        } catch (...) {
            rollback();  // cannot return to a known state inside it: end it
        }
    }

    Dialect& db_;
    TxnState state_ = TxnState::idle;
    std::vector<std::function<void(Dialect&)>> hooks_;
};

/// Runs a write in the caller's transaction, or, when none is open, in one of its own that
/// commits on success and also after a RowWriteError (the rows before the failing one stay).
inline void in_transaction_or_own(Dialect& db, const std::function<void()>& write) {
    if (db.in_transaction()) return write();
    Transaction txn(db);
    txn.open();
    try {
        write();
        txn.commit();
    } catch (const RowWriteError&) {
        txn.commit();
        throw;
    }
}

} // namespace bulkflow
