/// @file convert.cpp
/// Record value -> SqlValue for a field's type. The rules, strict so that no value is ever
/// silently changed:
///   any type   JSON null -> SQL NULL (whether the field may be NULL is the caller's business)
///   str        strings only (numbers are rejected, not stringified); valid UTF-8; max_length
///              counts Unicode code points
///   int        JSON integers in int64 range, integral doubles (12.0), exact numbers whose text is
///              an integer in range (9007199254740993.0), strings of digits with an optional sign
///              ("-12", "+7": CSV cells are strings); "12.5", "", " 1", overflow rejected
///   float      numbers, exact numbers, numeric strings ("1.5", "-2e3"); NaN, infinities, and
///              texts out of the double range or that round to zero (1e-400) rejected
///   bool       true/false, integers 0/1, strings true/false/1/0/yes/no (any case)
///   decimal    exact: strings ("19.99", "-0.5", "1e3", "+.5"), JSON integers, exact numbers by
///              their text, and JSON doubles through their shortest round-trip text
///              (19.99 -> "19.99"); the result has exactly
///              `scale` fraction digits; extra fraction digits must be zeros ("12.340" -> "12.34"
///              at scale 2, "12.345" is an error), too many integer digits for the precision is
///              an error; "-0" becomes "0.00"
///   datetime   ISO 8601 strings (parse_iso8601); epoch numbers are rejected
///   date       "YYYY-MM-DD"; also a date-time written at exactly midnight without an offset other
///              than zero ("2024-01-01T00:00:00", "...Z"), as Python's isoformat() of a date gives
///   json       any JSON, stored serialized by to_json_text (numbers as written): a JSON string
///              is stored as a JSON string literal ("\"abc\""), never re-parsed
/// An exact number cell {"$number": "<text>"} (bulkflow/json_number.hpp) is a number throughout.

#include "model_detail.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/json_number.hpp>
#include <bulkflow/json_text.hpp>
#include <bulkflow/model.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace bulkflow {

namespace model_detail {

std::string_view json_kind(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return exact_number_text(v) ? "a number" : "an object";
    }
    return "a value";
}

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
std::size_t utf8_seq_len(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return k < s.size() && b(k) >= lo && b(k) <= hi;
    };
    const unsigned c = b(i);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
    if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;  // no surrogates
    if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    return 0;
}

} // namespace

std::size_t utf8_invalid_at(std::string_view s, std::size_t* count) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = utf8_seq_len(s, i);
        if (len == 0) {
            if (count) *count = n;
            return i;
        }
        i += len;
        ++n;
    }
    if (count) *count = n;
    return std::string_view::npos;
}

