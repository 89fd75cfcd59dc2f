// MapNode and FilterNode: record streams transformed by expressions (CONTRACT section 8).
#include "transform_stream.hpp"

#include <bulkflow/io/io_nodes.hpp>
#include <bulkflow/validation.hpp>

#include <string_view>

namespace bulkflow::io {

namespace {

namespace json = boost::json;
using detail::ExprProgram;
using detail::ExprSource;
using detail::ExprUse;

/// True for a string that still holds a template (checked again once resolved).
bool is_template(const json::value& v) {
    if (!v.is_string()) return false;
    const std::string_view s = v.get_string();
    return s.find("<<") != std::string_view::npos || s.find("{{") != std::string_view::npos;
}

/// The `fields` of a MapNode as (target, expression) pairs; throws Error(invalid_parameter).
/// Unresolved templates are skipped when `skip_templates`.
std::vector<std::pair<std::string, ExprSource>> map_fields(const json::value& v,
                                                           bool skip_templates) {
    if (!v.is_object()) Params::fail("fields", "must be an object {field: expression}");
    if (v.get_object().empty()) Params::fail("fields", "must set at least one field");
    std::vector<std::pair<std::string, ExprSource>> out;
    for (const auto& kv : v.get_object()) {
        const std::string name(kv.key());
        if (skip_templates && is_template(kv.value())) continue;
        if (!kv.value().is_string())
            Params::fail("fields." + name,
                         "must be an expression string (text constants are quoted: \"'books'\")");
        out.push_back({name, ExprSource{"fields." + name, std::string(kv.value().get_string())}});
    }
    return out;
}

/// The model named by the `model` parameter, or null when it is not given.
std::shared_ptr<const Model> record_model(Context& ctx, const Params& params) {
    const std::string name = params.get_string("model");
    if (name.empty()) return nullptr;
    const auto& models = ctx.models();
    if (const auto* def = models.if_contains(name))
        return std::make_shared<const Model>(Model::from_json(name, *def));
    std::vector<std::string> names;
    for (const auto& kv : models) names.emplace_back(kv.key());
    std::string msg = "names no model of the workflow: '" + name + "'";
    if (auto s = closest_match(name, names); !s.empty())
        msg += " (did you mean '" + s + "'?)";
    else if (names.empty())
        msg += " (the workflow has no models)";
    Params::fail("model", msg);
}

StreamPtr input_records(const Params& params) {
    auto data = params.records("data");
    if (!data) Params::fail("data", "is required (a record stream or a list of records)");
    return data;
}

void map_check(const json::object& params) {
    // A value of another type is reported by the engine's parameter type check.
    if (const auto* f = params.if_contains("fields"); f && f->is_object())
        for (const auto& [target, src] : map_fields(*f, true)) detail::check_expression(src);
}

void filter_check(const json::object& params) {
    if (const auto* w = params.if_contains("where"); w && w->is_string() && !is_template(*w))
        detail::check_expression(ExprSource{"where", std::string(w->get_string())});
}

class MapNode final : public Node {
public:
    NodeOutput run(Context& ctx, const Params& params) override {
        StreamPtr data = input_records(params);
        const auto* f = params.json("fields");
        if (!f) Params::fail("fields", "is required");
        std::vector<ExprSource> sources;
        std::vector<std::string> targets;
        for (auto& [target, src] : map_fields(*f, false)) {
            targets.push_back(target);
            sources.push_back(std::move(src));
        }
        auto program = std::make_shared<const ExprProgram>(ctx.node_id(), "MapNode", ExprUse::value,
                                                           std::move(sources), std::move(targets),
                                                           record_model(ctx, params));
        NodeOutput out;
        out.streams.emplace(
            "records", std::make_shared<detail::MapStream>(std::move(data), std::move(program)));
        return out;
    }
};

class FilterNode final : public Node {
public:
    NodeOutput run(Context& ctx, const Params& params) override {
        StreamPtr data = input_records(params);
        const std::string where = params.get_string("where");
        if (where.empty()) Params::fail("where", "is required (a true/false expression)");
        auto program = std::make_shared<const ExprProgram>(
            ctx.node_id(), "FilterNode", ExprUse::predicate,
            std::vector<ExprSource>{{"where", where}}, std::vector<std::string>{},
            record_model(ctx, params));
        NodeOutput out;
        out.streams.emplace(
            "records", std::make_shared<detail::FilterStream>(std::move(data), std::move(program)));
        return out;
    }
};

const char* const kDataDoc =
    "The input records: a record stream (e.g. \"<<read.records>>\") or a list of objects. "
    "Read lazily, batch by batch.";
const char* const kModelDoc =
    "Name of a workflow model that types the record fields the expressions read (values are "
    "converted as the bulk nodes convert them: \"19.99\" becomes a decimal, \"2024-01-01\" a "
    "datetime); expressions may then name only its fields. Without it each field's type is that "
    "of its first non-null value in each batch (JSON integer: int, other number: float, "
    "true/false: bool, string: str, even \"12\"; object or array: json), so CSV cells are "
    "strings.";

NodeSpec map_spec() {
    return NodeSpec{
        "MapNode",
        "Streams the input records with fields set to expressions evaluated on each record: new "
        "keys are added, existing keys replaced, other keys kept.",
        {
            ParamSpec{"data", ParamType::records, true, std::nullopt, kDataDoc},
            ParamSpec{"fields", ParamType::object, true, std::nullopt,
                      "{field: expression}, e.g. {total: \"price * quantity\", name: "
                      "\"upper(trim(name))\", source: \"'csv'\"}. Every expression reads the "
                      "input record. Functions: lower, upper, trim, length, abs, round, coalesce, "
                      "concat, now. A field a record lacks is NULL; NULL in gives NULL out. "
                      "Decimal results are exact strings (\"17.991\"); with `model`, a result "
                      "stored in one of its fields takes that field's type (decimals rounded to "
                      "its scale)."},
            ParamSpec{"model", ParamType::string, false, std::nullopt, kModelDoc},
        },
        {"records (stream)"}};
}

NodeSpec filter_spec() {
    return NodeSpec{
        "FilterNode",
        "Streams the input records for which a true/false expression holds; NULL (unknown) drops "
        "the record, as SQL WHERE does.",
        {
            ParamSpec{"data", ParamType::records, true, std::nullopt, kDataDoc},
            ParamSpec{"where", ParamType::string, true, std::nullopt,
                      "A true/false expression on each record, e.g. \"price > 10 and not "
                      "(category = 'books' or stock = 0)\". Comparisons = != < <= > >=, "
                      "and/or/not, arithmetic, functions (lower, upper, trim, length, abs, round, "
                      "coalesce, concat, now). A field a record lacks is NULL."},
            ParamSpec{"model", ParamType::string, false, std::nullopt, kModelDoc},
        },
        {"records (stream)"}};
}

/// Like IoFactory in nodes.cpp: a spec and a static check.
template <class NodeT>
class TransformFactory final : public NodeFactory {
public:
    using Check = void (*)(const json::object&);
    TransformFactory(NodeSpec spec, Check check) : spec_(std::move(spec)), check_(check) {}
    [[nodiscard]] const NodeSpec& spec() const override { return spec_; }
    [[nodiscard]] std::unique_ptr<Node> create() const override {
        return std::make_unique<NodeT>();
    }
    void check(const json::object& params) const override { check_(params); }

private:
    NodeSpec spec_;
    Check check_;
};

} // namespace

std::shared_ptr<const NodeFactory> map_node_factory() {
    return std::make_shared<TransformFactory<MapNode>>(map_spec(), &map_check);
}

std::shared_ptr<const NodeFactory> filter_node_factory() {
    return std::make_shared<TransformFactory<FilterNode>>(filter_spec(), &filter_check);
}

} // namespace bulkflow::io
