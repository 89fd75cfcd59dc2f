#include "bulk_fixture.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

TEST_CASE("bulk create stores every record in batches and reports exact counts", "[bulk][create]") {
    BulkDb db("create_basic");
    auto d = db.run_node("ProductBulkCreateNode", {{"data", products(100)}, {"batch_size", 25}});
    CHECK(d.at("operation").as_string() == "bulk_create");
    CHECK(d.at("records_processed").as_int64() == 100);
    CHECK(d.at("success_count").as_int64() == 100);
    CHECK(d.at("failure_count").as_int64() == 0);
    CHECK(d.at("inserted").as_int64() == 100);
    CHECK(d.at("batches").as_int64() == 4);
    CHECK(d.at("batch_size").as_int64() == 25);
    CHECK(d.contains("duration_s"));
    CHECK(d.contains("rows_per_s"));
    CHECK(db.count() == 100);
    CHECK(db.scalar("SELECT price FROM products WHERE name = 'Product 7'") == "70.50");
    CHECK(db.scalar("SELECT active FROM products WHERE name = 'Product 7'") == "1");  // default
    CHECK(db.scalar("SELECT COUNT(*) FROM products WHERE created_at IS NULL OR updated_at IS NULL") == "0");
}

TEST_CASE("the generated node types appear for each model", "[bulk][registry]") {
    LocalRuntime rt;
    boost::json::object models{{"Product", boost::json::parse(kProductModel)}};
    auto names = rt.registry().type_names(models);
    for (const char* t : {"ProductBulkCreateNode", "ProductBulkUpdateNode", "ProductBulkDeleteNode", "ProductBulkUpsertNode"})
        CHECK(std::find(names.begin(), names.end(), t) != names.end());
    CHECK(rt.registry().find("ProductBulkCreateNode", {}) == nullptr);  // no such model: no node
    auto spec = rt.registry().find("ProductBulkCreateNode", models)->spec();
    REQUIRE(spec.find("use_load_data"));
    CHECK(spec.find("use_load_data")->support == Support::supported);  // the MySQL writer loads with it
    CHECK(spec.find("use_copy")->support == Support::supported);
    CHECK(spec.find("gc_interval")->support == Support::ignored);
}

TEST_CASE("decimals are exact and timestamps with offsets become the right UTC instant", "[bulk][types]") {
    BulkDb db("types");
    boost::json::array data{
        {{"name", "a"}, {"price", "12345678.91"}, {"created", "2024-01-01T12:00:00+05:30"}},
        {{"name", "b"}, {"price", 0.1}, {"created", "2024-01-01T12:00:00Z"}},
        {{"name", "c"}, {"price", "-0.5"}, {"created", "2024-01-01T12:00:00.123456"}},
        {{"name", "d"}, {"price", 19.99}, {"created", "2024-02-29"}},
    };
    db.run_node("ProductBulkCreateNode", {{"data", data}});
    auto rows = db.query("SELECT name, price, created FROM products ORDER BY name");
    REQUIRE(rows.size() == 4);
    CHECK(rows[0][1] == "12345678.91");
    CHECK(rows[0][2] == "2024-01-01T06:30:00.000000Z");
    CHECK(rows[1][1] == "0.10");
    CHECK(rows[1][2] == "2024-01-01T12:00:00.000000Z");
    CHECK(rows[2][1] == "-0.50");
    CHECK(rows[2][2] == "2024-01-01T12:00:00.123456Z");
    CHECK(rows[3][1] == "19.99");
    CHECK(rows[3][2] == "2024-02-29T00:00:00.000000Z");
}

