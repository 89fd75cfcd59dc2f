#include "bulk_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {
void seed(BulkDb& db) {
    boost::json::array data{
        {{"name", "p1"}, {"price", "10.00"}, {"category", "electronics"}, {"stock", 5}, {"active", true}},
        {{"name", "p2"}, {"price", "20.00"}, {"category", "electronics"}, {"stock", 50}, {"active", true}},
        {{"name", "p3"}, {"price", "30.00"}, {"category", "clothing"}, {"stock", 2}, {"active", false}},
        {{"name", "p4"}, {"price", "19.99"}, {"category", "books"}, {"stock", 1}, {"active", true}},
    };
    db.run_node("ProductBulkCreateNode", {{"data", data}});
}
} // namespace

TEST_CASE("update by filter with expressions and literals", "[bulk][update]") {
    BulkDb db("update_filter");
    seed(db);
    auto d = db.run_node("ProductBulkUpdateNode",
                         {{"filter", {{"category", "electronics"}}},
                          {"fields", {{"price", "price * 0.9"}, {"updated_at", ":current_timestamp"}, {"category", "cat-c3"}}}});
    CHECK(d.at("updated").as_int64() == 2);
    CHECK(db.scalar("SELECT price FROM products WHERE name = 'p1'") == "9.00");
    CHECK(db.scalar("SELECT price FROM products WHERE name = 'p2'") == "18.00");
    CHECK(db.count("products", "category = 'cat-c3'") == 2);
    CHECK(db.scalar("SELECT price FROM products WHERE name = 'p3'") == "30.00");
}

TEST_CASE("restock with $lt, $in and booleans; :current_date", "[bulk][update]") {
    BulkDb db("update_restock");
    db.add_model("Item", R"({"fields": {"name": "str", "stock": "int", "category": "str", "active": "bool",
                             "restock_date": "date", "status": "str"}})");
    db.run_node("ItemBulkCreateNode", {{"data", boost::json::array{
        {{"name", "a"}, {"stock", 5}, {"category", "electronics"}, {"active", true}},
        {{"name", "b"}, {"stock", 50}, {"category", "electronics"}, {"active", true}},
        {{"name", "c"}, {"stock", 2}, {"category", "clothing"}, {"active", false}},
        {{"name", "d"}, {"stock", 1}, {"category", "books"}, {"active", true}}}}});
    auto d = db.run_node("ItemBulkUpdateNode",
                         {{"filter", {{"stock", {{"$lt", 10}}}, {"active", true}, {"category", {{"$in", boost::json::array{"electronics", "clothing"}}}}}},
                          {"fields", {{"stock", "stock + 100"}, {"restock_date", ":current_date"}, {"status", "restocked"}}},
                          {"return_updated", true}});
    CHECK(d.at("updated").as_int64() == 1);
    CHECK(d.at("records").as_array().size() == 1);
    CHECK(d.at("records").at(0).at("stock").as_int64() == 105);
    CHECK(db.scalar("SELECT stock || status FROM items WHERE name = 'a'") == "105restocked");
    CHECK(db.scalar("SELECT restock_date FROM items WHERE name = 'a'") == today_utc());
    CHECK(db.count("items", "status IS NULL") == 3);
}

TEST_CASE("an update with an empty filter is refused unless confirmed", "[bulk][update][safety]") {
    BulkDb db("update_empty");
    seed(db);
    auto e = run_error(db, "ProductBulkUpdateNode", {{"filter", boost::json::object{}}, {"fields", {{"stock", 0}}}});
    CHECK(e.code() == ErrorCode::refused);
    CHECK_THAT(std::string(e.what()), Contains("every row"));
    CHECK(db.count("products", "stock = 0") == 0);
    auto d = db.run_node("ProductBulkUpdateNode", {{"fields", {{"stock", 0}}}, {"confirmed", true}});
    CHECK(d.at("updated").as_int64() == 4);
}

TEST_CASE("$in: [] matches nothing and is not an empty filter", "[bulk][update][safety]") {
    BulkDb db("update_in_empty");
    seed(db);
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"id", {{"$in", boost::json::array{}}}}}}, {"fields", {{"stock", 0}}}});
    CHECK(d.at("updated").as_int64() == 0);
}

TEST_CASE("dry run of an update changes nothing", "[bulk][update][safety]") {
    BulkDb db("update_dry");
    seed(db);
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", "electronics"}}}, {"fields", {{"stock", 0}}}, {"dry_run", true}});
    CHECK(d.at("would_update").as_int64() == 2);
    CHECK(d.at("sample_ids").as_array().size() == 2);
    CHECK(db.count("products", "stock = 0") == 0);
}

