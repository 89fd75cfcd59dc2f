#pragma once
// Internal: the expressions of MapNode / FilterNode, typed against a Model or against the record
// values themselves, and evaluated record by record on RecordBatches.
//
// ExprProgram is the immutable, shared part (texts, the optional model, what each expression
// produces); ExprEvaluator is one cursor's working state (types of the current batch, compiled
// expressions cached per set of types, the values of the current row).

#include <bulkflow/expr.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/record.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow::io::detail {

/// One expression and the parameter it was given in ("where", "fields.total").
struct ExprSource {
    std::string param;
    std::string text;
};

/// A name an expression reads as a record field, and where it starts in the text.
struct FieldRef {
    std::string name;
    std::size_t pos = 0;
};

/// The field names of `text` (identifiers that are not keywords, function or method names), in
/// order of appearance. Follows the engine's lexer; Expr::parse stays the authority.
[[nodiscard]] std::vector<FieldRef> scan_fields(std::string_view text);

/// The checks that do not depend on field types (syntax, functions, arity, literals). Throws
/// Error(invalid_parameter, "parameter 'P': expression 'T': ...").
void check_expression(const ExprSource& src);

/// What a program's expressions are for.
enum class ExprUse {
    value,     ///< MapNode: each result is stored under its target key
    predicate, ///< FilterNode: one expression, true keeps the record
};

class ExprProgram {
public:
    /// With `model`, every expression is parsed and type-checked against it now (and MapNode
    /// targets the model declares must be able to hold the result); without, only
    /// check_expression() runs now and types come from each batch. Throws
    /// Error(invalid_parameter) naming the parameter and the expression.
    ExprProgram(std::string node_id, std::string node_type, ExprUse use,
                std::vector<ExprSource> sources, std::vector<std::string> targets,
                std::shared_ptr<const Model> model);

    [[nodiscard]] ExprUse use() const noexcept { return use_; }
    [[nodiscard]] std::size_t size() const noexcept { return sources_.size(); }
    [[nodiscard]] const std::vector<std::string>& targets() const noexcept { return targets_; }

private:
    friend class ExprEvaluator;

    std::string node_id_;
    std::string label_; ///< "node 'id' (MapNode)"
    ExprUse use_;
    std::vector<ExprSource> sources_;
    std::vector<std::string> targets_;        ///< value: one key per source
    std::shared_ptr<const Model> model_;      ///< null: types inferred per batch
    std::vector<std::vector<FieldRef>> refs_; ///< per source (inferred typing)
    std::vector<std::string> fields_;         ///< every field read, without duplicates
    // With a model:
    std::vector<Expr> compiled_;
    std::vector<const Field*> model_fields_; ///< per fields_ entry
    std::vector<const Field*> assign_to_;    ///< per source: the model field of its target, or null
};

/// One cursor's evaluation state. Not thread-safe.
class ExprEvaluator {
public:
    explicit ExprEvaluator(std::shared_ptr<const ExprProgram> program);

    /// Prepares for `batch`: finds the columns and, without a model, infers the field types from
    /// it and compiles the expressions for them (cached by types). Throws Error(invalid_data)
    /// naming the node, the parameter, the expression and the records the types came from.
    void bind(const RecordBatch& batch);
    /// Reads row `row` of the bound batch. Throws Error(invalid_data) naming the record index
    /// (with a model, a value that does not fit its field).
    void load_row(const RecordBatch& batch, std::size_t row);
    /// MapNode: expression `i` on the loaded row, as JSON (decimals as exact text, datetimes as
    /// ISO 8601). Throws Error(invalid_data) naming the record index and the parameter.
    [[nodiscard]] boost::json::value value(std::size_t i) const;
    /// FilterNode: true when the predicate holds on the loaded row (NULL is false).
    [[nodiscard]] bool holds() const;

private:
    [[noreturn]] void record_error(std::string_view param, const std::string& message) const;
    [[nodiscard]] SqlValue evaluate(std::size_t i) const;

    std::shared_ptr<const ExprProgram> p_;
    std::map<std::string, std::vector<Expr>, std::less<>> cache_; ///< inferred: types -> compiled
    const std::vector<Expr>* exprs_ = nullptr;
    std::vector<std::optional<std::size_t>> columns_; ///< per field: column in the bound batch
    std::vector<SqlValue> values_;                    ///< per field: the loaded row's value
    std::size_t index_ = 0;                           ///< stream index of the loaded row
};

} // namespace bulkflow::io::detail
