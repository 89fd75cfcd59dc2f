// HTTPRequestNode inside a workflow: loaded by default from bulkflow_http.so, validated before the
// run (exit-2 class errors), and its records stream feeding a bulk node on SQLite.
#include "http_test_support.hpp"
#include "test_server.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/runtime.hpp>
#include <bulkflow/validation.hpp>
#include <bulkflow/workflow_file.hpp>

#include <filesystem>
#include <unistd.h>

using namespace httptest;
using bulkflow::ErrorCode;
using Catch::Matchers::Contains;

namespace {

bulkflow::Workflow workflow(const std::string& yaml) {
    return bulkflow::workflow_from_json(bulkflow::parse_yaml(yaml, "test.yaml"), "test.yaml").build();
}

} // namespace

TEST_CASE("http runtime: bad parameters stop the run before anything executes", "[http][runtime]") {
    bulkflow::LocalRuntime runtime{bulkflow::Database{"sqlite:///:memory:"}};
    REQUIRE(runtime.registry().find("HTTPRequestNode", {}) != nullptr);
    struct Case {
        std::string params;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"{method: GET}", "missing required parameter 'url'"},
        {"{url: 'gopher://h/'}", "parameter 'url' has unsupported scheme 'gopher'"},
        {"{url: 'http://h/', method: FETCH}", "parameter 'method' must be one of"},
        {"{url: 'http://h/', headers: [a, b]}", "parameter 'headers' must be object"},
        {"{url: 'http://h/', timeout_s: fast}", "parameter 'timeout_s' must be number"},
        {"{url: 'http://h/', retires: 2}", "unknown parameter 'retires' (did you mean 'retries'?)"},
    };
    for (const auto& c : cases) {
        INFO(c.params);
        const auto wf = workflow("nodes:\n  - {id: fetch, type: HTTPRequestNode, params: " + c.params + "}\n");
        try {
            runtime.validate(wf);
            FAIL("validation passed");
        } catch (const bulkflow::ValidationError& e) {
            REQUIRE(e.problems().size() == 1);
            CHECK(e.problems()[0].code == ErrorCode::invalid_parameter);
            CHECK(bulkflow::is_input_error(e.problems()[0].code));
            CHECK(e.problems()[0].node == "fetch");
            CHECK_THAT(e.problems()[0].message, Contains(c.expected));
        }
    }
}

TEST_CASE("http runtime: <<fetch.records>> feeds a bulk create", "[http][runtime]") {
    TestServer server([](const ReceivedRequest&) {
        Reply r;
        r.headers = {{"Content-Type", "application/json"}};
        r.body = R"([{"name": "kettle", "price": "19.99", "category": "kitchen"},
                     {"name": "lamp", "price": 5.5, "category": "home"},
                     {"name": "mug", "price": "3.25", "category": "kitchen"}])";
        return r;
    });
    const auto db = std::filesystem::temp_directory_path() / ("bulkflow_http_rt_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(db);
    const auto wf = workflow(R"(
models:
  Product:
    fields:
      name: {type: str, required: true}
      price: {type: decimal, precision: 10, scale: 2}
      category: str
nodes:
  - id: fetch
    type: HTTPRequestNode
    params: {url: ")" + server.url("/products") + R"(", retries: 1}
  - id: load
    type: ProductBulkCreateNode
    params: {data: "<<fetch.records>>", batch_size: 2}
)");
    bulkflow::LocalRuntime runtime{bulkflow::Database{"sqlite:///" + db.string()}};
    auto [results, run_id] = runtime.execute(wf);
    const auto& fetch = results["fetch"];
    CHECK(fetch.at("status") == 200);
    CHECK(fetch.at("records").at("stream") == true);
    CHECK(fetch.at("records").at("records_read") == 3);
    const auto& load = results["load"];
    CHECK(load.at("success") == true);
    CHECK(load.at("data").at("inserted") == 3);
    CHECK(load.at("data").at("batches") == 2);
    std::filesystem::remove(db);
}

TEST_CASE("http runtime: a failing request fails the run naming the node", "[http][runtime]") {
    TestServer server([](const ReceivedRequest&) {
        Reply r;
        r.status = 404;
        r.reason = "Not Found";
        r.body = "no such endpoint";
        return r;
    });
    const auto wf = workflow("nodes:\n  - {id: fetch, type: HTTPRequestNode, params: {url: '" + server.url("/nope") + "'}}\n");
    bulkflow::LocalRuntime runtime{bulkflow::Database{"sqlite:///:memory:"}};
    try {
        (void)runtime.execute(wf);
        FAIL("the run succeeded");
    } catch (const bulkflow::RunError& e) {
        CHECK(e.node() == "fetch");
        CHECK_FALSE(bulkflow::is_input_error(e.code()));
        CHECK_THAT(e.what(), Contains("HTTP 404") && Contains("no such endpoint") && Contains(server.url("/nope")));
    }
}