std::string quoted(std::string_view s) {
    constexpr std::size_t max_points = 60;
    std::string out = "'";
    std::size_t points = 0;
    for (std::size_t i = 0; i < s.size(); ++points) {
        if (points == max_points) {
            out += "...";
            break;
        }
        const std::size_t len = utf8_seq_len(s, i);
        if (len == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    out += '\'';
    return out;
}

} // namespace model_detail

namespace {

using model_detail::json_kind;
using model_detail::quoted;

[[noreturn]] void fail(const Field& f, const std::string& message) {
    throw Error(ErrorCode::invalid_data, "field '" + f.name + "': " + message);
}

[[noreturn]] void fail_kind(const Field& f, std::string_view expected, const boost::json::value& v) {
    fail(f, "expected " + std::string(expected) + ", got " + std::string(json_kind(v)));
}

/// A JSON number as written in messages (doubles in shortest form: 12.5, not 1.25E1).
std::string number_text(const boost::json::value& v) {
    if (!v.is_double()) return to_json_text(v);
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
    (void)ec;
    return std::string(buf, end);
}

std::int64_t int_from_text(const Field& f, std::string_view s, const std::string& shown);
double float_from_text(const Field& f, std::string_view s, const std::string& shown);
Decimal decimal_from_text(const Field& f, std::string_view s, const std::string& shown);

bool iequals(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

std::string convert_str(const Field& f, std::string_view s) {
    std::size_t points = 0;
    const std::size_t bad = model_detail::utf8_invalid_at(s, &points);
    if (bad != std::string_view::npos)
        fail(f, "invalid UTF-8 at byte " + std::to_string(bad) + " of " + quoted(s));
    if (f.max_length && points > *f.max_length)
        fail(f, quoted(s) + " is longer than max_length " + std::to_string(*f.max_length) + " (" +
                    std::to_string(points) + " characters)");
    return std::string(s);
}

std::int64_t convert_int(const Field& f, const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::int64: return v.get_int64();
    case boost::json::kind::uint64: {
        const std::uint64_t u = v.get_uint64();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail(f, std::to_string(u) + " is out of range for a 64-bit integer");
        return static_cast<std::int64_t>(u);
    }
    case boost::json::kind::double_: {
        const double d = v.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) fail(f, number_text(v) + " is not an integer");
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
            fail(f, number_text(v) + " is out of range for a 64-bit integer");
        return static_cast<std::int64_t>(d);
    }
    case boost::json::kind::object:
        if (const auto* text = exact_number_text(v)) return int_from_text(f, *text, std::string(*text));
        fail_kind(f, "an integer", v);
    case boost::json::kind::string: {
        const std::string_view s = v.get_string();
        std::string_view digits = s;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        if (digits.empty() || digits.front() == '+' || (digits.front() == '-' && s.front() == '+'))
            fail(f, quoted(s) + " is not an integer");
        std::int64_t out = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        if (end != digits.data() + digits.size()) fail(f, quoted(s) + " is not an integer");
        if (ec == std::errc::result_out_of_range) fail(f, quoted(s) + " is out of range for a 64-bit integer");
        if (ec != std::errc{}) fail(f, quoted(s) + " is not an integer");
        return out;
    }
    default: fail_kind(f, "an integer", v);
    }
}

double convert_float(const Field& f, const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::int64: return static_cast<double>(v.get_int64());
    case boost::json::kind::uint64: return static_cast<double>(v.get_uint64());
    case boost::json::kind::double_: {
        const double d = v.get_double();
        if (!std::isfinite(d)) fail(f, "NaN and infinity are not allowed");
        return d;
    }
    case boost::json::kind::object:
        if (const auto* text = exact_number_text(v)) return float_from_text(f, *text, std::string(*text));
        fail_kind(f, "a number", v);
    case boost::json::kind::string: return float_from_text(f, v.get_string(), quoted(v.get_string()));
    default: fail_kind(f, "a number", v);
    }
}

/// A number's text -> the nearest double; out of range, or a non-zero text that rounds to zero,
/// is an error (a float may round, never overflow or vanish).
double float_from_text(const Field& f, std::string_view s, const std::string& shown) {
    std::string_view text = s;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.front() == '+' || (text.front() == '-' && s.front() == '+'))
        fail(f, shown + " is not a number");
    double out = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec == std::errc{} && end == text.data() + text.size() && !std::isfinite(out))
        fail(f, shown + ": NaN and infinity are not allowed");
    const std::size_t mantissa = std::min(text.find_first_of("eE"), text.size());
    const bool vanished = out == 0 && text.substr(0, mantissa).find_first_of("123456789") != std::string_view::npos;
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && vanished))
        fail(f, shown + " is out of range for a float");
    if (ec != std::errc{} || end != text.data() + text.size()) fail(f, shown + " is not a number");
    return out;
}

bool convert_bool(const Field& f, const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::bool_: return v.get_bool();
    case boost::json::kind::int64:
    case boost::json::kind::uint64: {
        const bool is_one = v.is_int64() ? v.get_int64() == 1 : v.get_uint64() == 1;
        const bool is_zero = v.is_int64() ? v.get_int64() == 0 : v.get_uint64() == 0;
        if (!is_one && !is_zero) fail(f, boost::json::serialize(v) + " is not a boolean (expected 0 or 1)");
        return is_one;
    }
    case boost::json::kind::string: {
        const std::string_view s = v.get_string();
        if (iequals(s, "true") || s == "1" || iequals(s, "yes")) return true;
        if (iequals(s, "false") || s == "0" || iequals(s, "no")) return false;
        fail(f, quoted(s) + " is not a boolean (expected true, false, 1, 0, yes or no)");
    }
    default: fail_kind(f, "a boolean", v);
    }
}