TEST_CASE("hostile strings round-trip unchanged; empty string and NULL differ", "[bulk][types]") {
    BulkDb db("strings");
    const std::vector<std::string> names = {"tab\there", "new\nline\r\n", "quote ' \" `", "back\\slash", "\\N",
                                            "emoji 😀☕", "", "a,b;c", "NULL"};
    boost::json::array data;
    for (const auto& n : names) data.push_back({{"name", n}, {"category", nullptr}});
    data.push_back({{"name", "with empty category"}, {"category", ""}});
    db.run_node("ProductBulkCreateNode", {{"data", data}});
    auto rows = db.query("SELECT name, category FROM products ORDER BY id");
    REQUIRE(rows.size() == names.size() + 1);
    for (std::size_t i = 0; i < names.size(); ++i) {
        CHECK(rows[i][0] == names[i]);
        CHECK_FALSE(rows[i][1].has_value());
    }
    CHECK(rows.back()[1] == std::string(""));
}

TEST_CASE("a CSV file streams into the table through <<read.records>>", "[bulk][create][csv]") {
    BulkDb db("csv");
    auto csv = db.file("products.csv");
    std::ofstream(csv) << "name,price,category,stock\n\"Lamp, desk\",19.99,electronics,3\n\"Mug \"\"XL\"\"\",7.00,kitchen,\n";
    WorkflowBuilder b;
    b.add_node("CSVReaderNode", "read", {{"path", csv.string()}, {"null_values", boost::json::array{""}}});
    b.add_node("ProductBulkCreateNode", "load", {{"data", "<<read.records>>"}, {"batch_size", 1}});
    auto res = db.run(std::move(b));
    CHECK(res.results["load"].at("data").at("success_count").as_int64() == 2);
    CHECK(res.results["read"].at("records").at("records_read").as_int64() == 2);
    CHECK(db.scalar("SELECT name FROM products WHERE category = 'kitchen'") == "Mug \"XL\"");
    CHECK(db.scalar("SELECT stock FROM products WHERE category = 'kitchen'") == "NULL");  // explicit null is kept, not defaulted
}

TEST_CASE("conflict_resolution skip and update on a unique key", "[bulk][create]") {
    BulkDb db("conflicts");
    db.add_model("Sku", R"({"fields": {"code": {"type": "str", "unique": true}, "qty": "int"}})");
    db.run_node("SkuBulkCreateNode", {{"data", boost::json::array{{{"code", "a"}, {"qty", 1}}, {{"code", "b"}, {"qty", 2}}}}});
    auto skip = db.run_node("SkuBulkCreateNode", {{"data", boost::json::array{{{"code", "a"}, {"qty", 9}}, {{"code", "c"}, {"qty", 3}}}},
                                                  {"conflict_resolution", "skip"}});
    CHECK(skip.at("inserted").as_int64() == 1);
    CHECK(skip.at("skipped").as_int64() == 1);
    CHECK(db.scalar("SELECT qty FROM skus WHERE code = 'a'") == "1");
    auto upd = db.run_node("SkuBulkCreateNode", {{"data", boost::json::array{{{"code", "a"}, {"qty", 9}}, {{"code", "d"}, {"qty", 4}}}},
                                                 {"conflict_resolution", "update"}, {"conflict_fields", boost::json::array{"code"}}});
    CHECK(upd.at("inserted").as_int64() == 1);
    CHECK(upd.at("updated").as_int64() == 1);
    CHECK(db.scalar("SELECT qty FROM skus WHERE code = 'a'") == "9");
    CHECK(db.count("skus") == 4);
    auto e = run_error(db, "SkuBulkCreateNode", {{"data", boost::json::array{{{"code", "a"}, {"qty", 1}}}}});
    CHECK(e.code() == ErrorCode::constraint_violation);
    CHECK_THAT(std::string(e.what()), Contains("record 0"));
}

TEST_CASE("preserve_ids keeps ids and later inserts get fresh ones", "[bulk][create]") {
    BulkDb db("preserve");
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"id", 100}, {"name", "x"}}, {{"id", 7}, {"name", "y"}}}},
                                          {"preserve_ids", true}});
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "z"}}}}});
    CHECK(db.scalar("SELECT id FROM products WHERE name = 'x'") == "100");
    CHECK(std::stoll(db.scalar("SELECT id FROM products WHERE name = 'z'")) > 100);
}

