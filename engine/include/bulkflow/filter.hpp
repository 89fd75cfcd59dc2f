#pragma once
/// @file filter.hpp
/// Filters of update/delete/list nodes (CONTRACT section 7), parsed from JSON against a Model and
/// compiled to parameterised SQL (values are always binds).
///
///   {"field": value}                         equality; null means IS NULL
///   {"field": {"$eq"|"$ne"|"$lt"|"$lte"|"$gt"|"$gte": v, "$in": [..], "$nin": [..],
///              "$like": "a%", "$ilike": "A%", "$null": true|false}}   several operators: AND
///   {"$and": [f, ...]}, {"$or": [f, ...]}, {"$not": f}               at any level
///   several keys in one object: AND
///
/// Semantics (the same on every database and in matches()): a condition is true or false, never
/// unknown. A NULL column matches only `$eq: null`, `$null: true`, `$in` lists containing null,
/// and the negative operators: `$ne: v` and `$nin: [..]` (without null) match NULL, as does
/// `$not` of a condition that NULL does not match (NOT is pushed down to the leaves).
/// `$in: []` matches nothing (`1=0`), `$nin: []` everything (`1=1`); neither is an empty filter.
/// Values are converted with convert_value (ISO 8601 strings on datetime fields become UTC
/// instants, "2022-01-01" = midnight UTC); decimals keep any number of fraction digits; strings
/// are not limited by max_length. `$like`/`$ilike` take a string pattern on str fields: `%`, `_`
/// and backslash escapes; `$ilike` folds ASCII case on SQLite, all of Unicode elsewhere. JSON
/// fields only support null tests. Errors: Error(invalid_parameter) naming the key, with
/// "did you mean" for unknown fields and operators.

#include <bulkflow/model.hpp>
#include <bulkflow/sql_flavor.hpp>
#include <bulkflow/sql_value.hpp>

#include <boost/json.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bulkflow {

namespace sql_detail {
struct FilterNode;
}

class Filter {
public:
    /// `{}` or null is the empty filter. Throws Error(invalid_parameter).
    static Filter parse(const boost::json::value& filter, const Model& model);

    /// True when the filter has no condition at all (`{}` / null): it matches every row.
    [[nodiscard]] bool empty() const noexcept;
    /// Fields the filter tests, in first-use order, without duplicates.
    [[nodiscard]] std::vector<std::string> referenced_fields() const;

    /// The WHERE condition (without "WHERE"); "1=1" when empty. Placeholders are numbered from
    /// `next_placeholder`, which is advanced.
    SqlFragment to_sql(const SqlFlavor& flavor, std::size_t& next_placeholder) const;

    /// Tests one record; `record(name)` returns the field's raw JSON value or nullptr when absent
    /// (absent = NULL). String comparison is by bytes (the database's collation may differ).
    /// Throws Error(invalid_data) when a record value cannot be converted to the field's type.
    [[nodiscard]] bool matches(const std::function<const boost::json::value*(const std::string&)>& record) const;

private:
    std::shared_ptr<const sql_detail::FilterNode> root_;
};

} // namespace bulkflow
