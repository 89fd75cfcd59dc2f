#include "convert.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/validation.hpp>

#include <charconv>
#include <map>
#include <regex>

namespace bulkflow::bulk {
namespace {

[[noreturn]] void bad_param(const std::string& msg) { throw Error(ErrorCode::invalid_parameter, msg); }

std::vector<std::string> field_names(const Model& m) {
    std::vector<std::string> n;
    for (const auto& f : m.fields) n.push_back(f.name);
    return n;
}

const Field& field_or_throw(const Model& m, std::string_view name, const char* param) {
    if (const auto* f = m.find(name)) return *f;
    std::string msg = std::string(param) + ": unknown field '" + std::string(name) + "' of model '" + m.name + "'";
    if (auto s = closest_match(name, field_names(m)); !s.empty()) msg += " (did you mean '" + s + "'?)";
    bad_param(msg);
}

std::optional<double> as_number(const SqlValue& v) {
    if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (auto* d = std::get_if<double>(&v)) return *d;
    if (auto* dec = std::get_if<Decimal>(&v)) return std::stod(dec->text);
    return std::nullopt;
}

// Shortest round-trip text of a number: 0.01, not 1E-2.
std::string number_text(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

void check_rule(const FieldRule& r, const SqlValue& v, const boost::json::value* raw) {
    const std::string& name = r.field->name;
    if (is_null(v)) {
        if (r.required) throw Error(ErrorCode::invalid_data, "field '" + name + "' is required by validation_rules");
        return;
    }
    if (r.min || r.max) {
        auto n = as_number(v);
        if (n && r.min && *n < *r.min)
            throw Error(ErrorCode::invalid_data, "field '" + name + "': " + boost::json::serialize(to_json(v)) +
                                                     " is below the minimum " + number_text(*r.min));
        if (n && r.max && *n > *r.max)
            throw Error(ErrorCode::invalid_data, "field '" + name + "': " + boost::json::serialize(to_json(v)) +
                                                     " is above the maximum " + number_text(*r.max));
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
        std::size_t len = code_points(*s);
        if (r.min_length && len < *r.min_length)
            throw Error(ErrorCode::invalid_data, "field '" + name + "' is shorter than " + std::to_string(*r.min_length) + " characters");
        if (r.max_length && len > *r.max_length)
            throw Error(ErrorCode::invalid_data, "field '" + name + "' is longer than " + std::to_string(*r.max_length) + " characters");
        if (r.pattern && !std::regex_search(*s, std::regex(*r.pattern)))
            throw Error(ErrorCode::invalid_data, "field '" + name + "' does not match pattern '" + *r.pattern + "'");
    }
    if (r.choices) {
        auto j = raw ? *raw : to_json(v);
        bool ok = false;
        for (const auto& c : *r.choices) ok = ok || c == j || (c.is_string() && j == to_json(v));
        if (!ok) throw Error(ErrorCode::invalid_data, "field '" + name + "': " + boost::json::serialize(j) + " is not one of " + boost::json::serialize(*r.choices));
    }
}

} // namespace

std::vector<FieldRule> parse_rules(const Model& model, const boost::json::value* rules) {
    std::vector<FieldRule> out;
    if (!rules || rules->is_null()) return out;
    if (!rules->is_object()) bad_param("validation_rules must be an object {field: {rule: value}}");
    for (const auto& kv : rules->get_object()) {
        FieldRule r;
        r.field = &field_or_throw(model, kv.key(), "validation_rules");
        if (!kv.value().is_object()) bad_param("validation_rules." + std::string(kv.key()) + " must be an object");
        for (const auto& rule : kv.value().get_object()) {
            const std::string k(rule.key());
            const auto& v = rule.value();
            auto num = [&] {
                if (!v.is_number()) bad_param("validation_rules." + std::string(kv.key()) + "." + k + " must be a number");
                return v.to_number<double>();
            };
            if (k == "min") r.min = num();
            else if (k == "max") r.max = num();
            else if (k == "min_length") r.min_length = static_cast<std::size_t>(num());
            else if (k == "max_length") r.max_length = static_cast<std::size_t>(num());
            else if (k == "pattern" && v.is_string()) {
                r.pattern = std::string(v.get_string());
                try {
                    std::regex check(*r.pattern);
                } catch (const std::regex_error& e) {
                    bad_param("validation_rules." + std::string(kv.key()) + ".pattern is not a valid regular expression: " + e.what());
                }
            } else if ((k == "choices" || k == "in") && v.is_array()) r.choices = v.get_array();
            else if (k == "required" && v.is_bool()) r.required = v.get_bool();
            else {
                std::string msg = "validation_rules." + std::string(kv.key()) + ": unknown rule '" + k + "'";
                if (auto s = closest_match(k, {"min", "max", "min_length", "max_length", "pattern", "choices", "required"}); !s.empty())
                    msg += " (did you mean '" + s + "'?)";
                bad_param(msg + " (rules: min, max, min_length, max_length, pattern, choices, required)");
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::pair<const Field*, Expr>> parse_transforms(const Model& model, const boost::json::value* rules) {
    std::vector<std::pair<const Field*, Expr>> out;
    if (!rules || rules->is_null()) return out;
    if (!rules->is_object()) bad_param("transformation_rules must be an object {field: expression}");
    for (const auto& kv : rules->get_object()) {
        const Field& f = field_or_throw(model, kv.key(), "transformation_rules");
        if (!kv.value().is_string()) bad_param("transformation_rules." + std::string(kv.key()) + " must be an expression string");
        auto expr = Expr::parse(kv.value().get_string(), model);
        expr.check_assignable(f);
        out.emplace_back(&f, std::move(expr));
    }
    return out;
}

ConvertedBatch convert_batch(const Model& model, const RecordBatch& batch, const ConvertOptions& opt) {
    ConvertedBatch out;
    out.records = batch.size();
    const std::size_t nf = model.fields.size();
    // Column position -> field index (or nested relationship, or unknown).
    std::vector<int> col_field(batch.column_count(), -1);
    std::vector<bool> col_nested(batch.column_count(), false);
    for (std::size_t c = 0; c < batch.column_count(); ++c) {
        for (std::size_t f = 0; f < nf; ++f)
            if (model.fields[f].name == batch.names()[c]) col_field[c] = static_cast<int>(f);
        col_nested[c] = std::find(opt.nested.begin(), opt.nested.end(), batch.names()[c]) != opt.nested.end();
    }
    std::map<std::vector<bool>, std::size_t> group_of;
    std::vector<bool> last_present;
    std::size_t last_group = 0;
    std::vector<SqlValue> values(nf);
    std::vector<bool> present(nf);
    std::vector<const boost::json::value*> raw(nf);

    for (std::size_t r = 0; r < batch.size(); ++r) {
        const std::size_t index = batch.first_index + r;
        std::fill(present.begin(), present.end(), false);
        std::fill(raw.begin(), raw.end(), nullptr);
        boost::json::object nested;
        try {
            for (std::size_t c = 0; c < batch.column_count(); ++c) {
                const auto* cell = batch.get(c, r);
                if (!cell) continue;
                if (col_nested[c]) {
                    nested[batch.names()[c]] = *cell;
                    continue;
                }
                if (col_field[c] < 0) {
                    std::string msg = "unknown field '" + batch.names()[c] + "' for model '" + model.name + "'";
                    if (auto s = closest_match(batch.names()[c], field_names(model)); !s.empty()) msg += " (did you mean '" + s + "'?)";
                    throw Error(ErrorCode::invalid_data, msg);
                }
                const auto f = static_cast<std::size_t>(col_field[c]);
                const Field& field = model.fields[f];
                // An empty unquoted CSV cell is NULL except in a string field (docs/bulk-nodes.md).
                static const boost::json::value null_cell;
                if (field.type != FieldType::str && batch.is_empty_unquoted(c, r)) cell = &null_cell;
                if (field.name == "id" && opt.ids == ConvertOptions::Ids::drop && field.auto_increment) {
                    if (!cell->is_null()) ++out.ids_ignored;  // the database generates the id
                    continue;
                }
                if (field.name == "deleted_at") throw Error(ErrorCode::invalid_data, "field 'deleted_at' is managed by soft delete");
                // A null timestamp the database maintains means "let the database set it".
                if (field.system && cell->is_null()) continue;
                values[f] = convert_value(field, *cell);
                present[f] = true;
                raw[f] = cell;
            }
            for (std::size_t f = 0; f < nf; ++f) {
                const Field& field = model.fields[f];
                if (field.name == "id") {
                    if (opt.ids == ConvertOptions::Ids::require && (!present[f] || is_null(values[f])))
                        throw Error(ErrorCode::invalid_data, "field 'id' is required (conflicts are detected on id)");
                    if (!present[f] && !field.auto_increment && opt.ids != ConvertOptions::Ids::drop)
                        throw Error(ErrorCode::invalid_data, "field 'id' is required: model '" + model.name + "' has no automatic ids");
                    continue;
                }
                if (field.system) continue;
                if (!present[f] && opt.fill_defaults && field.default_value) {
                    values[f] = convert_value(field, *field.default_value);
                    present[f] = true;
                }
            }
            for (const auto& [field, expr] : opt.transforms) {
                const auto f = static_cast<std::size_t>(field - model.fields.data());
                values[f] = expr.evaluate_for(*field, [&](const Field& ref) -> SqlValue {
                    // The expression may hold its own copy of the field: look it up by name.
                    const Field* mf = model.find(ref.name);
                    if (!mf) return SqlValue{};
                    const auto i = static_cast<std::size_t>(mf - model.fields.data());
                    return present[i] ? values[i] : SqlValue{};
                });
                present[f] = true;
            }
            if (opt.check_required)
                for (std::size_t f = 0; f < nf; ++f) {
                    const Field& field = model.fields[f];
                    if (field.required && !field.system && field.name != "id" && (!present[f] || is_null(values[f])))
                        throw Error(ErrorCode::invalid_data, "field '" + field.name + "' is required");
                }
            for (const auto& rule : opt.rules) {
                const auto f = static_cast<std::size_t>(rule.field - model.fields.data());
                check_rule(rule, present[f] ? values[f] : SqlValue{}, raw[f]);
            }
        } catch (const Error& e) {
            out.rejects.push_back({index, e.what(), batch.row(r)});
            continue;
        }
        // Records of one batch nearly always share their columns: check the last group first.
        if (out.groups.empty() || present != last_present) {
            auto [it, added] = group_of.try_emplace(present, out.groups.size());
            if (added) {
                std::vector<const Field*> cols;
                for (std::size_t f = 0; f < nf; ++f)
                    if (present[f]) cols.push_back(&model.fields[f]);
                out.groups.emplace_back(std::move(cols));
                if (out.groups.size() == 1) out.groups.back().reserve(batch.size());
            }
            last_group = it->second;
            last_present = present;
        }
        std::vector<SqlValue> row;
        row.reserve(nf);
        for (std::size_t f = 0; f < nf; ++f)
            if (present[f]) row.push_back(std::move(values[f]));
        out.groups[last_group].add_row(std::move(row), index);
        if (!nested.empty()) out.nested.emplace_back(index, std::move(nested));
    }
    return out;
}

} // namespace bulkflow::bulk
