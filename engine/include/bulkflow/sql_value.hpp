#pragma once
/// @file sql_value.hpp
/// Typed values bound to SQL statements. Records are converted to these once (against the
/// Model) and every dialect encodes them without re-parsing text.

#include <cstdint>
#include <string>
#include <variant>

namespace bulkflow {

/// Exact decimal as canonical text ("-12.50"), never through binary floating point.
struct Decimal {
    std::string text;
    bool operator==(const Decimal&) const = default;
};
/// UTC instant in microseconds since 1970-01-01T00:00:00Z.
struct Timestamp {
    std::int64_t micros = 0;
    bool operator==(const Timestamp&) const = default;
};
/// Calendar date as days since 1970-01-01.
struct Date {
    std::int32_t days = 0;
    bool operator==(const Date&) const = default;
};
/// Serialized JSON document.
struct JsonText {
    std::string text;
    bool operator==(const JsonText&) const = default;
};

/// monostate is SQL NULL.
using SqlValue =
    std::variant<std::monostate, std::int64_t, double, bool, std::string, Decimal, Timestamp, Date, JsonText>;

inline bool is_null(const SqlValue& v) noexcept { return std::holds_alternative<std::monostate>(v); }

} // namespace bulkflow
