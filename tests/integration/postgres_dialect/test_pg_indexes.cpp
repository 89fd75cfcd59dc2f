// drop_secondary_indexes / restore_secondary_indexes (disable_indexes).
#include "pg_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace pgtest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kIdx = R"({
  "fields": {
    "code": {"type": "str", "unique": true},
    "label": "str",
    "qty": {"type": "int", "index": true},
    "price": {"type": "decimal", "precision": 12, "scale": 2}
  }
})";

const std::string kIndexes = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'pgd_idx' ORDER BY indexname COLLATE \"C\"";

Model fresh_indexed(Dialect& d) {
    Probe db;
    db.drop({"pgd_idx"});
    Model m = model("Idx", kIdx, "pgd_idx");
    d.ensure_table(m);  // pkey, UNIQUE (code), idx_pgd_idx_qty
    db.exec("CREATE OR REPLACE FUNCTION pgd_picky(t TEXT) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE AS "
            "$$ BEGIN IF t = 'boom' THEN RAISE EXCEPTION 'pgd_picky refuses boom'; END IF; RETURN t; END $$");
    db.exec("CREATE UNIQUE INDEX pgd_idx_code_u ON pgd_idx (lower(code)) WHERE qty > 1000");
    db.exec("ALTER TABLE pgd_idx ADD CONSTRAINT pgd_idx_excl EXCLUDE USING btree (price WITH =)");
    db.exec("CREATE INDEX pgd_idx_label ON pgd_idx (label)");
    db.exec("CREATE INDEX pgd_idx_partial ON pgd_idx (qty) WHERE label IS NOT NULL");
    db.exec("CREATE INDEX \"pgd_idx Expr\" ON pgd_idx (lower(label), qty DESC) INCLUDE (price)");
    db.exec("CREATE INDEX pgd_idx_hash ON pgd_idx USING hash (code)");
    db.exec("CREATE INDEX pgd_idx_brin ON pgd_idx USING brin (qty) WITH (pages_per_range = 16)");
    db.exec("CREATE INDEX pgd_idx_picky ON pgd_idx (pgd_picky(label))");
    return m;
}

/// The indexes that must survive a drop: primary key, unique constraint, unique index, exclusion.
const std::vector<std::string> kKept = {"pgd_idx_code_key", "pgd_idx_code_u", "pgd_idx_excl", "pgd_idx_pkey"};

std::vector<std::string> names(const Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(*r[0]);
    return out;
}

RowBatch some_rows(const Model& m, std::size_t from, std::size_t n) {
    RowBatch rows({m.find("code"), m.find("label"), m.find("qty"), m.find("price")});
    for (std::size_t i = from; i < from + n; ++i)
        rows.add_row({std::string("c") + std::to_string(i), std::string("L") + std::to_string(i % 10), static_cast<std::int64_t>(i),
                      Decimal{std::to_string(i) + ".00"}},
                     i);
    return rows;
}

} // namespace

TEST_CASE("drop_secondary_indexes drops only secondary indexes; restore recreates exactly those", "[postgres][indexes]") {
    auto d = open();
    const Model m = fresh_indexed(*d);
    Probe db;
    const Rows before = db.rows(kIndexes);
    REQUIRE(before.size() == 11);

    SECTION("drop, load, restore") {
        d->drop_secondary_indexes(m);
        CHECK(names(db.rows(kIndexes)) == kKept);  // committed: other connections load without them
        REQUIRE(d->insert_rows(m, some_rows(m, 0, 3000), ConflictMode::error, {}).inserted == 3000);
        d->restore_secondary_indexes(m);
        CHECK(db.rows(kIndexes) == before);
        CHECK(db.count("pg_index i JOIN pg_class c ON c.oid = i.indexrelid", "c.relname LIKE 'pgd_idx%' AND NOT i.indisvalid") == 0);
        // The rebuilt indexes hold the loaded rows.
        db.exec("SET enable_seqscan = off");
        CHECK(db.count("pgd_idx", "label = 'L7'") == 300);
        db.exec("RESET enable_seqscan");
    }
    SECTION("restore is idempotent, and harmless without a drop") {
        auto other = open();
        CHECK_NOTHROW(other->restore_secondary_indexes(m));
        CHECK(db.rows(kIndexes) == before);
        d->drop_secondary_indexes(m);
        d->drop_secondary_indexes(m);  // nothing left to drop; what the first one dropped is still remembered
        CHECK(names(db.rows(kIndexes)) == kKept);
        d->restore_secondary_indexes(m);
        d->restore_secondary_indexes(m);
        CHECK(db.rows(kIndexes) == before);
    }
    SECTION("restore after a failed load, with its transaction still open and failed") {
        d->drop_secondary_indexes(m);
        d->begin();
        d->insert_rows(m, some_rows(m, 0, 10), ConflictMode::error, {});
        CHECK_THROWS(d->execute({"SELECT 1 / 0", {}}));  // the transaction can only be rolled back now
        d->restore_secondary_indexes(m);
        CHECK(db.rows(kIndexes) == before);
        CHECK(db.count("pgd_idx") == 0);  // the failed load's rows were rolled back, not committed
    }
    SECTION("restore on a lost connection reconnects first") {
        d->drop_secondary_indexes(m);
        const auto pid = std::get<std::int64_t>(d->query({"SELECT pg_backend_pid()", {}}, {}).at(0).at(0));
        db.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
        d->restore_secondary_indexes(m);
        CHECK(db.rows(kIndexes) == before);
    }
    SECTION("a drop inside the caller's transaction is undone by its rollback; restore then has nothing to do") {
        d->begin();
        d->drop_secondary_indexes(m);
        d->rollback();
        CHECK(db.rows(kIndexes) == before);
        d->restore_secondary_indexes(m);
        CHECK(db.rows(kIndexes) == before);
    }
    SECTION("an index that cannot be rebuilt is reported and kept for a later attempt; the others are rebuilt") {
        d->drop_secondary_indexes(m);
        REQUIRE(d->insert_rows(m, batch(m, {"code", "label"}, {{std::string("x"), std::string("boom")}}), ConflictMode::error, {}).inserted == 1);
        try {
            d->restore_secondary_indexes(m);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::database);
            CHECK_THAT(std::string(e.what()), StartsWith("restoring the secondary indexes of 'pgd_idx' failed for 1 index(es): "
                                                         "recreating index public.pgd_idx_picky of 'pgd_idx': pgd_picky refuses boom"));
            CHECK_THAT(std::string(e.what()), Contains("[CREATE INDEX pgd_idx_picky ON public.pgd_idx USING btree (pgd_picky(label))]"));
        }
        auto now = names(db.rows(kIndexes));
        CHECK(now.size() == 10);
        CHECK(std::find(now.begin(), now.end(), "pgd_idx_picky") == now.end());
        db.exec("DELETE FROM pgd_idx WHERE label = 'boom'");
        d->restore_secondary_indexes(m);
        CHECK(db.rows(kIndexes) == before);
    }
}
