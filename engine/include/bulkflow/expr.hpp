#pragma once
/// @file expr.hpp
/// The one small safe expression language of bulkflow (update `fields`, transformation_rules,
/// MapNode): parsed once against a Model into an AST, then compiled to parameterised SQL per
/// database or evaluated per record. Text is never pasted into SQL: literals become binds and
/// identifiers come from the Model.
///
/// Grammar (whitespace free between tokens):
///   expr    := and ('or' and)*                           (and/or/not: case-insensitive keywords)
///   and     := not ('and' not)*
///   not     := 'not' not | compare
///   compare := sum [('=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>=') sum]
///   sum     := term (('+' | '-') term)*
///   term    := unary (('*' | '/' | '%') unary)*
///   unary   := '-' unary | '+' unary | postfix
///   postfix := primary ('.' name '(' args ')')*          x.lower() == lower(x)
///   primary := number | string | true | false | null | :current_timestamp | :current_date
///            | field | name '(' args ')' | '(' expr ')'
/// Numbers: 100 (int64), 0.9 / 1e3 (exact decimals). Strings: 'single' or "double" quoted with
/// backslash escapes (\\ \' \" \n \t). Functions (case-insensitive): lower upper coalesce now
/// abs round length trim concat (aliases: strip = trim, len = length).
/// Types are checked at parse time: + - * on numbers (+ on two strings concatenates), / gives a
/// decimal (or float), % takes integers, lower/upper/trim/length take strings, concat takes
/// strings, integers and decimals; NULL in, NULL out (concat too). Comparisons take two numbers or
/// two values of one type (a string literal compared with a datetime/date is read as ISO 8601) and
/// give a bool; and/or/not take bools, with SQL's three-valued logic (NULL = unknown).
/// Per-record evaluation notes: lower/upper fold ASCII letters only (like SQLite; PostgreSQL and
/// MySQL fold all of Unicode); trim removes spaces only (as SQL TRIM); + - * on decimals are
/// exact; division goes through long double (18 significant digits).

#include <bulkflow/model.hpp>
#include <bulkflow/sql_flavor.hpp>
#include <bulkflow/sql_value.hpp>

#include <boost/json.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow {

namespace sql_detail {
struct ExprNode;
}

class Expr {
public:
    /// Parses and type-checks `text` against the model. Throws Error(invalid_parameter):
    /// "expression 'pricee * 0.9': unknown field 'pricee' (did you mean 'price'?)", syntax errors
    /// with their 1-based position, unknown functions listing the known ones, type errors.
    static Expr parse(std::string_view text, const Model& model);

    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    /// The static result type; nullopt for an expression that is always NULL.
    [[nodiscard]] std::optional<FieldType> type() const noexcept;

    /// True if the expression has an operator (arithmetic, comparison, logic) or a function call.
    [[nodiscard]] bool has_operator_or_call() const noexcept;
    /// Model fields the expression reads, in first-use order, without duplicates.
    [[nodiscard]] std::vector<std::string> referenced_fields() const;

    /// The expression as SQL; placeholders numbered from `next_placeholder`, which is advanced.
    SqlFragment to_sql(const SqlFlavor& flavor, std::size_t& next_placeholder) const;
    /// The SQL for `SET target = <this>`: numeric results are stored with
    /// flavor.assign_from_numeric (decimal targets round half away from zero to the field's
    /// scale), datetimes and dates convert into each other. Throws Error(invalid_parameter) when
    /// the type cannot be stored in the field (e.g. a string into a decimal).
    SqlFragment to_assignment_sql(const Field& target, const SqlFlavor& flavor, std::size_t& next_placeholder) const;
    /// Throws Error(invalid_parameter) if the result cannot be stored into `target`.
    void check_assignable(const Field& target) const;

    /// Evaluates for one record; `field_value` returns the record's value of a field (as
    /// convert_value gives it). Decimal results are exact text with as many fraction digits as
    /// the arithmetic produced ("19.99" * 0.9 -> Decimal "17.991"). Throws Error(invalid_data)
    /// (division by zero, integer overflow, a value of the wrong type).
    [[nodiscard]] SqlValue evaluate(const std::function<SqlValue(const Field&)>& field_value) const;
    /// evaluate() then assign_to_field(target, ...).
    [[nodiscard]] SqlValue evaluate_for(const Field& target,
                                        const std::function<SqlValue(const Field&)>& field_value) const;

private:
    std::shared_ptr<const sql_detail::ExprNode> root_;
    std::string text_;
};

/// Stores an evaluated value into a field's type: decimals are rounded half away from zero to the
/// field's scale (17.991 -> "17.99", 17.995 -> "18.00", -17.995 -> "-18.00") and checked against
/// its precision, integers from decimals/floats are rounded half away from zero, datetimes and
/// dates convert into each other, strings go through convert_value (max_length, ISO 8601).
/// Throws Error(invalid_data) naming the field.
SqlValue assign_to_field(const Field& target, const SqlValue& value);

/// How an update `fields` value is used (CONTRACT section 7).
enum class UpdateValueKind { expression, literal };

/// A string is an expression iff it parses with at least one operator or function call and
/// references at least one model field ("price * 0.9", "lower(category)"), or is the token
/// ":current_timestamp" / ":current_date"; {"$expr": "..."} forces an expression and
/// {"$literal": ...} a literal; anything else ("restocked", "cat-c3", "price", 5) is a literal.
UpdateValueKind classify_update_value(const boost::json::value& v, const Model& model);

} // namespace bulkflow