TEST_CASE("without preserve_ids the records' ids are not used", "[bulk][create]") {
    BulkDb db("no_preserve");
    auto d = db.run_node("ProductBulkCreateNode",
                         {{"data", boost::json::array{{{"id", 500}, {"name", "x"}}, {{"name", "y"}}, {{"id", 501}, {"name", "z"}}}}});
    CHECK(db.scalar("SELECT id FROM products WHERE name = 'x'") == "1");
    CHECK(d.at("ids_ignored").as_int64() == 2);  // counted, and said once on stderr
    CHECK(db.count("products", "id >= 500") == 0);
}

TEST_CASE("dry_run reports what the real run would store", "[bulk][create]") {
    BulkDb db("dry_run_exact");
    db.add_model("Uniq", R"({"fields": {"code": {"type": "str", "unique": true}}})");
    const boost::json::array data{{{"code", "a"}}, {{"code", "a"}}, {{"code", "b"}}};
    auto dry = db.run_node("UniqBulkCreateNode", {{"data", data}, {"dry_run", true}, {"error_strategy", "continue"}});
    CHECK(db.count("uniqs") == 0);
    auto real = db.run_node("UniqBulkCreateNode", {{"data", data}, {"error_strategy", "continue"}});
    CHECK(real.at("success_count").as_int64() == 2);
    CHECK(dry.at("success_count").as_int64() == real.at("success_count").as_int64());
    CHECK(dry.at("failure_count").as_int64() == real.at("failure_count").as_int64());
    CHECK(dry.at("inserted").as_int64() == real.at("inserted").as_int64());
}

TEST_CASE("validation_rules and transformation_rules", "[bulk][create]") {
    BulkDb db("rules");
    auto d = db.run_node("ProductBulkCreateNode",
                         {{"data", boost::json::array{{{"name", "ok"}, {"price", "10.00"}, {"category", "BOOKS"}},
                                                      {{"name", "cheap"}, {"price", "0.00"}, {"category", "x"}}}},
                          {"validation_rules", {{"price", {{"min", 0.01}, {"max", 10000}}}}},
                          {"transformation_rules", {{"price", "price * 1.1"}, {"category", "category.lower()"}}},
                          {"error_strategy", "continue"}});
    CHECK(d.at("success_count").as_int64() == 1);
    CHECK(d.at("failure_count").as_int64() == 1);
    CHECK_THAT(std::string(d.at("errors").at(0).at("error").as_string()), Contains("price") && Contains("minimum"));
    CHECK(db.scalar("SELECT price || '/' || category FROM products") == "11.00/books");
}

TEST_CASE("a model from a builder and a stream from JSON lines", "[bulk][create]") {
    BulkDb db("jsonl");
    auto path = db.file("events.jsonl");
    std::ofstream(path) << R"({"kind": "a", "at": "2024-01-15T10:30:00Z", "payload": {"x": [1, 2]}})" << "\n"
                        << R"({"kind": "b", "at": "2024-01-15T11:45:00+01:00", "payload": null})" << "\n";
    db.add_model("Event", R"({"fields": {"kind": "str", "at": "datetime", "payload": "json"}})");
    WorkflowBuilder b;
    b.add_model("Event", boost::json::parse(R"({"fields": {"kind": "str", "at": "datetime", "payload": "json"}})"));
    b.add_node("JSONReaderNode", "read", {{"path", path.string()}});
    b.add_node("EventBulkCreateNode", "load", {{"data", "<<read.records>>"}});
    auto res = db.run(std::move(b));
    CHECK(res.results["load"].at("data").at("inserted").as_int64() == 2);
    CHECK(db.scalar("SELECT at FROM events WHERE kind = 'b'") == "2024-01-15T10:45:00.000000Z");
    CHECK(boost::json::parse(db.scalar("SELECT payload FROM events WHERE kind = 'a'")) == boost::json::parse(R"({"x":[1,2]})"));
}