bool all_digits(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// An exact decimal split at its point, the exponent applied: int_part has no leading zeros.
struct DecimalParts {
    bool negative = false;
    std::string int_part;
    std::string frac_part;
};

/// Exact decimal text ([+-]digits[.digits][e[+-]digits]) -> its parts; throws when not a number.
DecimalParts split_decimal(const Field& f, std::string_view s, const std::string& shown) {
    const auto not_a_decimal = [&]() { fail(f, shown + " is not a decimal number"); };
    std::size_t pos = 0;
    bool negative = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';
    const std::size_t int_begin = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    std::string_view int_digits = s.substr(int_begin, pos - int_begin);
    std::string_view frac_digits;
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t frac_begin = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        frac_digits = s.substr(frac_begin, pos - frac_begin);
    }
    if (int_digits.empty() && frac_digits.empty()) not_a_decimal();
    std::int64_t exponent = 0;
    if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
        ++pos;
        bool exp_negative = false;
        if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) exp_negative = s[pos++] == '-';
        const std::string_view exp_digits = s.substr(pos);
        if (exp_digits.empty() || !all_digits(exp_digits)) not_a_decimal();
        // Beyond 400 the value cannot fit 38 digits or has more than 38 fraction digits anyway
        // (unless it is zero, which nobody writes as 0e999).
        if (exp_digits.size() > 3) fail(f, shown + " is out of range");
        exponent = std::stoll(std::string(exp_digits));
        if (exponent > 400) fail(f, shown + " is out of range");
        if (exp_negative) exponent = -exponent;
        pos = s.size();
    }
    if (pos != s.size()) not_a_decimal();

    // Move the decimal point by the exponent.
    std::string all(int_digits);
    all += frac_digits;
    const std::int64_t point = static_cast<std::int64_t>(int_digits.size()) + exponent;
    std::string int_part;
    std::string frac_part;
    if (point <= 0) {
        frac_part.assign(static_cast<std::size_t>(-point), '0');
        frac_part += all;
    } else if (static_cast<std::size_t>(point) >= all.size()) {
        int_part = all;
        int_part.append(static_cast<std::size_t>(point) - all.size(), '0');
    } else {
        int_part = all.substr(0, static_cast<std::size_t>(point));
        frac_part = all.substr(static_cast<std::size_t>(point));
    }
    int_part.erase(0, std::min(int_part.find_first_not_of('0'), int_part.size()));
    return DecimalParts{negative, std::move(int_part), std::move(frac_part)};
}

/// A number's exact text -> int64: the text must be an integer (12, 12.0, 1.2e1) in range.
std::int64_t int_from_text(const Field& f, std::string_view s, const std::string& shown) {
    DecimalParts p = split_decimal(f, s, shown);
    if (p.frac_part.find_first_not_of('0') != std::string::npos) fail(f, shown + " is not an integer");
    if (p.int_part.empty()) return 0;
    if (p.negative) p.int_part.insert(0, 1, '-');
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(p.int_part.data(), p.int_part.data() + p.int_part.size(), out);
    if (ec != std::errc{}) fail(f, shown + " is out of range for a 64-bit integer");
    return out;
}

/// Exact decimal text -> canonical text with exactly f.scale fraction digits.
Decimal decimal_from_text(const Field& f, std::string_view s, const std::string& shown) {
    auto [negative, int_part, frac_part] = split_decimal(f, s, shown);
    if (frac_part.size() > f.scale) {
        if (frac_part.find_first_not_of('0', f.scale) != std::string::npos)
            fail(f, shown + " has more than " + std::to_string(f.scale) + " decimal place" +
                        (f.scale == 1 ? "" : "s"));
        frac_part.resize(f.scale);
    }
    frac_part.append(f.scale - frac_part.size(), '0');
    const std::size_t max_int_digits = f.precision > f.scale ? f.precision - f.scale : 0;
    if (int_part.size() > max_int_digits)
        fail(f, shown + " does not fit decimal(" + std::to_string(f.precision) + "," + std::to_string(f.scale) +
                    "): at most " + std::to_string(max_int_digits) + " digit" + (max_int_digits == 1 ? "" : "s") +
                    " before the decimal point");

    const bool zero = int_part.empty() && frac_part.find_first_not_of('0') == std::string::npos;
    Decimal out;
    out.text.reserve(int_part.size() + frac_part.size() + 3);
    if (negative && !zero) out.text += '-';
    out.text += int_part.empty() ? "0" : int_part;
    if (f.scale > 0) {
        out.text += '.';
        out.text += frac_part;
    }
    return out;
}

