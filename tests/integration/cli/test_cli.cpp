// End-to-end tests of the `bulkflow` command line: exit codes, the one JSON object on stdout,
// and that logs/progress stay on stderr.

#include "cli_runner.hpp"

#include <catch2/catch.hpp>

using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

const std::string kEchoWorkflow = R"(
name: echo-demo
plugins: [echo]
inputs: {word: hey}
nodes:
  - id: const
    type: ConstantNode
    params: {value: {n: 2, tags: [a, b]}}
  - id: say
    type: EchoNode
    params: {message: "<<inputs.word>>", repeat: "<<const.value.n>>"}
)";

std::string wf_arg(const std::filesystem::path& p) { return shell_quote(p.string()) + " --database sqlite:///:memory:"; }

} // namespace

TEST_CASE("version prints the version", "[cli]") {
    auto r = run_cli("version");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("bulkflow 0."));
}

TEST_CASE("run prints one JSON object with run_id, status, results and error", "[cli]") {
    auto dir = temp_dir("cli-ok");
    auto wf = write_file(dir / "wf.yaml", kEchoWorkflow);
    auto r = run_cli("run " + wf_arg(wf) + " --progress none");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = r.json();
    CHECK(j.at("status").as_string() == "completed");
    CHECK(j.at("run_id").as_string().size() == 36);
    CHECK(j.at("error").is_null());
    CHECK(j.at("results").at("say").at("echo").as_string() == "heyhey");
    CHECK(j.at("results").at("const").at("value").at("tags").as_array().size() == 2);
}

TEST_CASE("--set and --input override parameters and inputs", "[cli]") {
    auto dir = temp_dir("cli-set");
    auto wf = write_file(dir / "wf.yaml", kEchoWorkflow);
    auto r = run_cli("run " + wf_arg(wf) + " --set say.repeat=3 --input 'word=a b' --progress none");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.json().at("results").at("say").at("echo").as_string() == "a ba ba b");
    auto bad = run_cli("run " + wf_arg(wf) + " --set nosuch.repeat=3");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.json().at("error").at("message").as_string().c_str(), Contains("unknown node 'nosuch'"));
}

TEST_CASE("a node failing at run time exits 1 and keeps finished results", "[cli]") {
    auto dir = temp_dir("cli-fail");
    auto wf = write_file(dir / "wf.yaml", R"(
plugins: [echo]
nodes:
  - {id: first, type: EchoNode, params: {message: ok}}
  - {id: boom, type: EchoNode, params: {message: bad, fail: true}, after: [first]}
  - {id: never, type: EchoNode, params: {message: x}, after: [boom]}
)");
    auto r = run_cli("run " + wf_arg(wf) + " --progress none");
    REQUIRE(r.exit_code == 1);
    auto j = r.json();
    CHECK(j.at("status").as_string() == "failed");
    CHECK(j.at("error").at("node").as_string() == "boom");
    CHECK(j.at("error").at("kind").as_string() == "invalid_data");
    CHECK(j.at("results").as_object().contains("first"));
    CHECK_FALSE(j.at("results").as_object().contains("never"));
}

