/// @file filter_match.cpp
/// Filter::matches: the same semantics as the compiled SQL, on one record in memory.

#include "decimal_math.hpp"
#include "filter_ast.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/filter.hpp>

#include <optional>

namespace bulkflow {

using sql_detail::FilterNode;
using Op = FilterNode::Op;

namespace {

char fold(char c, bool ci) { return ci && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// Length of the UTF-8 sequence starting with byte c (1 for invalid bytes).
std::size_t utf8_len(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/// LIKE with %, _ (one character) and backslash escapes; ASCII case folding when ci.
bool like(std::string_view s, std::string_view p, bool ci) {
    std::size_t si = 0, pi = 0;
    std::size_t star_p = std::string_view::npos, star_s = 0;
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < p.size()) {
            const bool escaped = p[pi] == '\\' && pi + 1 < p.size();
            const std::size_t pc = escaped ? pi + 1 : pi;
            if (!escaped && p[pc] == '_') {
                si += std::min(utf8_len(s[si]), s.size() - si);
                pi = pc + 1;
                continue;
            }
            if (fold(p[pc], ci) == fold(s[si], ci)) {
                ++si;
                pi = pc + 1;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        star_s += std::min(utf8_len(s[star_s]), s.size() - star_s);
        si = star_s;
        pi = star_p;
    }
    while (pi < p.size() && p[pi] == '%') ++pi;
    return pi == p.size();
}

class Matcher {
public:
    explicit Matcher(const std::function<const boost::json::value*(const std::string&)>& record) : record_(record) {}

    bool eval(const FilterNode& n) {
        switch (n.kind) {
        case FilterNode::Kind::all:
            for (const auto& c : n.children)
                if (!eval(*c)) return false;
            return true;
        case FilterNode::Kind::any:
            for (const auto& c : n.children)
                if (eval(*c)) return true;
            return false;
        case FilterNode::Kind::negation: return !eval(*n.children.front());
        case FilterNode::Kind::compare: return leaf(n);
        }
        return false;
    }

private:
    SqlValue value_of(const Field& f) {
        const boost::json::value* raw = record_(f.name);
        if (!raw || raw->is_null()) return std::monostate{};
        try {
            return sql_detail::convert_filter_value(f, *raw);
        } catch (const Error& e) {
            throw Error(ErrorCode::invalid_data, std::string("filter: ") + e.what());
        }
    }

    bool leaf(const FilterNode& n) {
        const SqlValue v = value_of(n.field);
        const bool null = is_null(v);
        const auto cmp = [&](const SqlValue& x) { return null ? std::nullopt : sql_detail::compare_values(v, x); };
        const auto ordered = [&](auto pred) {  // NULL is never ordered
            const auto c = cmp(n.values.front());
            return c.has_value() && pred(*c);
        };
        const auto in = [&] {
            if (null) return n.list_has_null;
            for (const auto& x : n.values)
                if (cmp(x) == 0) return true;
            return false;
        };
        switch (n.op) {
        case Op::eq: return cmp(n.values.front()) == 0;
        case Op::ne: return cmp(n.values.front()) != 0;
        case Op::lt: return ordered([](int c) { return c < 0; });
        case Op::lte: return ordered([](int c) { return c <= 0; });
        case Op::gt: return ordered([](int c) { return c > 0; });
        case Op::gte: return ordered([](int c) { return c >= 0; });
        case Op::in: return in();
        case Op::nin: return !in();
        case Op::like:
        case Op::ilike: {
            const auto* s = std::get_if<std::string>(&v);
            return s && like(*s, n.pattern, n.op == Op::ilike);
        }
        case Op::is_null: return null;
        case Op::not_null: return !null;
        }
        return false;
    }

    const std::function<const boost::json::value*(const std::string&)>& record_;
};

} // namespace

bool Filter::matches(const std::function<const boost::json::value*(const std::string&)>& record) const {
    if (!root_) return true;
    return Matcher(record).eval(*root_);
}

} // namespace bulkflow
