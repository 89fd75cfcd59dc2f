/// @file expr_resolve.cpp
/// Name resolution and type checking of expressions against a Model; Expr::parse; the update
/// value classification of CONTRACT section 7.

#include "expr_ast.hpp"

#include <bulkflow/expr.hpp>
#include <bulkflow/validation.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace bulkflow {

namespace sql_detail {

std::string type_name(const std::optional<FieldType>& t) { return t ? std::string(to_string(*t)) : "null"; }

namespace {

std::string known_functions() {
    std::string s;
    for (int i = 0; i <= static_cast<int>(SqlFunction::concat); ++i)
        s += (i ? ", " : "") + std::string(to_string(static_cast<SqlFunction>(i)));
    return s;
}

/// How a node is shown in type errors: the field name, or the operator / function.
std::string shown(const ExprNode& n) {
    switch (n.kind) {
    case ExprNode::Kind::field: return "'" + n.name + "'";
    case ExprNode::Kind::call: return n.name + "()";
    case ExprNode::Kind::literal: return "the literal";
    default: return "the operand";
    }
}

class Resolver {
public:
    Resolver(const Model& model, std::string_view text) : model_(model), text_(text) {}

    void run(ExprNode& n) {
        for (auto& a : n.args) run(*a);
        switch (n.kind) {
        case ExprNode::Kind::literal: n.type = literal_type(n.value); break;
        case ExprNode::Kind::field: field(n); break;
        case ExprNode::Kind::now_token: n.type = FieldType::datetime; break;
        case ExprNode::Kind::today_token: n.type = FieldType::date; break;
        case ExprNode::Kind::negate:
            need_numeric(*n.args[0], "unary '-'");
            n.type = n.args[0]->type;
            break;
        case ExprNode::Kind::binary: binary(n); break;
        case ExprNode::Kind::call: call(n); break;
        case ExprNode::Kind::compare: compare(n); break;
        case ExprNode::Kind::logical:
        case ExprNode::Kind::logical_not:
            for (const auto& a : n.args)
                if (a->type && *a->type != FieldType::boolean)
                    fail("'" + (n.kind == ExprNode::Kind::logical_not ? std::string("not") : lower(n.name)) +
                         "' needs true/false values, but " + shown(*a) + " is " + type_name(a->type));
            n.type = FieldType::boolean;
            break;
        }
    }

private:
    [[noreturn]] void fail(const std::string& msg) const { fail_expr(text_, msg); }

    static std::optional<FieldType> literal_type(const SqlValue& v) {
        if (std::holds_alternative<std::int64_t>(v)) return FieldType::integer;
        if (std::holds_alternative<Decimal>(v)) return FieldType::decimal;
        if (std::holds_alternative<std::string>(v)) return FieldType::str;
        if (std::holds_alternative<bool>(v)) return FieldType::boolean;
        return std::nullopt;
    }

    void field(ExprNode& n) const {
        const Field* f = model_.find(n.name);
        if (!f) {
            std::vector<std::string> names;
            for (const auto& x : model_.fields) names.push_back(x.name);
            std::string msg = "unknown field '" + n.name + "'";
            if (auto s = closest_match(n.name, names); !s.empty()) msg += " (did you mean '" + s + "'?)";
            else msg += " (fields of " + model_.name + ": " + join(names) + ")";
            fail(msg);
        }
        n.field = *f;
        n.type = f->type;
    }

    static std::string join(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
        return s;
    }

    void need_numeric(const ExprNode& a, const std::string& what) const {
        if (a.type && !is_numeric(*a.type))
            fail(what + " needs numbers, but " + shown(a) + " is " + type_name(a.type));
    }

    static std::optional<FieldType> numeric_result(const std::optional<FieldType>& a, const std::optional<FieldType>& b) {
        if (!a) return b;
        if (!b) return a;
        if (*a == FieldType::floating || *b == FieldType::floating) return FieldType::floating;
        if (*a == FieldType::decimal || *b == FieldType::decimal) return FieldType::decimal;
        return FieldType::integer;
    }

