/// @file decimal_math.cpp
/// Schoolbook decimal arithmetic on digit strings (values in expressions are small).

#include "decimal_math.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace bulkflow::sql_detail {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

void strip_leading_zeros(std::string& s) { s.erase(0, std::min(s.find_first_not_of('0'), s.size())); }

BigDecimal make(bool negative, std::string digits, std::uint32_t scale) {
    strip_leading_zeros(digits);
    BigDecimal out{negative && !digits.empty(), std::move(digits), scale};
    return out;
}

/// Digits of `v` with the scale raised to `scale` (>= v.scale).
std::string scaled_digits(const BigDecimal& v, std::uint32_t scale) {
    std::string d = v.digits;
    if (!d.empty()) d.append(scale - v.scale, '0');
    return d;
}

int compare_magnitude(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string add_magnitude(const std::string& a, const std::string& b) {
    std::string out;
    int carry = 0;
    for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
        int s = carry;
        if (i < a.size()) s += a[a.size() - 1 - i] - '0';
        if (i < b.size()) s += b[b.size() - 1 - i] - '0';
        out += static_cast<char>('0' + s % 10);
        carry = s / 10;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

/// a - b for magnitudes with a >= b.
std::string subtract_magnitude(const std::string& a, const std::string& b) {
    std::string out;
    int borrow = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        int s = (a[a.size() - 1 - i] - '0') - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
        borrow = s < 0 ? 1 : 0;
        if (s < 0) s += 10;
        out += static_cast<char>('0' + s);
    }
    std::reverse(out.begin(), out.end());
    strip_leading_zeros(out);
    return out;
}

BigDecimal add_signed(const BigDecimal& a, const BigDecimal& b, bool negate_b) {
    const std::uint32_t scale = std::max(a.scale, b.scale);
    const std::string da = scaled_digits(a, scale), db = scaled_digits(b, scale);
    const bool nb = negate_b ? !b.negative : b.negative;
    if (a.negative == nb) return make(a.negative, add_magnitude(da, db), scale);
    const int c = compare_magnitude(da, db);
    if (c == 0) return make(false, "", scale);
    if (c > 0) return make(a.negative, subtract_magnitude(da, db), scale);
    return make(nb, subtract_magnitude(db, da), scale);
}

} // namespace

std::optional<BigDecimal> parse_decimal(std::string_view s) {
    std::size_t pos = 0;
    bool negative = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';
    std::string digits;
    std::int64_t frac = 0;
    bool any = false;
    while (pos < s.size() && is_digit(s[pos])) digits += s[pos++], any = true;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && is_digit(s[pos])) digits += s[pos++], ++frac, any = true;
    }
    if (!any) return std::nullopt;
    std::int64_t exponent = 0;
    if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
        ++pos;
        bool exp_negative = false;
        if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) exp_negative = s[pos++] == '-';
        const std::size_t begin = pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        if (pos == begin || pos - begin > 3) return std::nullopt;
        exponent = std::atoi(std::string(s.substr(begin, pos - begin)).c_str());
        if (exponent > 400) return std::nullopt;
        if (exp_negative) exponent = -exponent;
    }
    if (pos != s.size()) return std::nullopt;
    std::int64_t scale = frac - exponent;
    if (scale < 0) {
        digits.append(static_cast<std::size_t>(-scale), '0');
        scale = 0;
    }
    return make(negative, std::move(digits), static_cast<std::uint32_t>(scale));
}

BigDecimal decimal_from_int(std::int64_t v) {
    const bool negative = v < 0;
    std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    return make(negative, m == 0 ? std::string{} : std::to_string(m), 0);
}

