/// @file expr_eval.cpp
/// Per-record evaluation of expressions (transformation_rules, MapNode) and storing the result
/// into a field's type. Decimal + - * are exact; division goes through long double.

#include "decimal_math.hpp"
#include "expr_ast.hpp"

#include <bulkflow/expr.hpp>

#include <charconv>
#include <chrono>
#include <cmath>

namespace bulkflow {

using sql_detail::BigDecimal;
using sql_detail::ExprNode;

namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

Timestamp now_utc() {
    const auto d = std::chrono::system_clock::now().time_since_epoch();
    return Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(d).count()};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string_view kind_of(const SqlValue& v) {
    constexpr std::string_view names[] = {"null", "an integer", "a float", "a boolean", "a string",
                                          "a decimal", "a datetime", "a date", "JSON"};
    return names[v.index()];
}

std::string double_text(double d) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return ec == std::errc{} ? std::string(buf, end) : std::string("nan");
}

class Evaluator {
public:
    Evaluator(std::string_view text, const std::function<SqlValue(const Field&)>& fv) : text_(text), fv_(fv) {}

    SqlValue eval(const ExprNode& n) {
        switch (n.kind) {
        case ExprNode::Kind::literal: return n.value;
        case ExprNode::Kind::field: return fv_(n.field);
        case ExprNode::Kind::now_token: return now();
        case ExprNode::Kind::today_token: return Date{static_cast<std::int32_t>(floor_div(now().micros, kMicrosPerDay))};
        case ExprNode::Kind::negate: return negate(eval(*n.args[0]));
        case ExprNode::Kind::binary: return binary(n.op, eval(*n.args[0]), eval(*n.args[1]));
        case ExprNode::Kind::call: return call(n);
        case ExprNode::Kind::compare: return compare(n.name, eval(*n.args[0]), eval(*n.args[1]));
        case ExprNode::Kind::logical: return logical(n);
        case ExprNode::Kind::logical_not: {
            const auto v = truth(eval(*n.args[0]), "not");
            return v ? SqlValue{!*v} : SqlValue{};
        }
        }
        return std::monostate{};
    }

private:
    [[noreturn]] void fail(const std::string& msg) const { sql_detail::fail_expr(text_, msg, ErrorCode::invalid_data); }

    Timestamp now() {  // one instant per evaluation
        if (!now_) now_ = now_utc();
        return *now_;
    }

    BigDecimal to_decimal(const SqlValue& v, std::string_view what) const {
        if (const auto* i = std::get_if<std::int64_t>(&v)) return sql_detail::decimal_from_int(*i);
        if (const auto* d = std::get_if<Decimal>(&v)) {
            if (auto p = sql_detail::parse_decimal(d->text)) return *p;
            fail("'" + d->text + "' is not a decimal number");
        }
        if (const auto* f = std::get_if<double>(&v)) {
            if (auto p = sql_detail::decimal_from_double(*f)) return *p;
        }
        fail(std::string(what) + " needs numbers, got " + std::string(kind_of(v)));
    }

    double to_double(const SqlValue& v, std::string_view what) const {
        if (const auto* f = std::get_if<double>(&v)) return *f;
        return static_cast<double>(sql_detail::to_long_double(to_decimal(v, what)));
    }

    const std::string& to_str(const SqlValue& v, std::string_view what) const {
        if (const auto* s = std::get_if<std::string>(&v)) return *s;
        fail(std::string(what) + " needs a string, got " + std::string(kind_of(v)));
    }

    /// SQL three-valued logic: nullopt is NULL (unknown).
    std::optional<bool> truth(const SqlValue& v, std::string_view what) const {
        if (is_null(v)) return std::nullopt;
        if (const auto* b = std::get_if<bool>(&v)) return *b;
        fail("'" + std::string(what) + "' needs true/false values, got " + std::string(kind_of(v)));
    }

    SqlValue logical(const ExprNode& n) {
        const bool is_and = n.name == "AND";
        const char* what = is_and ? "and" : "or";
        const auto a = truth(eval(*n.args[0]), what);
        if (a && *a != is_and) return !is_and;  // false and ... / true or ...
        const auto b = truth(eval(*n.args[1]), what);
        if (b && *b != is_and) return !is_and;
        if (!a || !b) return std::monostate{};
        return is_and;
    }

    SqlValue compare(const std::string& op, const SqlValue& a, const SqlValue& b) const {
        if (is_null(a) || is_null(b)) return std::monostate{};
        const auto c = sql_detail::compare_values(a, b);
        if (!c) fail("cannot compare " + std::string(kind_of(a)) + " with " + std::string(kind_of(b)));
        if (op == "=") return *c == 0;
        if (op == "<>") return *c != 0;
        if (op == "<") return *c < 0;
        if (op == "<=") return *c <= 0;
        if (op == ">") return *c > 0;
        return *c >= 0;
    }

