#pragma once
// Which rows an update or delete touches: the filter (and ids), minus soft-deleted rows unless
// include_deleted, compiled to one parameterised WHERE condition.

#include <bulkflow/dialect.hpp>
#include <bulkflow/filter.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace bulkflow::bulk {

struct Selection {
    Filter filter;
    bool has_ids = false;
    bool exclude_deleted = false;

    /// True when nothing restricts the rows (no filter conditions, no ids).
    [[nodiscard]] bool selects_everything() const { return !has_ids && filter.empty(); }
    /// " WHERE ..." with placeholders numbered from `next`.
    [[nodiscard]] SqlFragment where(const Model& m, const SqlFlavor& q, std::size_t& next) const;
};

/// Builds the selection from `filter` and `ids` parameters; throws Error(invalid_parameter).
Selection make_selection(const Model& m, const boost::json::value* filter, const boost::json::value* ids,
                         bool include_deleted);

/// The refusal for an empty selection without `confirmed: true` (CONTRACT 7).
[[noreturn]] void refuse_everything(const Model& m, const char* verb);

/// Appends `b` to `a` (SQL text and binds).
void append(SqlFragment& a, const SqlFragment& b);

/// The model's columns as a select list; `cols` receives their fields in that order.
std::string all_columns(const Model& m, const SqlFlavor& q, std::vector<const Field*>& cols);
/// One row of `cols` as a JSON object (json columns parsed, decimals as strings, datetimes ISO).
boost::json::object row_to_json(const std::vector<SqlValue>& row, const std::vector<const Field*>& cols);

/// SELECT count(*) for the selection.
std::size_t count_rows(Dialect& db, const Model& m, const Selection& sel);
/// SELECT id ... LIMIT `limit` (0: no limit) for the selection, as JSON values.
boost::json::array select_ids(Dialect& db, const Model& m, const Selection& sel, std::size_t limit);
/// Every column of the selected rows as JSON objects, in id order.
std::vector<boost::json::object> select_rows(Dialect& db, const Model& m, const Selection& sel);
/// Runs `update` (an UPDATE statement) with `RETURNING` every column (SqlFlavor::update_returning)
/// and returns the changed rows as select_rows does, in id order.
std::vector<boost::json::object> update_returning_rows(Dialect& db, const Model& m, SqlFragment update);

} // namespace bulkflow::bulk
