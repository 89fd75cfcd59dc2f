#pragma once
/// @file workflow.hpp
/// A validated workflow: nodes with raw parameters, dependencies and the data needed to run it.
/// Built by WorkflowBuilder; immutable afterwards. Copies share the nodes' parameters.

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bulkflow {

struct NodeDecl {
    std::string id;
    std::string type;
    /// Raw parameters (strings may hold templates); never null. Immutable and shared: copies of
    /// the workflow, and resolved parameters that hold no template, point at this JSON, so a
    /// large in-memory array is not copied on its way to the node.
    std::shared_ptr<const boost::json::object> params = std::make_shared<const boost::json::object>();
    std::vector<std::string> after;  ///< explicit ordering dependencies
};

/// `from_node.from_path` feeds parameter `to_param` of `to_node`.
struct Connection {
    std::string from_node;
    std::string from_path;  ///< e.g. "records" or "data.items[0]"
    std::string to_node;
    std::string to_param;
};

struct Workflow {
    std::string name;
    std::string database;             ///< URL from the workflow file; empty if none
    std::vector<std::string> plugins; ///< names or paths
    boost::json::object inputs;       ///< defaults for <<inputs.NAME>>
    boost::json::object models;       ///< model definitions (JSON form)
    std::vector<NodeDecl> nodes;      ///< in topological order
    std::vector<Connection> connections;

    /// Ids of nodes this node depends on (after, connections, template references).
    [[nodiscard]] std::vector<std::string> dependencies(const std::string& node_id) const;
    [[nodiscard]] const NodeDecl* find(std::string_view id) const;
};

} // namespace bulkflow
