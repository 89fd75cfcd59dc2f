#include "node_listing.hpp"

#include <bulkflow/validation.hpp>

#include <ostream>

namespace bulkflow::cli {
namespace {

std::string support_text(const ParamSpec& p) {
    switch (p.support) {
    case Support::supported: return "";
    case Support::ignored: return "  [accepted, no effect in bulkflow: " + p.support_note + "]";
    case Support::planned: return "  [accepted, not implemented yet: " + p.support_note + "]";
    }
    return "";
}

std::string bound_text(double x) {
    const auto whole = static_cast<long long>(x);
    return static_cast<double>(whole) == x ? std::to_string(whole) : boost::json::serialize(boost::json::value(x));
}

// ", one of: a, b", ", at least 1" (the spec's rules, as the checks apply them).
std::string rules_text(const ParamSpec& p) {
    std::string s;
    if (!p.choices.empty()) {
        s += ", one of: ";
        for (std::size_t i = 0; i < p.choices.size(); ++i) s += (i ? ", " : "") + p.choices[i];
    }
    if (p.minimum) s += ", at least " + bound_text(*p.minimum);
    if (p.maximum) s += ", at most " + bound_text(*p.maximum);
    return s;
}

} // namespace

bool print_nodes(std::ostream& out, const NodeRegistry& registry, const boost::json::object& models,
                 const std::string& type) {
    if (type.empty()) {
        for (const auto& name : registry.type_names(models)) {
            auto f = registry.find(name, models);
            out << name << "  (" << registry.origin(name, models) << ")\n    " << f->spec().doc << "\n";
        }
        for (const auto& p : registry.pattern_descriptions())
            out << p << "  (generated for every model; add --workflow FILE to list them)\n";
        return true;
    }
    auto f = registry.find(type, models);
    if (!f) {
        out << "unknown node type '" << type << "'";
        if (auto s = closest_match(type, registry.type_names(models)); !s.empty()) out << " (did you mean '" << s << "'?)";
        out << "\n";
        return false;
    }
    const NodeSpec& spec = f->spec();
    out << spec.type << "  (" << registry.origin(type, models) << ")\n  " << spec.doc << "\n\nParameters:\n";
    for (const auto& p : spec.params) {
        out << "  " << p.name << " (" << to_string(p.type) << (p.required ? ", required" : "");
        if (p.default_value) out << ", default " << boost::json::serialize(*p.default_value);
        out << rules_text(p) << ")\n      " << p.doc << support_text(p) << "\n";
    }
    if (!spec.outputs.empty()) {
        out << "\nOutputs:\n";
        for (const auto& o : spec.outputs) out << "  " << o << "\n";
    }
    return true;
}

} // namespace bulkflow::cli