std::optional<BigDecimal> decimal_from_double(double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc{}) return std::nullopt;
    return parse_decimal(std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

std::string to_text(const BigDecimal& v) {
    std::string d = v.digits;
    if (d.size() <= v.scale) d.insert(0, v.scale + 1 - d.size(), '0');
    if (v.scale > 0) d.insert(d.size() - v.scale, 1, '.');
    return (v.negative ? "-" : "") + d;
}

std::string to_text_trimmed(const BigDecimal& v) {
    BigDecimal t = v;
    while (t.scale > 0 && !t.digits.empty() && t.digits.back() == '0') {
        t.digits.pop_back();
        --t.scale;
    }
    if (t.digits.empty()) t.scale = 0;
    return to_text(t);
}

BigDecimal add(const BigDecimal& a, const BigDecimal& b) { return add_signed(a, b, false); }
BigDecimal subtract(const BigDecimal& a, const BigDecimal& b) { return add_signed(a, b, true); }

BigDecimal multiply(const BigDecimal& a, const BigDecimal& b) {
    const std::uint32_t scale = a.scale + b.scale;
    if (a.is_zero() || b.is_zero()) return make(false, "", scale);
    std::vector<int> acc(a.digits.size() + b.digits.size(), 0);
    for (std::size_t i = a.digits.size(); i-- > 0;)
        for (std::size_t j = b.digits.size(); j-- > 0;) acc[i + j + 1] += (a.digits[i] - '0') * (b.digits[j] - '0');
    for (std::size_t k = acc.size(); k-- > 1;) {
        acc[k - 1] += acc[k] / 10;
        acc[k] %= 10;
    }
    std::string out;
    for (const int d : acc) out += static_cast<char>('0' + d);
    return make(a.negative != b.negative, std::move(out), scale);
}

std::optional<BigDecimal> divide(const BigDecimal& a, const BigDecimal& b) {
    if (b.is_zero()) return std::nullopt;
    const long double q = to_long_double(a) / to_long_double(b);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17Le", q);
    auto parsed = parse_decimal(buf);
    if (!parsed) return std::nullopt;
    return parse_decimal(to_text_trimmed(*parsed));
}

int compare(const BigDecimal& a, const BigDecimal& b) {
    if (a.negative != b.negative) return a.negative ? -1 : 1;
    const std::uint32_t scale = std::max(a.scale, b.scale);
    const int c = compare_magnitude(scaled_digits(a, scale), scaled_digits(b, scale));
    return a.negative ? -c : c;
}

BigDecimal round_half_away(const BigDecimal& v, std::uint32_t scale) {
    if (v.scale <= scale) return make(v.negative, scaled_digits(v, scale), scale);
    const std::size_t drop = v.scale - scale;
    std::string keep = v.digits.size() > drop ? v.digits.substr(0, v.digits.size() - drop) : std::string{};
    const char first_dropped = v.digits.size() >= drop ? v.digits[v.digits.size() - drop] : '0';
    if (first_dropped >= '5') keep = add_magnitude(keep.empty() ? "0" : keep, "1");
    return make(v.negative, std::move(keep), scale);
}

long double to_long_double(const BigDecimal& v) { return std::strtold(to_text(v).c_str(), nullptr); }

std::optional<std::int64_t> to_int64(const BigDecimal& v) {
    if (v.scale != 0) return to_int64(round_half_away(v, 0));
    if (v.digits.empty()) return 0;
    if (v.digits.size() > 19) return std::nullopt;
    std::uint64_t m = 0;
    const auto [end, ec] = std::from_chars(v.digits.data(), v.digits.data() + v.digits.size(), m);
    if (ec != std::errc{} || end != v.digits.data() + v.digits.size()) return std::nullopt;
    constexpr std::uint64_t max = 9223372036854775807ULL;
    if (!v.negative) {
        if (m > max) return std::nullopt;
        return static_cast<std::int64_t>(m);
    }
    if (m > max + 1) return std::nullopt;
    return m == max + 1 ? INT64_MIN : -static_cast<std::int64_t>(m);
}

namespace {

std::optional<BigDecimal> as_number(const SqlValue& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return decimal_from_int(*i);
    if (const auto* d = std::get_if<Decimal>(&v)) return parse_decimal(d->text);
    if (const auto* f = std::get_if<double>(&v)) return decimal_from_double(*f);
    return std::nullopt;
}

} // namespace

std::optional<int> compare_values(const SqlValue& a, const SqlValue& b) {
    if (auto x = as_number(a)) {
        if (auto y = as_number(b)) return compare(*x, *y);
        return std::nullopt;
    }
    if (a.index() != b.index()) return std::nullopt;
    const auto three_way = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (const auto* s = std::get_if<std::string>(&a)) return three_way(*s, std::get<std::string>(b));
    if (const auto* t = std::get_if<Timestamp>(&a)) return three_way(t->micros, std::get<Timestamp>(b).micros);
    if (const auto* d = std::get_if<Date>(&a)) return three_way(d->days, std::get<Date>(b).days);
    if (const auto* x = std::get_if<bool>(&a)) return three_way(*x, std::get<bool>(b));
    if (const auto* j = std::get_if<JsonText>(&a)) return j->text == std::get<JsonText>(b).text ? 0 : 1;
    return std::nullopt;
}

} // namespace bulkflow::sql_detail
