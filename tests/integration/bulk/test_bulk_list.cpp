// <Model>ListNode: filter, order_by, limit, soft-deleted rows, streaming in pages into another
// node, and parameter errors; on SQLite and PostgreSQL.

#include "bulk_fixture.hpp"

#include <catch2/catch.hpp>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

// A second table shaped like products: listed rows are created there in stream order, so the
// copy's ids show the order the list produced.
void add_snapshot_model(WorkflowBuilder& b) {
    auto m = boost::json::parse(kProductModel).as_object();
    m["table"] = "snapshots";
    b.add_model("Snapshot", m);
}

boost::json::array stocked(int n) {
    boost::json::array a;
    for (int i = 1; i <= n; ++i)
        a.push_back({{"name", "p" + std::to_string(i)}, {"price", "1.00"}, {"category", i % 2 ? "odd" : "even"}, {"stock", (i * 7) % 10}});
    return a;
}

std::string snapshot_names(BulkDb& db) {
    return db.scalar("SELECT " + std::string(test_dialect() == "postgres" ? "string_agg(name, ',' ORDER BY id)"
                                  : test_dialect() == "mysql"  ? "GROUP_CONCAT(name ORDER BY id SEPARATOR ',')"
                                                               : "group_concat(name, ',')") +
                     " FROM (SELECT name, id FROM snapshots ORDER BY id) s");
}

} // namespace

TEST_CASE("list with filter, order_by and limit streams rows in that order", "[bulk][list]") {
    BulkDb db("list_order");
    db.run_node("ProductBulkCreateNode", {{"data", stocked(10)}});
    // stock: p1 7, p2 4, p3 1, p4 8, p5 5, p6 2, p7 9, p8 6, p9 3, p10 0
    WorkflowBuilder b;
    add_snapshot_model(b);
    b.add_node("ProductListNode", "list",
               {{"filter", {{"stock", {{"$gte", 3}}}}}, {"order_by", boost::json::array{"-stock"}}, {"limit", 4}});
    b.add_node("SnapshotBulkCreateNode", "copy", {{"data", "<<list.records>>"}});
    auto res = db.run(std::move(b));
    CHECK(res.results["copy"].at("data").at("inserted").as_int64() == 4);
    CHECK(res.results["list"].at("records").at("records_read").as_int64() == 4);
    CHECK(res.results["list"].at("model").as_string() == "Product");
    CHECK(snapshot_names(db) == "p7,p4,p1,p8");
    // Values arrive typed as stored: decimals exact, categories kept.
    CHECK(db.count("snapshots", "category IN ('odd', 'even')") == 4);
    CHECK(db.scalar("SELECT price FROM snapshots WHERE name = 'p7'") == "1.00");
}

TEST_CASE("list order_by several fields with directions; ties end by id", "[bulk][list]") {
    BulkDb db("list_multi");
    db.run_node("ProductBulkCreateNode", {{"data", stocked(6)}});
    WorkflowBuilder b;
    add_snapshot_model(b);
    b.add_node("ProductListNode", "list", {{"order_by", boost::json::array{"category desc", "stock"}}});
    b.add_node("SnapshotBulkCreateNode", "copy", {{"data", "<<list.records>>"}});
    db.run(std::move(b));
    // odd: p1 7, p3 1, p5 5 -> p3 p5 p1; even: p2 4, p4 8, p6 2 -> p6 p2 p4
    CHECK(snapshot_names(db) == "p3,p5,p1,p6,p2,p4");
}

TEST_CASE("a large list is read a page at a time into the next node", "[bulk][list]") {
    BulkDb db("list_large");
    db.run_node("ProductBulkCreateNode", {{"data", products(25000)}});
    WorkflowBuilder b;
    add_snapshot_model(b);
    b.add_node("ProductListNode", "list", {{"fetch_size", 1000}});
    b.add_node("SnapshotBulkCreateNode", "copy", {{"data", "<<list.records>>"}, {"batch_size", 3000}});
    auto res = db.run(std::move(b));
    CHECK(res.results["copy"].at("data").at("inserted").as_int64() == 25000);
    CHECK(res.results["copy"].at("data").at("batches").as_int64() == 9);
    CHECK(db.count("snapshots") == 25000);
    CHECK(db.count("snapshots", "name = 'Product 25000' AND id = 25000") == 1);  // in id order
}

TEST_CASE("soft-deleted rows are listed only with include_deleted", "[bulk][list][soft]") {
    BulkDb db("list_soft");
    db.add_model("Note", R"({"fields": {"text": "str"}, "soft_delete": true})");
    db.run_node("NoteBulkCreateNode", {{"data", boost::json::array{{{"text", "a"}}, {{"text", "b"}}, {{"text", "c"}}}}});
    db.run_node("NoteBulkDeleteNode", {{"ids", boost::json::array{2}}});
    auto count_listed = [&](bool include_deleted) {
        WorkflowBuilder b;
        b.add_model("Note", boost::json::parse(R"({"fields": {"text": "str"}, "soft_delete": true})"));
        // A plain copy table of the text only (`fields`: deleted_at belongs to soft delete).
        b.add_model("NoteCopy", boost::json::parse(R"({"fields": {"text": "str"}, "table": "note_copies_)" +
                                                   std::string(include_deleted ? "all" : "live") + "\"}"));
        b.add_node("NoteListNode", "list", {{"include_deleted", include_deleted}, {"fields", boost::json::array{"text"}}});
        b.add_node("NoteCopyBulkCreateNode", "copy", {{"data", "<<list.records>>"}});
        return db.run(std::move(b)).results["copy"].at("data").at("inserted").as_int64();
    };
    CHECK(count_listed(false) == 2);
    CHECK(count_listed(true) == 3);
    CHECK(db.count("note_copies_all", "text = 'b'") == 1);
    CHECK(db.count("note_copies_live", "text = 'b'") == 0);
}

TEST_CASE("list parameter errors name the parameter", "[bulk][list]") {
    BulkDb db("list_errors");
    auto e = run_error(db, "ProductListNode", {{"order_by", "pricee"}});
    CHECK_THAT(std::string(e.what()), Contains("order_by") && Contains("pricee") && Contains("not a field"));
    auto d = run_error(db, "ProductListNode", {{"order_by", "price sideways"}});
    CHECK_THAT(std::string(d.what()), Contains("asc or desc"));
    auto l = run_error(db, "ProductListNode", {{"limit", -1}});
    CHECK_THAT(std::string(l.what()), Contains("limit"));
    auto c = run_error(db, "ProductListNode", {{"fields", boost::json::array{"name", "colour"}}});
    CHECK_THAT(std::string(c.what()), Contains("fields") && Contains("\"colour\" is not a field"));
    auto f = run_error(db, "ProductListNode", {{"filter", {{"nope", 1}}}});
    CHECK_THAT(std::string(f.what()), Contains("unknown field 'nope'"));
}
