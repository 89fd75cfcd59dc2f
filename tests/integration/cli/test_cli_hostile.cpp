// Hostile workflow files (docs/workflow-format.md, "Limits"): refused with one JSON object on
// stdout and exit 2, quickly and in little memory, never an abort.

#include "cli_runner.hpp"
#include "workflow_mutations.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path kBomb = std::filesystem::path(BULKFLOW_SOURCE_DIR) / "tests/fixtures/hostile/alias_bomb.yaml";

std::string message_of(const boost::json::object& error) { return std::string(error.at("message").as_string()); }

} // namespace

TEST_CASE("an alias bomb is exit 2 with invalid_workflow from validate and run, at once", "[cli][hostile]") {
    const auto start = std::chrono::steady_clock::now();
    auto v = run_cli("validate " + shell_quote(kBomb.string()));
    CHECK(v.exit_code == 2);
    const auto problem = v.json().at("problems").as_array().at(0).as_object();
    CHECK(problem.at("kind").as_string() == "invalid_workflow");
    CHECK_THAT(message_of(problem), Contains("alias_bomb.yaml:") && Contains("1000000"));

    auto r = run_cli("run " + shell_quote(kBomb.string()) + " --database sqlite:///:memory: --progress none");
    CHECK(r.exit_code == 2);
    const auto error = r.json().at("error").as_object();
    CHECK(error.at("kind").as_string() == "invalid_workflow");
    CHECK_THAT(message_of(error), Contains("alias_bomb.yaml:") && Contains("1000000"));
    // Both together well under the ~60 s the unbounded expansion took (generous for a loaded host).
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("a workflow with anchors and aliases runs", "[cli][hostile]") {
    auto dir = temp_dir("hostile-anchors");
    auto wf = write_file(dir / "wf.yaml", R"(
inputs: {defaults: &value {n: 2, tags: [a, b]}}
nodes:
  - {id: one, type: ConstantNode, params: {value: *value}}
  - {id: two, type: ConstantNode, params: {value: [*value, *value]}}
)");
    auto r = run_cli("run " + shell_quote(wf.string()) + " --database sqlite:///:memory: --progress none");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto results = r.json().at("results");
    CHECK(results.at("one").at("value").at("n").as_int64() == 2);
    CHECK(results.at("two").at("value").as_array().at(1).at("tags").as_array().at(1).as_string() == "b");
}

TEST_CASE("a workflow file over 64 MiB is exit 2 naming the limit", "[cli][hostile]") {
    auto dir = temp_dir("hostile-size");
    auto wf = write_file(dir / "big.yaml", "nodes: []\n");
    std::filesystem::resize_file(wf, (std::uintmax_t{64} << 20) + 1);
    auto r = run_cli("run " + shell_quote(wf.string()) + " --database sqlite:///:memory: --progress none");
    CHECK(r.exit_code == 2);
    const auto error = r.json().at("error").as_object();
    CHECK(error.at("kind").as_string() == "invalid_workflow");
    CHECK_THAT(message_of(error), Contains("big.yaml") && Contains("64 MiB"));
    std::filesystem::remove(wf);
}

TEST_CASE("whatever a plugin's check() or run() throws ends in the result JSON, never an abort", "[cli][hostile]") {
    auto dir = temp_dir("hostile-throw");
    const std::string plugins = " --plugin-dir " + shell_quote(std::string(BULKFLOW_BINARY_DIR) + "/test-plugins");
    struct Case {
        std::string where, how, kind;
        int exit_code;
    };
    const std::vector<Case> cases{
        {"check", "std", "invalid_parameter", 2}, {"check", "bad_alloc", "resource_exhausted", 2},
        {"check", "other", "invalid_parameter", 2}, {"run", "std", "internal", 1},
        {"run", "bad_alloc", "resource_exhausted", 1}, {"run", "other", "internal", 1},
    };
    for (const auto& c : cases) {
        INFO(c.where << " throws " << c.how);
        auto wf = write_file(dir / "wf.yaml", "plugins: [throwing_check]\nnodes:\n  - {id: t, type: ThrowingNode, params: {" +
                                                  c.where + ": " + c.how + "}}\n");
        auto r = run_cli("run " + shell_quote(wf.string()) + " --database sqlite:///:memory: --progress none" + plugins);
        INFO(r.out << r.err);
        CHECK(r.exit_code == c.exit_code);
        const auto error = r.json().at("error").as_object();
        CHECK(error.at("kind").as_string() == c.kind);
        if (c.where == "run") CHECK(error.at("node").as_string() == "t");
        auto v = run_cli("validate " + shell_quote(wf.string()) + plugins);
        CHECK(v.exit_code == (c.where == "check" ? 2 : 0));
        CHECK(v.json().contains("valid"));
    }
}

TEST_CASE("mutated workflows through the binary: one JSON object and exit 0 or 2, never a signal", "[cli][hostile][fuzz]") {
    // A few hundred cases (processes are slow); unit_engine's fuzz test runs thousands in-process.
    auto dir = temp_dir("hostile-fuzz");
    const auto seeds = mutation_seeds(BULKFLOW_SOURCE_DIR);
    std::mt19937 rng(16);
    for (int i = 0; i < 600; ++i) {
        const std::string text = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
        auto wf = write_file(dir / "wf.yaml", text);
        auto r = run_cli("validate " + shell_quote(wf.string()));
        INFO("case " << i << "\n" << text << "\nstdout: " << r.out << "\nstderr: " << r.err);
        REQUIRE((r.exit_code == 0 || r.exit_code == 2));
        boost::system::error_code ec;
        const auto v = boost::json::parse(r.out, ec);  // exactly one JSON value, nothing after it
        REQUIRE(!ec);
        REQUIRE(v.is_object());
        CHECK(v.as_object().at("valid").as_bool() == (r.exit_code == 0));
    }
}
