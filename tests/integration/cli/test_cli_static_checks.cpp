// Every check that needs no data runs before the first node (docs/bulk-nodes.md "What bulkflow
// guarantees"): exit 2 and nothing written. Files bulkflow writes are checked up front, and a
// failure writing them fails the run.

#include "cli_runner.hpp"

#include <catch2/catch.hpp>

using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

const std::string kModels = R"(
models:
  Product:
    fields:
      name: {type: str, required: true}
      stock: {type: int}
)";

std::string db_url(const std::filesystem::path& dir) { return "sqlite:///" + (dir / "shop.db").string(); }

std::string run_args(const std::filesystem::path& wf, const std::filesystem::path& dir) {
    return shell_quote(wf.string()) + " --database " + shell_quote(db_url(dir)) + " --progress none";
}

// Rows of Product in the test database (a dry-run delete counts them without changing anything).
std::int64_t stored_products(const std::filesystem::path& dir) {
    auto wf = write_file(dir / "count.yaml", kModels + R"(
nodes:
  - {id: count, type: ProductBulkDeleteNode, params: {confirmed: true, dry_run: true}}
)");
    auto r = run_cli("run " + run_args(wf, dir));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.json().at("results").at("count").at("data").at("would_delete").as_int64();
}

std::string message_of(const CliResult& r) { return std::string(r.json().at("error").at("message").as_string()); }

} // namespace

TEST_CASE("a later node's unknown filter field fails before the first node writes", "[cli][static]") {
    auto dir = temp_dir("static-filter");
    auto wf = write_file(dir / "wf.yaml", kModels + R"(
nodes:
  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a, stock: 1}]}}
  - {id: fix, type: ProductBulkUpdateNode, after: [load], params: {filter: {nosuch: 1}, fields: {stock: 2}}}
)");
    auto v = run_cli("validate " + shell_quote(wf.string()));
    CHECK(v.exit_code == 2);
    auto r = run_cli("run " + run_args(wf, dir));
    CHECK(r.exit_code == 2);
    CHECK(r.json().at("error").at("node").as_string() == "fix");
    CHECK_THAT(message_of(r), Contains("nosuch"));
    CHECK(stored_products(dir) == 0);
}

TEST_CASE("update fields, transformation_rules and validation_rules are checked statically", "[cli][static]") {
    auto dir = temp_dir("static-fields");
    std::string node;
    SECTION("an update expression on an unknown field") {
        node = "{id: fix, type: ProductBulkUpdateNode, after: [load], params: {filter: {name: a}, fields: {stock: 'stok + 1'}}}";
    }
    SECTION("a transformation rule on an unknown field") {
        node = "{id: fix, type: ProductBulkCreateNode, after: [load], params: {data: [], transformation_rules: {nme: 'lower(name)'}}}";
    }
    SECTION("a validation rule on an unknown field") {
        node = "{id: fix, type: ProductBulkCreateNode, after: [load], params: {data: [], validation_rules: {stok: {min: 0}}}}";
    }
    SECTION("conflict_fields naming an unknown field") {
        node = "{id: fix, type: ProductBulkCreateNode, after: [load], params: {data: [], conflict_fields: [nme]}}";
    }
    SECTION("order_by on an unknown field") {
        node = "{id: fix, type: ProductListNode, after: [load], params: {order_by: stok}}";
    }
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes:\n  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a}]}}\n  - " + node + "\n");
    auto r = run_cli("run " + run_args(wf, dir));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(stored_products(dir) == 0);
}

TEST_CASE("an invalid field in an unused model is exit 2", "[cli][static]") {
    auto dir = temp_dir("static-model");
    auto wf = write_file(dir / "wf.yaml", kModels + R"(
  Unused:
    fields:
      x: {type: nosuchtype}
nodes:
  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a}]}}
)");
    auto v = run_cli("validate " + shell_quote(wf.string()));
    CHECK(v.exit_code == 2);
    CHECK_THAT(v.err, Contains("Unused"));
    auto r = run_cli("run " + run_args(wf, dir));
    CHECK(r.exit_code == 2);
    CHECK(stored_products(dir) == 0);
}

TEST_CASE("validate takes --set and --input", "[cli][static]") {
    auto dir = temp_dir("static-set");
    auto wf = write_file(dir / "wf.yaml", kModels + R"(
nodes:
  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a}], batch_size: "<<inputs.size>>"}}
)");
    auto missing = run_cli("validate " + shell_quote(wf.string()));
    CHECK(missing.exit_code == 2);
    auto ok = run_cli("validate " + shell_quote(wf.string()) + " --input size=10");
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    auto zero_input = run_cli("validate " + shell_quote(wf.string()) + " --input size=0");
    CHECK(zero_input.exit_code == 2);
    CHECK_THAT(zero_input.err, Contains("batch_size"));
    auto zero = run_cli("validate " + shell_quote(wf.string()) + " --input size=10 --set load.batch_size=0");
    CHECK(zero.exit_code == 2);
    CHECK_THAT(zero.err, Contains("batch_size"));
}

