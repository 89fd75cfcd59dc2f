#include <bulkflow/error.hpp>
#include <bulkflow/validation.hpp>
#include <bulkflow/workflow_file.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {
std::filesystem::path write_temp(const std::string& name, const std::string& text) {
    auto dir = std::filesystem::temp_directory_path() / "bulkflow-unit-wf";
    std::filesystem::create_directories(dir);
    auto p = dir / name;
    std::ofstream(p) << text;
    return p;
}
} // namespace

TEST_CASE("YAML scalars follow the core schema; quoted scalars stay strings", "[yaml]") {
    auto v = parse_yaml("a: 1\nb: 2.5\nc: true\nd: ~\ne: '7'\nf: hello\ng: [1, x]\nh: -3\ni: 1e3\nj: \"true\"\n", "t.yaml");
    const auto& o = v.as_object();
    CHECK(o.at("a").as_int64() == 1);
    CHECK(o.at("b").as_double() == 2.5);
    CHECK(o.at("c").as_bool());
    CHECK(o.at("d").is_null());
    CHECK(o.at("e").as_string() == "7");
    CHECK(o.at("f").as_string() == "hello");
    CHECK(o.at("g").as_array().at(1).as_string() == "x");
    CHECK(o.at("h").as_int64() == -3);
    CHECK(o.at("i").as_double() == 1000.0);
    CHECK(o.at("j").as_string() == "true");
}

TEST_CASE("YAML syntax errors name file, line and column", "[yaml]") {
    CHECK_THROWS_WITH(parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml"), Contains("bad.yaml:"));
    CHECK_THROWS_WITH(parse_yaml("a: 1\na: 2\n", "dup.yaml"), Contains("duplicate key 'a'"));
}

TEST_CASE("a YAML workflow becomes builder calls", "[yaml]") {
    auto p = write_temp("wf.yaml", R"(
name: demo
database: sqlite:///x.db
inputs: {path: data.csv}
models:
  Product:
    fields: {name: str}
nodes:
  - id: read
    type: CSVReaderNode
    params: {path: "<<inputs.path>>"}
  - id: load
    type: ValueNode
    after: [read]
connections:
  - {from: read.records, to: load.items}
)");
    auto wf = load_workflow_file(p).build();
    CHECK(wf.name == "demo");
    CHECK(wf.database == "sqlite:///x.db");
    CHECK(wf.inputs.at("path").as_string() == "data.csv");
    CHECK(wf.models.contains("Product"));
    REQUIRE(wf.nodes.size() == 2);
    CHECK(wf.find("load")->params->at("items").as_string() == "<<read.records>>");
    CHECK(wf.find("load")->after == std::vector<std::string>{"read"});
}

TEST_CASE("JSON workflows are accepted", "[yaml]") {
    auto p = write_temp("wf.json", R"({"nodes": [{"id": "a", "type": "ValueNode", "params": {"value": 1}}]})");
    auto wf = load_workflow_file(p).build();
    CHECK(wf.nodes.at(0).params->at("value").as_int64() == 1);
    auto bad = write_temp("bad.json", R"({"nodes": [)");
    CHECK_THROWS_WITH(load_workflow_file(bad), Contains("invalid JSON"));
}

TEST_CASE("structural mistakes in the file are all reported", "[yaml]") {
    auto p = write_temp("wf2.yaml", R"(
nodez: []
nodes:
  - id: a
    typ: X
  - type: Y
  - id: b
    type: Z
    parms: {}
)");
    try {
        load_workflow_file(p);
        FAIL("expected ValidationError");
    } catch (const ValidationError& e) {
        std::string all = e.what();
        CHECK_THAT(all, Contains("unknown key 'nodez' (did you mean 'nodes'?)"));
        CHECK_THAT(all, Contains("(node 'a'): unknown key 'typ' (did you mean 'type'?)"));
        CHECK_THAT(all, Contains("nodes[1]: missing 'id'"));
        CHECK_THAT(all, Contains("(node 'b'): unknown key 'parms' (did you mean 'params'?)"));
    }
}

TEST_CASE("an unreadable workflow file is an invalid_workflow error", "[yaml]") {
    try {
        load_workflow_file("/nonexistent/wf.yaml");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_workflow);
        CHECK_THAT(std::string(e.what()), Contains("cannot read workflow"));
    }
}

TEST_CASE("aliases that expand beyond the limit are refused before expansion", "[yaml][limits]") {
    try {
        std::ifstream in(std::string(BULKFLOW_SOURCE_DIR) + "/tests/fixtures/hostile/alias_bomb.yaml");
        std::stringstream text;
        text << in.rdbuf();
        REQUIRE(text.str().size() < 1024);
        (void)parse_yaml(text.str(), "bomb.yaml");
        FAIL("the alias bomb was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_workflow);
        CHECK_THAT(e.what(), Contains("bomb.yaml:") && Contains("1000000"));
    }
}

TEST_CASE("an alias inside the node it refers to is refused, not followed forever", "[yaml][limits]") {
    CHECK_THROWS_WITH(parse_yaml("a: &a [1, *a]\n", "cycle.yaml"), Contains("cycle.yaml:1:") && Contains("cycle"));
    CHECK_THROWS_WITH(parse_yaml("a: &a {b: {c: *a}}\n", "cycle.yaml"), Contains("cycle"));
}

TEST_CASE("a workflow with a few anchors and aliases keeps working", "[yaml][limits]") {
    auto v = parse_yaml("defaults: &d {batch_size: 500, tags: [a, b]}\nx: *d\ny: [*d, *d]\nz: &s hi\nw: *s\n", "ok.yaml");
    const auto& o = v.as_object();
    CHECK(o.at("x").at("batch_size").as_int64() == 500);
    CHECK(o.at("y").as_array().at(1).at("tags").as_array().at(1).as_string() == "b");
    CHECK(o.at("w").as_string() == "hi");
    // Many small expansions stay under the limit: 1,000 aliases of a 100-node list.
    std::string many = "l: &l [0";
    for (int i = 1; i < 99; ++i) many += ", " + std::to_string(i);
    many += "]\nm: [*l";
    for (int i = 1; i < 1000; ++i) many += ", *l";
    many += "]\n";
    CHECK(parse_yaml(many, "many.yaml").at("m").as_array().size() == 1000);
}

TEST_CASE("a workflow file over 64 MiB is refused before parsing", "[yaml][limits]") {
    auto p = write_temp("huge.yaml", "nodes: []\n");
    std::filesystem::resize_file(p, kMaxWorkflowFileBytes + 1);  // sparse: no 64 MiB written
    try {
        (void)load_workflow_file(p);
        FAIL("the oversized file was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_workflow);
        CHECK_THAT(e.what(), Contains("huge.yaml") && Contains("64 MiB"));
    }
    std::filesystem::resize_file(p, kMaxWorkflowFileBytes);  // at the limit: parsed (and malformed)
    CHECK_THROWS_WITH(load_workflow_file(p), !Contains("64 MiB"));
    std::filesystem::remove(p);
}

TEST_CASE("YAML text that is not valid UTF-8 is refused naming the place", "[yaml][limits]") {
    CHECK_THROWS_WITH(parse_yaml("a: caf\xC3\n", "latin.yaml"), Contains("latin.yaml:1:4") && Contains("UTF-8"));
    CHECK_THROWS_WITH(parse_yaml("k\xFF: 1\n", "latin.yaml"), Contains("latin.yaml:1:1") && Contains("UTF-8"));
    CHECK(parse_yaml("a: caf\xC3\xA9\n", "ok.yaml").at("a").as_string() == "caf\xC3\xA9");
}
