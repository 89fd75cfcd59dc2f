#include "pg_values.hpp"

#include <bulkflow/error.hpp>

#include <charconv>
#include <cmath>
#include <cstring>

namespace bulkflow::detail {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr std::int64_t kDaysPer400Years = 146'097;

void append_digits(std::string& out, std::uint64_t v, int width) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    for (auto n = end - buf; n < width; ++n) out += '0';
    out.append(buf, end);
}

// Years <= 0 are written the way PostgreSQL reads them: year 0 is "0001 ... BC".
bool append_civil(std::string& out, std::int64_t days) {
    const CivilDate c = civil_from_days(days);
    const bool bc = c.year <= 0;
    append_digits(out, static_cast<std::uint64_t>(bc ? 1 - c.year : c.year), 4);
    out += '-';
    append_digits(out, c.month, 2);
    out += '-';
    append_digits(out, c.day, 2);
    return bc;
}

void append_timestamp(std::string& out, Timestamp t) {
    std::int64_t days = t.micros / kMicrosPerDay, rem = t.micros % kMicrosPerDay;
    if (rem < 0) {
        rem += kMicrosPerDay;
        --days;
    }
    const bool bc = append_civil(out, days);
    const auto r = static_cast<std::uint64_t>(rem);
    const std::uint64_t secs = r / 1'000'000, frac = r % 1'000'000;
    out += ' ';
    append_digits(out, secs / 3600, 2);
    out += ':';
    append_digits(out, secs / 60 % 60, 2);
    out += ':';
    append_digits(out, secs % 60, 2);
    if (frac != 0) {
        out += '.';
        append_digits(out, frac, 6);
    }
    out += "+00:00";
    if (bc) out += " BC";
}

void append_date(std::string& out, Date d) {
    if (append_civil(out, d.days)) out += " BC";
}

void append_double(std::string& out, double d) {
    if (std::isnan(d)) out += "NaN";
    else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
    else {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
        (void)ec;
        out.append(buf, end);
    }
}

void append_escaped(std::string& out, std::string_view s) {
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const char* esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
        if (!esc) continue;
        out.append(s.data() + run, i - run);
        out.append(esc, 2);
        run = i + 1;
    }
    out.append(s.data() + run, s.size() - run);
}

// PostgreSQL prints years beyond 9999 with more digits and years before 1 as "... BC";
// parse_iso8601 reads four-digit years only. The Gregorian calendar repeats every 400 years, so
// such a value is read with a stand-in year in 2000-2399 and shifted back by whole cycles.
struct YearSplit {
    std::string text;         // the value with a four-digit year
    std::int64_t shift_days;  // to add after parsing
};
std::optional<YearSplit> four_digit_year(std::string_view s) noexcept {
    bool bc = false;
    if (s.size() > 3 && s.substr(s.size() - 3) == " BC") {
        bc = true;
        s.remove_suffix(3);
    }
    const std::size_t dash = s.find('-');
    if (dash == std::string_view::npos || dash < 4) return std::nullopt;
    std::int64_t year = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + dash, year);
    if (ec != std::errc() || end != s.data() + dash) return std::nullopt;
    if (bc) year = 1 - year;
    YearSplit out;
    if (dash == 4 && !bc) {
        out.text = std::string(s);
        out.shift_days = 0;
        return out;
    }
    const std::int64_t stand_in = 2000 + ((year % 400) + 400) % 400;
    out.text = std::to_string(stand_in);
    out.text += s.substr(dash);
    out.shift_days = (year - stand_in) / 400 * kDaysPer400Years;
    return out;
}

[[noreturn]] void bad_cell(std::string_view column, std::string_view what, std::string_view text) {
    throw Error(ErrorCode::database, "column '" + std::string(column) + "' holds a value that is not " + std::string(what) +
                                         ": " + std::string(text.substr(0, 100)));
}

std::optional<std::int64_t> to_int(std::string_view s) noexcept {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return v;
    return std::nullopt;
}

std::optional<double> to_double(std::string_view s) noexcept {
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return v;
    return std::nullopt;
}

std::optional<bool> to_bool(std::string_view s) noexcept {
    if (s == "t" || s == "true" || s == "1") return true;
    if (s == "f" || s == "false" || s == "0") return false;
    return std::nullopt;
}

bool is_timestamp_oid(unsigned oid) noexcept { return oid == kOidTimestampTz || oid == kOidTimestamp; }

} // namespace

std::string pg_timestamp_text(Timestamp t) {
    std::string s;
    append_timestamp(s, t);
    return s;
}

std::string pg_date_text(Date d) {
    std::string s;
    append_date(s, d);
    return s;
}

std::optional<Timestamp> parse_pg_timestamp(std::string_view s) noexcept {
    try {
        auto split = four_digit_year(s);
        if (!split) return std::nullopt;
        auto t = parse_iso8601(split->text);
        if (!t) return std::nullopt;
        t->micros += split->shift_days * kMicrosPerDay;
        return t;
    } catch (...) {  // std::string allocation
        return std::nullopt;
    }
}

std::optional<Date> parse_pg_date(std::string_view s) noexcept {
    try {
        auto split = four_digit_year(s);
        if (!split) return std::nullopt;
        auto d = parse_date(split->text);
        if (!d) return std::nullopt;
        d->days += static_cast<std::int32_t>(split->shift_days);
        return d;
    } catch (...) {
        return std::nullopt;
    }
}

