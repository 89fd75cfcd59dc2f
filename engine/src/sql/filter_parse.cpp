/// @file filter_parse.cpp
/// JSON filter -> FilterNode tree, checked against the Model.

#include "filter_ast.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/filter.hpp>
#include <bulkflow/validation.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace bulkflow {

using sql_detail::FilterNode;
using Op = FilterNode::Op;

namespace sql_detail {

SqlValue convert_filter_value(const Field& field, const boost::json::value& v) {
    Field relaxed = field;
    relaxed.max_length.reset();
    if (field.type != FieldType::decimal) return convert_value(relaxed, v);
    // Any number of fraction digits may be compared ("price < 19.999" on a scale-2 field).
    relaxed.scale = std::max<std::uint32_t>(field.scale, 30);
    relaxed.precision = 400;
    SqlValue out = convert_value(relaxed, v);
    if (auto* d = std::get_if<Decimal>(&out)) {
        const auto point = d->text.find('.');
        const std::size_t keep = point == std::string::npos ? 0 : point + 1 + field.scale;
        while (point != std::string::npos && d->text.size() > keep && d->text.back() == '0') d->text.pop_back();
        if (!d->text.empty() && d->text.back() == '.') d->text.pop_back();
    }
    return out;
}

} // namespace sql_detail

namespace {

constexpr std::array<std::pair<std::string_view, Op>, 11> kOperators{{{"$eq", Op::eq},
                                                                      {"$ne", Op::ne},
                                                                      {"$lt", Op::lt},
                                                                      {"$lte", Op::lte},
                                                                      {"$gt", Op::gt},
                                                                      {"$gte", Op::gte},
                                                                      {"$in", Op::in},
                                                                      {"$nin", Op::nin},
                                                                      {"$like", Op::like},
                                                                      {"$ilike", Op::ilike},
                                                                      {"$null", Op::is_null}}};

std::string shown_key(std::string_view k) {
    std::string s(k.substr(0, 80));
    return k.size() > 80 ? s + "..." : s;
}

class FilterParser {
public:
    explicit FilterParser(const Model& model) : model_(model) {}

    std::shared_ptr<FilterNode> object(const boost::json::object& o, std::size_t depth) {
        if (depth > 64) fail("filter: conditions are nested too deeply");
        auto node = std::make_shared<FilterNode>();
        node->kind = FilterNode::Kind::all;
        for (const auto& [key, value] : o) {
            const std::string_view k(key.data(), key.size());
            if (k == "$and" || k == "$or") node->children.push_back(group(k, value, depth));
            else if (k == "$not") node->children.push_back(negation(value, depth));
            else if (k.starts_with('$')) unknown_top_level(k);
            else node->children.push_back(field_condition(k, value));
        }
        return node;
    }

private:
    [[noreturn]] static void fail(const std::string& msg) { throw Error(ErrorCode::invalid_parameter, msg); }

    const boost::json::object& condition_object(std::string_view where, const boost::json::value& v) const {
        const auto* o = v.if_object();
        if (!o) fail("filter: " + std::string(where) + " needs a condition object like {\"field\": value}");
        if (o->empty()) fail("filter: " + std::string(where) + " has an empty condition {}");
        return *o;
    }

    std::shared_ptr<FilterNode> group(std::string_view k, const boost::json::value& v, std::size_t depth) {
        const auto* arr = v.if_array();
        if (!arr || arr->empty()) fail("filter: " + std::string(k) + " needs a non-empty list of conditions");
        auto node = std::make_shared<FilterNode>();
        node->kind = k == "$and" ? FilterNode::Kind::all : FilterNode::Kind::any;
        for (const auto& c : *arr) node->children.push_back(object(condition_object(k, c), depth + 1));
        return node;
    }

    std::shared_ptr<FilterNode> negation(const boost::json::value& v, std::size_t depth) {
        auto node = std::make_shared<FilterNode>();
        node->kind = FilterNode::Kind::negation;
        node->children.push_back(object(condition_object("$not", v), depth + 1));
        return node;
    }

    [[noreturn]] static void unknown_top_level(std::string_view k) {
        std::string msg = "filter: unknown operator '" + shown_key(k) + "'";
        std::vector<std::string> known{"$and", "$or", "$not"};
        if (auto s = closest_match(k, known); !s.empty()) msg += " (did you mean '" + s + "'?)";
        bool is_field_op = false;
        for (const auto& op : kOperators) is_field_op = is_field_op || op.first == k;
        if (is_field_op) msg += "; " + std::string(k) + " goes inside a field: {\"field\": {\"" + std::string(k) + "\": ...}}";
        fail(msg + "; known at this level: $and, $or, $not and field names");
    }

    const Field& find_field(std::string_view k) const {
        if (const Field* f = model_.find(k)) return *f;
        std::vector<std::string> names;
        for (const auto& f : model_.fields) names.push_back(f.name);
        std::string msg = "filter: unknown field '" + shown_key(k) + "'";
        if (auto s = closest_match(k, names); !s.empty()) msg += " (did you mean '" + s + "'?)";
        else {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            msg += " (fields of " + model_.name + ": " + list + ")";
        }
        fail(msg);
    }

