#include "test_support.hpp"

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <catch2/catch.hpp>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {

LocalRuntime make_runtime(RuntimeOptions opts = {}) {
    LocalRuntime rt(Database{"sqlite:///:memory:"}, std::move(opts));
    rt.add_node_type(test::value_node_factory());
    rt.add_node_type(test::rendezvous_factory());
    rt.add_node_type(test::maybe_fail_factory());
    return rt;
}

} // namespace

TEST_CASE("a whole-value template keeps the referenced type", "[runtime]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "src", {{"value", boost::json::object{{"n", 42}, {"list", boost::json::array{1, 2, 3}}}}});
    b.add_node("ValueNode", "obj", {{"value", "<<src.value>>"}});
    b.add_node("ValueNode", "num", {{"value", "<<src.value.n>>"}});
    b.add_node("ValueNode", "idx", {{"value", "<<src.value.list[2]>>"}});
    auto rt = make_runtime();
    auto [results, run_id] = rt.execute(b.build());
    CHECK(run_id.size() == 36);
    CHECK(results["obj"].at("value").at("n").as_int64() == 42);
    CHECK(results["num"].at("value").as_int64() == 42);
    CHECK(results["idx"].at("value").as_int64() == 3);
}

TEST_CASE("templates inside text are interpolated; escapes stay literal", "[runtime]") {
    WorkflowBuilder b;
    b.set_input("day", "mon");
    b.add_node("ValueNode", "src", {{"value", boost::json::object{{"n", 7}, {"o", boost::json::object{{"k", 1}}}}}});
    b.add_node("ValueNode", "txt", {{"value", "f-<<inputs.day>>-<<src.value.n>>-<<src.value.o>> \\<<x>>"}});
    auto rt = make_runtime();
    auto res = rt.execute(b.build());
    CHECK(res.results["txt"].at("value").as_string() == "f-mon-7-{\"k\":1} <<x>>");
}

TEST_CASE("a missing key at run time fails the node naming the template", "[runtime]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "src", {{"value", boost::json::object{{"n", 1}}}});
    b.add_node("ValueNode", "use", {{"value", "<<src.value.missing>>"}});
    auto rt = make_runtime();
    try {
        rt.execute(b.build());
        FAIL("expected RunError");
    } catch (const RunError& e) {
        CHECK(e.node() == "use");
        CHECK(e.code() == ErrorCode::template_resolution);
        CHECK_THAT(std::string(e.what()), Contains("<<src.value.missing>>") && Contains("no key 'missing'"));
        CHECK(e.results().contains("src"));
    }
}

TEST_CASE("an index out of range fails with the size", "[runtime]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "src", {{"value", boost::json::array{1}}});
    b.add_node("ValueNode", "use", {{"value", "<<src.value[5]>>"}});
    auto rt = make_runtime();
    CHECK_THROWS_WITH(rt.execute(b.build()), Contains("index 5 is out of range") && Contains("size 1"));
}

TEST_CASE("a stream passes by reference, never copied", "[runtime]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "src", {{"items", boost::json::array{boost::json::object{{"a", 1}}, boost::json::object{{"a", 2}}}}});
    b.add_node("ValueNode", "pass", {{"value", "<<src.records>>"}});
    auto rt = make_runtime();
    auto res = rt.execute(b.build());
    auto s1 = res.results.output("src").streams.at("records");
    auto s2 = res.results.output("pass").streams.at("value");
    CHECK(s1.get() == s2.get());
    CHECK(res.results["src"].at("records").at("stream").as_bool());
}

TEST_CASE("a stream cannot be embedded in text", "[runtime]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "src", {{"items", boost::json::array{}}});
    b.add_node("ValueNode", "use", {{"value", "x <<src.records>>"}});
    auto rt = make_runtime();
    CHECK_THROWS_WITH(rt.execute(b.build()), Contains("record stream"));
}

TEST_CASE("independent branches run concurrently", "[runtime]") {
    test::Rendezvous::arrived = 0;
    WorkflowBuilder b;
    b.add_node("RendezvousNode", "left").add_node("RendezvousNode", "right");
    b.add_node("ValueNode", "join", {{"value", boost::json::array{"<<left.ok>>", "<<right.ok>>"}}});
    auto rt = make_runtime();
    auto res = rt.execute(b.build());
    CHECK(res.results["join"].at("value").as_array().size() == 2);
    CHECK(test::Rendezvous::arrived.load() == 2);
}

TEST_CASE("after a failure nothing new is scheduled and the error names the node", "[runtime]") {
    test::Counter::runs = 0;
    WorkflowBuilder b;
    b.add_node("MaybeFailNode", "first", {{"count", 1}});
    b.add_node("MaybeFailNode", "boom", {{"count", 1}, {"fail", true}});
    b.add_dependency("boom", "first");
    b.add_node("MaybeFailNode", "never", {{"count", 1}});
    b.add_dependency("never", "boom");
    auto rt = make_runtime();
    try {
        rt.execute(b.build());
        FAIL("expected RunError");
    } catch (const RunError& e) {
        CHECK(e.node() == "boom");
        CHECK(e.kind() == "invalid_data");
        CHECK(e.results().contains("first"));
        CHECK_FALSE(e.results().contains("never"));
        CHECK(e.run_id().size() == 36);
    }
    CHECK(test::Counter::runs.load() == 2);
}

TEST_CASE("progress events report start and finish of each node", "[runtime]") {
    std::mutex m;
    std::vector<std::string> events;
    RuntimeOptions opts;
    opts.on_progress = [&](const ProgressEvent& e) {
        std::lock_guard lock(m);
        events.push_back(e.node + (e.kind == ProgressEvent::Kind::node_started ? ":start" : ":end"));
    };
    WorkflowBuilder b;
    b.add_node("ValueNode", "only", {{"value", 1}});
    auto rt = make_runtime(std::move(opts));
    rt.execute(b.build());
    CHECK(events == std::vector<std::string>{"only:start", "only:end"});
}

TEST_CASE("runtime inputs override workflow defaults", "[runtime]") {
    RuntimeOptions opts;
    opts.inputs["n"] = 9;
    WorkflowBuilder b;
    b.set_input("n", 1);
    b.add_node("ValueNode", "v", {{"value", "<<inputs.n>>"}});
    auto rt = make_runtime(std::move(opts));
    CHECK(rt.execute(b.build()).results["v"].at("value").as_int64() == 9);
}

TEST_CASE("every node runs exactly once, however fast its dependencies finish", "[runtime]") {
    // Regression: the start loop used to launch a dependent that a finished root had already
    // launched. Many independent nodes between the root and its child in launch order give the
    // root time to finish while the loop is still running.
    auto rt = make_runtime();
    WorkflowBuilder b;
    b.add_node("MaybeFailNode", "root", {{"count", 1}});
    for (int i = 0; i < 64; ++i) b.add_node("MaybeFailNode", "filler" + std::to_string(i), {{"count", 1}});
    b.add_node("MaybeFailNode", "child", {{"count", 1}, {"label", "<<root.ran>>"}});
    auto wf = b.build();
    REQUIRE(wf.nodes.back().id == "child");
    test::Counter::runs = 0;
    for (int i = 0; i < 60; ++i) rt.execute(wf);
    CHECK(test::Counter::runs.load() == 60 * 66);
}
