/// @file expr_sql.cpp
/// Expression -> parameterised SQL for one flavor. Literals become binds (typed placeholders where
/// the database cannot infer them); columns are quoted Model identifiers; nothing from the text
/// is pasted, except round()'s digit count, an integer 0..30 checked by the resolver and written
/// back with std::to_string (a constant keeps MySQL's ROUND result type DECIMAL(., n)).

#include "expr_ast.hpp"

#include <bulkflow/expr.hpp>

namespace bulkflow {

using sql_detail::ExprNode;

namespace {

class Compiler {
public:
    Compiler(const SqlFlavor& flavor, std::size_t& next, std::vector<SqlValue>& binds)
        : flavor_(flavor), next_(next), binds_(binds) {}

    /// `as_text`: the value is used as text (concat), so SQLite decimals stay exact text.
    std::string emit(const ExprNode& n, bool as_text = false) {
        switch (n.kind) {
        case ExprNode::Kind::literal: return literal(n.value, as_text);
        case ExprNode::Kind::field: {
            const std::string column = flavor_.quote_identifier(n.field.name);
            return as_text ? column : flavor_.compare_operand(n.field, column);
        }
        case ExprNode::Kind::now_token: return flavor_.current_timestamp();
        case ExprNode::Kind::today_token: return flavor_.current_date();
        case ExprNode::Kind::negate: {
            const std::string negated = "-" + operand(*n.args[0]);
            return n.type == FieldType::integer ? flavor_.checked_integer(negated) : negated;
        }
        case ExprNode::Kind::binary: return binary(n);
        case ExprNode::Kind::call: return call(n, as_text);
        case ExprNode::Kind::compare:
        case ExprNode::Kind::logical: {
            const std::string left = operand(*n.args[0]);  // placeholders are numbered left to right
            return left + " " + n.name + " " + operand(*n.args[1]);
        }
        case ExprNode::Kind::logical_not: return "NOT " + operand(*n.args[0]);
        }
        return "NULL";
    }

private:
    std::string literal(const SqlValue& v, bool as_text) {
        if (is_null(v)) return "NULL";
        const std::string ph = flavor_.placeholder(next_++);
        binds_.push_back(as_text ? v : flavor_.literal_value(v));
        return flavor_.literal_placeholder(ph, v);
    }

    /// An operand of an operator: parenthesised when it is itself an operation.
    std::string operand(const ExprNode& n) {
        const std::string s = emit(n);
        const bool compound = n.kind == ExprNode::Kind::binary || n.kind == ExprNode::Kind::negate ||
                              n.kind == ExprNode::Kind::compare || n.kind == ExprNode::Kind::logical ||
                              n.kind == ExprNode::Kind::logical_not;
        return compound ? "(" + s + ")" : s;
    }

    std::string text_operand(const ExprNode& n) {
        return flavor_.concat_operand(emit(n, true), n.type.value_or(FieldType::str));
    }

    std::string binary(const ExprNode& n) {
        const ExprNode& a = *n.args[0];
        const ExprNode& b = *n.args[1];
        if (n.type == FieldType::str) return flavor_.call(SqlFunction::concat, {text_operand(a), text_operand(b)});
        std::string left = operand(a);
        std::string right = operand(b);
        if (n.op == '/' && a.type != FieldType::floating && a.type != FieldType::decimal &&
            b.type != FieldType::floating && b.type != FieldType::decimal)
            left = flavor_.exact_dividend(left);  // 7 / 2 is 3.5, not 3
        if (n.op == '/' || n.op == '%') right = flavor_.checked_divisor(right);
        const std::string sql = left + " " + n.op + " " + right;
        return n.type == FieldType::integer && n.op != '%' ? flavor_.checked_integer(sql) : sql;
    }

    std::string call(const ExprNode& n, bool as_text) {
        std::vector<std::string> args;
        const FieldType first = n.args.empty() ? FieldType::str : n.args[0]->type.value_or(FieldType::str);
        switch (n.fn) {
        case SqlFunction::concat:
            for (const auto& a : n.args) args.push_back(text_operand(*a));
            break;
        case SqlFunction::coalesce:
            for (const auto& a : n.args) args.push_back(emit(*a, as_text));
            break;
        case SqlFunction::round:
            if (first == FieldType::integer) return emit(*n.args[0]);
            args.push_back(emit(*n.args[0]));
            if (n.args.size() == 2) args.push_back(std::to_string(std::get<std::int64_t>(n.args[1]->value)));
            break;
        default:
            for (const auto& a : n.args) args.push_back(emit(*a));
        }
        return flavor_.call(n.fn, args, first);
    }

    const SqlFlavor& flavor_;
    std::size_t& next_;
    std::vector<SqlValue>& binds_;
};

} // namespace

SqlFragment Expr::to_sql(const SqlFlavor& flavor, std::size_t& next_placeholder) const {
    SqlFragment out;
    if (!root_) return {"NULL", {}};
    Compiler c(flavor, next_placeholder, out.binds);
    out.sql = c.emit(*root_);
    return out;
}

void Expr::check_assignable(const Field& target) const {
    const auto t = type();
    if (!t || *t == target.type) return;
    if (sql_detail::is_numeric(target.type) && sql_detail::is_numeric(*t)) return;
    if ((target.type == FieldType::date && *t == FieldType::datetime) ||
        (target.type == FieldType::datetime && *t == FieldType::date))
        return;
    std::string msg = "the result is " + sql_detail::type_name(t) + " and cannot be stored in " +
                      std::string(to_string(target.type)) + " field '" + target.name + "'";
    if (target.type == FieldType::str) msg += " (use concat(...) to make text)";
    sql_detail::fail_expr(text_, msg);
}

SqlFragment Expr::to_assignment_sql(const Field& target, const SqlFlavor& flavor, std::size_t& next) const {
    check_assignable(target);
    const auto t = type();
    if (!t) return {"NULL", {}};
    // A plain column of the same type is copied as it is stored (exact on every database).
    if (root_->kind == ExprNode::Kind::field && root_->field.type == target.type &&
        (target.type != FieldType::decimal || root_->field.scale == target.scale))
        return {flavor.quote_identifier(root_->field.name), {}};
    SqlFragment frag = to_sql(flavor, next);
    if (sql_detail::is_numeric(target.type)) return flavor.assign_from_numeric(target, frag, *t);
    if (target.type == FieldType::date && *t == FieldType::datetime) frag.sql = flavor.datetime_to_date(frag.sql);
    if (target.type == FieldType::datetime && *t == FieldType::date) frag.sql = flavor.date_to_datetime(frag.sql);
    return frag;
}

} // namespace bulkflow