TEST_CASE("update by id from a list, with atomic_ops", "[bulk][update]") {
    BulkDb db("update_list");
    seed(db);
    auto d = db.run_node("ProductBulkUpdateNode",
                         {{"fields", boost::json::array{{{"id", 1}, {"price", "15.99"}, {"stock", 200}},
                                                        {{"id", 3}, {"stock", 0}},
                                                        {{"id", 2}, {"atomic_ops", {{"stock", {{"$inc", -5}}}}}},
                                                        {{"id", 4}, {"atomic_ops", {{"price", {{"$mul", 2}}}}}}}},
                          {"batch_size", 2}});
    CHECK(d.at("updated").as_int64() == 4);
    auto rows = db.query("SELECT price, stock FROM products ORDER BY id");
    CHECK(rows[0][0] == "15.99");
    CHECK(rows[0][1] == "200");
    CHECK(rows[1][1] == "45");
    CHECK(rows[2][1] == "0");
    CHECK(rows[2][0] == "30.00");  // untouched field stays
    CHECK(rows[3][0] == "39.98");
}

TEST_CASE("filter keys and field names shaped like SQL injection are rejected, table unchanged", "[bulk][security]") {
    BulkDb db("update_injection");
    seed(db);
    auto e1 = run_error(db, "ProductBulkUpdateNode", {{"filter", {{"name; DROP TABLE products; --", "x"}}}, {"fields", {{"stock", 0}}}});
    CHECK(e1.code() == ErrorCode::invalid_parameter);
    auto e2 = run_error(db, "ProductBulkUpdateNode", {{"filter", {{"category", "books"}}}, {"fields", {{"stock = 0 --", 1}}}});
    CHECK(e2.code() == ErrorCode::invalid_parameter);
    // A hostile *value* is just data: it is bound, never pasted.
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"name", "x' OR '1'='1"}}}, {"fields", {{"stock", 0}}}});
    CHECK(d.at("updated").as_int64() == 0);
    CHECK(db.count() == 4);
    CHECK(db.count("products", "stock = 0") == 0);
}

TEST_CASE("datetime filters accept ISO strings", "[bulk][update]") {
    BulkDb db("update_dates");
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "old"}, {"created", "2021-06-01T00:00:00Z"}},
                                                                     {{"name", "new"}, {"created", "2023-06-01T00:00:00+02:00"}}}}});
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"created", {{"$lt", "2022-01-01"}}}}}, {"fields", {{"stock", 9}}}});
    CHECK(d.at("updated").as_int64() == 1);
    CHECK(db.scalar("SELECT name FROM products WHERE stock = 9") == "old");
}

TEST_CASE("update by filter with batch_size runs in id-ordered chunks", "[bulk][update]") {
    BulkDb db("update_chunks");
    db.run_node("ProductBulkCreateNode", {{"data", products(1050, "electronics")}, {"batch_size", 500}});
    db.run_node("ProductBulkCreateNode", {{"data", products(10, "books")}});
    // The update keeps rows matching the filter: chunks must still visit each row once.
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", "electronics"}}}, {"fields", {{"stock", "stock + 1"}}},
                                                   {"batch_size", 100}, {"return_updated", true}});
    CHECK(d.at("updated").as_int64() == 1050);
    CHECK(d.at("batches").as_int64() == 11);
    CHECK(d.at("records").as_array().size() == 1050);
    CHECK(db.count("products", "category = 'electronics' AND stock = CAST(SUBSTR(name, 9) AS INTEGER) + 1") == 1050);
    CHECK(db.count("products", "category = 'books' AND stock = CAST(SUBSTR(name, 9) AS INTEGER)") == 10);
    // Without batch_size: one statement, one batch.
    auto one = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", "books"}}}, {"fields", {{"stock", 0}}}});
    CHECK(one.at("batches").as_int64() == 1);
    CHECK(one.at("updated").as_int64() == 10);
}

TEST_CASE("a long $in list with quote, backslash, comma and brace values selects exactly them", "[bulk][update][array]") {
    // PostgreSQL binds eight or more values as one array literal; the others one per value.
    BulkDb db("update_long_in");
    const boost::json::array hostile{"a\"b", "c\\d", "e,f", "{g}", "NULL", "", " h ", "ü", "it's", "x\ty"};
    boost::json::array data;
    for (const auto& c : hostile) data.push_back({{"name", "n"}, {"price", "1.00"}, {"category", c}});
    data.push_back({{"name", "other"}, {"price", "1.00"}, {"category", "c\\\\d"}});
    data.push_back({{"name", "null"}, {"price", "1.00"}});
    db.run_node("ProductBulkCreateNode", {{"data", data}});

    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", {{"$in", hostile}}}}}, {"fields", {{"stock", 7}}}});
    CHECK(d.at("updated").as_int64() == 10);
    CHECK(db.count("products", "stock = 7") == 10);
    CHECK(db.count("products", "stock = 7 AND name = 'n'") == 10);

    auto n = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", {{"$nin", hostile}}}}}, {"fields", {{"stock", 9}}}});
    CHECK(n.at("updated").as_int64() == 2);  // NOT IN matches the NULL category too (CONTRACT 7)
    CHECK(db.count("products", "stock = 9 AND name IN ('other', 'null')") == 2);
}