    std::shared_ptr<FilterNode> field_condition(std::string_view k, const boost::json::value& v) {
        const Field& f = find_field(k);
        if (const auto* ops = v.if_object()) {
            if (ops->empty()) fail("filter on '" + f.name + "': {} has no operator (use $eq, $in, $null, ...)");
            auto all = std::make_shared<FilterNode>();
            all->kind = FilterNode::Kind::all;
            for (const auto& [op_key, op_value] : *ops)
                all->children.push_back(leaf(f, std::string_view(op_key.data(), op_key.size()), op_value));
            if (all->children.size() == 1) return all->children.front();
            return all;
        }
        if (v.is_array()) fail("filter on '" + f.name + "': a list needs an operator, e.g. {\"$in\": [...]}");
        return leaf(f, "$eq", v);
    }

    std::shared_ptr<FilterNode> leaf(const Field& f, std::string_view op_key, const boost::json::value& v) const {
        auto n = std::make_shared<FilterNode>();
        n->kind = FilterNode::Kind::compare;
        n->field = f;
        const std::string where = "filter on '" + f.name + "' (" + shown_key(op_key) + ")";
        const auto it = std::find_if(kOperators.begin(), kOperators.end(), [&](const auto& p) { return p.first == op_key; });
        if (it == kOperators.end()) {
            std::vector<std::string> known;
            std::string list;
            for (const auto& p : kOperators) {
                known.emplace_back(p.first);
                list += (list.empty() ? "" : " ") + std::string(p.first);
            }
            std::string msg = "filter on '" + f.name + "': unknown operator '" + shown_key(op_key) + "'";
            if (auto s = closest_match(op_key, known); !s.empty()) msg += " (did you mean '" + s + "'?)";
            fail(msg + "; known operators: " + list);
        }
        n->op = it->second;
        const auto convert = [&](const boost::json::value& x) {
            try {
                return sql_detail::convert_filter_value(f, x);
            } catch (const Error& e) {
                fail(where + ": " + e.what());
            }
        };
        const bool json = f.type == FieldType::json;
        switch (n->op) {
        case Op::eq:
        case Op::ne:
            if (v.is_null()) {
                n->op = n->op == Op::eq ? Op::is_null : Op::not_null;
                break;
            }
            [[fallthrough]];
        case Op::lt:
        case Op::lte:
        case Op::gt:
        case Op::gte:
            if (json) fail(where + ": JSON fields can only be tested for null ($null, or null as the value)");
            if (v.is_null()) fail(where + ": null cannot be ordered; use {\"$null\": true}");
            if (v.is_object() || v.is_array()) fail(where + ": needs a single value, not " + std::string(v.is_array() ? "a list" : "an object"));
            n->values.push_back(convert(v));
            break;
        case Op::in:
        case Op::nin: {
            const auto* arr = v.if_array();
            if (!arr) fail(where + ": needs a list of values");
            if (json && !arr->empty()) fail(where + ": JSON fields can only be tested for null");
            for (const auto& x : *arr) {
                if (x.is_null()) n->list_has_null = true;
                else if (x.is_object() || x.is_array()) fail(where + ": list elements must be single values");
                else n->values.push_back(convert(x));
            }
            break;
        }
        case Op::like:
        case Op::ilike:
            if (f.type != FieldType::str) fail(where + ": patterns only apply to str fields, '" + f.name + "' is " + std::string(to_string(f.type)));
            if (!v.is_string()) fail(where + ": needs a string pattern like \"abc%\"");
            n->pattern = std::string(v.get_string());
            break;
        case Op::is_null:
            if (!v.is_bool()) fail(where + ": needs true or false");
            n->op = v.get_bool() ? Op::is_null : Op::not_null;
            break;
        case Op::not_null: break;
        }
        return n;
    }

    const Model& model_;
};

bool has_condition(const FilterNode& n) {
    return n.kind != FilterNode::Kind::all || !n.children.empty();
}

void collect(const FilterNode& n, std::vector<std::string>& out) {
    if (n.kind == FilterNode::Kind::compare && std::find(out.begin(), out.end(), n.field.name) == out.end())
        out.push_back(n.field.name);
    for (const auto& c : n.children) collect(*c, out);
}

} // namespace

Filter Filter::parse(const boost::json::value& filter, const Model& model) {
    Filter f;
    if (filter.is_null()) return f;
    const auto* o = filter.if_object();
    if (!o) throw Error(ErrorCode::invalid_parameter, "filter: expected an object like {\"field\": value}, got " +
                                                          std::string(filter.is_array() ? "a list" : "a single value"));
    auto root = FilterParser(model).object(*o, 0);
    if (has_condition(*root)) f.root_ = std::move(root);
    return f;
}

bool Filter::empty() const noexcept { return root_ == nullptr; }

std::vector<std::string> Filter::referenced_fields() const {
    std::vector<std::string> out;
    if (root_) collect(*root_, out);
    return out;
}

} // namespace bulkflow
