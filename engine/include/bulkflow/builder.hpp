#pragma once
/// @file builder.hpp
/// WorkflowBuilder: the C++ way to define a workflow (CONTRACT section 10). The YAML/JSON loader
/// produces the same builder calls.

#include <bulkflow/model.hpp>
#include <bulkflow/workflow.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace bulkflow {

class WorkflowBuilder {
public:
    /// Adds node `id` of `type` with raw parameters (strings may contain templates). Pass large
    /// values with std::move: the parameters are kept, and shared with every built workflow and
    /// with the node at run time, without further copies.
    WorkflowBuilder& add_node(std::string type, std::string id, boost::json::object params = {});
    /// `from.from_output` (a dotted path such as "records" or "data.items") feeds `to.to_param`.
    WorkflowBuilder& add_connection(std::string from, std::string from_output, std::string to,
                                    std::string to_param);
    /// Runs `id` only after `dependency` succeeded.
    WorkflowBuilder& add_dependency(std::string id, std::string dependency);
    WorkflowBuilder& set_name(std::string name);
    WorkflowBuilder& set_database(std::string url);
    WorkflowBuilder& add_plugin(std::string name_or_path);
    WorkflowBuilder& set_input(std::string name, boost::json::value value);
    /// Adds a model in its JSON form (as under `models:` in YAML).
    WorkflowBuilder& add_model(std::string name, boost::json::value definition);
    /// Adds a model built in C++ (e.g. model_from_struct<Product>() from model_describe.hpp).
    WorkflowBuilder& add_model(const Model& model);
    /// Overrides one parameter (`--set NODE.PARAM=VALUE`); unknown node -> error at build().
    WorkflowBuilder& set_param(const std::string& node, const std::string& param, boost::json::value v);

    /// Structural validation: duplicate or empty ids, references (templates, connections, after)
    /// to unknown nodes, malformed templates, cycles (the cycle is printed). Throws
    /// ValidationError listing every problem. Node types and parameters are checked by
    /// LocalRuntime::validate, which knows the registry. The workflow shares the builder's
    /// parameters; only a node changed by set_param or a connection gets its own copy of them.
    [[nodiscard]] Workflow build() const;

private:
    Workflow wf_;
    std::vector<std::pair<std::string, std::string>> after_;
    std::vector<std::tuple<std::string, std::string, boost::json::value>> overrides_;
};

} // namespace bulkflow
