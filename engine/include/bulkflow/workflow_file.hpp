#pragma once
/// @file workflow_file.hpp
/// Reads YAML or JSON workflow files (CONTRACT section 4) into builder calls.

#include <bulkflow/builder.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <string_view>

namespace bulkflow {

/// Loads a .yaml/.yml/.json file. Throws Error(invalid_workflow) naming file, line and key.
WorkflowBuilder load_workflow_file(const std::filesystem::path& path);
/// Parses YAML (a superset of JSON) text into JSON; `origin` names the source in messages.
boost::json::value parse_yaml(std::string_view text, std::string_view origin);
/// Builder calls from the document's JSON form; `origin` names the source in messages.
WorkflowBuilder workflow_from_json(const boost::json::value& doc, std::string_view origin);

} // namespace bulkflow
