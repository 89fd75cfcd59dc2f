#include "bulk_fixture.hpp"

#include <bulkflow/validation.hpp>

#include <catch2/catch.hpp>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

TEST_CASE("upsert counts: insert 2, then 1 new + 1 changed", "[bulk][upsert]") {
    BulkDb db("upsert_counts");
    auto first = db.run_node("ProductBulkUpsertNode",
                             {{"data", boost::json::array{{{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "b"}}}}});
    CHECK(first.at("inserted").as_int64() == 2);
    CHECK(first.at("updated").as_int64() == 0);
    auto second = db.run_node("ProductBulkUpsertNode",
                              {{"data", boost::json::array{{{"id", 2}, {"name", "b2"}}, {{"id", 3}, {"name", "c"}}}},
                               {"conflict_resolution", "update"}});
    CHECK(second.at("operation").as_string() == "bulk_upsert");
    CHECK(second.at("inserted").as_int64() == 1);
    CHECK(second.at("updated").as_int64() == 1);
    CHECK(second.at("skipped").as_int64() == 0);
    CHECK(db.count() == 3);
    CHECK(db.scalar("SELECT name FROM products WHERE id = 2") == "b2");
}

TEST_CASE("upsert skip keeps stored rows", "[bulk][upsert]") {
    BulkDb db("upsert_skip");
    db.run_node("ProductBulkUpsertNode", {{"data", boost::json::array{{{"id", 1}, {"name", "a"}}}}});
    auto d = db.run_node("ProductBulkUpsertNode", {{"data", boost::json::array{{{"id", 1}, {"name", "zzz"}}, {{"id", 5}, {"name", "e"}}}},
                                                   {"conflict_resolution", "ignore"}});
    CHECK(d.at("skipped").as_int64() == 1);
    CHECK(d.at("inserted").as_int64() == 1);
    CHECK(db.scalar("SELECT name FROM products WHERE id = 1") == "a");
}

TEST_CASE("duplicate ids in one upsert: the last one wins", "[bulk][upsert]") {
    BulkDb db("upsert_dups");
    auto d = db.run_node("ProductBulkUpsertNode", {{"data", boost::json::array{{{"id", 1}, {"name", "first"}},
                                                                               {{"id", 1}, {"name", "last"}}}}});
    CHECK(db.count() == 1);
    CHECK(db.scalar("SELECT name FROM products WHERE id = 1") == "last");
    CHECK(d.at("inserted").as_int64() == 1);
}

TEST_CASE("a record without id fails the upsert naming its index", "[bulk][upsert]") {
    BulkDb db("upsert_noid");
    auto e = run_error(db, "ProductBulkUpsertNode", {{"data", boost::json::array{{{"id", 1}, {"name", "a"}}, {{"name", "no id"}}}}});
    CHECK(e.node() == "op");
    CHECK_THAT(std::string(e.what()), Contains("record 1") && Contains("'id' is required"));
    CHECK(db.count() == 0);  // the batch holding the bad record is not written
}

TEST_CASE("unique_fields on upsert is refused before running, with the migration hint", "[bulk][upsert]") {
    BulkDb db("upsert_unique_fields");
    try {
        db.run_node("ProductBulkUpsertNode", {{"data", boost::json::array{}}, {"unique_fields", boost::json::array{"name"}}});
        FAIL("expected a validation error");
    } catch (const ValidationError& e) {
        CHECK_THAT(std::string(e.what()), Contains("unique_fields") && Contains("removed in v0.7.1") && Contains("conflict_resolution"));
    }
}

TEST_CASE("upserted ids advance the id counter", "[bulk][upsert]") {
    BulkDb db("upsert_ids");
    db.run_node("ProductBulkUpsertNode", {{"data", boost::json::array{{{"id", 41}, {"name", "a"}}}}});
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "b"}}}}});
    CHECK(db.scalar("SELECT id FROM products WHERE name = 'b'") == "42");
}

