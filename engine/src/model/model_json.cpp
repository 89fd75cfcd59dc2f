/// @file model_json.cpp
/// Model <-> its JSON form (the value under `models: NAME:` in a workflow file).
///
/// Rules beyond CONTRACT section 4, decided here:
/// - Every name (model, table, field, relationship, referenced model, foreign key) must pass
///   is_safe_identifier. Field names must also differ in more than letter case (MySQL column
///   names are case-insensitive).
/// - `id`: when not declared, an int64 auto-increment primary key. It may be declared as `int` or
///   `str` only. A declared `int` id stays auto-increment unless `auto_increment: false` is given
///   (then records supply the ids); a `str` id is never auto-increment. A non-auto-increment id is
///   required. The id accepts only the options type, auto_increment, required (matching the above)
///   and max_length (str).
/// - `created_at` / `updated_at` are always added (datetime, set by the database). Declaring them
///   is allowed only as plain `datetime` (a struct member of that name, say) and changes nothing.
///   `deleted_at` is added with `soft_delete: true`; declaring it requires `soft_delete: true`.
/// - `default` is checked by converting it to the field type; `default: null` means no default.
/// - max_length applies to str fields, precision / scale to decimal fields only.
/// - A relationship needs `model` and `kind`; `foreign_key` defaults to `<snake model>_id` (for
///   has_one / has_many the name of this model, for belongs_to the target model). A belongs_to
///   foreign key must be a field of this model. Relationship names may not equal field names.
/// - Unique constraints: arrays of existing field names, at least one, no repeats.

#include "model_detail.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>

#include <algorithm>
#include <limits>

