#include "bulk_fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {
const char* kSoftModel = R"({"fields": {"name": "str", "category": "str"}, "soft_delete": true,
  "relationships": {"reviews": {"model": "Review", "kind": "has_many", "foreign_key": "item_id"}}})";
const char* kReviewModel = R"({"fields": {"item_id": "int", "text": "str"}})";

void seed_items(BulkDb& db) {
    db.add_model("Item", kSoftModel);
    db.add_model("Review", kReviewModel);
    db.run_node("ItemBulkCreateNode", {{"data", boost::json::array{{{"name", "a"}, {"category", "discontinued"}},
                                                                   {{"name", "b"}, {"category", "discontinued"}},
                                                                   {{"name", "c"}, {"category", "live"}}}}});
    db.run_node("ReviewBulkCreateNode", {{"data", boost::json::array{{{"item_id", 1}, {"text", "r1"}}, {{"item_id", 1}, {"text", "r2"}},
                                                                     {{"item_id", 3}, {"text", "r3"}}}}});
}
} // namespace

TEST_CASE("delete by ids, hard", "[bulk][delete]") {
    BulkDb db("delete_ids");
    db.run_node("ProductBulkCreateNode", {{"data", products(5)}});
    auto d = db.run_node("ProductBulkDeleteNode", {{"ids", boost::json::array{1, 2, 3}}, {"hard_delete", true}});
    CHECK(d.at("operation").as_string() == "bulk_delete");
    CHECK(d.at("deleted").as_int64() == 3);
    CHECK(db.count() == 2);
}

TEST_CASE("a delete with an empty filter is refused unless confirmed", "[bulk][delete][safety]") {
    BulkDb db("delete_empty");
    db.run_node("ProductBulkCreateNode", {{"data", products(3)}});
    auto e = run_error(db, "ProductBulkDeleteNode", {{"filter", boost::json::object{}}});
    CHECK(e.code() == ErrorCode::refused);
    CHECK(db.count() == 3);
    CHECK(db.run_node("ProductBulkDeleteNode", {{"confirmed", true}}).at("deleted").as_int64() == 3);
    CHECK(db.count() == 0);
}

TEST_CASE("dry run reports would_delete and sample ids, deletes nothing", "[bulk][delete][safety]") {
    BulkDb db("delete_dry");
    db.run_node("ProductBulkCreateNode", {{"data", products(30, "discontinued")}});
    auto d = db.run_node("ProductBulkDeleteNode", {{"filter", {{"category", "discontinued"}}}, {"dry_run", true}});
    CHECK(d.at("would_delete").as_int64() == 30);
    CHECK(d.at("sample_ids").as_array().size() == 10);
    CHECK(db.count() == 30);
}

TEST_CASE("max_delete_count exceeded deletes nothing", "[bulk][delete][safety]") {
    BulkDb db("delete_max");
    db.run_node("ProductBulkCreateNode", {{"data", products(10)}});
    auto e = run_error(db, "ProductBulkDeleteNode", {{"filter", {{"stock", {{"$gte", 1}}}}}, {"max_delete_count", 9}});
    CHECK(e.code() == ErrorCode::refused);
    CHECK_THAT(std::string(e.what()), Contains("10 rows") && Contains("max_delete_count 9"));
    CHECK(db.count() == 10);
    CHECK(db.run_node("ProductBulkDeleteNode", {{"filter", {{"stock", {{"$gte", 1}}}}}, {"max_delete_count", 10}}).at("deleted").as_int64() == 10);
}

TEST_CASE("confirm_delete asks; no means nothing deleted", "[bulk][delete][safety]") {
    BulkDb db("delete_confirm");
    db.run_node("ProductBulkCreateNode", {{"data", products(4)}});
    std::string asked;
    RuntimeOptions no;
    no.confirm = [&](const std::string&, const std::string& q) {
        asked = q;
        return false;
    };
    try {
        db.run_node("ProductBulkDeleteNode", {{"ids", boost::json::array{1, 2}}, {"confirm_delete", true}}, std::move(no));
        FAIL("expected refusal");
    } catch (const RunError& e) {
        CHECK(e.code() == ErrorCode::refused);
    }
    CHECK_THAT(asked, Contains("2 rows") && Contains("products"));
    CHECK(db.count() == 4);
    RuntimeOptions yes;
    yes.confirm = [](const std::string&, const std::string&) { return true; };
    CHECK(db.run_node("ProductBulkDeleteNode", {{"ids", boost::json::array{1, 2}}, {"confirm_delete", true}}, std::move(yes))
              .at("deleted").as_int64() == 2);
}

