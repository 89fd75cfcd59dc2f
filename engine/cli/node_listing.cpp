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
        out << ")\n      " << p.doc << support_text(p) << "\n";
    }
    if (!spec.outputs.empty()) {
        out << "\nOutputs:\n";
        for (const auto& o : spec.outputs) out << "  " << o << "\n";
    }
    return true;
}

} // namespace bulkflow::cli