void append_copy_cell(std::string& out, const SqlValue& v) {
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) out += "\\N";
            else if constexpr (std::is_same_v<T, std::int64_t>) {
                char buf[24];
                auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
                (void)ec;
                out.append(buf, end);
            } else if constexpr (std::is_same_v<T, double>) append_double(out, x);
            else if constexpr (std::is_same_v<T, bool>) out += x ? 't' : 'f';
            else if constexpr (std::is_same_v<T, std::string>) append_escaped(out, x);
            else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, JsonText>) append_escaped(out, x.text);
            else if constexpr (std::is_same_v<T, Timestamp>) append_timestamp(out, x);
            else if constexpr (std::is_same_v<T, Date>) append_date(out, x);
        },
        v);
}

std::optional<NulCell> find_nul(const RowBatch& rows) noexcept {
    const std::size_t width = rows.columns().size();
    auto has_nul = [](const std::string& s) { return std::memchr(s.data(), '\0', s.size()) != nullptr; };
    for (std::size_t r = 0; r < rows.rows(); ++r)
        for (std::size_t c = 0; c < width; ++c) {
            const SqlValue& v = rows.at(r, c);
            bool nul = false;
            if (auto* s = std::get_if<std::string>(&v)) nul = has_nul(*s);
            else if (auto* j = std::get_if<JsonText>(&v)) nul = has_nul(j->text);
            else if (auto* d = std::get_if<Decimal>(&v)) nul = has_nul(d->text);
            if (nul) return NulCell{r, c};
        }
    return std::nullopt;
}

PgParam to_param(const SqlValue& v) {
    PgParam p;
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) return;
            else if constexpr (std::is_same_v<T, std::int64_t>) {
                p.text = std::to_string(x);
                p.oid = kOidInt8;
            } else if constexpr (std::is_same_v<T, double>) {
                p.text.emplace();
                append_double(*p.text, x);
                p.oid = kOidFloat8;
            } else if constexpr (std::is_same_v<T, bool>) {
                p.text = x ? "t" : "f";
                p.oid = kOidBool;
            } else if constexpr (std::is_same_v<T, std::string>) {
                p.text = x;  // untyped: the server infers text, varchar, jsonb... from the context
            } else if constexpr (std::is_same_v<T, Decimal>) {
                p.text = x.text;
                p.oid = kOidNumeric;
            } else if constexpr (std::is_same_v<T, Timestamp>) {
                p.text = pg_timestamp_text(x);
                p.oid = kOidTimestampTz;
            } else if constexpr (std::is_same_v<T, Date>) {
                p.text = pg_date_text(x);
                p.oid = kOidDate;
            } else if constexpr (std::is_same_v<T, JsonText>) {
                p.text = x.text;  // untyped: json or jsonb, whichever the column is
            }
        },
        v);
    return p;
}

SqlValue from_pg_text(std::string_view text, const Field* field, unsigned oid, std::string_view column) {
    auto as_timestamp = [&]() -> Timestamp {
        if (oid == kOidDate) {
            if (auto d = parse_pg_date(text)) return Timestamp{std::int64_t{d->days} * kMicrosPerDay};
        } else if (auto t = parse_pg_timestamp(text)) {
            return *t;
        }
        bad_cell(column, "a timestamp", text);
    };
    if (!field) {
        switch (oid) {
        case kOidInt2:
        case kOidInt4:
        case kOidInt8:
        case kOidOid:
            if (auto i = to_int(text)) return *i;
            bad_cell(column, "an integer", text);
        case kOidFloat4:
        case kOidFloat8:
            if (auto d = to_double(text)) return *d;
            bad_cell(column, "a number", text);
        case kOidBool:
            if (auto b = to_bool(text)) return *b;
            bad_cell(column, "a boolean", text);
        case kOidNumeric: return Decimal{std::string(text)};
        case kOidTimestamp:
        case kOidTimestampTz: return as_timestamp();
        case kOidDate:
            if (auto d = parse_pg_date(text)) return *d;
            bad_cell(column, "a date", text);
        case kOidJson:
        case kOidJsonb: return JsonText{std::string(text)};
        default: return std::string(text);
        }
    }
    switch (field->type) {
    case FieldType::integer: {
        if (auto i = to_int(text)) return *i;
        if (oid == kOidBool)
            if (auto b = to_bool(text)) return std::int64_t{*b ? 1 : 0};
        // numeric results (SUM of bigint) print integers without a fraction; anything else is not ours
        bad_cell(column, "an integer", text);
    }
    case FieldType::boolean:
        if (auto b = to_bool(text)) return *b;
        bad_cell(column, "a boolean", text);
    case FieldType::floating:
        if (auto d = to_double(text)) return *d;
        bad_cell(column, "a number", text);
    case FieldType::decimal: return Decimal{std::string(text)};
    case FieldType::datetime: return as_timestamp();
    case FieldType::date: {
        if (is_timestamp_oid(oid)) {
            if (auto t = parse_pg_timestamp(text)) {
                std::int64_t days = t->micros / kMicrosPerDay;
                if (t->micros % kMicrosPerDay < 0) --days;
                return Date{static_cast<std::int32_t>(days)};
            }
        } else if (auto d = parse_pg_date(text)) {
            return *d;
        }
        bad_cell(column, "a date", text);
    }
    case FieldType::json: return JsonText{std::string(text)};
    case FieldType::str: return std::string(text);
    }
    return std::string(text);
}

} // namespace bulkflow::detail
