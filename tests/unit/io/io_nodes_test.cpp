// ConstantNode, node specs and registration of the io family.
#include "io_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/io/io_nodes.hpp>
#include <bulkflow/plugin.hpp>

#include <map>

using namespace iotest;
using bulkflow::ErrorCode;
using bulkflow::ParamType;

namespace {

class CollectingRegistrar final : public bulkflow::Registrar {
public:
    void add_node(std::shared_ptr<const bulkflow::NodeFactory> factory) override {
        const std::string type = factory->spec().type;
        REQUIRE(nodes.emplace(type, std::move(factory)).second); // no duplicates
    }
    void add_pattern(bulkflow::PatternResolver) override { ++patterns; }

    std::map<std::string, std::shared_ptr<const bulkflow::NodeFactory>> nodes;
    int patterns = 0;
};

} // namespace

TEST_CASE("io: register_io_nodes registers the five node types", "[io]") {
    CollectingRegistrar r;
    bulkflow::io::register_io_nodes(r);
    REQUIRE(r.nodes.size() == 5);
    CHECK(r.nodes.count("ConstantNode") == 1);
    CHECK(r.nodes.count("CSVReaderNode") == 1);
    CHECK(r.nodes.count("JSONReaderNode") == 1);
    CHECK(r.nodes.count("MapNode") == 1);
    CHECK(r.nodes.count("FilterNode") == 1);
    CHECK(r.patterns == 0);
    for (const auto& [type, f] : r.nodes) {
        INFO(type);
        CHECK(f->spec().type == type);
        CHECK_FALSE(f->spec().doc.empty());
        CHECK_FALSE(f->spec().outputs.empty());
        for (const auto& p : f->spec().params) {
            INFO(p.name);
            CHECK_FALSE(p.doc.empty());
            CHECK(p.support == bulkflow::Support::supported);
        }
        CHECK(f->create() != nullptr);
    }
}

TEST_CASE("io: CSVReaderNode spec", "[io]") {
    const auto f = bulkflow::io::csv_reader_node_factory();
    const auto& s = f->spec();
    REQUIRE(s.params.size() == 6);
    const auto* path = s.find("path");
    REQUIRE(path);
    CHECK(path->required);
    CHECK(path->type == ParamType::string);
    const auto* delim = s.find("delimiter");
    REQUIRE(delim);
    CHECK_FALSE(delim->required);
    CHECK(delim->default_value == json::value(","));
    const auto* header = s.find("header");
    REQUIRE(header);
    CHECK(header->type == ParamType::boolean);
    CHECK(header->default_value == json::value(true));
    const auto* columns = s.find("columns");
    REQUIRE(columns);
    CHECK(columns->type == ParamType::array);
    CHECK_FALSE(columns->default_value.has_value());
    const auto* nulls = s.find("null_values");
    REQUIRE(nulls);
    CHECK(nulls->type == ParamType::array);
    CHECK(nulls->default_value == json::value(json::array{}));
    const auto* max_bytes = s.find("max_record_bytes");
    REQUIRE(max_bytes);
    CHECK(max_bytes->default_value == json::value(std::int64_t{64} << 20));
    CHECK(s.outputs.at(0) == "records (stream)");
    // static checks
    CHECK_NOTHROW(f->check({{"path", "a.csv"}, {"columns", json::array{"a", "b"}}, {"null_values", json::array{""}}}));
    auto e = error_of([&] { f->check({{"path", "a.csv"}, {"null_values", json::array{1}}}); });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Catch::Contains("null_values"));
}

TEST_CASE("io: JSONReaderNode spec", "[io]") {
    const auto f = bulkflow::io::json_reader_node_factory();
    const auto& s = f->spec();
    REQUIRE(s.params.size() == 3);
    REQUIRE(s.find("path"));
    CHECK(s.find("path")->required);
    REQUIRE(s.find("format"));
    CHECK(s.find("format")->default_value == json::value("auto"));
    REQUIRE(s.find("max_record_bytes"));
    CHECK(s.find("delimiter") == nullptr);
}

TEST_CASE("io: ConstantNode outputs its value", "[io]") {
    const auto f = bulkflow::io::constant_node_factory();
    REQUIRE(f->spec().find("value"));
    CHECK(f->spec().find("value")->required);
    CHECK(f->spec().find("value")->type == ParamType::any);

    const json::value values[] = {json::parse(R"({"a": [1, {"b": "c"}], "d": null})"), json::value(42),
                                  json::value("text"), json::value(nullptr), json::array{1, 2, 3},
                                  json::value(false)};
    for (const auto& v : values) {
        INFO(json::serialize(v));
        auto out = run_node(*f, {{"value", v}});
        CHECK(out.value == json::object{{"value", v}});
        CHECK(out.streams.empty());
    }
}

TEST_CASE("io: ConstantNode passes a stream through", "[io]") {
    auto stream = std::make_shared<bulkflow::ArrayStream>(json::array{json::object{{"x", 1}}, json::object{{"x", 2}}});
    bulkflow::Params p;
    p.set("value", bulkflow::Param(bulkflow::StreamPtr(stream)));
    TestContext ctx;
    auto out = bulkflow::io::constant_node_factory()->create()->run(ctx, p);
    REQUIRE(out.streams.count("value") == 1);
    CHECK(out.streams.at("value").get() == stream.get());
    CHECK(out.value.empty());

    auto missing = error_of([&] { (void)run_node(*bulkflow::io::constant_node_factory(), {}); });
    CHECK(missing.code() == ErrorCode::invalid_parameter);
}

TEST_CASE("io: reader nodes log what they read", "[io]") {
    TempDir dir;
    const std::string p = dir.write("log.csv", "a,b\n1,2\n");
    TestContext ctx;
    auto out = bulkflow::io::csv_reader_node_factory()->create()->run(ctx, make_params({{"path", p}}));
    REQUIRE(ctx.logs.size() == 1);
    CHECK_THAT(ctx.logs[0], Catch::Contains("log.csv") && Catch::Contains("2 columns"));
    // the printed result summarises the stream
    auto printed = out.to_json();
    CHECK(printed.at("records") == json::object{{"stream", true}, {"records_read", 0}});
    CHECK(printed.at("columns") == json::array{"a", "b"});
}
