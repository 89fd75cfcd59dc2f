#pragma once
// The checks LocalRuntime::validate runs before the first node (docs/getting-started.md, "The
// command line"): node types, parameters (names, types, the spec's rules, the factory's own
// check) and models.

#include <bulkflow/registry.hpp>
#include <bulkflow/validation.hpp>
#include <bulkflow/workflow.hpp>

#include <boost/json.hpp>

namespace bulkflow::detail {

/// Checks one node against its type's spec with every value known before the run (literals and
/// <<inputs.NAME>>); adds a problem per fault. Never throws for a plugin's fault: an exception
/// from NodeFactory::check() becomes a problem naming the node.
void check_node(const NodeRegistry& registry, const Workflow& wf, const NodeDecl& n, const boost::json::object& inputs,
                ProblemList& problems);

/// Parses every model of the workflow, used by a node or not, and checks that the models named
/// by `references` and relationships exist.
void check_models(const boost::json::object& models, ProblemList& problems);

} // namespace bulkflow::detail
