#include "test_support.hpp"

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>
#include <bulkflow/validation.hpp>

#include <catch2/catch.hpp>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {

// Returns the problems that build() or validate() report.
std::vector<Problem> problems_of(const WorkflowBuilder& b, bool with_runtime = false) {
    try {
        auto wf = b.build();
        if (with_runtime) {
            LocalRuntime rt;
            rt.add_node_type(test::maybe_fail_factory());
            rt.add_node_type(test::value_node_factory());
            rt.validate(wf);
        }
    } catch (const ValidationError& e) {
        return e.problems();
    }
    return {};
}

bool has(const std::vector<Problem>& ps, const std::string& node, const std::string& text) {
    for (const auto& p : ps)
        if (p.node == node && p.message.find(text) != std::string::npos && p.message.find(node) != std::string::npos)
            return true;
    return false;
}

} // namespace

TEST_CASE("duplicate node ids are reported with the id", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a").add_node("ValueNode", "a");
    auto ps = problems_of(b);
    REQUIRE(ps.size() == 1);
    CHECK(has(ps, "a", "duplicate node id 'a'"));
    CHECK(ps[0].code == ErrorCode::invalid_workflow);
}

TEST_CASE("invalid node ids are rejected", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "bad id!").add_node("ValueNode", "inputs");
    auto ps = problems_of(b);
    CHECK(ps.size() == 2);
    CHECK(has(ps, "bad id!", "is invalid"));
}

TEST_CASE("template references to unknown nodes name both nodes and suggest", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "reader").add_node("ValueNode", "load", {{"value", "<<raeder.records>>"}});
    auto ps = problems_of(b);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == ErrorCode::template_resolution);
    CHECK(has(ps, "load", "unknown node 'raeder' (did you mean 'reader'?)"));
    CHECK_THAT(ps[0].message, Contains("parameter 'value'"));
}

TEST_CASE("references nested in objects and lists are found", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "x", {{"value", boost::json::object{{"a", boost::json::array{"<<ghost.v>>"}}}}});
    CHECK(has(problems_of(b), "x", "unknown node 'ghost'"));
}

TEST_CASE("connections and after to unknown nodes are reported", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a").add_connection("nope", "records", "a", "items").add_dependency("a", "missing");
    auto ps = problems_of(b);
    CHECK(has(ps, "a", "unknown node 'nope'"));
    CHECK(has(ps, "a", "unknown node 'missing'"));
}

TEST_CASE("a connection and an explicit parameter may not both set a parameter", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a").add_node("ValueNode", "b", {{"items", "literal"}}).add_connection("a", "records", "b", "items");
    CHECK(has(problems_of(b), "b", "already set"));
}

TEST_CASE("cycles are printed", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a", {{"value", "<<c.value>>"}})
        .add_node("ValueNode", "b", {{"value", "<<a.value>>"}})
        .add_node("ValueNode", "c", {{"value", "<<b.value>>"}});
    auto ps = problems_of(b);
    REQUIRE(ps.size() == 1);
    CHECK_THAT(ps[0].message, Contains("cycle: ") && Contains("a -> ") && Contains("b -> ") && Contains("c -> "));
}

TEST_CASE("a self reference is a cycle", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a", {{"value", "<<a.value>>"}});
    CHECK(has(problems_of(b), "a", "cycle: a -> a"));
}

TEST_CASE("nodes are ordered so that dependencies come first", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "late", {{"value", "<<early.value>>"}}).add_node("ValueNode", "early", {{"value", 1}});
    auto wf = b.build();
    REQUIRE(wf.nodes.size() == 2);
    CHECK(wf.nodes[0].id == "early");
    CHECK(wf.dependencies("late") == std::vector<std::string>{"early"});
}

TEST_CASE("every problem is reported at once", "[builder]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a").add_node("ValueNode", "a").add_node("ValueNode", "b", {{"value", "<<zz.q>>"}});
    CHECK(problems_of(b).size() == 2);
}

TEST_CASE("unknown node types are reported with a suggestion", "[validate]") {
    WorkflowBuilder b;
    b.add_node("MaybeFailNod", "step", {{"count", 1}});
    auto ps = problems_of(b, true);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == ErrorCode::unknown_node);
    CHECK(has(ps, "step", "unknown node type 'MaybeFailNod' (did you mean 'MaybeFailNode'?)"));
}

TEST_CASE("unknown parameters get a did-you-mean", "[validate]") {
    WorkflowBuilder b;
    b.add_node("MaybeFailNode", "step", {{"count", 1}, {"lable", "x"}});
    auto ps = problems_of(b, true);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == ErrorCode::invalid_parameter);
    CHECK(has(ps, "step", "unknown parameter 'lable' (did you mean 'label'?)"));
}

TEST_CASE("wrong parameter types are reported", "[validate]") {
    WorkflowBuilder b;
    b.add_node("MaybeFailNode", "step", {{"count", "many"}, {"fail", 3}});
    auto ps = problems_of(b, true);
    CHECK(ps.size() == 2);
    CHECK(has(ps, "step", "parameter 'count' must be integer, got string"));
    CHECK(has(ps, "step", "parameter 'fail' must be boolean, got int64"));
}

TEST_CASE("missing required parameters are reported", "[validate]") {
    WorkflowBuilder b;
    b.add_node("MaybeFailNode", "step");
    CHECK(has(problems_of(b, true), "step", "missing required parameter 'count'"));
}

TEST_CASE("input references are checked before the run", "[validate]") {
    WorkflowBuilder b;
    b.set_input("n", 3);
    b.add_node("MaybeFailNode", "ok", {{"count", "<<inputs.n>>"}});
    b.add_node("MaybeFailNode", "bad", {{"count", "<<inputs.m>>"}});
    b.add_node("MaybeFailNode", "typed", {{"count", 1}, {"fail", "<<inputs.n>>"}});
    auto ps = problems_of(b, true);
    CHECK(ps.size() == 2);
    CHECK(has(ps, "bad", "no input named 'm'"));
    CHECK(has(ps, "typed", "parameter 'fail' must be boolean"));
}

TEST_CASE("an invalid database URL is a validation error", "[validate]") {
    WorkflowBuilder b;
    b.set_database("oracle://x/y");
    b.add_node("MaybeFailNode", "step", {{"count", 1}});
    auto wf = b.build();
    LocalRuntime rt;
    rt.add_node_type(test::maybe_fail_factory());
    CHECK_THROWS_WITH(rt.validate(wf), Contains("unknown scheme 'oracle'"));
}