TEST_CASE("invalid input exits 2 before anything runs", "[cli]") {
    auto dir = temp_dir("cli-invalid");
    SECTION("unknown node type with suggestion") {
        auto wf = write_file(dir / "wf.yaml", "nodes:\n  - {id: c, type: ConstantNod, params: {value: 1}}\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        auto j = r.json();
        CHECK(j.at("error").at("kind").as_string() == "unknown_node");
        CHECK(j.at("error").at("node").as_string() == "c");
        CHECK_THAT(j.at("error").at("message").as_string().c_str(), Contains("did you mean 'ConstantNode'?"));
    }
    SECTION("unknown parameter") {
        auto wf = write_file(dir / "wf.yaml", "nodes:\n  - {id: c, type: ConstantNode, params: {valeu: 1}}\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.json().at("error").at("message").as_string().c_str(), Contains("unknown parameter 'valeu' (did you mean 'value'?)"));
    }
    SECTION("malformed YAML") {
        auto wf = write_file(dir / "wf.yaml", "nodes: [\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        CHECK(r.json().at("error").at("kind").as_string() == "invalid_workflow");
    }
    SECTION("missing file") {
        auto r = run_cli("run /nonexistent/wf.yaml");
        CHECK(r.exit_code == 2);
    }
    SECTION("cycle") {
        auto wf = write_file(dir / "wf.yaml", "nodes:\n  - {id: a, type: ConstantNode, params: {value: '<<b.value>>'}}\n"
                                              "  - {id: b, type: ConstantNode, params: {value: '<<a.value>>'}}\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.json().at("error").at("message").as_string().c_str(), Contains("cycle"));
    }
    SECTION("bad template reference") {
        auto wf = write_file(dir / "wf.yaml", "nodes:\n  - {id: a, type: ConstantNode, params: {value: '<<ghost.value>>'}}\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        CHECK(r.json().at("error").at("kind").as_string() == "template_resolution");
    }
    SECTION("bad database URL, password not shown") {
        auto wf = write_file(dir / "wf.yaml", "nodes:\n  - {id: a, type: ConstantNode, params: {value: 1}}\n");
        auto r = run_cli("run " + shell_quote(wf.string()) + " --database 'postgresql://u:hunter2@h:0/db'");
        CHECK(r.exit_code == 2);
        CHECK(r.json().at("error").at("kind").as_string() == "invalid_url");
        CHECK(r.out.find("hunter2") == std::string::npos);
        CHECK(r.err.find("hunter2") == std::string::npos);
    }
    SECTION("missing plugin") {
        auto wf = write_file(dir / "wf.yaml", "plugins: [nosuchplugin]\nnodes:\n  - {id: a, type: ConstantNode, params: {value: 1}}\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        CHECK(r.json().at("error").at("kind").as_string() == "plugin_missing");
    }
    SECTION("wrong parameter type") {
        auto wf = write_file(dir / "wf.yaml", "plugins: [echo]\nnodes:\n  - {id: e, type: EchoNode, params: {message: hi, repeat: many}}\n");
        auto r = run_cli("run " + wf_arg(wf));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.json().at("error").at("message").as_string().c_str(), Contains("'repeat' must be integer"));
    }
}

TEST_CASE("--output writes the JSON to a file and nothing to stdout", "[cli]") {
    auto dir = temp_dir("cli-output");
    auto wf = write_file(dir / "wf.yaml", kEchoWorkflow);
    auto out = dir / "result.json";
    auto r = run_cli("run " + wf_arg(wf) + " --output " + shell_quote(out.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    std::ifstream f(out);
    std::stringstream ss;
    ss << f.rdbuf();
    CHECK(boost::json::parse(ss.str()).at("status").as_string() == "completed");
}

TEST_CASE("--progress json writes events to stderr only", "[cli]") {
    auto dir = temp_dir("cli-progress");
    auto wf = write_file(dir / "wf.yaml", kEchoWorkflow);
    auto r = run_cli("run " + wf_arg(wf) + " --progress json --log-level off");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Contains(R"("event":"node_started","node":"say")"));
    CHECK_THAT(r.err, Contains(R"("event":"node_finished","node":"say","status":"completed")"));
    CHECK_NOTHROW(r.json());  // stdout is still exactly one JSON object
}

TEST_CASE("--plugin-dir and BULKFLOW_PLUGIN_PATH find plugins", "[cli]") {
    auto dir = temp_dir("cli-plugindir");
    auto wf = write_file(dir / "wf.yaml", "plugins: [bad_abi]\nnodes:\n  - {id: a, type: ConstantNode, params: {value: 1}}\n");
    auto r = run_cli("run " + wf_arg(wf) + " --plugin-dir " + shell_quote(std::string(BULKFLOW_BINARY_DIR) + "/test-plugins"));
    CHECK(r.exit_code == 2);
    CHECK(r.json().at("error").at("kind").as_string() == "plugin_abi");
}

TEST_CASE("validate checks without running", "[cli]") {
    auto dir = temp_dir("cli-validate");
    auto good = write_file(dir / "good.yaml", kEchoWorkflow);
    auto r = run_cli("validate " + shell_quote(good.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.json().at("valid").as_bool());
    auto bad = write_file(dir / "bad.yaml", "nodes:\n  - {id: a, type: ConstantNode}\n  - {id: a, type: Nope}\n");
    auto b = run_cli("validate " + shell_quote(bad.string()));
    CHECK(b.exit_code == 2);
    CHECK_FALSE(b.json().at("valid").as_bool());
    CHECK_THAT(b.err, Contains("duplicate node id 'a'"));
}

TEST_CASE("nodes lists types and documents parameters", "[cli]") {
    auto all = run_cli("nodes");
    CHECK(all.exit_code == 0);
    CHECK_THAT(all.out, Contains("CSVReaderNode") && Contains("JSONReaderNode") && Contains("ConstantNode"));
    auto one = run_cli("nodes CSVReaderNode");
    CHECK(one.exit_code == 0);
    CHECK_THAT(one.out, Contains("delimiter") && Contains("null_values") && Contains("Parameters:"));
    auto bad = run_cli("nodes CSVReadNode");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.out, Contains("did you mean 'CSVReaderNode'?"));
}

TEST_CASE("a CSV read by the io plugin shows as a stream in the result", "[cli]") {
    auto dir = temp_dir("cli-csv");
    write_file(dir / "p.csv", "name,price\nA,1.5\nB,2\n");
    auto wf = write_file(dir / "wf.yaml", "nodes:\n  - {id: read, type: CSVReaderNode, params: {path: '" +
                                              (dir / "p.csv").string() + "'}}\n");
    auto r = run_cli("run " + wf_arg(wf));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.json().at("results").at("read").at("records").at("stream").as_bool());
}

TEST_CASE("a bulk node stopped after committing batches is in the results with exact counts", "[cli][partial]") {
    auto dir = temp_dir("cli-partial");
    {
        std::ofstream data(dir / "items.jsonl");
        for (int i = 0; i < 2000; ++i) data << R"({"code": "c)" << (i == 1555 ? 10 : i) << R"(", "name": "n"})" << '\n';
    }
    const std::string db = "--database " + shell_quote("sqlite:///" + (dir / "partial.db").string());
    const std::string models = R"(
models:
  Item: {fields: {code: {type: str, unique: true}, name: str}}
)";
    auto wf = write_file(dir / "load.yaml", models + R"(
nodes:
  - {id: read, type: JSONReaderNode, params: {path: ")" + (dir / "items.jsonl").string() + R"(", format: lines}}
  - {id: load, type: ItemBulkCreateNode, params: {data: "<<read.records>>", batch_size: 100}}
)");
    auto r = run_cli("run " + shell_quote(wf.string()) + " " + db + " --progress none");
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    auto j = r.json();
    CHECK(j.at("error").at("node").as_string() == "load");
    CHECK_THAT(j.at("error").at("message").as_string().c_str(), Contains("record 1555"));
    REQUIRE(j.at("results").as_object().contains("load"));
    const auto& load = j.at("results").at("load");
    CHECK(load.at("success").as_bool() == false);
    // What the table holds, asked by another run: a dry-run delete counts the rows.
    auto count_wf = write_file(dir / "count.yaml", models + R"(
nodes:
  - {id: count, type: ItemBulkDeleteNode, params: {dry_run: true, confirmed: true}}
)");
    auto c = run_cli("run " + shell_quote(count_wf.string()) + " " + db + " --progress none");
    INFO(c.err);
    REQUIRE(c.exit_code == 0);
    const auto stored = c.json().at("results").at("count").at("data").at("would_delete").as_int64();
    CHECK(stored == 1500);
    CHECK(load.at("data").at("success_count").as_int64() == stored);
    CHECK(load.at("data").at("inserted").as_int64() == stored);
}
