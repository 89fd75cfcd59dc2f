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
/// <Model>ListNode's parameters.
NodeSpec list_spec(const std::string& model);
/// use_copy, copy_options, disable_triggers (migration_mode) as the writers' LoadOptions.
LoadOptions load_options(const Params& params);
/// The message for the removed `unique_fields` parameter.
std::string unique_fields_removed();

} // namespace bulkflow::bulk
