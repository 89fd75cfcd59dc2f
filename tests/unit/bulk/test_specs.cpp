// The bulk nodes' parameter specs drive the checks before the run: rules per parameter
// (choices, minimum, check functions) and the nodes' own parsers against the models.

#include "nodes.hpp"
#include "specs.hpp"

#include <bulkflow/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace bulkflow;
using namespace bulkflow::bulk;
using Catch::Matchers::Contains;

namespace {

const boost::json::object kModels = boost::json::parse(R"({
  "Product": {"fields": {"name": {"type": "str", "required": true}, "stock": "int"}}
})").as_object();

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_parameter);
        return e.what();
    }
    return "";
}

std::string check_value(Operation op, const char* name, const boost::json::value& v) {
    const NodeSpec spec = bulk_spec("Product", op);
    const ParamSpec* ps = spec.find(name);
    REQUIRE(ps);
    return error_of([&] { check_param_value(*ps, v); });
}

std::string check_params(Operation op, const char* json) {
    return error_of([&] { check_bulk_params("Product", op, kModels, boost::json::parse(json).as_object()); });
}

} // namespace

TEST_CASE("parameter rules come from the spec", "[unit][specs]") {
    CHECK_THAT(check_value(Operation::create, "batch_size", 0), Contains("'batch_size' must be at least 1"));
    CHECK(check_value(Operation::create, "batch_size", 1).empty());
    CHECK_THAT(check_value(Operation::create, "error_strategy", "carry_on"),
               Contains("must be one of stop, continue, retry_batch, not 'carry_on'"));
    CHECK_THAT(check_value(Operation::upsert, "conflict_resolution", "error"), Contains("update, skip, ignore"));
    CHECK(check_value(Operation::create, "conflict_resolution", "error").empty());
    CHECK_THAT(check_value(Operation::create, "copy_options", boost::json::parse(R"({"format": "parquet"})")),
               Contains("format must be binary, text or csv"));
    CHECK_THAT(check_value(Operation::create, "mysql_options", boost::json::parse(R"({"local_infle": false})")),
               Contains("unknown option 'local_infle'"));
    CHECK_THAT(check_value(Operation::upsert, "unique_fields", boost::json::array{"name"}), Contains("removed in v0.7.1"));
    CHECK_THAT(check_value(Operation::remove, "max_delete_count", -1), Contains("at least 0"));
}

TEST_CASE("files to write are probed, never created", "[unit][specs]") {
    const auto dir = std::filesystem::temp_directory_path() / ("bulkflow-specs-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    CHECK_THAT(check_value(Operation::create, "report_file", boost::json::value(dir.string())), Contains("is a directory"));
    CHECK_THAT(check_value(Operation::create, "metrics_file", boost::json::value((dir / "no/such.json").string())), Contains("does not exist"));
    const auto fresh = dir / "fresh.jsonl";
    CHECK(check_value(Operation::create, "failed_records_file", boost::json::value(fresh.string())).empty());
    CHECK_FALSE(std::filesystem::exists(fresh));
    CHECK(check_value(Operation::create, "failed_records_file", "/dev/full").empty());  // fails when written
    std::filesystem::remove_all(dir);
}

TEST_CASE("one default per parameter", "[unit][specs]") {
    const NodeSpec create = bulk_spec("Product", Operation::create);
    REQUIRE(create.find("batch_size")->default_value);
    CHECK(create.find("batch_size")->default_value->as_int64() == default_batch_size());
    const NodeSpec update = bulk_spec("Product", Operation::update);
    CHECK_FALSE(update.find("batch_size")->default_value);  // the filter form has none
    CHECK_THAT(update.find("batch_size")->doc, Contains("default " + std::to_string(default_batch_size())));
}

TEST_CASE("the nodes' parsers check field names against the model before the run", "[unit][specs]") {
    CHECK_THAT(check_params(Operation::update, R"J({"filter": {"nosuch": 1}, "fields": {"stock": 2}})J"), Contains("nosuch"));
    CHECK_THAT(check_params(Operation::update, R"J({"filter": {"name": "a"}, "fields": {"stock": "stok + 1"}})J"), Contains("stok"));
    CHECK_THAT(check_params(Operation::create, R"J({"data": [], "transformation_rules": {"nme": "lower(name)"}})J"), Contains("nme"));
    CHECK_THAT(check_params(Operation::create, R"J({"data": [], "validation_rules": {"stok": {"min": 0}}})J"), Contains("stok"));
    CHECK_THAT(check_params(Operation::create, R"J({"data": [], "conflict_fields": ["nme"]})J"), Contains("conflict_fields"));
    CHECK_THAT(check_params(Operation::create, R"J({"data": [], "performance_report": true})J"), Contains("report_file"));
    CHECK_THAT(check_params(Operation::remove, R"J({"filter": {"nme": "a"}})J"), Contains("nme"));
    CHECK_THAT(check_params(Operation::remove, R"J({"backup_before_delete": true})J"), Contains("backup_location"));
    CHECK_THAT(error_of([&] { check_list_params("Product", kModels, boost::json::parse(R"J({"order_by": "stok"})J").as_object()); }),
               Contains("stok"));
}

TEST_CASE("values that need a node's output are checked when the node runs", "[unit][specs]") {
    CHECK(check_params(Operation::update, R"J({"filter": "<<read.value>>", "fields": {"stock": 2}})J").empty());
    CHECK(check_params(Operation::update, R"J({"filter": {"name": "a"}, "fields": {"stock": 2}})J").empty());
    CHECK(check_params(Operation::create, R"J({"data": [], "batch_size": 500, "error_strategy": "continue"})J").empty());
}