    SqlValue negate(const SqlValue& v) const {
        if (is_null(v)) return v;
        if (const auto* i = std::get_if<std::int64_t>(&v)) {
            if (*i == INT64_MIN) fail("integer overflow");
            return -*i;
        }
        if (const auto* f = std::get_if<double>(&v)) return -*f;
        BigDecimal d = to_decimal(v, "unary '-'");
        d.negative = !d.negative && !d.is_zero();
        return Decimal{sql_detail::to_text(d)};
    }

    SqlValue binary(char op, const SqlValue& a, const SqlValue& b) const {
        if (is_null(a) || is_null(b)) return std::monostate{};
        const std::string what = std::string("operator '") + op + "'";
        const bool sa = std::holds_alternative<std::string>(a), sb = std::holds_alternative<std::string>(b);
        if (op == '+' && sa && sb) return std::get<std::string>(a) + std::get<std::string>(b);
        if (op == '+' && (sa || sb))
            fail(what + " needs two numbers or two strings, got " + std::string(kind_of(a)) + " and " +
                 std::string(kind_of(b)));
        const auto* ia = std::get_if<std::int64_t>(&a);
        const auto* ib = std::get_if<std::int64_t>(&b);
        if (ia && ib && op != '/') {
            std::int64_t r = 0;
            bool overflow = false;
            switch (op) {
            case '+': overflow = __builtin_add_overflow(*ia, *ib, &r); break;
            case '-': overflow = __builtin_sub_overflow(*ia, *ib, &r); break;
            case '*': overflow = __builtin_mul_overflow(*ia, *ib, &r); break;
            default:
                if (*ib == 0) fail("division by zero");
                if (*ia == INT64_MIN && *ib == -1) return std::int64_t{0};
                r = *ia % *ib;
            }
            if (overflow) fail("integer overflow");
            return r;
        }
        if (std::holds_alternative<double>(a) || std::holds_alternative<double>(b)) {
            const double x = to_double(a, what), y = to_double(b, what);
            if ((op == '/' || op == '%') && y == 0) fail("division by zero");
            switch (op) {
            case '+': return x + y;
            case '-': return x - y;
            case '*': return x * y;
            case '/': return x / y;
            default: return std::fmod(x, y);
            }
        }
        const BigDecimal x = to_decimal(a, what), y = to_decimal(b, what);
        switch (op) {
        case '+': return Decimal{sql_detail::to_text(sql_detail::add(x, y))};
        case '-': return Decimal{sql_detail::to_text(sql_detail::subtract(x, y))};
        case '*': return Decimal{sql_detail::to_text(sql_detail::multiply(x, y))};
        default: {
            if (y.is_zero()) fail("division by zero");
            const auto q = sql_detail::divide(x, y);
            if (!q) fail("division result out of range");
            return Decimal{sql_detail::to_text(*q)};
        }
        }
    }