TEST_CASE("parallel upsert: batches sharing ids are written in input order", "[bulk][upsert][parallel]") {
    // 120 records over 7 ids in batches of 5 on two connections (PostgreSQL; SQLite writes in
    // order anyway): nearly every batch shares an id with the one before it, so a batch written
    // ahead of an earlier one would leave an earlier stock behind or miscount inserts.
    boost::json::array data;
    for (int i = 0; i < 120; ++i) data.push_back({{"id", i % 7 + 1}, {"name", "n" + std::to_string(i)}, {"stock", i}});
    for (int round = 0; round < 3; ++round) {
        BulkDb db("upsert_parallel_shared_" + std::to_string(round));
        auto d = db.run_node("ProductBulkUpsertNode", {{"data", data}, {"batch_size", 5}, {"parallel_batches", 2}, {"connection_pool_size", 2}});
        CHECK(d.at("inserted").as_int64() == 7);
        CHECK(d.at("updated").as_int64() == 113);
        CHECK(d.at("batches").as_int64() == 24);
        for (int id = 1; id <= 7; ++id) {
            const int last = 119 - ((119 - (id - 1)) % 7);  // the last i with i % 7 + 1 == id
            CHECK(db.scalar("SELECT stock FROM products WHERE id = " + std::to_string(id)) == std::to_string(last));
        }
    }
}

TEST_CASE("parallel upsert of distinct ids writes every row once", "[bulk][upsert][parallel]") {
    BulkDb db("upsert_parallel_distinct");
    boost::json::array data;
    for (int i = 1; i <= 3000; ++i) data.push_back({{"id", i}, {"name", "n"}, {"stock", i}});
    auto d = db.run_node("ProductBulkUpsertNode", {{"data", data}, {"batch_size", 100}, {"parallel_batches", 3}});
    CHECK(d.at("inserted").as_int64() == 3000);
    CHECK(db.count() == 3000);
    CHECK(db.scalar("SELECT SUM(stock) FROM products") == std::to_string(3000 * 3001 / 2));
}

TEST_CASE("parallel create with conflicts orders batches by every unique key", "[bulk][create][parallel]") {
    // sku is unique but not the conflict target: which record of a repeated sku is rejected must
    // not depend on which connection commits first.
    BulkDb db("create_parallel_unique");
    db.add_model("Part", R"({"fields": {"sku": {"type": "str", "unique": true}, "qty": "int"}})");
    boost::json::array data;
    for (int i = 0; i < 60; ++i) data.push_back({{"sku", "s" + std::to_string(i % 4)}, {"qty", i}});
    auto d = db.run_node("PartBulkCreateNode", {{"data", data}, {"batch_size", 3}, {"parallel_batches", 2}, {"conflict_resolution", "skip"}});
    CHECK(d.at("inserted").as_int64() == 4);
    CHECK(d.at("skipped").as_int64() == 56);
    for (int s = 0; s < 4; ++s)  // the first record of each sku is the one kept
        CHECK(db.scalar("SELECT qty FROM parts WHERE sku = 's" + std::to_string(s) + "'") == std::to_string(s));
}

namespace {
const char* kAcct = R"({"fields": {"email": {"type": "str", "unique": true}, "balance": "int"}})";

void seed_accts(BulkDb& db) {
    db.add_model("Acct", kAcct);
    db.run_node("AcctBulkCreateNode", {{"data", boost::json::array{{{"id", 1}, {"email", "alice@x"}, {"balance", 100}},
                                                                    {{"id", 2}, {"email", "bob@x"}, {"balance", 200}}}},
                                       {"preserve_ids", true}});
}

std::string accts(BulkDb& db) {
    std::string s;
    for (const auto& r : db.query("SELECT id, email, balance FROM accts ORDER BY id"))
        s += r.at(0).value_or("NULL") + ":" + r.at(1).value_or("NULL") + ":" + r.at(2).value_or("NULL") + " ";
    return s;
}
} // namespace