TEST_CASE("skip_validation and validate_data false skip the rules, never the types", "[bulk][create]") {
    BulkDb db("skip_rules");
    const boost::json::object rules{{"price", {{"min", 100}}}};
    auto skipped = db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "cheap"}, {"price", "1.00"}}}},
                                                         {"validation_rules", rules}, {"skip_validation", true}});
    CHECK(skipped.at("inserted").as_int64() == 1);
    auto off = db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "cheap2"}, {"price", "1.00"}}}},
                                                     {"validation_rules", rules}, {"validate_data", false}});
    CHECK(off.at("inserted").as_int64() == 1);
    // Types are still checked: the database needs them.
    auto typed = db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "bad"}, {"price", "abc"}}}},
                                                       {"skip_validation", true}, {"error_strategy", "continue"}});
    CHECK(typed.at("failure_count").as_int64() == 1);
    CHECK(db.count() == 2);
}

TEST_CASE("transform_data false leaves transformation_rules unapplied", "[bulk][create]") {
    BulkDb db("no_transform");
    db.run_node("ProductBulkCreateNode", {{"data", boost::json::array{{{"name", "a"}, {"category", "BOOKS"}}}},
                                          {"transformation_rules", {{"category", "lower(category)"}}}, {"transform_data", false}});
    CHECK(db.scalar("SELECT category FROM products") == "BOOKS");
}

TEST_CASE("verify_migration reads back a sample and compares it", "[bulk][create][verify]") {
    BulkDb db("verify");
    auto d = db.run_node("ProductBulkCreateNode", {{"data", products(50)}, {"verify_migration", true}, {"verification_sample", 20},
                                                   {"verification_fields", boost::json::array{"name", "price", "category"}}});
    CHECK(d.at("verification").at("checked").as_int64() == 20);
    CHECK(d.at("verification").at("mismatched").as_int64() == 0);
    auto all = db.run_node("ProductBulkCreateNode", {{"data", products(3, "x")}, {"verify_migration", true}});
    CHECK(all.at("verification").at("checked").as_int64() == 3);
}

TEST_CASE("monitoring adds memory, cpu, disk and io counters to the result", "[bulk][create][monitor]") {
    BulkDb db("monitor");
    auto d = db.run_node("ProductBulkCreateNode", {{"data", products(200)}, {"batch_size", 50}, {"monitor_memory", true},
                                                   {"monitor_cpu", true}, {"monitor_disk_io", true}, {"track_io_operations", true},
                                                   {"collect_metrics", true}});
    CHECK(d.at("peak_rss_mb").as_double() > 1.0);
    CHECK(d.at("cpu_s").as_double() > 0.0);
    CHECK(d.contains("disk_write_mb"));
    CHECK(d.at("io_write_ops").as_int64() >= 0);
    CHECK(d.at("metrics").as_array().size() == 4);
    CHECK(d.at("metrics").at(0).at("rows").as_int64() == 50);
}

TEST_CASE("verify_migration fails when stored rows differ from the input", "[bulk][create][verify]") {
    BulkDb db("verify_mismatch");
    db.run_node("ProductBulkCreateNode", {{"data", products(1)}});  // creates the table
    if (test_dialect() == "postgres") {
        db.exec("CREATE FUNCTION zero_price() RETURNS trigger AS $$ BEGIN NEW.price := 0; RETURN NEW; END $$ LANGUAGE plpgsql");
        db.exec("CREATE TRIGGER zero BEFORE INSERT ON products FOR EACH ROW WHEN (NEW.name = 'Product 2') EXECUTE FUNCTION zero_price()");
    } else if (test_dialect() == "mysql") {
        db.exec("CREATE TRIGGER zero BEFORE INSERT ON products FOR EACH ROW SET NEW.price = IF(NEW.name = 'Product 2', 0, NEW.price)");
    } else {
        db.exec("CREATE TRIGGER zero AFTER INSERT ON products WHEN NEW.name = 'Product 2' "
                "BEGIN UPDATE products SET price = '0.00' WHERE id = NEW.id; END");
    }
    auto e = run_error(db, "ProductBulkCreateNode", {{"data", products(3)}, {"verify_migration", true}});
    CHECK_THAT(std::string(e.what()), Contains("1 of 3 sampled records") && Contains("[1]"));
    CHECK(db.count() == 4);  // the stored rows stay
}

