#pragma once
/// @file filter_ast.hpp
/// The parsed filter tree (private to engine/src/sql).

#include <bulkflow/model.hpp>
#include <bulkflow/sql_value.hpp>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace bulkflow::sql_detail {

struct FilterNode {
    enum class Kind { all, any, negation, compare };  ///< all = AND, any = OR
    /// ne and nin match NULL columns; the others do not (see filter.hpp).
    enum class Op { eq, ne, lt, lte, gt, gte, in, nin, like, ilike, is_null, not_null };

    Kind kind = Kind::all;
    std::vector<std::shared_ptr<FilterNode>> children;

    // compare:
    Op op = Op::eq;
    Field field;
    std::vector<SqlValue> values;  ///< eq..gte: one value; in/nin: the non-null list elements
    bool list_has_null = false;    ///< in/nin: the list contains null
    std::string pattern;           ///< like/ilike
};

/// A filter value converted to the field's type with the filter's relaxed rules (decimals keep
/// all fraction digits, no max_length). Throws Error(invalid_data) from convert_value.
SqlValue convert_filter_value(const Field& field, const boost::json::value& v);

} // namespace bulkflow::sql_detail
