// End to end through the engine and the plugins: CSVReaderNode -> FilterNode -> MapNode ->
// ProductBulkCreateNode on a throw-away SQLite file.
#include "io_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/runtime.hpp>
#include <bulkflow/validation.hpp>
#include <bulkflow/workflow_file.hpp>

using namespace iotest;
using Catch::Contains;

namespace {

const char* const kCsv = "name,price,qty,category\n"
                         "widget,19.99,3,tools\n"
                         "old lamp,5.00,1,old\n"
                         "book,5.50,10,\n"
                         "empty box,1.00,0,home\n"
                         "chair,45.00,2,home\n";

/// A workflow reading `csv` through FilterNode and MapNode (with `map_fields` and `map_model`)
/// into ProductBulkCreateNode.
std::string workflow(const std::string& csv, const std::string& db, const std::string& where,
                     const std::string& map_fields, const std::string& map_model) {
    return "database: sqlite:///" + db +
           "\n"
           "models:\n"
           "  Product:\n"
           "    fields:\n"
           "      name: {type: str, required: true}\n"
           "      price: {type: decimal, precision: 10, scale: 2}\n"
           "      qty: int\n"
           "      category: str\n"
           "      total: {type: decimal, precision: 12, scale: 2}\n"
           "nodes:\n"
           "  - {id: read, type: CSVReaderNode, params: {path: '" +
           csv +
           "', null_values: ['']}}\n"
           "  - id: keep\n"
           "    type: FilterNode\n"
           "    params: {data: '<<read.records>>', where: \"" +
           where +
           "\", model: Product}\n"
           "  - id: shape\n"
           "    type: MapNode\n"
           "    params:\n"
           "      data: '<<keep.records>>'\n"
           "      fields: " +
           map_fields + "\n" + (map_model.empty() ? "" : "      model: " + map_model + "\n") +
           "  - id: import\n"
           "    type: ProductBulkCreateNode\n"
           "    params: {data: '<<shape.records>>', batch_size: 2}\n";
}

} // namespace

TEST_CASE("workflow: CSV -> FilterNode -> MapNode -> ProductBulkCreateNode", "[io][workflow]") {
    TempDir dir;
    const std::string csv = dir.write("products.csv", kCsv);
    const std::string db = (dir.path() / "shop.db").string();
    const std::string wf = dir.write(
        "wf.yaml",
        workflow(
            csv, db, "qty > 0 and coalesce(category, 'misc') != 'old'",
            "{name: 'upper(name)', total: 'price * qty', category: \"coalesce(category, 'misc')\"}",
            "Product"));
    bulkflow::LocalRuntime rt;
    auto [results, run_id] = rt.execute(bulkflow::load_workflow_file(wf).build());
    CHECK(results["read"].at("records").at("records_read").as_int64() == 5);
    CHECK(results["keep"].at("records").at("records_read").as_int64() == 3);
    CHECK(results["shape"].at("records").at("records_read").as_int64() == 3);
    const auto& data = results["import"].at("data").as_object();
    CHECK(data.at("inserted").as_int64() == 3);
    CHECK(data.at("records_processed").as_int64() == 3);
    CHECK(data.at("failure_count").as_int64() == 0);

    // the streams stay readable after the run: what was imported
    const auto rows = read_all(*results.output("shape").streams.at("records"));
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].at("name") == json::value("WIDGET"));
    CHECK(rows[0].at("total") == json::value("59.97"));
    CHECK(rows[1].at("name") == json::value("BOOK"));
    CHECK(rows[1].at("category") == json::value("misc"));
    CHECK(rows[1].at("total") == json::value("55.00"));
    CHECK(rows[2].at("total") == json::value("90.00"));
    CHECK(rows[2].at("price") == json::value("45.00")); // untouched: as read from the CSV
}

TEST_CASE("workflow: expression errors name the node, the parameter and the record",
          "[io][workflow]") {
    TempDir dir;
    const std::string csv = dir.write("products.csv", kCsv);
    const std::string db = (dir.path() / "shop.db").string();
    bulkflow::LocalRuntime rt;

    SECTION("a syntax error is found by validation, before anything runs") {
        const std::string wf =
            dir.write("wf.yaml", workflow(csv, db, "qty >", "{total: 'price * qty'}", "Product"));
        try {
            (void)rt.execute(bulkflow::load_workflow_file(wf).build());
            FAIL("expected a validation error");
        } catch (const bulkflow::RunError&) {
            FAIL("expected a validation error, got a run error");
        } catch (const bulkflow::ValidationError& e) {
            CHECK(e.code() == bulkflow::ErrorCode::invalid_parameter);
            CHECK_THAT(
                e.what(),
                Contains("node 'keep' (FilterNode): parameter 'where': expression 'qty >'") &&
                    Contains("at position 6"));
        }
    }
    SECTION("CSV strings without a model: the type error names the MapNode") {
        const std::string wf =
            dir.write("wf.yaml", workflow(csv, db, "qty > 0", "{total: 'price * qty'}", ""));
        try {
            (void)rt.execute(bulkflow::load_workflow_file(wf).build());
            FAIL("expected a run error");
        } catch (const bulkflow::RunError& e) {
            CHECK(e.node() == "shape");
            CHECK(e.code() == bulkflow::ErrorCode::invalid_data);
            CHECK_THAT(
                e.what(),
                Contains(
                    "node 'shape' (MapNode): parameter 'fields.total': expression 'price * qty'") &&
                    Contains("'price' str (record 0)"));
        }
    }
    SECTION("a failing record names its index in the MapNode's input") {
        const std::string wf =
            dir.write("wf.yaml", workflow(csv, db, "true", "{total: 'price / qty'}", "Product"));
        try {
            (void)rt.execute(bulkflow::load_workflow_file(wf).build());
            FAIL("expected a run error");
        } catch (const bulkflow::RunError& e) {
            CHECK(e.node() == "shape");
            CHECK_THAT(e.what(),
                       Contains("node 'shape' (MapNode): record 3: parameter 'fields.total': "
                                "expression 'price / qty': division by zero"));
        }
    }
}
