#include "exec/static_check.hpp"

#include "exec/resolve.hpp"

#include <bulkflow/model.hpp>

#include <new>

namespace bulkflow::detail {
namespace {

std::string node_prefix(const NodeDecl& n) { return "node '" + n.id + "' (" + n.type + "): "; }

struct KnownValue {
    enum class State { known, later, bad } state = State::later;  // later: needs a node's output
    Param value;
};

// The parameter's value as known before the run, checked against the spec's rules (a problem is
// added for each fault).
KnownValue known_value(const NodeDecl& n, const ParamSpec& ps, const boost::json::value& raw,
                       const boost::json::object& inputs, ProblemList& problems) {
    using State = KnownValue::State;
    std::optional<Param> value;
    try {
        value = resolve_static(n.params, raw, "node '" + n.id + "' parameter '" + ps.name + "'", inputs);
    } catch (const Error& e) {
        problems.add(e.code(), n.id, "node '" + n.id + "' parameter '" + ps.name + "': " + e.what());
        return {State::bad, {}};
    }
    if (!value) return {State::later, {}};
    const auto& v = value->json();
    if (!value_fits(ps.type, v)) {
        problems.add(ErrorCode::invalid_parameter, n.id,
                     node_prefix(n) + "parameter '" + ps.name + "' must be " + std::string(to_string(ps.type)) + ", got " +
                         std::string(boost::json::to_string(v.kind())));
        return {State::bad, {}};
    }
    try {
        check_param_value(ps, v);
    } catch (const std::exception& e) {
        problems.add(ErrorCode::invalid_parameter, n.id, node_prefix(n) + e.what());
        return {State::bad, {}};
    }
    return {State::known, std::move(*value)};
}

} // namespace

void check_node(const NodeRegistry& registry, const Workflow& wf, const NodeDecl& n, const boost::json::object& inputs,
                ProblemList& problems) {
    auto factory = registry.find(n.type, wf.models);
    if (!factory) {
        std::string msg = "node '" + n.id + "': unknown node type '" + n.type + "'";
        if (auto s = closest_match(n.type, registry.type_names(wf.models)); !s.empty()) msg += " (did you mean '" + s + "'?)";
        problems.add(ErrorCode::unknown_node, n.id, msg);
        return;
    }
    const NodeSpec& spec = factory->spec();
    std::vector<std::string> names;
    for (const auto& p : spec.params) names.push_back(p.name);
    // What the factory's check() sees: known values resolved, the others as their template text.
    boost::json::object known;
    for (const auto& kv : *n.params) {
        const ParamSpec* ps = spec.find(kv.key());
        if (!ps) {
            std::string msg = node_prefix(n) + "unknown parameter '" + std::string(kv.key()) + "'";
            if (auto s = closest_match(kv.key(), names); !s.empty()) msg += " (did you mean '" + s + "'?)";
            problems.add(ErrorCode::invalid_parameter, n.id, msg);
            continue;
        }
        auto value = known_value(n, *ps, kv.value(), inputs, problems);
        // Records are data, checked when the node runs; a large list is not copied for check().
        if (ps->type == ParamType::records && kv.value().is_array()) known[kv.key()] = boost::json::array{};
        else if (value.state == KnownValue::State::known) known[kv.key()] = value.value.json();
        else known[kv.key()] = kv.value();  // a rejected value stays, so no "missing" follows
    }
    for (const auto& p : spec.params)
        if (p.required && !p.default_value && !n.params->if_contains(p.name))
            problems.add(ErrorCode::invalid_parameter, n.id, node_prefix(n) + "missing required parameter '" + p.name + "'");
    try {
        factory->check(known);
    } catch (const Error& e) {
        problems.add(e.code(), n.id, node_prefix(n) + e.what());
    } catch (const std::bad_alloc&) {
        throw;  // not the parameters' fault: the caller reports resource_exhausted
    } catch (const std::exception& e) {
        // A plugin may throw anything; it is still a fault found before the run.
        problems.add(ErrorCode::invalid_parameter, n.id, node_prefix(n) + e.what());
    } catch (...) {
        problems.add(ErrorCode::invalid_parameter, n.id, node_prefix(n) + "check() threw a non-standard exception");
    }
}

void check_models(const boost::json::object& models, ProblemList& problems) {
    for (const auto& kv : models) {
        const std::string name(kv.key());
        try {
            const Model m = Model::from_json(name, kv.value());
            for (const auto& f : m.fields)
                if (!f.references.empty() && !models.contains(f.references))
                    problems.add(ErrorCode::invalid_workflow, {},
                                 "model '" + name + "' field '" + f.name + "' references unknown model '" + f.references + "'");
            for (const auto& r : m.relationships)
                if (!models.contains(r.model))
                    problems.add(ErrorCode::invalid_workflow, {},
                                 "model '" + name + "' relationship '" + r.name + "' names unknown model '" + r.model + "'");
        } catch (const Error& e) {
            problems.add(e.code(), {}, e.what());
        }
    }
}

} // namespace bulkflow::detail
