#include "graph/template_walk.hpp"

#include <bulkflow/workflow.hpp>

#include <algorithm>

namespace bulkflow {

const NodeDecl* Workflow::find(std::string_view id) const {
    for (const auto& n : nodes)
        if (n.id == id) return &n;
    return nullptr;
}

std::vector<std::string> Workflow::dependencies(const std::string& node_id) const {
    std::vector<std::string> deps;
    const NodeDecl* n = find(node_id);
    if (!n) return deps;
    auto add = [&](const std::string& d) {
        if (d != "inputs" && std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
    };
    for (const auto& a : n->after) add(a);
    for (const auto& kv : *n->params)
        detail::for_each_reference(kv.value(), node_id, [&](const Reference& r) { add(r.source); });
    return deps;
}

} // namespace bulkflow