    void binary(ExprNode& n) const {
        const ExprNode& a = *n.args[0];
        const ExprNode& b = *n.args[1];
        const std::string op = std::string("operator '") + n.op + "'";
        const bool a_str = a.type == FieldType::str, b_str = b.type == FieldType::str;
        if (n.op == '+' && (a_str || b_str)) {
            if ((a.type && !a_str) || (b.type && !b_str))
                fail("'+' joins two strings or adds two numbers, not " + type_name(a.type) + " and " +
                     type_name(b.type) + " (use concat(a, b) to join other values as text)");
            n.type = FieldType::str;
            return;
        }
        need_numeric(a, op);
        need_numeric(b, op);
        n.type = numeric_result(a.type, b.type);
        if (n.op == '/' && n.type == FieldType::integer) n.type = FieldType::decimal;
        if (n.op == '%') {
            for (const ExprNode* x : {&a, &b})
                if (x->type && *x->type != FieldType::integer)
                    fail("operator '%' needs integers, but " + shown(*x) + " is " + type_name(x->type));
        }
    }

    static std::string lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }

    /// A string literal compared with a datetime or date becomes that type ("created_at < '2022-01-01'").
    void adapt_literal(ExprNode& lit, const std::optional<FieldType>& other) const {
        const auto* s = std::get_if<std::string>(&lit.value);
        if (lit.kind != ExprNode::Kind::literal || !s || (other != FieldType::datetime && other != FieldType::date)) return;
        if (other == FieldType::datetime) {
            const auto t = parse_iso8601(*s);
            if (!t) fail("'" + *s + "' is not an ISO 8601 date-time");
            lit.value = *t;
        } else {
            const auto d = parse_date(*s);
            if (!d) fail("'" + *s + "' is not a date (YYYY-MM-DD)");
            lit.value = *d;
        }
        lit.type = other;
    }

    void compare(ExprNode& n) const {
        adapt_literal(*n.args[0], n.args[1]->type);
        adapt_literal(*n.args[1], n.args[0]->type);
        const auto& a = n.args[0]->type;
        const auto& b = n.args[1]->type;
        const bool ok = !a || !b || (is_numeric(*a) && is_numeric(*b)) || (*a == *b && *a != FieldType::json);
        if (!ok) fail("cannot compare " + type_name(a) + " with " + type_name(b) + " ('" + n.name + "')");
        n.type = FieldType::boolean;
    }

    void arity(const ExprNode& n, std::size_t min, std::size_t max) const {
        const std::size_t given = n.args.size();
        if (given >= min && given <= max) return;
        if (n.method && min == 0) fail(n.name + "() cannot be called as a method");
        const std::size_t shift = n.method ? 1 : 0;  // x.f(...) passes x as the first argument
        std::string expected = std::to_string(min - shift);
        if (max == SIZE_MAX) expected = "at least " + expected;
        else if (max != min) expected += " or " + std::to_string(max - shift);
        fail(n.name + "() takes " + expected + " argument" + (expected == "1" ? "" : "s") + ", " +
             std::to_string(given - shift) + " given");
    }