namespace bulkflow {

namespace {

using model_detail::json_kind;
using model_detail::quoted;

constexpr std::string_view identifier_rule =
    "use letters, digits and '_', not starting with a digit, at most 63 characters";
constexpr std::string_view model_keys = "table, fields, unique, soft_delete, relationships";
constexpr std::string_view field_keys =
    "type, required, default, unique, index, max_length, precision, scale, references";
constexpr std::string_view all_types = "str, int, float, bool, decimal, datetime, date, json";

bool is_reserved_system(std::string_view n) noexcept {
    return n == "created_at" || n == "updated_at" || n == "deleted_at";
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// Builds the errors of one model: "model 'Product': field 'price': ...".
class Checker {
public:
    explicit Checker(std::string_view model) : model_(model) {}

    [[noreturn]] void fail(const std::string& message) const {
        throw Error(ErrorCode::invalid_workflow, "model '" + model_ + "': " + message);
    }
    [[noreturn]] void fail_field(std::string_view field, const std::string& message) const {
        fail("field '" + std::string(field) + "': " + message);
    }

    void check_identifier(std::string_view what, std::string_view name) const {
        if (!is_safe_identifier(name))
            fail(std::string(what) + " " + quoted(name) + " is not a valid name (" + std::string(identifier_rule) + ")");
    }

    bool get_bool(std::string_view field, std::string_view option, const boost::json::value& v) const {
        if (!v.is_bool())
            fail_field(field, "'" + std::string(option) + "' must be true or false, got " + std::string(json_kind(v)));
        return v.get_bool();
    }

    std::uint32_t get_uint(std::string_view field, std::string_view option, const boost::json::value& v,
                           std::uint64_t min, std::uint64_t max) const {
        std::optional<std::uint64_t> n;
        if (v.is_int64() && v.get_int64() >= 0) n = static_cast<std::uint64_t>(v.get_int64());
        else if (v.is_uint64()) n = v.get_uint64();
        if (!n || *n < min || *n > max)
            fail_field(field, "'" + std::string(option) + "' must be an integer from " + std::to_string(min) + " to " +
                                  std::to_string(max) + ", got " + boost::json::serialize(v));
        return static_cast<std::uint32_t>(*n);
    }

    std::string get_name(std::string_view field, std::string_view option, const boost::json::value& v) const {
        if (!v.is_string())
            fail_field(field, "'" + std::string(option) + "' must be a string, got " + std::string(json_kind(v)));
        const std::string_view s = v.get_string();
        if (!is_safe_identifier(s))
            fail_field(field, "'" + std::string(option) + "' " + quoted(s) + " is not a valid name (" +
                                  std::string(identifier_rule) + ")");
        return std::string(s);
    }

    FieldType get_type(std::string_view field, const boost::json::value& v) const {
        if (!v.is_string()) fail_field(field, "'type' must be a string, got " + std::string(json_kind(v)));
        const std::string_view s = v.get_string();
        if (auto t = field_type_from_string(s)) return *t;
        fail_field(field, "unknown type " + quoted(s) + " (expected " + std::string(all_types) + ")");
    }

    Field parse_field(std::string_view name, const boost::json::value& spec, bool is_id) const {
        Field f;
        f.name = std::string(name);
        if (spec.is_string()) {
            f.type = get_type(name, spec);
            return f;
        }
        if (!spec.is_object())
            fail_field(name, "expected a type name or an object with 'type', got " + std::string(json_kind(spec)));
        const auto& o = spec.get_object();
        const auto* type = o.if_contains("type");
        if (!type) fail_field(name, "missing 'type' (expected one of " + std::string(all_types) + ")");
        f.type = get_type(name, *type);
        bool precision_set = false;
        bool scale_set = false;
        for (const auto& [key, value] : o) {
            if (key == "type") continue;
            if (key == "required") f.required = get_bool(name, key, value);
            else if (key == "default") {
                if (!value.is_null()) f.default_value = value;
            } else if (key == "unique") f.unique = get_bool(name, key, value);
            else if (key == "index") f.index = get_bool(name, key, value);
            else if (key == "max_length") f.max_length = get_uint(name, key, value, 1, std::numeric_limits<std::uint32_t>::max());
            else if (key == "precision") {
                f.precision = get_uint(name, key, value, 1, 38);
                precision_set = true;
            } else if (key == "scale") {
                f.scale = get_uint(name, key, value, 0, 38);
                scale_set = true;
            } else if (key == "references") f.references = get_name(name, key, value);
            else if (key == "auto_increment" && is_id) f.auto_increment = get_bool(name, key, value);
            else
                fail_field(name, "unknown option " + quoted(key) + " (expected " + std::string(field_keys) +
                                     (is_id ? ", auto_increment" : "") + ")");
        }
        if (f.max_length && f.type != FieldType::str) fail_field(name, "'max_length' applies only to str fields");
        if ((precision_set || scale_set) && f.type != FieldType::decimal)
            fail_field(name, std::string(precision_set ? "'precision'" : "'scale'") + " applies only to decimal fields");
        if (f.scale > f.precision)
            fail_field(name, "'scale' (" + std::to_string(f.scale) + ") must not exceed 'precision' (" +
                                 std::to_string(f.precision) + ")");
        return f;
    }

    Field parse_id(const boost::json::value& spec) const {
        const bool has_auto = spec.is_object() && spec.get_object().contains("auto_increment");
        const boost::json::value* required = spec.is_object() ? spec.get_object().if_contains("required") : nullptr;
        Field f = parse_field("id", spec, true);
        if (f.type != FieldType::integer && f.type != FieldType::str)
            fail_field("id", "type '" + std::string(to_string(f.type)) + "' cannot be the primary key (expected int or str)");
        if (f.type == FieldType::str && has_auto && f.auto_increment)
            fail_field("id", "a str id cannot be auto_increment");
        if (f.type == FieldType::integer && !has_auto) f.auto_increment = true;
        if (f.default_value || f.unique || f.index || !f.references.empty())
            fail_field("id", "the primary key accepts only type, auto_increment, required and max_length");
        if (required && f.required == f.auto_increment)
            fail_field("id", f.auto_increment ? "an auto-increment id cannot be required (set auto_increment: false)"
                                              : "an id that is not auto-increment is always required");
        f.required = !f.auto_increment;
        f.primary_key = true;
        f.system = true;
        return f;
    }

    void check_default(const Field& f) const {
        if (!f.default_value) return;
        try {
            (void)convert_value(f, *f.default_value);
        } catch (const Error& e) {
            fail("invalid default of " + std::string(e.what()));
        }
    }

private:
    std::string model_;
};

Field system_datetime(std::string name) {
    Field f;
    f.name = std::move(name);
    f.type = FieldType::datetime;
    f.system = true;
    return f;
}

bool is_plain_datetime(const boost::json::value& spec) {
    if (spec.is_string()) return spec.get_string() == "datetime";
    if (!spec.is_object() || spec.get_object().size() != 1) return false;
    const auto* t = spec.get_object().if_contains("type");
    return t && t->is_string() && t->get_string() == "datetime";
}

boost::json::value field_to_json(const Field& f) {
    boost::json::object o;
    o["type"] = to_string(f.type);
    if (f.primary_key) {
        if (f.type == FieldType::integer && !f.auto_increment) o["auto_increment"] = false;
    } else {
        if (f.required) o["required"] = true;
        if (f.default_value) o["default"] = *f.default_value;
        if (f.unique) o["unique"] = true;
        if (f.index) o["index"] = true;
        if (!f.references.empty()) o["references"] = f.references;
    }
    if (f.max_length) o["max_length"] = *f.max_length;
    if (f.type == FieldType::decimal) {
        o["precision"] = f.precision;
        o["scale"] = f.scale;
    }
    if (o.size() == 1) return o["type"];
    return o;
}

} // namespace

Model Model::from_json(std::string_view name, const boost::json::value& definition) {
    if (!is_safe_identifier(name))
        throw Error(ErrorCode::invalid_workflow, "model name " + quoted(name) + " is not a valid name (" +
                                                     std::string(identifier_rule) + ")");
    const Checker check(name);
    if (!definition.is_object()) check.fail("the definition must be an object, got " + std::string(json_kind(definition)));
    const auto& def = definition.get_object();
    for (const auto& [key, value] : def) {
        (void)value;
        if (key != "table" && key != "fields" && key != "unique" && key != "soft_delete" && key != "relationships")
            check.fail("unknown key " + quoted(key) + " (expected " + std::string(model_keys) + ")");
    }

    Model m;
    m.name = std::string(name);
    if (const auto* t = def.if_contains("table")) {
        if (!t->is_string()) check.fail("'table' must be a string, got " + std::string(json_kind(*t)));
        check.check_identifier("table name", t->get_string());
        m.table = std::string(t->get_string());
    } else {
        m.table = default_table_name(name);
        if (!is_safe_identifier(m.table))
            check.fail("the default table name " + quoted(m.table) + " is too long: set 'table'");
    }
    if (const auto* s = def.if_contains("soft_delete")) {
        if (!s->is_bool()) check.fail("'soft_delete' must be true or false, got " + std::string(json_kind(*s)));
        m.soft_delete = s->get_bool();
    }

    // Fields: id, declared ones in declaration order, then the system timestamps.
    std::optional<Field> id;
    std::vector<Field> declared;
    if (const auto* fv = def.if_contains("fields")) {
        if (!fv->is_object()) check.fail("'fields' must be an object (name: type), got " + std::string(json_kind(*fv)));
        std::vector<std::string> lowered;
        for (const auto& [key, spec] : fv->get_object()) {
            const std::string_view fname = key;
            check.check_identifier("field name", fname);
            std::string low = lower(fname);
            if (std::find(lowered.begin(), lowered.end(), low) != lowered.end())
                check.fail_field(fname, "another field has the same name in a different letter case");
            lowered.push_back(std::move(low));
            if (fname == "id") {
                id = check.parse_id(spec);
            } else if (is_reserved_system(fname)) {
                if (fname == "deleted_at" && !m.soft_delete)
                    check.fail_field(fname, "is reserved for soft delete: set soft_delete: true instead of declaring it");
                if (!is_plain_datetime(spec))
                    check.fail_field(fname, "is added automatically (datetime, set by the database): declare it only "
                                            "as plain datetime or leave it out");
            } else {
                declared.push_back(check.parse_field(fname, spec, false));
                check.check_default(declared.back());
            }
        }
    }
    if (!id) {
        id.emplace();
        id->name = "id";
        id->type = FieldType::integer;
        id->primary_key = true;
        id->auto_increment = true;
        id->system = true;
    }
    m.fields.reserve(declared.size() + 4);
    m.fields.push_back(std::move(*id));
    for (auto& f : declared) m.fields.push_back(std::move(f));
    m.fields.push_back(system_datetime("created_at"));
    m.fields.push_back(system_datetime("updated_at"));
    if (m.soft_delete) m.fields.push_back(system_datetime("deleted_at"));

    if (const auto* uv = def.if_contains("unique")) {
        if (!uv->is_array()) check.fail("'unique' must be an array of arrays of field names, got " + std::string(json_kind(*uv)));
        for (const auto& constraint : uv->get_array()) {
            if (!constraint.is_array() || constraint.get_array().empty())
                check.fail("each 'unique' constraint must be a non-empty array of field names, e.g. [[name, category]]");
            std::vector<std::string> names;
            for (const auto& n : constraint.get_array()) {
                if (!n.is_string()) check.fail("'unique' lists field names (strings), got " + std::string(json_kind(n)));
                const std::string_view fname = n.get_string();
                if (!m.find(fname)) check.fail("'unique' names an unknown field " + quoted(fname));
                if (std::find(names.begin(), names.end(), fname) != names.end())
                    check.fail("'unique' lists field " + quoted(fname) + " twice in one constraint");
                names.emplace_back(fname);
            }
            m.unique.push_back(std::move(names));
        }
    }

    if (const auto* rv = def.if_contains("relationships")) {
        if (!rv->is_object()) check.fail("'relationships' must be an object (name: {model, kind, foreign_key}), got " +
                                         std::string(json_kind(*rv)));
        for (const auto& [key, spec] : rv->get_object()) {
            const std::string_view rname = key;
            check.check_identifier("relationship name", rname);
            const std::string where = "relationship '" + std::string(rname) + "': ";
            if (m.find(rname)) check.fail(where + "has the same name as a field");
            if (!spec.is_object()) check.fail(where + "expected an object {model, kind, foreign_key}, got " + std::string(json_kind(spec)));
            Relationship r;
            r.name = std::string(rname);
            bool has_model = false;
            bool has_kind = false;
            for (const auto& [rk, rval] : spec.get_object()) {
                if (rk != "model" && rk != "kind" && rk != "foreign_key")
                    check.fail(where + "unknown key " + quoted(rk) + " (expected model, kind, foreign_key)");
                if (!rval.is_string()) check.fail(where + "'" + std::string(rk) + "' must be a string, got " + std::string(json_kind(rval)));
                const std::string_view text = rval.get_string();
                if (rk == "kind") {
                    auto k = relationship_kind_from_string(text);
                    if (!k) check.fail(where + "unknown kind " + quoted(text) + " (expected has_one, has_many, belongs_to)");
                    r.kind = *k;
                    has_kind = true;
                } else {
                    if (!is_safe_identifier(text))
                        check.fail(where + "'" + std::string(rk) + "' " + quoted(text) + " is not a valid name (" +
                                   std::string(identifier_rule) + ")");
                    (rk == "model" ? r.model : r.foreign_key) = std::string(text);
                    has_model = has_model || rk == "model";
                }
            }
            if (!has_model) check.fail(where + "missing 'model'");
            if (!has_kind) check.fail(where + "missing 'kind' (has_one, has_many or belongs_to)");
            if (r.foreign_key.empty())
                r.foreign_key = snake_case(r.kind == RelationshipKind::belongs_to ? r.model : m.name) + "_id";
            if (r.kind == RelationshipKind::belongs_to && !m.find(r.foreign_key))
                check.fail(where + "the belongs_to foreign key '" + r.foreign_key + "' is not a field of this model");
            m.relationships.push_back(std::move(r));
        }
    }
    return m;
}

boost::json::object Model::to_json() const {
    boost::json::object out;
    out["table"] = table;
    boost::json::object fo;
    for (const auto& f : fields) {
        if (f.primary_key) {
            if (f.type == FieldType::integer && f.auto_increment && !f.max_length) continue;  // the default id
        } else if (f.system) {
            continue;
        }
        fo[f.name] = field_to_json(f);
    }
    out["fields"] = std::move(fo);
    if (!unique.empty()) {
        boost::json::array ua;
        for (const auto& c : unique) {
            boost::json::array names;
            for (const auto& n : c) names.emplace_back(n);
            ua.emplace_back(std::move(names));
        }
        out["unique"] = std::move(ua);
    }
    if (soft_delete) out["soft_delete"] = true;
    if (!relationships.empty()) {
        boost::json::object ro;
        for (const auto& r : relationships)
            ro[r.name] = {{"model", r.model}, {"kind", to_string(r.kind)}, {"foreign_key", r.foreign_key}};
        out["relationships"] = std::move(ro);
    }
    return out;
}

} // namespace bulkflow
