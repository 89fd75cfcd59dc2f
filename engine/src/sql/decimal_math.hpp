#pragma once
/// @file decimal_math.hpp
/// Exact decimal arithmetic on text digits for Expr::evaluate (private to engine/src/sql).
/// + - * and comparisons are exact; division goes through long double (18 significant digits).

#include <bulkflow/sql_value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulkflow::sql_detail {

/// value = (-1)^negative * digits * 10^-scale; digits has no leading zeros ("" is zero).
struct BigDecimal {
    bool negative = false;
    std::string digits;
    std::uint32_t scale = 0;

    [[nodiscard]] bool is_zero() const noexcept { return digits.empty(); }
};

/// Parses [+-]digits[.digits][(e|E)[+-]digits] (at least one digit; exponent at most 400).
std::optional<BigDecimal> parse_decimal(std::string_view text);
BigDecimal decimal_from_int(std::int64_t v);
/// Shortest text that round-trips the double ("0.1" for 0.1); nullopt for NaN/infinity.
std::optional<BigDecimal> decimal_from_double(double v);

/// "-12.50": every fraction digit kept, "0." prefix for |v| < 1, never "-0".
std::string to_text(const BigDecimal& v);
/// As to_text, with trailing fraction zeros removed ("2.50" -> "2.5", "3.00" -> "3").
std::string to_text_trimmed(const BigDecimal& v);

BigDecimal add(const BigDecimal& a, const BigDecimal& b);
BigDecimal subtract(const BigDecimal& a, const BigDecimal& b);
BigDecimal multiply(const BigDecimal& a, const BigDecimal& b);
/// a / b through long double; nullopt when b is zero.
std::optional<BigDecimal> divide(const BigDecimal& a, const BigDecimal& b);
/// -1, 0, 1.
int compare(const BigDecimal& a, const BigDecimal& b);
/// Rounds to `scale` fraction digits, half away from zero (2.345 -> 2.35, -2.345 -> -2.35).
BigDecimal round_half_away(const BigDecimal& v, std::uint32_t scale);
long double to_long_double(const BigDecimal& v);
/// The integer value (after rounding to scale 0 by the caller); nullopt when out of int64 range.
std::optional<std::int64_t> to_int64(const BigDecimal& v);

/// Orders two values: numbers (int, float, decimal) numerically and exactly, strings by bytes,
/// datetimes, dates and booleans by value, JSON by text equality (0 or 1). nullopt when the values
/// cannot be compared (different kinds, NULL).
std::optional<int> compare_values(const SqlValue& a, const SqlValue& b);

} // namespace bulkflow::sql_detail
