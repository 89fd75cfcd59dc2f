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
