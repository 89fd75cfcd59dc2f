#pragma once
/// @file existing_table.hpp
/// The check every writer runs on a table that already exists: each model field needs a column
/// whose type can hold it. Tables are never altered; a mismatch is an error naming the table, the
/// column, its type and the type the model needs.

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace bulkflow {

/// `existing`: the table's columns (each with a `name`). `type_of(column)`: its type as shown
/// in messages. `incompatible(field, column)`: nullopt when the column fits, else "" or a reason.
/// `wanted(field)`: the column type the writer would create. Throws Error(invalid_workflow).
template <class Column, class TypeOf, class Incompatible, class Wanted>
void check_existing_columns(const Model& m, const std::vector<Column>& existing, TypeOf type_of, Incompatible incompatible,
                            Wanted wanted) {
    for (const auto& f : m.fields) {
        auto it = std::find_if(existing.begin(), existing.end(), [&](const Column& c) { return c.name == f.name; });
        if (it == existing.end())
            throw Error(ErrorCode::invalid_workflow, "table '" + m.table + "' exists but has no column '" + f.name +
                                                         "' required by model '" + m.name + "'; it is never altered automatically");
        if (const std::optional<std::string> why = incompatible(f, *it)) {
            std::string msg = "table '" + m.table + "' column '" + f.name + "' has type " + type_of(*it);
            if (!why->empty()) msg += " with " + *why;
            msg += ", model '" + m.name + "' needs " + wanted(f) + " (" + std::string(to_string(f.type)) + ")";
            throw Error(ErrorCode::invalid_workflow, msg);
        }
    }
}

} // namespace bulkflow