TEST_CASE("enum and range parameters are checked before the run", "[cli][static]") {
    auto dir = temp_dir("static-enum");
    std::string params;
    SECTION("error_strategy") { params = "error_strategy: carry_on"; }
    SECTION("copy_options.format") { params = "copy_options: {format: parquet}"; }
    SECTION("mysql_options key") { params = "mysql_options: {local_infle: false}"; }
    SECTION("retry_backoff") { params = "retry_backoff: quadratic"; }
    SECTION("max_retries") { params = "max_retries: -1"; }
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes:\n  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a}]}}\n"
                                                    "  - {id: more, type: ProductBulkCreateNode, after: [load], params: {data: [{name: b}], " +
                                                    params + "}}\n");
    auto r = run_cli("run " + run_args(wf, dir));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.json().at("error").at("node").as_string() == "more");
    CHECK(stored_products(dir) == 0);
}

TEST_CASE("an output file on a full device fails the run naming the parameter", "[cli][files]") {
    auto dir = temp_dir("files-full");
    std::string params, param;
    SECTION("failed_records_file, with a bad record under continue") {
        params = "data: [{name: a, stock: 1}, {name: b, stock: many}], error_strategy: continue, failed_records_file: /dev/full";
        param = "failed_records_file";
    }
    SECTION("metrics_file") {
        params = "data: [{name: a}], metrics_file: /dev/full";
        param = "metrics_file";
    }
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes:\n  - {id: load, type: ProductBulkCreateNode, params: {" + params + "}}\n");
    auto r = run_cli("run " + run_args(wf, dir));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(message_of(r), Contains(param) && Contains("/dev/full"));
}

TEST_CASE("files to write that cannot be written are exit 2 before any row", "[cli][files]") {
    auto dir = temp_dir("files-static");
    std::string params;
    SECTION("report_file is a directory") { params = "performance_report: true, report_file: '" + dir.string() + "'"; }
    SECTION("metrics_file in a missing directory") { params = "metrics_file: '" + (dir / "no/such/m.json").string() + "'"; }
    SECTION("failed_records_file is a directory") { params = "failed_records_file: '" + dir.string() + "'"; }
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes:\n  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a}], " +
                                                    params + "}}\n");
    auto v = run_cli("validate " + shell_quote(wf.string()));
    CHECK(v.exit_code == 2);
    auto r = run_cli("run " + run_args(wf, dir));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(stored_products(dir) == 0);
}

TEST_CASE("backup_location that cannot be written is exit 2", "[cli][files]") {
    auto dir = temp_dir("files-backup");
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes:\n  - {id: del, type: ProductBulkDeleteNode, params: {filter: {name: a}, "
                                                    "backup_before_delete: true, backup_location: '" + (dir / "nope/b.jsonl").string() + "'}}\n");
    auto r = run_cli("run " + run_args(wf, dir));
    CHECK(r.exit_code == 2);
    CHECK_THAT(message_of(r), Contains("backup_location"));
}

TEST_CASE("--output is checked before the run and its write errors are exit 1", "[cli][files]") {
    auto dir = temp_dir("files-output");
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes:\n  - {id: load, type: ProductBulkCreateNode, params: {data: [{name: a}]}}\n");
    SECTION("a missing directory") {
        auto r = run_cli("run " + run_args(wf, dir) + " --output /nonexistent/dir/x.json");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("--output"));
        CHECK(stored_products(dir) == 0);
    }
    SECTION("a directory") {
        auto r = run_cli("run " + run_args(wf, dir) + " --output " + shell_quote(dir.string()));
        CHECK(r.exit_code == 2);
        CHECK(stored_products(dir) == 0);
    }
    SECTION("a full device") {
        auto r = run_cli("run " + run_args(wf, dir) + " --output /dev/full");
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Contains("--output") && Contains("/dev/full"));
    }
}

TEST_CASE("a plugin whose check() throws std::exception is a clean exit 2", "[cli][static]") {
    auto dir = temp_dir("static-plugin-throw");
    auto wf = write_file(dir / "wf.yaml", "plugins: [throwing_check]\nnodes:\n  - {id: t, type: ThrowingCheckNode, params: {}}\n");
    const std::string plugins = " --plugin-dir " + shell_quote(std::string(BULKFLOW_BINARY_DIR) + "/test-plugins");
    auto v = run_cli("validate " + shell_quote(wf.string()) + plugins);
    CHECK(v.exit_code == 2);
    CHECK_THAT(v.err, Contains("node 't'") && Contains("check exploded"));
    auto r = run_cli("run " + run_args(wf, dir) + plugins);
    CHECK(r.exit_code == 2);
    CHECK(r.json().at("error").at("node").as_string() == "t");
    CHECK_THAT(message_of(r), Contains("check exploded"));
}

TEST_CASE("bulkflow nodes documents defaults and allowed values", "[cli][static]") {
    auto dir = temp_dir("static-nodes");
    auto wf = write_file(dir / "wf.yaml", kModels + "nodes: []\n");
    auto r = run_cli("nodes ProductBulkCreateNode --workflow " + shell_quote(wf.string()));
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("batch_size (integer, default 10000, at least 1)"));
    CHECK_THAT(r.out, Contains("error_strategy (string, default \"stop\", one of: stop, continue, retry_batch)"));
}
