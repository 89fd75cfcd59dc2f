// The transaction owner's state machine (dialects/common transaction.hpp) against a scripted
// dialect: the outcomes a real server cannot be made to produce on demand (a COMMIT whose outcome
// nobody can prove) and the retry policy's answer to each (docs/bulk-nodes.md, "Errors and
// retries"). Real-server fault tests live in tests/integration/bulk/test_bulk_faults.cpp.

#include "job.hpp"
#include "node_test_support.hpp"

#include <bulkflow/transaction.hpp>

#include <catch2/catch.hpp>

using namespace bulkflow;
using namespace bulkflow::bulk;

namespace {

// Only the transaction verbs do anything; the rest is never called here.
class ScriptedDialect final : public Dialect {
public:
    bool commit_fails = false;
    CommitOutcome outcome = CommitOutcome::unknown;
    int begins = 0, commits = 0, rollbacks = 0;

    DatabaseKind kind() const noexcept override { return DatabaseKind::sqlite; }
    const SqlFlavor& flavor() const noexcept override { return sql_flavor(DatabaseKind::sqlite); }
    void ensure_table(const Model&) override {}
    void begin() override { ++begins; }
    void commit() override {
        ++commits;
        if (commit_fails) throw Error(ErrorCode::connection, "connection lost during COMMIT");
    }
    void rollback() noexcept override { ++rollbacks; }
    bool in_transaction() override { return true; }
    CommitOutcome commit_outcome() noexcept override { return outcome; }
    WriteCounts insert_rows(const Model&, const RowBatch&, ConflictMode, const std::vector<std::string>&) override { return {}; }
    void insert_collecting_ids(const Model&, const RowBatch&, std::vector<SqlValue>&) override {}
    std::size_t update_rows(const Model&, const RowBatch&, const std::string&) override { return 0; }
    std::size_t execute(const SqlFragment&) override { return 0; }
    std::vector<std::vector<SqlValue>> query(const SqlFragment&, const std::vector<const Field*>&) override { return {}; }
    void set_foreign_key_checks(bool) override {}
    void advance_id_sequence(const Model&) override {}
};

// One batch written as ingest writes it: its own transaction, retried per policy.
int attempts_of_batch(ScriptedDialect& db) {
    nodetest::TestContext ctx;
    JobOptions opt;
    opt.retry_delay = 0;
    opt.max_retries = 3;
    int attempts = 0;
    Transaction txn(db);
    with_retries(
        ctx, opt,
        [&] {
            ++attempts;
            txn.open();
            txn.commit();
        },
        [&] {
            txn.rollback();
            return txn.state() == TxnState::rolled_back;
        });
    return attempts;
}

} // namespace

TEST_CASE("a COMMIT whose outcome is unknown is in doubt: never retried, never reopened", "[transaction]") {
    ScriptedDialect db;
    db.commit_fails = true;
    db.outcome = CommitOutcome::unknown;
    try {
        attempts_of_batch(db);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::in_doubt);
        CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("may or may not be stored"));
    }
    CHECK(db.commits == 1);  // one COMMIT, no blind retry
    CHECK(db.begins == 1);

    Transaction txn(db);
    txn.open();
    CHECK_THROWS(txn.commit());
    CHECK(txn.state() == TxnState::in_doubt);
    CHECK_THROWS_AS(txn.open(), Error);  // an in-doubt transaction is never begun again
}

TEST_CASE("a COMMIT that the database proves committed is not an error", "[transaction]") {
    ScriptedDialect db;
    db.commit_fails = true;
    db.outcome = CommitOutcome::committed;
    CHECK(attempts_of_batch(db) == 1);
    CHECK(db.commits == 1);
}

TEST_CASE("a COMMIT that the database proves rolled back is retried", "[transaction]") {
    ScriptedDialect db;
    db.commit_fails = true;
    db.outcome = CommitOutcome::rolled_back;
    try {
        attempts_of_batch(db);
        FAIL("no error");
    } catch (const Error& e) {
        INFO(e.what());
        CHECK(e.code() == ErrorCode::connection);  // still failing after max_retries
    }
    CHECK(db.commits == 4);  // the first attempt and 3 retries
}