    static std::string map_ascii(std::string s, bool upper) {
        for (auto& c : s) {
            if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return s;
    }

    SqlValue call(const ExprNode& n) {
        const std::string what = n.name + "()";
        if (n.fn == SqlFunction::now) return now();
        if (n.fn == SqlFunction::coalesce) {
            for (const auto& a : n.args)
                if (SqlValue v = eval(*a); !is_null(v)) return v;
            return std::monostate{};
        }
        std::vector<SqlValue> args;
        for (const auto& a : n.args) {
            args.push_back(eval(*a));
            if (is_null(args.back())) return std::monostate{};
        }
        const SqlValue& x = args[0];
        switch (n.fn) {
        case SqlFunction::lower: return map_ascii(to_str(x, what), false);
        case SqlFunction::upper: return map_ascii(to_str(x, what), true);
        case SqlFunction::trim: {
            const std::string& s = to_str(x, what);
            const auto b = s.find_first_not_of(' ');
            return b == std::string::npos ? std::string{} : s.substr(b, s.find_last_not_of(' ') - b + 1);
        }
        case SqlFunction::length: {
            std::int64_t count = 0;  // code points: bytes that are not UTF-8 continuation bytes
            for (const char c : to_str(x, what)) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            return count;
        }
        case SqlFunction::abs: {
            if (const auto* i = std::get_if<std::int64_t>(&x)) {
                if (*i == INT64_MIN) fail("integer overflow");
                return *i < 0 ? -*i : *i;
            }
            if (const auto* f = std::get_if<double>(&x)) return std::fabs(*f);
            BigDecimal d = to_decimal(x, what);
            d.negative = false;
            return Decimal{sql_detail::to_text(d)};
        }
        case SqlFunction::round: {
            const auto digits = args.size() == 2 ? std::get<std::int64_t>(args[1]) : 0;
            if (std::holds_alternative<std::int64_t>(x)) return x;
            if (const auto* f = std::get_if<double>(&x)) {
                const double scale = std::pow(10.0, static_cast<double>(digits));
                return std::round(*f * scale) / scale;
            }
            return Decimal{sql_detail::to_text(
                sql_detail::round_half_away(to_decimal(x, what), static_cast<std::uint32_t>(digits)))};
        }
        case SqlFunction::concat: {
            std::string out;
            for (const auto& a : args) {
                if (const auto* s = std::get_if<std::string>(&a)) out += *s;
                else if (const auto* i = std::get_if<std::int64_t>(&a)) out += std::to_string(*i);
                else if (const auto* d = std::get_if<Decimal>(&a)) out += d->text;
                else if (const auto* f = std::get_if<double>(&a)) out += double_text(*f);
                else fail(what + " needs strings or numbers, got " + std::string(kind_of(a)));
            }
            return out;
        }
        default: return std::monostate{};
        }
    }

    std::string_view text_;
    const std::function<SqlValue(const Field&)>& fv_;
    std::optional<Timestamp> now_;
};

[[noreturn]] void fail_field(const Field& f, const std::string& msg) {
    throw Error(ErrorCode::invalid_data, "field '" + f.name + "': " + msg);
}

} // namespace

SqlValue Expr::evaluate(const std::function<SqlValue(const Field&)>& field_value) const {
    if (!root_) return std::monostate{};
    return Evaluator(text_, field_value).eval(*root_);
}

SqlValue Expr::evaluate_for(const Field& target, const std::function<SqlValue(const Field&)>& field_value) const {
    try {
        return assign_to_field(target, evaluate(field_value));
    } catch (const Error& e) {
        if (std::string_view(e.what()).starts_with("expression ")) throw;
        throw Error(e.code(), sql_detail::expr_prefix(text_) + e.what());
    }
}

SqlValue assign_to_field(const Field& f, const SqlValue& v) {
    if (is_null(v)) return v;
    const auto* i = std::get_if<std::int64_t>(&v);
    const auto* d = std::get_if<double>(&v);
    const auto* dec = std::get_if<Decimal>(&v);
    const auto* s = std::get_if<std::string>(&v);
    const auto exact = [&]() -> BigDecimal {
        if (i) return sql_detail::decimal_from_int(*i);
        if (dec) {
            if (auto p = sql_detail::parse_decimal(dec->text)) return *p;
            fail_field(f, "'" + dec->text + "' is not a decimal number");
        }
        if (auto p = sql_detail::decimal_from_double(*d)) return *p;
        fail_field(f, "NaN and infinity cannot be stored");
    };
    switch (f.type) {
    case FieldType::decimal:
        if (i || d || dec)
            return convert_value(f, boost::json::value(sql_detail::to_text(sql_detail::round_half_away(exact(), f.scale))));
        break;
    case FieldType::integer:
        if (i) return *i;
        if (d || dec) {
            if (auto r = sql_detail::to_int64(exact())) return *r;
            fail_field(f, "the value is out of range for a 64-bit integer");
        }
        break;
    case FieldType::floating:
        if (i) return static_cast<double>(*i);
        if (d) return *d;
        if (dec) return static_cast<double>(sql_detail::to_long_double(exact()));
        break;
    case FieldType::datetime:
        if (const auto* t = std::get_if<Timestamp>(&v)) return *t;
        if (const auto* day = std::get_if<Date>(&v)) return Timestamp{std::int64_t{day->days} * kMicrosPerDay};
        break;
    case FieldType::date:
        if (const auto* day = std::get_if<Date>(&v)) return *day;
        if (const auto* t = std::get_if<Timestamp>(&v))
            return Date{static_cast<std::int32_t>(floor_div(t->micros, kMicrosPerDay))};
        break;
    case FieldType::boolean:
        if (std::holds_alternative<bool>(v)) return v;
        break;
    case FieldType::json:
        if (std::holds_alternative<JsonText>(v)) return v;
        return convert_value(f, to_json(v));
    case FieldType::str: break;
    }
    if (s) return convert_value(f, boost::json::value(*s));
    fail_field(f, std::string(kind_of(v)) + " cannot be stored in a " + std::string(to_string(f.type)) + " field");
}

} // namespace bulkflow
