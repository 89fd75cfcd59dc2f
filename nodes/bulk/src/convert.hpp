#pragma once
// Converts raw records (RecordBatch of JSON cells) into typed RowBatches for a model, applying
// defaults, required checks, transformation_rules and validation_rules. Bad records become
// Rejects with their stream index; they never stop the conversion of the others.

#include <bulkflow/expr.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/record.hpp>
#include <bulkflow/row_batch.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bulkflow::bulk {

struct Reject {
    std::size_t index;
    std::string error;
    boost::json::object record;
};

/// A per-field validation rule from `validation_rules`.
struct FieldRule {
    const Field* field = nullptr;
    std::optional<double> min, max;
    std::optional<std::size_t> min_length, max_length;
    std::optional<std::string> pattern;
    std::optional<boost::json::array> choices;
    bool required = false;
};

struct ConvertOptions {
    enum class Ids { drop, keep, require } ids = Ids::drop;
    bool fill_defaults = true;          ///< create: absent fields take their defaults
    bool check_required = true;         ///< create: required fields must be present
    std::vector<FieldRule> rules;       ///< validation_rules (empty when skipped)
    std::vector<std::pair<const Field*, Expr>> transforms;  ///< transformation_rules
    std::vector<std::string> nested;    ///< relationship keys allowed in records (nested_create)
};

/// Parses `validation_rules`; throws Error(invalid_parameter) naming the field or rule.
std::vector<FieldRule> parse_rules(const Model& model, const boost::json::value* rules);
/// Parses `transformation_rules` (every value is an expression).
std::vector<std::pair<const Field*, Expr>> parse_transforms(const Model& model, const boost::json::value* rules);

struct ConvertedBatch {
    std::vector<RowBatch> groups;       ///< rows grouped by their set of columns
    std::vector<Reject> rejects;
    /// For nested_create: per stream index, the nested records by relationship key.
    std::vector<std::pair<std::size_t, boost::json::object>> nested;
    std::size_t records = 0;
    /// Create without preserve_ids: records whose `id` was dropped (the database generates ids).
    std::size_t ids_ignored = 0;
};

ConvertedBatch convert_batch(const Model& model, const RecordBatch& batch, const ConvertOptions& options);

} // namespace bulkflow::bulk
