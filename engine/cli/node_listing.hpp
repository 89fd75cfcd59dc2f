#pragma once
// `bulkflow nodes [TYPE]`: human-readable node reference.

#include <bulkflow/registry.hpp>

#include <iosfwd>
#include <string>

namespace bulkflow::cli {

/// Lists every type (with TYPE empty) or documents one type's parameters. Returns false when
/// TYPE is unknown (message written to `out`).
bool print_nodes(std::ostream& out, const NodeRegistry& registry, const boost::json::object& models,
                 const std::string& type);

} // namespace bulkflow::cli
