/// @file model.cpp
/// Small model helpers: type names, lookups, identifiers and table names.

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>

#include <array>
#include <utility>

namespace bulkflow {

namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 8> type_names{{
    {FieldType::str, "str"},
    {FieldType::integer, "int"},
    {FieldType::floating, "float"},
    {FieldType::boolean, "bool"},
    {FieldType::decimal, "decimal"},
    {FieldType::datetime, "datetime"},
    {FieldType::date, "date"},
    {FieldType::json, "json"},
}};

constexpr std::array<std::pair<RelationshipKind, std::string_view>, 3> kind_names{{
    {RelationshipKind::has_one, "has_one"},
    {RelationshipKind::has_many, "has_many"},
    {RelationshipKind::belongs_to, "belongs_to"},
}};

constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool ends_with(std::string_view s, std::string_view suffix) noexcept {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

std::string_view to_string(FieldType t) noexcept {
    for (const auto& [type, name] : type_names)
        if (type == t) return name;
    return "str";
}

std::optional<FieldType> field_type_from_string(std::string_view s) noexcept {
    for (const auto& [type, name] : type_names)
        if (name == s) return type;
    return std::nullopt;
}

std::string_view to_string(RelationshipKind k) noexcept {
    for (const auto& [kind, name] : kind_names)
        if (kind == k) return name;
    return "has_many";
}

std::optional<RelationshipKind> relationship_kind_from_string(std::string_view s) noexcept {
    for (const auto& [kind, name] : kind_names)
        if (name == s) return kind;
    return std::nullopt;
}

const Field* Model::find(std::string_view field) const noexcept {
    for (const auto& f : fields)
        if (f.name == field) return &f;
    return nullptr;
}

const Field& Model::id_field() const {
    for (const auto& f : fields)
        if (f.primary_key) return f;
    if (const Field* f = find("id")) return *f;
    throw Error(ErrorCode::internal, "model '" + name + "' has no id field");
}

std::vector<const Field*> Model::writable_fields() const {
    std::vector<const Field*> out;
    out.reserve(fields.size());
    for (const auto& f : fields)
        if (!f.system || f.primary_key) out.push_back(&f);
    return out;
}

bool is_safe_identifier(std::string_view name) noexcept {
    if (name.empty() || name.size() > 63 || is_digit(name.front())) return false;
    for (const char c : name)
        if (!is_upper(c) && !is_lower(c) && !is_digit(c) && c != '_') return false;
    return true;
}

std::string snake_case(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 4);
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (!is_upper(c)) {
            out += c;
            continue;
        }
        if (i > 0 && !out.empty() && out.back() != '_') {
            const char prev = name[i - 1];
            const bool next_lower = i + 1 < name.size() && is_lower(name[i + 1]);
            // "orderItem" / "item2Box" start a word; in "HTTPLog" the 'L' starts "log".
            if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) out += '_';
        }
        out += static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string default_table_name(std::string_view model_name) {
    std::string t = snake_case(model_name);
    if (t.empty()) return t;
    if (ends_with(t, "s") || ends_with(t, "x") || ends_with(t, "z") || ends_with(t, "ch") || ends_with(t, "sh")) {
        t += "es";  // boxes, addresses, batches, wishes
    } else if (t.size() >= 2 && t.back() == 'y' && std::string_view("aeiou").find(t[t.size() - 2]) == std::string_view::npos &&
               t[t.size() - 2] != '_') {
        t.back() = 'i';  // categories (but days, keys)
        t += "es";
    } else {
        t += 's';
    }
    return t;
}

} // namespace bulkflow