TEST_CASE("parallel batches store every record exactly once", "[bulk][create][parallel]") {
    BulkDb db("parallel");
    for (const char* balancing : {"least_loaded", "round_robin"}) {
        auto d = db.run_node("ProductBulkCreateNode", {{"data", products(3000, balancing)}, {"batch_size", 100}, {"parallel_batches", 4},
                                                       {"connection_pool_size", 3}, {"load_balancing", balancing}, {"max_workers", 2}});
        CHECK(d.at("inserted").as_int64() == 3000);
        CHECK(d.at("batches").as_int64() == 30);
        CHECK(db.count("products", std::string("category = '") + balancing + "'") == 3000);
        CHECK(db.scalar(std::string("SELECT COUNT(DISTINCT name) FROM products WHERE category = '") + balancing + "'") == "3000");
    }
}

TEST_CASE("parallel batches isolate failing records with exact counts", "[bulk][create][parallel]") {
    BulkDb db("parallel_errors");
    auto data = products(1000);
    for (int i : {5, 333, 999}) data[static_cast<std::size_t>(i)].as_object()["price"] = "not a price";
    data[500].as_object()["name"] = nullptr;  // required: the database would reject it too
    auto d = db.run_node("ProductBulkCreateNode", {{"data", data}, {"batch_size", 50}, {"parallel_batches", 3}, {"error_strategy", "continue"}});
    CHECK(d.at("inserted").as_int64() == 996);
    CHECK(d.at("failure_count").as_int64() == 4);
    CHECK(db.count() == 996);
}

TEST_CASE("load options: COPY formats, INSERT instead of COPY, disabled indexes come back", "[bulk][create][load]") {
    BulkDb db("load_options");
    const boost::json::array hostile{{{"name", "tab\there"}, {"category", ""}, {"price", "1.10"}},
                                     {{"name", "semi;colon \\N \"q\""}, {"category", nullptr}, {"price", "-2.00"}}};
    const std::vector<boost::json::object> variants = {
        {{"copy_options", {{"format", "csv"}, {"delimiter", ";"}, {"null_string", "NULL"}}}},
        {{"copy_options", {{"delimiter", "|"}}}},  // text format, as the specification writes it
        {{"use_copy", false}},
        {{"disable_indexes", true}},
    };
    for (const auto& v : variants) {
        boost::json::object params = v;
        params["data"] = hostile;
        auto d = db.run_node("ProductBulkCreateNode", params);
        CHECK(d.at("inserted").as_int64() == 2);
    }
    CHECK(db.count() == 8);
    CHECK(db.count("products", "name = 'semi;colon \\N \"q\"' AND category IS NULL AND price = '-2.00'") == 4);
    CHECK(db.count("products", "name = 'tab\there' AND category = ''") == 4);
    const std::string indexes =
        test_dialect() == "postgres" ? "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'products' AND indexdef LIKE '%(category)%'"
        : test_dialect() == "mysql"  ? "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() "
                                       "AND table_name = 'products' AND column_name = 'category'"
                                     : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'products' AND sql LIKE '%category%'";
    CHECK(db.scalar(indexes) == "1");  // the category index was dropped for the load and rebuilt
    auto e = run_error(db, "ProductBulkCreateNode", {{"data", hostile}, {"copy_options", {{"format", "xml"}}}});
    CHECK_THAT(std::string(e.what()), Contains("copy_options") && Contains("xml"));
}
