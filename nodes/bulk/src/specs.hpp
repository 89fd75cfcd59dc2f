#pragma once
// Parameter specifications of the four bulk operations (what `bulkflow nodes` prints).

#include <bulkflow/node.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace bulkflow::bulk {

enum class Operation { create, update, remove, upsert };

constexpr std::string_view operation_name(Operation op) noexcept {
    switch (op) {
    case Operation::create: return "Create";
    case Operation::update: return "Update";
    case Operation::remove: return "Delete";
    case Operation::upsert: return "Upsert";
    }
    return "";
}
/// The `operation` value in results: "bulk_create", ...
constexpr std::string_view operation_result_name(Operation op) noexcept {
    switch (op) {
    case Operation::create: return "bulk_create";
    case Operation::update: return "bulk_update";
    case Operation::remove: return "bulk_delete";
    case Operation::upsert: return "bulk_upsert";
    }
    return "";
}

/// The spec of `<model>Bulk<op>Node`: every parameter's type, default and rules. Nodes read
/// their defaults from here only (the runtime applies them to Params).
NodeSpec bulk_spec(const std::string& model, Operation op);
/// batch_size's default (the update node's list form uses it; its filter form has none).
std::int64_t default_batch_size();

} // namespace bulkflow::bulk
