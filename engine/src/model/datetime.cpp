/// @file datetime.cpp
/// ISO 8601 parsing and formatting of Timestamps and Dates, without timegm, locales or time zones:
/// the calendar arithmetic is Howard Hinnant's days_from_civil / civil_from_days.
///
/// Accepted (parse_iso8601), and nothing else:
///   YYYY-MM-DD                                  midnight UTC
///   YYYY-MM-DD(T|t| )HH:MM
///   YYYY-MM-DD(T|t| )HH:MM:SS[.f{1,9}]          fraction only after seconds; digits beyond the
///                                               6th (microseconds) are truncated, not rounded
/// followed, after a time, by an optional zone: Z, z, +HH:MM, +HHMM, +HH (or '-'). No zone means
/// UTC. Ranges are checked: month 1-12, day within the month (leap years included), hour 0-23,
/// minute 0-59, second 0-59 (a leap second 60 is rejected), offset up to 23:59.

#include "model_detail.hpp"

#include <bulkflow/model.hpp>

#include <charconv>
#include <cstdint>
#include <string>

namespace bulkflow {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<std::uint64_t>(y - era * 400);                  // [0, 399]
    const std::uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;   // [0, 365]
    const std::uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             // [0, 146096]
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<std::uint64_t>(z - era * 146097);                       // [0, 146096]
    const std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;     // [0, 399]
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                   // [0, 365]
    const std::uint64_t mp = (5 * doy + 2) / 153;                                        // [0, 11]
    const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);                  // [1, 31]
    const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);                     // [1, 12]
    return CivilDate{y + (m <= 2 ? 1 : 0), m, d};
}

namespace model_detail {
namespace {

constexpr bool is_leap(std::int64_t y) noexcept { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : table[m - 1];
}

/// Reads exactly `n` ASCII digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) noexcept {
    if (pos > s.size() || s.size() - pos < n) return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    pos += n;
    out = v;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) noexcept {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

} // namespace

std::optional<IsoParts> parse_iso_parts(std::string_view s) noexcept {
    IsoParts p;
    std::size_t pos = 0;
    unsigned year = 0;
    if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, p.month) ||
        !expect(s, pos, '-') || !digits(s, pos, 2, p.day))
        return std::nullopt;
    p.year = year;
    if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in_month(p.year, p.month)) return std::nullopt;
    if (pos == s.size()) return p;

    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    p.has_time = true;
    if (!digits(s, pos, 2, p.hour) || !expect(s, pos, ':') || !digits(s, pos, 2, p.minute)) return std::nullopt;
    if (p.hour > 23 || p.minute > 59) return std::nullopt;
    if (expect(s, pos, ':')) {
        if (!digits(s, pos, 2, p.second) || p.second > 59) return std::nullopt;
        if (expect(s, pos, '.')) {
            std::size_t n = 0;
            std::int64_t frac = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                if (n < 6) frac = frac * 10 + (s[pos] - '0');
                ++n;
                ++pos;
            }
            if (n < 1 || n > 9) return std::nullopt;
            for (std::size_t i = n; i < 6; ++i) frac *= 10;
            p.micros = frac;
        }
    }
    if (pos == s.size()) return p;

    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
        p.has_zone = true;
    } else if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        unsigned oh = 0;
        unsigned om = 0;
        if (!digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size()) {
            expect(s, pos, ':');
            if (!digits(s, pos, 2, om)) return std::nullopt;
        }
        if (oh > 23 || om > 59) return std::nullopt;
        p.has_zone = true;
        p.offset_seconds = sign * static_cast<std::int32_t>(oh * 3600 + om * 60);
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    return p;
}

} // namespace model_detail

std::optional<Timestamp> parse_iso8601(std::string_view s) noexcept {
    const auto p = model_detail::parse_iso_parts(s);
    if (!p) return std::nullopt;
    const std::int64_t days = days_from_civil(p->year, p->month, p->day);
    const std::int64_t seconds =
        days * 86400 + p->hour * 3600 + p->minute * 60 + p->second - p->offset_seconds;
    return Timestamp{seconds * 1'000'000 + p->micros};
}

std::optional<Date> parse_date(std::string_view s) noexcept {
    if (s.size() != 10) return std::nullopt;
    const auto p = model_detail::parse_iso_parts(s);
    if (!p || p->has_time) return std::nullopt;
    return Date{static_cast<std::int32_t>(days_from_civil(p->year, p->month, p->day))};
}

namespace {

void append_padded(std::string& out, std::uint64_t v, int width) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    for (auto n = end - buf; n < width; ++n) out += '0';
    out.append(buf, end);
}

void append_civil(std::string& out, const CivilDate& c) {
    // ISO 8601 expanded years: a sign outside 0000-9999.
    if (c.year < 0) {
        out += '-';
        append_padded(out, static_cast<std::uint64_t>(-c.year), 4);
    } else {
        if (c.year > 9999) out += '+';
        append_padded(out, static_cast<std::uint64_t>(c.year), 4);
    }
    out += '-';
    append_padded(out, c.month, 2);
    out += '-';
    append_padded(out, c.day, 2);
}

} // namespace

std::string format_timestamp(Timestamp t) {
    constexpr std::int64_t micros_per_day = 86'400'000'000;
    std::int64_t days = t.micros / micros_per_day;
    std::int64_t rem = t.micros % micros_per_day;
    if (rem < 0) {  // floor division: 1969-12-31T23:59:59Z is -1'000'000
        rem += micros_per_day;
        --days;
    }
    const auto r = static_cast<std::uint64_t>(rem);
    const std::uint64_t secs = r / 1'000'000;
    const std::uint64_t micros = r % 1'000'000;
    std::string out;
    out.reserve(32);
    append_civil(out, civil_from_days(days));
    out += 'T';
    append_padded(out, secs / 3600, 2);
    out += ':';
    append_padded(out, secs / 60 % 60, 2);
    out += ':';
    append_padded(out, secs % 60, 2);
    if (micros != 0) {
        out += '.';
        append_padded(out, micros, 6);
    }
    out += 'Z';
    return out;
}

std::string format_date(Date d) {
    std::string out;
    out.reserve(12);
    append_civil(out, civil_from_days(d.days));
    return out;
}

} // namespace bulkflow
