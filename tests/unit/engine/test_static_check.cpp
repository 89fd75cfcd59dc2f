// The engine applies each ParamSpec's rules (choices, minimum/maximum, check) to every value
// known before the run, and again to resolved values when the node starts.

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>
#include <bulkflow/validation.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {

class Noop final : public Node {
public:
    NodeOutput run(Context&, const Params& p) override {
        NodeOutput out;
        out.value["mode"] = p.get_string("mode");
        return out;
    }
};

class RuledFactory final : public NodeFactory {
public:
    explicit RuledFactory(bool throw_plain) : throw_plain_(throw_plain) {
        ParamSpec mode{"mode", ParamType::string, false, boost::json::value("fast"), "Mode."};
        mode.choices = {"fast", "safe"};
        ParamSpec size{"size", ParamType::integer, false, std::nullopt, "Size."};
        size.minimum = 1;
        size.maximum = 10;
        ParamSpec tag{"tag", ParamType::string, false, std::nullopt, "Tag."};
        tag.check = [](const boost::json::value& v) {
            if (v.get_string().empty()) throw Error(ErrorCode::invalid_parameter, "must not be empty");
        };
        spec_ = NodeSpec{throw_plain ? "PlainThrowNode" : "RuledNode", "Rules.", {mode, size, tag}};
    }
    const NodeSpec& spec() const override { return spec_; }
    std::unique_ptr<Node> create() const override { return std::make_unique<Noop>(); }
    void check(const boost::json::object&) const override {
        if (throw_plain_) throw std::logic_error("plain exception");
    }

private:
    bool throw_plain_;
    NodeSpec spec_;
};

std::string validation_message(const Workflow& wf, RuntimeOptions opts = {}) {
    LocalRuntime rt(Database{"sqlite:///:memory:"}, std::move(opts));
    rt.add_node_type(std::make_shared<RuledFactory>(false));
    rt.add_node_type(std::make_shared<RuledFactory>(true));
    try {
        rt.validate(wf);
    } catch (const ValidationError& e) {
        return e.what();
    }
    return "";
}

Workflow one_node(const std::string& type, boost::json::object params) {
    WorkflowBuilder b;
    b.add_node(type, "n", std::move(params));
    return b.build();
}

} // namespace

TEST_CASE("the spec's choices, bounds and check apply before the run", "[static]") {
    CHECK_THAT(validation_message(one_node("RuledNode", {{"mode", "slow"}})), Contains("must be one of fast, safe, not 'slow'"));
    CHECK_THAT(validation_message(one_node("RuledNode", {{"size", 0}})), Contains("'size' must be at least 1"));
    CHECK_THAT(validation_message(one_node("RuledNode", {{"size", 11}})), Contains("'size' must be at most 10"));
    CHECK_THAT(validation_message(one_node("RuledNode", {{"tag", ""}})), Contains("'tag' must not be empty"));
    CHECK(validation_message(one_node("RuledNode", {{"mode", "safe"}, {"size", 10}, {"tag", "x"}})).empty());
}

TEST_CASE("inputs are known before the run; node outputs are checked when the node starts", "[static]") {
    RuntimeOptions opts;
    opts.inputs["m"] = "slow";
    CHECK_THAT(validation_message(one_node("RuledNode", {{"mode", "<<inputs.m>>"}}), opts), Contains("not 'slow'"));
    WorkflowBuilder b;
    b.add_node("RuledNode", "src", {});
    b.add_node("RuledNode", "n", {{"mode", "<<src.mode>>x"}});
    const Workflow wf = b.build();
    CHECK(validation_message(wf).empty());
    LocalRuntime rt(Database{"sqlite:///:memory:"});
    rt.add_node_type(std::make_shared<RuledFactory>(false));
    try {
        rt.execute(wf);
        FAIL("expected the resolved value to be rejected");
    } catch (const RunError& e) {
        CHECK(e.node() == "n");
        CHECK_THAT(e.what(), Contains("not 'fastx'"));
    }
}

TEST_CASE("any exception from a factory's check() is a problem naming the node", "[static]") {
    CHECK_THAT(validation_message(one_node("PlainThrowNode", {})), Contains("node 'n' (PlainThrowNode): plain exception"));
}