    void call(ExprNode& n) const {
        const auto fn = sql_function_from_string(n.name);
        if (!fn) {
            std::vector<std::string> names;
            for (int i = 0; i <= static_cast<int>(SqlFunction::concat); ++i)
                names.emplace_back(to_string(static_cast<SqlFunction>(i)));
            std::string msg = "unknown function '" + n.name + "'";
            if (auto s = closest_match(n.name, names); !s.empty()) msg += " (did you mean '" + s + "'?)";
            fail(msg + "; known functions: " + known_functions());
        }
        n.fn = *fn;
        const auto need = [&](const ExprNode& a, std::initializer_list<FieldType> ok, const char* what) {
            if (a.type && std::find(ok.begin(), ok.end(), *a.type) == ok.end())
                fail(n.name + "() needs " + what + ", but " + shown(a) + " is " + type_name(a.type));
        };
        switch (n.fn) {
        case SqlFunction::lower:
        case SqlFunction::upper:
        case SqlFunction::trim:
            arity(n, 1, 1);
            need(*n.args[0], {FieldType::str}, "a string");
            n.type = FieldType::str;
            break;
        case SqlFunction::length:
            arity(n, 1, 1);
            need(*n.args[0], {FieldType::str}, "a string");
            n.type = FieldType::integer;
            break;
        case SqlFunction::abs:
            arity(n, 1, 1);
            need_numeric(*n.args[0], n.name + "()");
            n.type = n.args[0]->type;
            break;
        case SqlFunction::round: {
            arity(n, 1, 2);
            need_numeric(*n.args[0], n.name + "()");
            if (n.args.size() == 2) {
                const auto* digits = std::get_if<std::int64_t>(&n.args[1]->value);
                if (n.args[1]->kind != ExprNode::Kind::literal || !digits || *digits < 0 || *digits > 30)
                    fail(n.name + "() takes the number of decimal places as an integer from 0 to 30");
            }
            n.type = n.args[0]->type;
            break;
        }
        case SqlFunction::now:
            arity(n, 0, 0);
            n.type = FieldType::datetime;
            break;
        case SqlFunction::coalesce: {
            arity(n, 1, SIZE_MAX);
            std::optional<FieldType> t;
            for (const auto& a : n.args) {
                if (!a->type) continue;
                if (!t || *t == *a->type) t = a->type;
                else if (is_numeric(*t) && is_numeric(*a->type)) t = numeric_result(t, a->type);
                else fail(n.name + "() arguments must have one type, got " + type_name(t) + " and " + type_name(a->type));
            }
            n.type = t;
            break;
        }
        case SqlFunction::concat:
            arity(n, 1, SIZE_MAX);
            for (const auto& a : n.args) need(*a, {FieldType::str, FieldType::integer, FieldType::decimal}, "strings or numbers");
            n.type = FieldType::str;
            break;
        }
    }

    const Model& model_;
    std::string_view text_;
};

} // namespace

void resolve(ExprNode& node, const Model& model, std::string_view text) { Resolver(model, text).run(node); }

} // namespace sql_detail

using sql_detail::ExprNode;

Expr Expr::parse(std::string_view text, const Model& model) {
    auto root = sql_detail::parse_syntax(text);
    sql_detail::resolve(*root, model, text);
    Expr e;
    e.root_ = std::move(root);
    e.text_ = std::string(text);
    return e;
}

std::optional<FieldType> Expr::type() const noexcept { return root_ ? root_->type : std::nullopt; }

namespace {

bool any_operator_or_call(const ExprNode& n) {
    if (n.kind != ExprNode::Kind::literal && n.kind != ExprNode::Kind::field && n.kind != ExprNode::Kind::now_token &&
        n.kind != ExprNode::Kind::today_token)
        return true;
    return std::any_of(n.args.begin(), n.args.end(), [](const auto& a) { return any_operator_or_call(*a); });
}

void collect_fields(const ExprNode& n, std::vector<std::string>& out) {
    if (n.kind == ExprNode::Kind::field && std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
    for (const auto& a : n.args) collect_fields(*a, out);
}

} // namespace

bool Expr::has_operator_or_call() const noexcept { return root_ && any_operator_or_call(*root_); }

std::vector<std::string> Expr::referenced_fields() const {
    std::vector<std::string> out;
    if (root_) collect_fields(*root_, out);
    return out;
}

UpdateValueKind classify_update_value(const boost::json::value& v, const Model& model) {
    if (const auto* o = v.if_object(); o && o->size() == 1) {
        if (o->contains("$expr")) return UpdateValueKind::expression;
        if (o->contains("$literal")) return UpdateValueKind::literal;
    }
    const auto* s = v.if_string();
    if (!s) return UpdateValueKind::literal;
    sql_detail::NodePtr root;
    try {
        root = sql_detail::parse_syntax(*s);
    } catch (const Error&) {
        return UpdateValueKind::literal;
    }
    if (root->kind == ExprNode::Kind::now_token || root->kind == ExprNode::Kind::today_token)
        return UpdateValueKind::expression;
    if (!any_operator_or_call(*root)) return UpdateValueKind::literal;
    std::vector<std::string> names;
    collect_fields(*root, names);
    const bool references_model =
        std::any_of(names.begin(), names.end(), [&](const std::string& n) { return model.find(n) != nullptr; });
    return references_model ? UpdateValueKind::expression : UpdateValueKind::literal;
}

} // namespace bulkflow
