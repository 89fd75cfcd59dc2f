// No value is changed on its way in (docs/workflow-format.md, "Numbers"): JSON numbers are
// converted from their text, what does not fit fails the record, and empty unquoted CSV cells
// are NULL. Every case reads the stored table back with the database's own client.
#include "bulk_fixture.hpp"

#include <bulkflow/workflow_file.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

const char* kMeasureModel = R"({"fields": {
    "label": {"type": "str", "unique": true},
    "stock": "int",
    "price": {"type": "decimal", "precision": 30, "scale": 2},
    "cents": {"type": "decimal", "precision": 10, "scale": 2},
    "ratio": "float",
    "flag": "bool",
    "at": "datetime",
    "day": "date",
    "meta": "json",
    "note": "str"}})";

/// Records (one per line) that each hold a number a double would change; `bad_*` must fail.
const char* kRecords[] = {
    R"({"label": "big", "stock": 9007199254740993.0})",
    R"({"label": "plain_big", "stock": 9007199254740993})",
    R"({"label": "price", "price": 123456789012345678.01})",
    R"({"label": "bad_half", "stock": 1.5})",
    R"({"label": "bad_cents", "cents": 1.234})",
    R"({"label": "bad_float_underflow", "ratio": 1e-400})",
    R"({"label": "bad_decimal_underflow", "cents": 1e-400})",
    R"({"label": "bad_almost_two", "stock": 2.0000000000000001})",
    R"({"label": "bad_float_overflow", "ratio": 1e400})",
    R"({"label": "ok", "ratio": 0.5, "cents": 12.5, "meta": {"n": 123456789012345678.01}})",
};
constexpr std::size_t kFirstBad = 3, kBadCount = 6;

std::string jsonl() {
    std::string s;
    for (const char* r : kRecords) (s += r) += '\n';
    return s;
}

std::string workflow_with_inline_data(const std::string& data) {
    return R"({"models": {"Measure": )" + std::string(kMeasureModel) +
           R"(}, "nodes": [{"id": "load", "type": "MeasureBulkCreateNode", "params": {"error_strategy": "continue", "data": )" +
           data + "}}]}";
}

/// Checks what the load of kRecords (through any path) stored and reported.
void check_exact_load(BulkDb& db, const boost::json::object& d, const std::filesystem::path& failed) {
    CHECK(d.at("success_count").as_int64() == static_cast<std::int64_t>(std::size(kRecords) - kBadCount));
    const auto& errors = d.at("errors").as_array();
    REQUIRE(errors.size() == kBadCount);
    for (std::size_t i = 0; i < kBadCount; ++i) CHECK(errors[i].at("index").as_int64() == static_cast<std::int64_t>(kFirstBad + i));
    CHECK_THAT(std::string(errors[0].at("error").as_string()), Contains("stock") && Contains("1.5"));
    CHECK_THAT(std::string(errors[1].at("error").as_string()), Contains("cents") && Contains("1.234"));
    CHECK_THAT(std::string(errors[2].at("error").as_string()), Contains("ratio") && Contains("1e-400"));
    CHECK_THAT(std::string(errors[3].at("error").as_string()), Contains("cents") && Contains("1e-400"));
    CHECK_THAT(std::string(errors[4].at("error").as_string()), Contains("2.0000000000000001"));
    CHECK_THAT(std::string(errors[5].at("error").as_string()), Contains("1e400"));
    CHECK(db.scalar("SELECT stock FROM measures WHERE label = 'big'") == "9007199254740993");
    CHECK(db.scalar("SELECT stock FROM measures WHERE label = 'plain_big'") == "9007199254740993");
    CHECK(db.scalar("SELECT price FROM measures WHERE label = 'price'") == "123456789012345678.01");
    CHECK(db.scalar("SELECT cents FROM measures WHERE label = 'ok'") == "12.50");
    CHECK_THAT(db.scalar("SELECT meta FROM measures WHERE label = 'ok'"), Contains("123456789012345678.01"));
    CHECK(db.count("measures", "label LIKE 'bad%'") == 0);
    // The failed records file shows each number as it was written.
    std::ifstream in(failed);
    std::stringstream text;
    text << in.rdbuf();
    CHECK_THAT(text.str(), Contains(R"("ratio":1e-400)") && Contains(R"("stock":2.0000000000000001)") &&
                               Contains(R"("stock":1.5)") && Contains(R"("ratio":1e400)"));
}

} // namespace

