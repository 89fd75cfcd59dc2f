#pragma once
/// @file workflow_file.hpp
/// Reads YAML or JSON workflow files (CONTRACT section 4) into builder calls.

#include <bulkflow/builder.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace bulkflow {

/// Largest workflow file accepted (64 MiB); a larger one is refused before it is parsed.
inline constexpr std::uintmax_t kMaxWorkflowFileBytes = std::uintmax_t{64} << 20;

/// Loads a .yaml/.yml/.json file. Throws Error(invalid_workflow) naming file, line and key, or
/// the limit a file exceeds (kMaxWorkflowFileBytes; aliases: docs/workflow-format.md, "Limits").
WorkflowBuilder load_workflow_file(const std::filesystem::path& path);
/// Parses YAML (a superset of JSON) text into JSON; `origin` names the source in messages.
boost::json::value parse_yaml(std::string_view text, std::string_view origin);
/// Builder calls from the document's JSON form; `origin` names the source in messages.
WorkflowBuilder workflow_from_json(const boost::json::value& doc, std::string_view origin);

} // namespace bulkflow
