#pragma once
/// @file expr_ast.hpp
/// The expression AST shared by the parser, the SQL compiler and the evaluator (private to
/// engine/src/sql).

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow::sql_detail {

struct ExprNode {
    enum class Kind { literal, field, now_token, today_token, negate, binary, call, compare, logical, logical_not };

    Kind kind = Kind::literal;
    std::size_t pos = 0;   ///< 0-based offset in the text, for messages
    SqlValue value;        ///< literal
    std::string name;      ///< field name, function name as written, compare: = <> < <= > >=, logical: AND OR
    char op = 0;           ///< binary: + - * / %
    bool method = false;   ///< call written as x.f()
    std::vector<std::shared_ptr<ExprNode>> args;  ///< negate/not: 1, binary/compare/logical: 2, call: arguments

    // Filled by resolve():
    Field field;                    ///< field
    SqlFunction fn = SqlFunction::lower;  ///< call
    std::optional<FieldType> type;  ///< static result type; nullopt = always NULL
};
using NodePtr = std::shared_ptr<ExprNode>;

/// Syntax only: identifiers and function names are not checked. Throws Error(invalid_parameter).
NodePtr parse_syntax(std::string_view text);
/// Checks fields, functions, arity and types against the model; fills field/fn/type.
void resolve(ExprNode& node, const Model& model, std::string_view text);

/// "expression 'TEXT': " (text shortened for long expressions).
std::string expr_prefix(std::string_view text);
[[noreturn]] void fail_expr(std::string_view text, const std::string& message, ErrorCode code = ErrorCode::invalid_parameter);

/// "str", "int", ... or "null".
std::string type_name(const std::optional<FieldType>& t);
inline bool is_numeric(FieldType t) noexcept {
    return t == FieldType::integer || t == FieldType::floating || t == FieldType::decimal;
}

} // namespace bulkflow::sql_detail