Decimal convert_decimal(const Field& f, const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::int64:
    case boost::json::kind::uint64: {
        const std::string text = boost::json::serialize(v);
        return decimal_from_text(f, text, text);
    }
    case boost::json::kind::double_: {
        if (!std::isfinite(v.get_double())) fail(f, "NaN and infinity are not allowed");
        const std::string text = number_text(v);  // shortest round-trip text: 19.99 -> "19.99"
        return decimal_from_text(f, text, text);
    }
    case boost::json::kind::object:
        if (const auto* text = exact_number_text(v)) return decimal_from_text(f, *text, std::string(*text));
        fail_kind(f, "a decimal number or a string", v);
    case boost::json::kind::string: {
        const std::string_view s = v.get_string();
        return decimal_from_text(f, s, quoted(s));
    }
    default: fail_kind(f, "a decimal number or a string", v);
    }
}

Timestamp convert_datetime(const Field& f, const boost::json::value& v) {
    if (!v.is_string()) fail_kind(f, "an ISO 8601 date-time string", v);
    const std::string_view s = v.get_string();
    if (auto t = parse_iso8601(s)) return *t;
    fail(f, quoted(s) + " is not a valid ISO 8601 date-time (e.g. 2024-01-01T12:00:00Z)");
}

Date convert_date(const Field& f, const boost::json::value& v) {
    if (!v.is_string()) fail_kind(f, "a date string (YYYY-MM-DD)", v);
    const std::string_view s = v.get_string();
    if (auto d = parse_date(s)) return *d;
    if (auto p = model_detail::parse_iso_parts(s)) {
        if (p->hour == 0 && p->minute == 0 && p->second == 0 && p->micros == 0 && p->offset_seconds == 0)
            return Date{static_cast<std::int32_t>(days_from_civil(p->year, p->month, p->day))};
        fail(f, quoted(s) + " is not a date: it has a time of day or an offset (expected YYYY-MM-DD)");
    }
    fail(f, quoted(s) + " is not a valid date (expected YYYY-MM-DD)");
}

} // namespace

SqlValue convert_value(const Field& field, const boost::json::value& v) {
    if (v.is_null()) return std::monostate{};
    switch (field.type) {
    case FieldType::str:
        if (!v.is_string()) fail_kind(field, "a string", v);
        return convert_str(field, v.get_string());
    case FieldType::integer: return convert_int(field, v);
    case FieldType::floating: return convert_float(field, v);
    case FieldType::boolean: return convert_bool(field, v);
    case FieldType::decimal: return convert_decimal(field, v);
    case FieldType::datetime: return convert_datetime(field, v);
    case FieldType::date: return convert_date(field, v);
    case FieldType::json: return JsonText{to_json_text(v)};
    }
    throw Error(ErrorCode::internal, "field '" + field.name + "': unknown field type");
}

boost::json::value to_json(const SqlValue& v) {
    struct Visitor {
        boost::json::value operator()(std::monostate) const { return nullptr; }
        boost::json::value operator()(std::int64_t i) const { return i; }
        boost::json::value operator()(double d) const { return d; }
        boost::json::value operator()(bool b) const { return b; }
        boost::json::value operator()(const std::string& s) const { return boost::json::string(s); }
        boost::json::value operator()(const Decimal& d) const { return boost::json::string(d.text); }
        boost::json::value operator()(Timestamp t) const { return boost::json::string(format_timestamp(t)); }
        boost::json::value operator()(Date d) const { return boost::json::string(format_date(d)); }
        boost::json::value operator()(const JsonText& j) const {
            boost::system::error_code ec;
            auto parsed = parse_json(j.text, ec);
            if (ec) return boost::json::string(j.text);  // not JSON after all: keep the text
            return parsed;
        }
    };
    return std::visit(Visitor{}, v);
}

} // namespace bulkflow
