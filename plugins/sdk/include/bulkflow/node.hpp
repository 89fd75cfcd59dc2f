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

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::any;
    bool required = false;
    std::optional<boost::json::value> default_value{};
    std::string doc{};
    Support support = Support::supported;
    /// For ignored/planned: why (shown next to the doc).
    std::string support_note{};
};

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
    /// Extra checks on the (unresolved) parameters before anything runs; templates that are not
    /// yet resolvable appear as strings. Throw Error(invalid_parameter) to reject.
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
