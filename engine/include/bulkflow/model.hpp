#pragma once
/// @file model.hpp
/// Models: the schema a bulk node writes to (CONTRACT section 4). A Model comes from the
/// workflow's `models:` section (JSON form), from the builder, or from a Boost.Describe'd struct
/// (see model_describe.hpp).

#include <bulkflow/sql_value.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow {

enum class FieldType { str, integer, floating, boolean, decimal, datetime, date, json };

/// "str", "int", "float", "bool", "decimal", "datetime", "date", "json".
std::string_view to_string(FieldType t) noexcept;
std::optional<FieldType> field_type_from_string(std::string_view s) noexcept;

struct Field {
    std::string name;
    FieldType type = FieldType::str;
    bool required = false;          ///< NOT NULL, and a record must provide it (unless default)
    std::optional<boost::json::value> default_value;
    bool unique = false;
    bool index = false;
    std::optional<std::uint32_t> max_length;
    std::uint32_t precision = 18;   ///< decimal
    std::uint32_t scale = 2;        ///< decimal
    std::string references;         ///< model name for a foreign key, or empty
    bool primary_key = false;       ///< only `id`
    bool auto_increment = false;    ///< `id` when not declared otherwise
    bool system = false;            ///< id, created_at, updated_at, deleted_at

    bool operator==(const Field&) const = default;
};

enum class RelationshipKind { has_one, has_many, belongs_to };

struct Relationship {
    std::string name;          ///< e.g. "reviews"
    std::string model;         ///< e.g. "Review"
    RelationshipKind kind = RelationshipKind::has_many;
    std::string foreign_key;   ///< e.g. "product_id" (on the child for has_*, on us for belongs_to)

    bool operator==(const Relationship&) const = default;
};

/// "has_one", "has_many", "belongs_to".
std::string_view to_string(RelationshipKind k) noexcept;
std::optional<RelationshipKind> relationship_kind_from_string(std::string_view s) noexcept;

class Model {
public:
    std::string name;                               ///< "Product"
    std::string table;                              ///< "products"
    std::vector<Field> fields;                      ///< id first, then declared, then system
    std::vector<std::vector<std::string>> unique;   ///< composite unique constraints
    bool soft_delete = false;
    std::vector<Relationship> relationships;

    /// Builds a model from its JSON form (the value under `models: NAME:`). Adds `id` (int64
    /// auto-increment unless declared), `created_at`, `updated_at` and, with soft_delete,
    /// `deleted_at`. Throws Error(invalid_workflow) naming the model and field.
    static Model from_json(std::string_view name, const boost::json::value& definition);
    /// The JSON form (round-trips through from_json).
    [[nodiscard]] boost::json::object to_json() const;

    [[nodiscard]] const Field* find(std::string_view field) const noexcept;
    [[nodiscard]] const Field& id_field() const;
    /// Fields a record may set (everything but created_at/updated_at/deleted_at; id included).
    [[nodiscard]] std::vector<const Field*> writable_fields() const;

    bool operator==(const Model&) const = default;
};

/// "OrderItem" -> "order_item", "HTTPLog" -> "http_log" (already snake_case names are unchanged).
std::string snake_case(std::string_view name);

/// "OrderItem" -> "order_items", "Category" -> "categories", "Box" -> "boxes".
std::string default_table_name(std::string_view model_name);

/// True for names usable as SQL identifiers without risk: [A-Za-z_][A-Za-z0-9_]* (max 63).
bool is_safe_identifier(std::string_view name) noexcept;

/// Converts one record value to the field's type. ISO 8601 strings become Timestamps (naive =
/// UTC, offsets applied), decimals stay exact text scaled to the field's scale, strings are
/// checked against max_length. Throws Error(invalid_data) with a message naming the field.
SqlValue convert_value(const Field& field, const boost::json::value& v);

/// Parses ISO 8601 date-time (`2024-01-01T12:00:00`, `.123456`, `Z`, `+05:30`; also a plain
/// date `2024-01-01` = midnight UTC; ' ' accepted for 'T'). nullopt if not ISO 8601.
std::optional<Timestamp> parse_iso8601(std::string_view s) noexcept;
/// "2024-01-01T12:00:00.123456Z" (fraction only when non-zero).
std::string format_timestamp(Timestamp t);
std::optional<Date> parse_date(std::string_view s) noexcept;
std::string format_date(Date d);
/// SqlValue -> JSON (Decimal as string, Timestamp as ISO text, JsonText parsed).
boost::json::value to_json(const SqlValue& v);

/// A proleptic Gregorian calendar date (year may be <= 0 or > 9999 for far-away instants).
struct CivilDate {
    std::int64_t year = 1970;
    unsigned month = 1;   ///< 1..12
    unsigned day = 1;     ///< 1..31
    bool operator==(const CivilDate&) const = default;
};
/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm; no range checks).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept;
/// The civil date `days` days after 1970-01-01 (negative: before).
CivilDate civil_from_days(std::int64_t days) noexcept;

} // namespace bulkflow