TEST_CASE("return_updated returns every changed row, in id order, as stored after the update", "[bulk][update]") {
    // The rows come from UPDATE ... RETURNING (SQLite and PostgreSQL), which follows no order:
    // the node sorts them by id.
    BulkDb db("update_return_many");
    db.run_node("ProductBulkCreateNode", {{"data", products(40000, "electronics")}});
    db.run_node("ProductBulkCreateNode", {{"data", products(5, "books")}});
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", "electronics"}}},
                                                   {"fields", {{"stock", "stock + 1000000"}, {"active", false}}},
                                                   {"return_updated", true}});
    CHECK(d.at("updated").as_int64() == 40000);
    const auto& records = d.at("records").as_array();
    REQUIRE(records.size() == 40000);
    bool ordered = true, changed = true;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i].as_object();
        ordered = ordered && (i == 0 || records[i - 1].at("id").as_int64() < r.at("id").as_int64());
        changed = changed && r.at("stock").as_int64() >= 1000000 && !r.at("active").as_bool() &&
                  r.at("category").as_string() == "electronics";
    }
    CHECK(ordered);
    CHECK(changed);
    CHECK(db.count("products", "stock >= 1000000") == 40000);
}

TEST_CASE("update by id of an id that matches no row is a failed record, never a success", "[bulk][update]") {
    BulkDb db("update_missing_id");
    seed(db);
    const boost::json::array data{{{"id", 1}, {"stock", 100}}, {{"id", 999}, {"stock", 100}}, {{"id", 3}, {"stock", 100}}};
    auto e = run_error(db, "ProductBulkUpdateNode", {{"data", data}});
    CHECK_THAT(std::string(e.what()), Contains("record 1") && Contains("999"));
    CHECK(db.count("products", "stock = 100") == 0);  // stop: the batch rolled back

    auto d = db.run_node("ProductBulkUpdateNode", {{"data", data}, {"error_strategy", "continue"}});
    CHECK(d.at("updated").as_int64() == 2);
    CHECK(d.at("success_count").as_int64() == 2);
    CHECK(d.at("failure_count").as_int64() == 1);
    CHECK(d.at("errors").at(0).at("index").as_int64() == 1);
    CHECK(db.count("products", "stock = 100") == 2);
}

TEST_CASE("an update expression whose result does not fit the column fails the node and changes nothing", "[bulk][update][integrity]") {
    // docs/bulk-nodes.md, "Update fields": overflow, precision and division by zero fail on
    // every database (SQLite would otherwise store a REAL, a rounded-off decimal or NULL).
    const struct {
        const char* field;
        const char* expr;
    } cases[] = {{"price", "price * 10"}, {"stock", "stock + 1"}, {"stock", "stock / 0"}, {"stock", "stock * 2 - stock"}};
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.field << " = " << c.expr) {
            BulkDb db("update_overflow");
            db.run_node("ProductBulkCreateNode",
                        {{"data", boost::json::array{{{"name", "small"}, {"price", "10.00"}, {"category", "x"}, {"stock", 5}},
                                                     {{"name", "edge"}, {"price", "99999999.99"}, {"category", "x"},
                                                      {"stock", std::numeric_limits<std::int64_t>::max()}}}}});
            auto e = run_error(db, "ProductBulkUpdateNode", {{"filter", {{"category", "x"}}}, {"fields", {{c.field, c.expr}}}});
            CHECK(e.node() == "op");
            CHECK_THAT(std::string(e.what()), Contains(c.field) && Contains(c.expr));
            auto rows = db.query("SELECT price, stock FROM products ORDER BY id");
            REQUIRE(rows.size() == 2);
            CHECK(rows[0][0] == "10.00");  // the row that fits is not changed either
            CHECK(rows[0][1] == "5");
            CHECK(rows[1][0] == "99999999.99");
            CHECK(rows[1][1] == "9223372036854775807");
        }
    }
}

TEST_CASE("update expressions that fit are stored, rounded to the scale as PostgreSQL does", "[bulk][update][integrity]") {
    BulkDb db("update_fits");
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "a"}, {"price", "9999999.99"}, {"category", "x"},
                                                                       {"stock", std::numeric_limits<std::int64_t>::max() - 1}}}}});
    auto d = db.run_node("ProductBulkUpdateNode", {{"filter", {{"category", "x"}}}, {"fields", {{"price", "price * 10 + 0.004"}, {"stock", "stock + 1"}}}});
    CHECK(d.at("updated").as_int64() == 1);
    CHECK(db.scalar("SELECT price FROM products") == "99999999.90");
    CHECK(db.scalar("SELECT stock FROM products") == "9223372036854775807");
}
