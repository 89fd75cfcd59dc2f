#pragma once
// Node constructors of the bulk family (one per operation).

#include "specs.hpp"

#include <bulkflow/dialect.hpp>
#include <bulkflow/node.hpp>

#include <memory>
#include <string>

namespace bulkflow::bulk {

std::unique_ptr<Node> make_ingest_node(const std::string& model, Operation op);  // create, upsert
std::unique_ptr<Node> make_update_node(const std::string& model);
std::unique_ptr<Node> make_delete_node(const std::string& model);
std::unique_ptr<Node> make_list_node(const std::string& model);
class ModelCatalog;

/// The checks before the run (static_check.cpp): the nodes' parsers on the parameters known
/// then (`raw`: NodeFactory::check's view) against the workflow's `models`. Throw
/// Error(invalid_parameter) naming the parameter.
void check_bulk_params(const std::string& model, Operation op, const boost::json::object& models,
                       const boost::json::object& raw);
void check_list_params(const std::string& model, const boost::json::object& models, const boost::json::object& raw);
/// Each node's own part, on Params with defaults applied.
void check_ingest_params(const Params& p, const Model& m, const ModelCatalog& catalog, Operation op);
void check_update_params(const Params& p, const Model& m);
void check_delete_params(const Params& p, const Model& m, const ModelCatalog& catalog);
void check_list_params(const Params& p, const Model& m);

/// <Model>ListNode's parameters.
NodeSpec list_spec(const std::string& model);
/// use_copy, copy_options, disable_triggers (migration_mode) as the writers' LoadOptions.
LoadOptions load_options(const Params& params);
/// The rules of the copy_options and mysql_options objects (the spec's checks; load_options
/// applies the same). Throw Error(invalid_parameter) naming the option.
void check_copy_options(const boost::json::value& v);
void check_mysql_options(const boost::json::value& v);
/// The message for the removed `unique_fields` parameter.
std::string unique_fields_removed();

} // namespace bulkflow::bulk
