/// @file filter_sql.cpp
/// FilterNode tree -> parameterised WHERE condition. NOT is pushed down to the leaves (De
/// Morgan), and each negated leaf says explicitly whether NULL matches, so the SQL has the
/// two-valued semantics documented in filter.hpp on every database.

#include "filter_ast.hpp"

#include <bulkflow/filter.hpp>

#include <optional>

namespace bulkflow {

using sql_detail::FilterNode;
using Op = FilterNode::Op;

namespace {

struct Condition {
    std::string sql;
    bool compound = false;  ///< top-level AND/OR: needs parentheses inside another AND/OR
};

class FilterCompiler {
public:
    FilterCompiler(const SqlFlavor& flavor, std::size_t& next, std::vector<SqlValue>& binds)
        : flavor_(flavor), next_(next), binds_(binds) {}

    Condition emit(const FilterNode& n, bool negated) {
        switch (n.kind) {
        case FilterNode::Kind::all: return join(n, negated ? " OR " : " AND ", negated);
        case FilterNode::Kind::any: return join(n, negated ? " AND " : " OR ", negated);
        case FilterNode::Kind::negation: return emit(*n.children.front(), !negated);
        case FilterNode::Kind::compare: return {leaf(n, negated), false};
        }
        return {SqlFlavor::true_condition(), false};
    }

private:
    Condition join(const FilterNode& n, const char* sep, bool negated) {
        if (n.children.empty()) return {negated ? SqlFlavor::false_condition() : SqlFlavor::true_condition(), false};
        if (n.children.size() == 1) return emit(*n.children.front(), negated);
        std::string sql;
        for (const auto& c : n.children) {
            const Condition part = emit(*c, negated);
            if (!sql.empty()) sql += sep;
            sql += part.compound ? "(" + part.sql + ")" : part.sql;
        }
        return {sql, true};
    }

    std::string bind(const Field& f, const SqlValue& v) {
        const std::string ph = flavor_.placeholder(next_++);
        binds_.push_back(flavor_.compare_value(f, v));
        return flavor_.compare_placeholder(f, ph, v);
    }

    std::string leaf(const FilterNode& n, bool negated) {
        const Field& f = n.field;
        const std::string raw = flavor_.quote_identifier(f.name);
        const std::string col = flavor_.compare_operand(f, raw);
        const auto or_null = [&](const std::string& cond) { return "(" + cond + " OR " + raw + " IS NULL)"; };
        const auto compare = [&](const char* op, const char* negated_op) {
            const std::string c = col + (negated ? negated_op : op) + bind(f, n.values.front());
            return negated ? or_null(c) : c;
        };
        switch (n.op) {
        case Op::eq: return compare(" = ", " <> ");
        case Op::lt: return compare(" < ", " >= ");
        case Op::lte: return compare(" <= ", " > ");
        case Op::gt: return compare(" > ", " <= ");
        case Op::gte: return compare(" >= ", " < ");
        case Op::ne: {
            const std::string c = col + (negated ? " = " : " <> ") + bind(f, n.values.front());
            return negated ? c : or_null(c);
        }
        case Op::in: return in_list(n, negated);
        case Op::nin: return in_list(n, !negated);
        case Op::like:
        case Op::ilike: {
            const bool ci = n.op == Op::ilike;
            const std::string ph = flavor_.placeholder(next_++);
            binds_.emplace_back(flavor_.like_pattern_for_bind(n.pattern, ci));
            const std::string c = flavor_.like_sql(raw, ph, ci);
            return negated ? or_null("NOT (" + c + ")") : c;
        }
        case Op::is_null: return raw + (negated ? " IS NOT NULL" : " IS NULL");
        case Op::not_null: return raw + (negated ? " IS NULL" : " IS NOT NULL");
        }
        return SqlFlavor::true_condition();
    }

    /// `col IN (...)` (negated: NOT IN, which matches NULL unless the list holds null). Lists
    /// longer than kArrayListMin bind as one array where the flavor has arrays:
    /// `col = ANY(array)` / `NOT (col = ANY(array))`, the same truth table for non-null values.
    std::string in_list(const FilterNode& n, bool negated) {
        const Field& f = n.field;
        const std::string raw = flavor_.quote_identifier(f.name);
        const std::string col = flavor_.compare_operand(f, raw);
        if (n.values.empty()) {
            if (!negated) return n.list_has_null ? raw + " IS NULL" : SqlFlavor::false_condition();
            return n.list_has_null ? raw + " IS NOT NULL" : SqlFlavor::true_condition();
        }
        std::string in, not_in;
        std::optional<SqlFlavor::ArrayBind> array;
        if (n.values.size() >= kArrayListMin) {
            std::vector<SqlValue> values;
            values.reserve(n.values.size());
            for (const auto& v : n.values) values.push_back(flavor_.compare_value(f, v));
            array = flavor_.array_bind(f, flavor_.placeholder(next_), values);
        }
        if (array) {
            ++next_;
            binds_.push_back(std::move(array->value));
            in = col + " = ANY(" + array->sql + ")";
            not_in = "NOT (" + in + ")";
        } else {
            std::string list;
            for (const auto& v : n.values) list += (list.empty() ? "" : ", ") + bind(f, v);
            in = col + " IN (" + list + ")";
            not_in = col + " NOT IN (" + list + ")";
        }
        if (!negated) return n.list_has_null ? "(" + in + " OR " + raw + " IS NULL)" : in;
        return n.list_has_null ? not_in : "(" + not_in + " OR " + raw + " IS NULL)";
    }

    /// Shorter lists keep one placeholder per value (readable SQL in logs and errors).
    static constexpr std::size_t kArrayListMin = 8;

    const SqlFlavor& flavor_;
    std::size_t& next_;
    std::vector<SqlValue>& binds_;
};

} // namespace

SqlFragment Filter::to_sql(const SqlFlavor& flavor, std::size_t& next_placeholder) const {
    if (!root_) return {SqlFlavor::true_condition(), {}};
    SqlFragment out;
    FilterCompiler c(flavor, next_placeholder, out.binds);
    out.sql = c.emit(*root_, false).sql;
    return out;
}

} // namespace bulkflow