TEST_CASE("backup is written before the delete", "[bulk][delete][safety]") {
    BulkDb db("delete_backup");
    db.run_node("ProductBulkCreateNode", {{"data", products(3, "discontinued")}});
    auto backup = db.file("deleted_products.jsonl");
    auto d = db.run_node("ProductBulkDeleteNode", {{"filter", {{"category", "discontinued"}}}, {"backup_before_delete", true},
                                                   {"backup_location", backup.string()}});
    CHECK(d.at("deleted").as_int64() == 3);
    std::ifstream in(backup);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        auto row = boost::json::parse(line).as_object();
        CHECK(row.at("category").as_string() == "discontinued");
        CHECK(row.contains("price"));
        ++n;
    }
    CHECK(n == 3);
    // An unwritable backup location deletes nothing.
    db.run_node("ProductBulkCreateNode", {{"data", products(2, "again")}});
    auto e = run_error(db, "ProductBulkDeleteNode", {{"filter", {{"category", "again"}}}, {"backup_before_delete", true},
                                                     {"backup_location", "/nonexistent/dir/b.jsonl"}});
    CHECK(db.count("products", "category = 'again'") == 2);
}

TEST_CASE("soft delete hides rows; a second delete is a no-op; hard_delete removes", "[bulk][delete][soft]") {
    BulkDb db("delete_soft");
    seed_items(db);
    auto d = db.run_node("ItemBulkDeleteNode", {{"filter", {{"category", "discontinued"}}}});
    CHECK(d.at("deleted").as_int64() == 2);
    CHECK(d.at("soft_delete").as_bool());
    CHECK(db.count("items") == 3);
    CHECK(db.count("items", "deleted_at IS NOT NULL") == 2);
    CHECK(db.run_node("ItemBulkDeleteNode", {{"filter", {{"category", "discontinued"}}}}).at("deleted").as_int64() == 0);
    // Updates leave soft-deleted rows alone unless include_deleted.
    CHECK(db.run_node("ItemBulkUpdateNode", {{"filter", {{"category", "discontinued"}}}, {"fields", {{"name", "x"}}}}).at("updated").as_int64() == 0);
    CHECK(db.run_node("ItemBulkUpdateNode", {{"filter", {{"category", "discontinued"}}}, {"fields", {{"name", "x"}}}, {"include_deleted", true}})
              .at("updated").as_int64() == 2);
    CHECK(db.run_node("ItemBulkDeleteNode", {{"filter", {{"category", "discontinued"}}}, {"hard_delete", true}, {"include_deleted", true}})
              .at("deleted").as_int64() == 2);
    CHECK(db.count("items") == 1);
}

TEST_CASE("cascade deletes child rows of the deleted parents", "[bulk][delete][cascade]") {
    BulkDb db("delete_cascade");
    seed_items(db);
    auto d = db.run_node("ItemBulkDeleteNode", {{"ids", boost::json::array{1}}, {"hard_delete", true}, {"cascade", boost::json::array{"reviews"}}});
    CHECK(d.at("deleted").as_int64() == 1);
    CHECK(d.at("cascade").at("reviews").as_int64() == 2);
    CHECK(db.count("reviews") == 1);
    auto e = run_error(db, "ItemBulkDeleteNode", {{"ids", boost::json::array{3}}, {"cascade", boost::json::array{"ratings"}}});
    CHECK_THAT(std::string(e.what()), Contains("no relationship \"ratings\""));
}

TEST_CASE("soft_delete on a model without it is an error", "[bulk][delete][soft]") {
    BulkDb db("delete_soft_missing");
    db.run_node("ProductBulkCreateNode", {{"data", products(1)}});
    auto e = run_error(db, "ProductBulkDeleteNode", {{"ids", boost::json::array{1}}, {"soft_delete", true}});
    CHECK_THAT(std::string(e.what()), Contains("soft_delete"));
    CHECK(db.count() == 1);
}

TEST_CASE("a long ids list is deleted in chunks within one transaction", "[bulk][delete]") {
    // 68,000 ids: more than one statement may bind (PostgreSQL 65,535, SQLite 32,766).
    BulkDb db("delete_many_ids");
    db.run_node("ProductBulkCreateNode", {{"data", products(70000)}, {"batch_size", 10000}});
    boost::json::array ids;
    for (std::int64_t i = 1; i <= 70000; ++i)
        if (i % 35 != 0) ids.push_back(i);
    REQUIRE(ids.size() == 68000);
    auto dry = db.run_node("ProductBulkDeleteNode", {{"ids", ids}, {"dry_run", true}});
    CHECK(dry.at("would_delete").as_int64() == 68000);
    CHECK(dry.at("sample_ids").as_array().size() == 10);
    auto e = run_error(db, "ProductBulkDeleteNode", {{"ids", ids}, {"max_delete_count", 67999}});
    CHECK(db.count() == 70000);  // refused as a whole, although the ids span several statements
    auto d = db.run_node("ProductBulkDeleteNode", {{"ids", ids}, {"hard_delete", true}});
    CHECK(d.at("deleted").as_int64() == 68000);
    CHECK(db.count() == 2000);
    CHECK(db.count("products", "id % 35 = 0") == 2000);
}
