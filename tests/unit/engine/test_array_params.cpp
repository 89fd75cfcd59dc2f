// An in-memory array parameter travels from the builder to the node's ArrayStream without a copy;
// templates inside arrays still resolve.

#include "test_support.hpp"

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <catch2/catch.hpp>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {

/// Records where its `data` parameter lives and outputs `records(data)` as a stream.
struct Probe {
    static inline const boost::json::value* data = nullptr;
};
class ProbeNode final : public Node {
public:
    NodeOutput run(Context&, const Params& p) override {
        Probe::data = p.json("data");
        NodeOutput out;
        out.streams["records"] = p.records("data");
        return out;
    }
};

LocalRuntime make_runtime() {
    LocalRuntime rt(Database{"sqlite:///:memory:"});
    rt.add_node_type(test::value_node_factory());
    rt.add_node_type(std::make_shared<SimpleNodeFactory<ProbeNode>>(NodeSpec{
        "ProbeNode", "test: shows where its data lives",
        {{"data", ParamType::records, true, std::nullopt, "records"}}, {"records (stream)"}}));
    return rt;
}

/// `n` records whose strings look a little like templates but are none.
boost::json::array records(std::size_t n) {
    boost::json::array a;
    a.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        a.push_back(boost::json::object{{"name", "item <" + std::to_string(i) + "> {x}"},
                                        {"path", "C:\\data\\" + std::to_string(i)},
                                        {"tags", boost::json::array{"a < b", "{ }"}},
                                        {"n", i}});
    return a;
}

} // namespace

TEST_CASE("an array without templates reaches the node and its stream without a copy", "[runtime][params]") {
    auto data = records(5000);
    const boost::json::value* elements = data.data();
    boost::json::object params;
    params["data"] = std::move(data);
    WorkflowBuilder b;
    b.add_node("ProbeNode", "load", std::move(params));
    const auto wf = b.build();
    const auto& raw = wf.nodes.at(0).params;
    REQUIRE(raw->at("data").as_array().data() == elements);  // moved in, not copied by build()
    CHECK(b.build().nodes.at(0).params == raw);               // every build shares it

    const long holders = raw.use_count();
    auto rt = make_runtime();
    Probe::data = nullptr;
    auto res = rt.execute(wf);
    REQUIRE(Probe::data);
    CHECK(Probe::data == &raw->at("data"));  // resolve_params handed the workflow's value through
    CHECK(Probe::data->as_array().data() == elements);
    // The ArrayStream in the result shares the workflow's parameters instead of holding a copy.
    CHECK(raw.use_count() == holders + 1);

    const auto& stream = res.results.output("load").streams.at("records");
    CHECK(stream->size_hint() == std::optional<std::size_t>(5000));
    auto cursor = stream->open();
    RecordBatch batch;
    std::size_t rows = 0;
    std::string last;
    while (cursor->next(batch, 1000)) {
        rows += batch.size();
        last = batch.get(*batch.find_column("name"), batch.size() - 1)->as_string();
    }
    CHECK(rows == 5000);
    CHECK(last == "item <4999> {x}");
}

TEST_CASE("templates deep in a large array resolve; the rest of the array is kept", "[runtime][params]") {
    auto data = records(5000);
    data[1234].as_object()["name"] = "<<inputs.who>>";
    data[1234].as_object()["note"] = "hi {{inputs.who}}";
    data[1234].as_object()["lit"] = "\\<<kept>>";
    data[4999].as_object()["tags"] = boost::json::array{"<<src.value.n>>", "plain"};
    WorkflowBuilder b;
    b.set_input("who", "Ada");
    b.add_node("ValueNode", "src", {{"value", boost::json::object{{"n", 7}}}});
    boost::json::object params;
    params["value"] = std::move(data);
    b.add_node("ValueNode", "use", std::move(params));
    const auto wf = b.build();
    auto rt = make_runtime();
    auto res = rt.execute(wf);

    const auto& out = res.results["use"].at("value").as_array();
    REQUIRE(out.size() == 5000);
    CHECK(out[1234].at("name").as_string() == "Ada");
    CHECK(out[1234].at("note").as_string() == "hi Ada");
    CHECK(out[1234].at("lit").as_string() == "<<kept>>");
    CHECK(out[4999].at("tags").as_array() == boost::json::array{7, "plain"});
    CHECK(out[0] == records(1)[0]);
    CHECK(out[4998].at("name").as_string() == "item <4998> {x}");
    // The workflow itself is unchanged: it can run again.
    CHECK(wf.find("use")->params->at("value").as_array()[1234].at("name").as_string() == "<<inputs.who>>");
}

TEST_CASE("a stream inside an array is refused, naming node and parameter", "[runtime][params]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "src", {{"items", boost::json::array{}}});
    auto data = records(100);
    data.push_back("<<src.records>>");
    boost::json::object params;
    params["value"] = std::move(data);
    b.add_node("ValueNode", "use", std::move(params));
    auto rt = make_runtime();
    CHECK_THROWS_WITH(rt.execute(b.build()), Contains("node 'use' parameter 'value'") &&
                                                 Contains("a stream can only be a whole parameter value"));
}

TEST_CASE("a malformed template deep in an array is reported by build()", "[builder][params]") {
    auto data = records(3000);
    data[2500].as_object()["name"] = "<<inputs.who";
    boost::json::object params;
    params["data"] = std::move(data);
    WorkflowBuilder b;
    b.add_node("ProbeNode", "load", std::move(params));
    CHECK_THROWS_WITH(b.build(), Contains("node 'load' parameter 'data'") && Contains("missing closing '>>'"));
}

TEST_CASE("build() shares parameters; a changed node gets its own copy", "[builder][params]") {
    WorkflowBuilder b;
    b.add_node("ValueNode", "a", {{"value", 1}, {"items", records(10)}}).add_node("ValueNode", "b");
    const auto first = b.build();
    b.set_param("a", "value", 2).add_connection("a", "records", "b", "items");
    const auto second = b.build();
    CHECK(first.find("a")->params->at("value").as_int64() == 1);
    CHECK(first.find("b")->params->empty());
    CHECK(second.find("a")->params->at("value").as_int64() == 2);
    CHECK(second.find("b")->params->at("items").as_string() == "<<a.records>>");
    CHECK(second.find("a")->params->at("items") == first.find("a")->params->at("items"));
}

TEST_CASE("Params::records shares a JSON array with the stream", "[params]") {
    auto value = std::make_shared<boost::json::value>(boost::json::array{boost::json::object{{"a", 1}}});
    Params p;
    p.set("data", Param(JsonPtr(value)));
    CHECK(p.json("data") == value.get());
    auto stream = p.records("data");
    CHECK(value.use_count() == 3);  // here, the Param, the stream
    CHECK(stream->size_hint() == std::optional<std::size_t>(1));
    CHECK(Param().json().is_null());
    CHECK_FALSE(p.records("absent"));
}
