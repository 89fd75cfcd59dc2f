#include "graph/template_walk.hpp"

#include <bulkflow/builder.hpp>
#include <bulkflow/validation.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace bulkflow {
namespace {

bool is_valid_node_id(std::string_view id) {
    if (id.empty() || id == "inputs") return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

std::string node_where(const std::string& id, std::string_view param) {
    return "node '" + id + "' parameter '" + std::string(param) + "'";
}

// Finds one cycle in the dependency graph and returns it as "a -> b -> a", or "".
std::string find_cycle(const std::vector<NodeDecl>& nodes,
                       const std::map<std::string, std::vector<std::string>>& deps) {
    std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
    std::vector<std::string> stack;
    std::string cycle;
    std::function<bool(const std::string&)> visit = [&](const std::string& id) {
        state[id] = 1;
        stack.push_back(id);
        auto it = deps.find(id);
        if (it != deps.end()) {
            for (const auto& d : it->second) {
                if (!deps.count(d)) continue;
                if (state[d] == 1) {
                    auto from = std::find(stack.begin(), stack.end(), d);
                    for (auto s = from; s != stack.end(); ++s) cycle += *s + " -> ";
                    cycle += d;
                    return true;
                }
                if (state[d] == 0 && visit(d)) return true;
            }
        }
        stack.pop_back();
        state[id] = 2;
        return false;
    };
    for (const auto& n : nodes)
        if (state[n.id] == 0 && visit(n.id)) return cycle;
    return {};
}

} // namespace

WorkflowBuilder& WorkflowBuilder::add_node(std::string type, std::string id, boost::json::object params) {
    wf_.nodes.push_back({std::move(id), std::move(type),
                         std::make_shared<const boost::json::object>(std::move(params)), {}});
    return *this;
}

WorkflowBuilder& WorkflowBuilder::add_connection(std::string from, std::string from_output,
                                                 std::string to, std::string to_param) {
    wf_.connections.push_back({std::move(from), std::move(from_output), std::move(to), std::move(to_param)});
    return *this;
}

WorkflowBuilder& WorkflowBuilder::add_dependency(std::string id, std::string dependency) {
    after_.emplace_back(std::move(id), std::move(dependency));
    return *this;
}

WorkflowBuilder& WorkflowBuilder::set_name(std::string name) { wf_.name = std::move(name); return *this; }
WorkflowBuilder& WorkflowBuilder::set_database(std::string url) { wf_.database = std::move(url); return *this; }
WorkflowBuilder& WorkflowBuilder::add_plugin(std::string p) { wf_.plugins.push_back(std::move(p)); return *this; }
WorkflowBuilder& WorkflowBuilder::set_input(std::string name, boost::json::value v) {
    wf_.inputs[name] = std::move(v);
    return *this;
}
WorkflowBuilder& WorkflowBuilder::add_model(std::string name, boost::json::value def) {
    wf_.models[name] = std::move(def);
    return *this;
}
WorkflowBuilder& WorkflowBuilder::add_model(const Model& model) { return add_model(model.name, model.to_json()); }

WorkflowBuilder& WorkflowBuilder::set_param(const std::string& node, const std::string& param,
                                            boost::json::value v) {
    overrides_.emplace_back(node, param, std::move(v));
    return *this;
}

Workflow WorkflowBuilder::build() const {
    Workflow wf = wf_;
    ProblemList problems;
    std::map<std::string, NodeDecl*> by_id;

    for (auto& n : wf.nodes) {
        if (!is_valid_node_id(n.id)) {
            problems.add(ErrorCode::invalid_workflow, n.id,
                         "node id '" + n.id + "' is invalid: use letters, digits, '_' or '-' (and not 'inputs')");
            continue;
        }
        if (!by_id.emplace(n.id, &n).second)
            problems.add(ErrorCode::invalid_workflow, n.id, "duplicate node id '" + n.id + "'");
        if (n.type.empty())
            problems.add(ErrorCode::invalid_workflow, n.id, "node '" + n.id + "' has no type");
    }
    auto exists = [&](const std::string& id) { return by_id.count(id) > 0; };
    // Parameters are shared with the builder and the workflows built before: a node whose
    // parameters change here gets its own copy first, once.
    std::map<const NodeDecl*, std::shared_ptr<boost::json::object>> edited;
    auto edit = [&](NodeDecl& n) -> boost::json::object& {
        auto& own = edited[&n];
        if (!own) {
            own = std::make_shared<boost::json::object>(*n.params);
            n.params = own;
        }
        return *own;
    };
    std::vector<std::string> ids;
    for (const auto& [id, _] : by_id) ids.push_back(id);
    auto unknown = [&](const std::string& id) {
        std::string msg = "unknown node '" + id + "'";
        if (auto s = closest_match(id, ids); !s.empty()) msg += " (did you mean '" + s + "'?)";
        return msg;
    };

    for (const auto& [node, param, value] : overrides_) {
        auto it = by_id.find(node);
        if (it == by_id.end()) {
            problems.add(ErrorCode::invalid_parameter, node, "--set " + node + "." + param + ": " + unknown(node));
            continue;
        }
        edit(*it->second)[param] = value;
    }
    for (const auto& [id, dep] : after_) {
        auto it = by_id.find(id);
        if (it == by_id.end()) {
            problems.add(ErrorCode::invalid_workflow, id, "dependency of " + unknown(id));
            continue;
        }
        it->second->after.push_back(dep);
    }
    for (const auto& c : wf.connections) {
        std::string desc = "connection " + c.from_node + "." + c.from_path + " -> " + c.to_node + "." + c.to_param;
        if (!exists(c.from_node)) {
            problems.add(ErrorCode::invalid_workflow, c.to_node, desc + ": source is an " + unknown(c.from_node));
            continue;
        }
        auto it = by_id.find(c.to_node);
        if (it == by_id.end()) {
            problems.add(ErrorCode::invalid_workflow, c.to_node, desc + ": target is an " + unknown(c.to_node));
            continue;
        }
        if (c.to_param.empty() || c.from_path.empty()) {
            problems.add(ErrorCode::invalid_workflow, c.to_node, desc + ": both ends need NODE.NAME");
            continue;
        }
        std::string tmpl = "<<" + c.from_node + "." + c.from_path + ">>";
        if (const auto* existing = it->second->params->if_contains(c.to_param)) {
            if (!(existing->is_string() && existing->get_string() == tmpl))
                problems.add(ErrorCode::invalid_workflow, c.to_node,
                             desc + ": node '" + c.to_node + "' parameter '" + c.to_param +
                                 "' is already set in params; remove one of the two");
            continue;
        }
        edit(*it->second)[c.to_param] = tmpl;
    }

    std::map<std::string, std::vector<std::string>> deps;
    for (auto& n : wf.nodes) {
        if (!exists(n.id)) continue;
        auto& d = deps[n.id];
        for (const auto& a : n.after) {
            if (!exists(a)) problems.add(ErrorCode::invalid_workflow, n.id, "node '" + n.id + "' runs after an " + unknown(a));
            else d.push_back(a);
        }
        for (const auto& kv : *n.params) {
            std::string where = node_where(n.id, kv.key());
            try {
                detail::for_each_reference(kv.value(), where, [&](const Reference& r) {
                    if (r.source == "inputs") {
                        if (r.path.empty() || !std::holds_alternative<std::string>(r.path.front()))
                            problems.add(ErrorCode::template_resolution, n.id,
                                         where + ": '" + r.text + "' must name an input, as <<inputs.NAME>>");
                    } else if (!exists(r.source)) {
                        problems.add(ErrorCode::template_resolution, n.id,
                                     where + ": template '" + r.text + "' refers to an " + unknown(r.source));
                    } else {
                        d.push_back(r.source);
                    }
                });
            } catch (const Error& e) {
                problems.add(e.code(), n.id, e.what());
            }
        }
    }
    if (auto cycle = find_cycle(wf.nodes, deps); !cycle.empty())
        problems.add(ErrorCode::invalid_workflow, cycle.substr(0, cycle.find(' ')), "cycle: " + cycle);
    problems.throw_if_any();

    // Stable topological order: declaration order among ready nodes.
    std::vector<NodeDecl> ordered;
    std::set<std::string> done;
    while (ordered.size() < wf.nodes.size()) {
        for (const auto& n : wf.nodes) {
            if (done.count(n.id)) continue;
            const auto& d = deps[n.id];
            if (std::all_of(d.begin(), d.end(), [&](const std::string& x) { return done.count(x) > 0; })) {
                ordered.push_back(n);
                done.insert(n.id);
                break;
            }
        }
    }
    wf.nodes = std::move(ordered);
    return wf;
}

} // namespace bulkflow
