#pragma once
// Bounds YAML alias expansion before a document is converted (docs/workflow-format.md, "Limits").

#include <cstdint>
#include <string_view>

namespace bulkflow::detail {

/// Most nodes that aliases (`*name`) may add to one workflow document, counted as the converted
/// document has them: a 1 kB "billion laughs" file expands to 9^9 nodes and is refused.
inline constexpr std::uint64_t kMaxAliasNodes = 1'000'000;

/// Walks the first YAML document's events (no tree is built) and throws Error(invalid_workflow)
/// naming `origin`, the alias's line and the limit when the aliases would add more than
/// `max_alias_nodes` nodes, or when an alias refers to a node that contains it (a cycle).
/// Syntax errors are left to the real parse (YAML::Exception passes through).
void check_alias_expansion(std::string_view text, std::string_view origin,
                           std::uint64_t max_alias_nodes = kMaxAliasNodes);

} // namespace bulkflow::detail