TEST_CASE("JSON lines: numbers are converted from their text, never rounded", "[bulk][numbers]") {
    BulkDb db("numbers_jsonl");
    const auto path = db.file("measures.jsonl");
    std::ofstream(path) << jsonl();
    const auto failed = db.file("numbers_failed.jsonl");
    WorkflowBuilder b;
    b.add_model("Measure", boost::json::parse(kMeasureModel));
    b.add_node("JSONReaderNode", "read", {{"path", path.string()}});
    b.add_node("MeasureBulkCreateNode", "load", {{"data", "<<read.records>>"}, {"error_strategy", "continue"},
                                                 {"failed_records_file", failed.string()}});
    auto res = db.run(std::move(b));
    check_exact_load(db, res.results["load"].at("data").as_object(), failed);
}

TEST_CASE("inline data in a JSON workflow keeps numbers exact", "[bulk][numbers]") {
    BulkDb db("numbers_inline_json");
    std::string data = "[";
    for (const char* r : kRecords) (data += data.size() > 1 ? "," : "") += r;
    data += "]";
    const auto wf = db.file("numbers.json");
    std::string text = workflow_with_inline_data(data);
    const auto failed = db.file("numbers_inline_failed.jsonl");
    text.insert(text.find(R"("data")"), R"("failed_records_file": ")" + failed.string() + R"(", )");
    std::ofstream(wf) << text;
    auto res = db.run(load_workflow_file(wf));
    check_exact_load(db, res.results["load"].at("data").as_object(), failed);
}

TEST_CASE("inline data in a YAML workflow keeps numbers exact", "[bulk][numbers]") {
    BulkDb db("numbers_inline_yaml");
    const auto failed = db.file("numbers_yaml_failed.jsonl");
    std::string yaml = "models:\n  Measure: " + std::string(kMeasureModel) +
                       "\nnodes:\n  - id: load\n    type: MeasureBulkCreateNode\n    params:\n"
                       "      error_strategy: continue\n      failed_records_file: '" + failed.string() + "'\n      data:\n";
    for (const char* r : kRecords) yaml += std::string("        - ") + r + "\n";
    const auto wf = db.file("numbers.yaml");
    std::ofstream(wf) << yaml;
    auto res = db.run(load_workflow_file(wf));
    check_exact_load(db, res.results["load"].at("data").as_object(), failed);
}

TEST_CASE("CSV: an empty unquoted cell is NULL for non-string fields, \"\" an empty string", "[bulk][numbers][csv]") {
    BulkDb db("numbers_csv");
    db.add_model("Measure", kMeasureModel);
    const auto csv = db.file("measures.csv");
    std::ofstream(csv) << "label,stock,price,cents,ratio,flag,at,day,meta,note\n"
                          "bare,,,,,,,,,\n"
                          "quoted_note,7,,,,,,,,\"\"\n"
                          "bad_quoted_int,\"\",,,,,,,,x\n";
    WorkflowBuilder b;
    b.add_model("Measure", boost::json::parse(kMeasureModel));
    b.add_node("CSVReaderNode", "read", {{"path", csv.string()}});
    b.add_node("MeasureBulkCreateNode", "load", {{"data", "<<read.records>>"}, {"error_strategy", "continue"}});
    auto res = db.run(std::move(b));
    const auto& d = res.results["load"].at("data").as_object();
    CHECK(d.at("success_count").as_int64() == 2);
    REQUIRE(d.at("failure_count").as_int64() == 1);
    CHECK(d.at("errors").at(0).at("index").as_int64() == 2);
    CHECK_THAT(std::string(d.at("errors").at(0).at("error").as_string()), Contains("stock"));
    const auto bare = db.query("SELECT stock, price, cents, ratio, flag, at, day, meta, note FROM measures WHERE label = 'bare'");
    REQUIRE(bare.size() == 1);
    for (std::size_t i = 0; i + 1 < bare[0].size(); ++i) CHECK_FALSE(bare[0][i].has_value());
    CHECK(bare[0].back() == std::string(""));  // a string field keeps the empty string
    CHECK(db.query("SELECT note FROM measures WHERE label = 'quoted_note'").at(0).at(0) == std::string(""));
    CHECK(db.scalar("SELECT stock FROM measures WHERE label = 'quoted_note'") == "7");
}
