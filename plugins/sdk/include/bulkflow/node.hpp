#pragma once
/// @file node.hpp
/// A node type: a NodeSpec that documents and types its parameters, and a Node that runs.

#include <bulkflow/context.hpp>
#include <bulkflow/params.hpp>

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow {

/// Parameter types checked before a run. `records` accepts a JSON array of objects or a stream.
enum class ParamType { any, string, integer, number, boolean, object, array, records, string_or_list };

constexpr std::string_view to_string(ParamType t) noexcept {
    switch (t) {
    case ParamType::any: return "any";
    case ParamType::string: return "string";
    case ParamType::integer: return "integer";
    case ParamType::number: return "number";
    case ParamType::boolean: return "boolean";
    case ParamType::object: return "object";
    case ParamType::array: return "array";
    case ParamType::records: return "records";
    case ParamType::string_or_list: return "string or list";
    }
    return "any";
}

/// How far a parameter is honoured. Anything but `supported` is shown by `bulkflow nodes`.
enum class Support { supported, ignored, planned };

/// One parameter: its type, default, documentation and the rules a value must follow. The
/// engine applies the rules (type, choices, minimum/maximum, check) before the first node runs,
/// to every value known then (literals and <<inputs.NAME>>), and again to the resolved value when
/// the node starts; `bulkflow nodes` prints them. A node reads its defaults from here only.
struct ParamSpec {
    std::string name;
    ParamType type = ParamType::any;
    bool required = false;
    std::optional<boost::json::value> default_value{};
    std::string doc{};
    Support support = Support::supported;
    /// For ignored/planned: why (shown next to the doc).
    std::string support_note{};
    /// Allowed values of a string parameter (empty: any string).
    std::vector<std::string> choices{};
    /// Inclusive bounds of a number parameter.
    std::optional<double> minimum{}, maximum{};
    /// Further checks of a (non-null) value that need no data, e.g. the keys of an option object
    /// or that a file can be written; throws Error(invalid_parameter) with the reason.
    std::function<void(const boost::json::value&)> check{};
};

/// Checks `v` against the spec's choices, bounds and check function (not its type: a value of
/// the wrong type is reported by the caller). Null passes. Throws Error(invalid_parameter)
/// "parameter 'NAME' ...".
inline void check_param_value(const ParamSpec& spec, const boost::json::value& v) {
    if (v.is_null()) return;
    auto fail = [&](const std::string& what) {
        throw Error(ErrorCode::invalid_parameter, "parameter '" + spec.name + "' " + what);
    };
    if (!spec.choices.empty() && v.is_string()) {
        bool found = false;
        std::string all;
        for (const auto& c : spec.choices) {
            found = found || c == v.get_string();
            all += (all.empty() ? "" : ", ") + c;
        }
        if (!found) fail("must be one of " + all + ", not '" + std::string(v.get_string()) + "'");
    }
    if (v.is_number()) {
        const double d = v.to_number<double>();
        auto text = [](double x) {  // bounds are small: the cast is exact for whole ones
            const auto whole = static_cast<long long>(x);
            return static_cast<double>(whole) == x ? std::to_string(whole) : std::to_string(x);
        };
        if (spec.minimum && !(d >= *spec.minimum)) fail("must be at least " + text(*spec.minimum));
        if (spec.maximum && !(d <= *spec.maximum)) fail("must be at most " + text(*spec.maximum));
    }
    if (!spec.check) return;
    try {
        spec.check(v);
    } catch (const Error& e) {
        const std::string msg = e.what();
        const std::string prefix = "parameter '" + spec.name + "'";
        if (msg.rfind(prefix, 0) == 0) throw;
        fail(msg);
    }
}

struct NodeSpec {
    std::string type;
    std::string doc;
    std::vector<ParamSpec> params;
    /// Output keys (documentation; streams are marked "(stream)").
    std::vector<std::string> outputs{};

    [[nodiscard]] const ParamSpec* find(std::string_view name) const {
        for (const auto& p : params)
            if (p.name == name) return &p;
        return nullptr;
    }
};

/// One execution of a node. Created per run by its factory; run() is called once.
class Node {
public:
    virtual ~Node() = default;
    /// Runs the node. Throws bulkflow::Error (or any std::exception) on failure.
    virtual NodeOutput run(Context& ctx, const Params& params) = 0;
};

/// Describes and creates one node type. Must be thread-safe for create().
class NodeFactory {
public:
    virtual ~NodeFactory() = default;
    [[nodiscard]] virtual const NodeSpec& spec() const = 0;
    [[nodiscard]] virtual std::unique_ptr<Node> create() const = 0;
    /// Extra checks that need no data, before any node of the workflow runs: `params` holds the
    /// parameters as known then (<<inputs.NAME>> resolved; a value that needs a node's output
    /// as its template text; a list of records as an empty list; no defaults). The spec's
    /// rules have already been applied. Throw Error(invalid_parameter) to reject; any other
    /// exception is reported the same way.
    virtual void check(const boost::json::object& /*params*/) const {}
};

/// A factory for node classes with a default constructor.
template <class NodeT>
class SimpleNodeFactory final : public NodeFactory {
public:
    explicit SimpleNodeFactory(NodeSpec spec) : spec_(std::move(spec)) {}
    [[nodiscard]] const NodeSpec& spec() const override { return spec_; }
    [[nodiscard]] std::unique_ptr<Node> create() const override { return std::make_unique<NodeT>(); }

private:
    NodeSpec spec_;
};

/// Resolves node types by pattern (e.g. "<Model>BulkCreateNode") against the workflow's models.
struct PatternResolver {
    /// Short description for listings, e.g. "<Model>BulkCreateNode".
    std::string pattern;
    /// Returns a factory for `type`, or nullptr if the type is not this resolver's.
    std::function<std::shared_ptr<const NodeFactory>(std::string_view type,
                                                      const boost::json::object& models)>
        resolve;
    /// Every type name this resolver produces for `models` (for `bulkflow nodes`).
    std::function<std::vector<std::string>(const boost::json::object& models)> enumerate;
};

} // namespace bulkflow