TEST_CASE("upsert matches on id only: a record colliding on another unique key fails and changes no row", "[bulk][upsert][integrity]") {
    // docs/bulk-nodes.md, MBulkUpsertNode (MariaDB's ON DUPLICATE KEY UPDATE fires on any unique key).
    for (const char* mode : {"update", "ignore"}) {
        DYNAMIC_SECTION("conflict_resolution " << mode) {
            BulkDb db("upsert_other_key");
            seed_accts(db);
            auto e = run_error(db, "AcctBulkUpsertNode", {{"data", boost::json::array{{{"id", 3}, {"email", "alice@x"}, {"balance", 0}}}},
                                                          {"conflict_resolution", mode}});
            CHECK(e.code() == ErrorCode::constraint_violation);
            CHECK_THAT(std::string(e.what()), Contains("record 0"));
            CHECK(accts(db) == "1:alice@x:100 2:bob@x:200 ");
        }
    }
}

TEST_CASE("upsert with error_strategy continue isolates a record colliding on another unique key", "[bulk][upsert][integrity]") {
    BulkDb db("upsert_other_key_continue");
    seed_accts(db);
    auto d = db.run_node("AcctBulkUpsertNode", {{"data", boost::json::array{{{"id", 1}, {"email", "alice@x"}, {"balance", 150}},
                                                                            {{"id", 3}, {"email", "bob@x"}, {"balance", 0}},
                                                                            {{"id", 4}, {"email", "dave@x"}, {"balance", 4}},
                                                                            {{"id", 5}, {"email", "dave@x"}, {"balance", 5}}}},
                                                {"error_strategy", "continue"}});
    CHECK(d.at("inserted").as_int64() == 1);
    CHECK(d.at("updated").as_int64() == 1);
    CHECK(d.at("skipped").as_int64() == 0);
    CHECK(d.at("success_count").as_int64() == 2);
    CHECK(d.at("failure_count").as_int64() == 2);
    const auto& errs = d.at("errors").as_array();
    REQUIRE(errs.size() == 2);
    CHECK(errs[0].at("index").as_int64() == 1);
    CHECK(errs[1].at("index").as_int64() == 3);  // collides with record 2, stored in the same batch
    CHECK(accts(db) == "1:alice@x:150 2:bob@x:200 4:dave@x:4 ");
}

TEST_CASE("create with conflict_fields matches on those fields only, never on id", "[bulk][create][integrity]") {
    for (const char* mode : {"update", "skip"}) {
        DYNAMIC_SECTION("conflict_resolution " << mode) {
            BulkDb db("create_conflict_fields_only");
            seed_accts(db);
            const boost::json::object params{{"conflict_resolution", mode}, {"conflict_fields", boost::json::array{"email"}},
                                             {"preserve_ids", true}};
            auto stop = params;
            stop["data"] = boost::json::array{{{"id", 1}, {"email", "carol@x"}, {"balance", 0}}};
            auto e = run_error(db, "AcctBulkCreateNode", stop);
            CHECK(e.code() == ErrorCode::constraint_violation);
            CHECK(accts(db) == "1:alice@x:100 2:bob@x:200 ");

            auto go = params;
            go["error_strategy"] = "continue";
            go["data"] = boost::json::array{{{"id", 1}, {"email", "alice@x"}, {"balance", 5}},
                                            {{"id", 2}, {"email", "carol@x"}, {"balance", 0}},
                                            {{"id", 7}, {"email", "dave@x"}, {"balance", 7}}};
            auto d = db.run_node("AcctBulkCreateNode", go);
            const bool update = std::string(mode) == "update";
            CHECK(d.at("inserted").as_int64() == 1);
            CHECK(d.at("updated").as_int64() == (update ? 1 : 0));
            CHECK(d.at("skipped").as_int64() == (update ? 0 : 1));
            CHECK(d.at("failure_count").as_int64() == 1);
            REQUIRE(d.at("errors").as_array().size() == 1);
            CHECK(d.at("errors").at(0).at("index").as_int64() == 1);
            CHECK(accts(db) == std::string(update ? "1:alice@x:5" : "1:alice@x:100") + " 2:bob@x:200 7:dave@x:7 ");
        }
    }
}
