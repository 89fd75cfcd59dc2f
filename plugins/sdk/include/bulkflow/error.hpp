#pragma once
/// @file error.hpp
/// The one exception type of bulkflow. Every error carries a category (ErrorCode) that decides the
/// CLI exit status and the short `kind` printed in the run result, plus the node id when known.

#include <stdexcept>
#include <string>
#include <string_view>

namespace bulkflow {

enum class ErrorCode {
    invalid_workflow,     ///< malformed file, duplicate ids, cycles, bad structure (before run)
    unknown_node,         ///< node type not registered (before run)
    invalid_parameter,    ///< unknown/missing/mistyped parameter (before run)
    template_resolution,  ///< a template cannot be resolved (before run if static, else at run)
    invalid_url,          ///< database URL cannot be parsed (before run)
    plugin_missing,       ///< plugin not found (before run)
    plugin_abi,           ///< plugin ABI or engine version mismatch (before run)
    plugin_init,          ///< plugin registration failed or registered a duplicate (before run)
    invalid_data,         ///< input data malformed (reader line, record field)
    connection,           ///< database connection failed
    constraint_violation, ///< database rejected data (unique, not null, check)
    database,             ///< other database error
    refused,              ///< a safety rule refused the operation (empty filter, max_delete_count)
    cancelled,            ///< run cancelled
    internal,             ///< a bug
    transient,            ///< deadlock, serialization failure: the same work may succeed when retried
    in_doubt,             ///< a COMMIT's outcome is unknown (connection lost); never retried blind
    resource_exhausted,   ///< out of memory (std::bad_alloc) or another resource limit
};

/// Short stable name of a code, used as "kind" in the run result.
constexpr std::string_view to_string(ErrorCode c) noexcept {
    switch (c) {
    case ErrorCode::invalid_workflow: return "invalid_workflow";
    case ErrorCode::unknown_node: return "unknown_node";
    case ErrorCode::invalid_parameter: return "invalid_parameter";
    case ErrorCode::template_resolution: return "template_resolution";
    case ErrorCode::invalid_url: return "invalid_url";
    case ErrorCode::plugin_missing: return "plugin_missing";
    case ErrorCode::plugin_abi: return "plugin_abi";
    case ErrorCode::plugin_init: return "plugin_init";
    case ErrorCode::invalid_data: return "invalid_data";
    case ErrorCode::connection: return "connection";
    case ErrorCode::constraint_violation: return "constraint_violation";
    case ErrorCode::database: return "database";
    case ErrorCode::refused: return "refused";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::internal: return "internal";
    case ErrorCode::transient: return "transient";
    case ErrorCode::in_doubt: return "in_doubt";
    case ErrorCode::resource_exhausted: return "resource_exhausted";
    }
    return "internal";
}

/// True for the codes that mean "the input was invalid before anything ran" (CLI exit 2).
constexpr bool is_input_error(ErrorCode c) noexcept {
    switch (c) {
    case ErrorCode::invalid_workflow:
    case ErrorCode::unknown_node:
    case ErrorCode::invalid_parameter:
    case ErrorCode::template_resolution:
    case ErrorCode::invalid_url:
    case ErrorCode::plugin_missing:
    case ErrorCode::plugin_abi:
    case ErrorCode::plugin_init: return true;
    default: return false;
    }
}

/// bulkflow's exception. Cheap to copy; `node()` names the node it belongs to when known.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, std::string node = {})
        : std::runtime_error(message), code_(code), node_(std::move(node)) {}

    [[nodiscard]] ErrorCode code() const noexcept { return code_; }
    [[nodiscard]] std::string_view kind() const noexcept { return to_string(code_); }
    [[nodiscard]] const std::string& node() const noexcept { return node_; }
    /// Returns a copy that names `node` (keeps an existing node name).
    [[nodiscard]] Error in_node(const std::string& node) const {
        return Error(code_, what(), node_.empty() ? node : node_);
    }

private:
    ErrorCode code_;
    std::string node_;
};

} // namespace bulkflow
