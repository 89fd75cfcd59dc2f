#include "pg_copy_encode.hpp"

#include "pg_values.hpp"

#include <bulkflow/error.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>

namespace bulkflow::detail {
namespace {

// PostgreSQL's epoch (2000-01-01) relative to the Unix epoch.
constexpr std::int64_t kPgEpochDays = 10'957;
constexpr std::int64_t kPgEpochMicros = kPgEpochDays * 86'400'000'000;

template <class U>
void put_be(std::string& out, U v) {
    char b[sizeof(U)];
    for (std::size_t i = 0; i < sizeof(U); ++i) b[i] = static_cast<char>(v >> (8 * (sizeof(U) - 1 - i)));
    out.append(b, sizeof(U));
}

const std::string* text_of(const SqlValue& v) noexcept {
    if (auto* s = std::get_if<std::string>(&v)) return s;
    if (auto* j = std::get_if<JsonText>(&v)) return &j->text;
    if (auto* d = std::get_if<Decimal>(&v)) return &d->text;
    return nullptr;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::int64_t floor_div4(std::int64_t e) noexcept { return e >= 0 ? e / 4 : -((-e + 3) / 4); }

// --- text / csv ------------------------------------------------------------------------------

// Text format: backslash, CR, LF, tab and the delimiter are escaped.
void append_text_escaped(std::string& out, std::string_view s, char delimiter) {
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else {
            if (c == delimiter) out += '\\';  // "\<c>" reads as <c> (the delimiter is never a letter or digit)
            out += c;
        }
    }
}

void append_text_field(std::string& out, std::string_view raw, const CopyOptions& o) {
    const std::size_t start = out.size();
    append_text_escaped(out, raw, o.delimiter);
    if (std::string_view(out).substr(start) != o.null) return;
    // It would read as NULL (e.g. a value "NULL" with NULL 'NULL'): spell every byte in octal,
    // or in hex should the NULL marker be exactly that octal spelling.
    for (const bool hex : {false, true}) {
        out.resize(start);
        for (unsigned char c : raw) {
            const char* digits = "0123456789abcdef";
            if (hex) {
                const char b[4] = {'\\', 'x', digits[c >> 4], digits[c & 15]};
                out.append(b, 4);
            } else {
                const char b[4] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                                   static_cast<char>('0' + (c & 7))};
                out.append(b, 4);
            }
        }
        if (std::string_view(out).substr(start) != o.null) return;
    }
}

void append_csv_field(std::string& out, std::string_view raw, const CopyOptions& o) {
    const bool quote = raw.empty() || raw == o.null || raw.starts_with("\\.") ||
                       raw.find_first_of(std::string_view("\"\n\r", 3)) != std::string_view::npos ||
                       raw.find(o.delimiter) != std::string_view::npos;
    if (!quote) {
        out += raw;
        return;
    }
    out += '"';
    for (char c : raw) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

// --- option validation -----------------------------------------------------------------------

std::string shown(char c) {
    if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
    const char* digits = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 15];
}

[[noreturn]] void bad(const std::string& message) { throw Error(ErrorCode::invalid_parameter, message); }

std::string sql_literal(std::string_view s) {
    const bool backslash = s.find('\\') != std::string_view::npos;
    std::string out = backslash ? "E'" : "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        if (c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

} // namespace

PgLoadOptions pg_load_options(const LoadOptions& o) {
    PgLoadOptions p;
    p.use_copy = o.use_copy;
    std::string format = o.copy_format;
    std::transform(format.begin(), format.end(), format.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (format.empty() || format == "binary") p.copy.format = CopyFormat::binary;
    else if (format == "text") p.copy.format = CopyFormat::text;
    else if (format == "csv") p.copy.format = CopyFormat::csv;
    else bad("copy_options.format must be binary, text or csv, not '" + o.copy_format + "'");
    const auto f = p.copy.format;
    const char* fname = f == CopyFormat::csv ? "csv" : "text";

    if (o.copy_delimiter.empty()) {
        p.copy.delimiter = f == CopyFormat::csv ? ',' : '\t';
    } else {
        const std::string& d = o.copy_delimiter;
        if (f == CopyFormat::binary) bad("copy_options.delimiter applies to format text or csv, not binary");
        if (d.size() != 1)
            bad("copy_options.delimiter must be one single-byte character, not '" + d + "' (" + std::to_string(d.size()) + " bytes)");
        const char c = d[0];
        if (c == '"' || c == '\\' || c == '\r' || c == '\n' || c == '\0' || static_cast<unsigned char>(c) >= 0x80)
            bad("copy_options.delimiter cannot be " + shown(c) + " (not a quote, backslash, CR, LF, NUL or non-ASCII byte)");
        if (f == CopyFormat::text && std::strchr(".abcdefghijklmnopqrstuvwxyz0123456789", c))
            bad("copy_options.delimiter cannot be " + shown(c) +
                " with format text (lowercase letters, digits and '.' mean escapes there); use format csv");
        p.copy.delimiter = c;
    }

    if (o.copy_null.empty()) {
        p.copy.null = f == CopyFormat::csv ? "" : "\\N";
    } else {
        const std::string& n = o.copy_null;
        if (f == CopyFormat::binary) bad("copy_options.null_string applies to format text or csv, not binary");
        if (n.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
            bad("copy_options.null_string cannot contain CR, LF or NUL");
        if (n.find(p.copy.delimiter) != std::string::npos)
            bad("copy_options.null_string '" + n + "' cannot contain the delimiter " + shown(p.copy.delimiter) + " (format " + fname + ")");
        if (f == CopyFormat::csv && n.find('"') != std::string::npos) bad("copy_options.null_string cannot contain '\"' with format csv");
        // Text format splits fields before it compares them with the NULL marker, so a marker
        // ending in an unpaired backslash would escape the delimiter after it.
        if (f == CopyFormat::text && (n.size() - 1 - n.find_last_not_of('\\')) % 2 == 1)
            bad("copy_options.null_string cannot end in a lone backslash with format text (it would escape the delimiter)");
        p.copy.null = n;
    }
    return p;
}

std::string copy_clause(const CopyOptions& o) {
    if (o.format == CopyFormat::binary) return " (FORMAT binary)";
    if (o.format == CopyFormat::text && o.delimiter == '\t' && o.null == "\\N") return {};
    return std::string(" (FORMAT ") + (o.format == CopyFormat::csv ? "csv" : "text") +
           ", DELIMITER " + sql_literal(std::string_view(&o.delimiter, 1)) + ", NULL " + sql_literal(o.null) + ")";
}

bool append_binary_numeric(std::string& out, std::string_view s) {
    std::size_t pos = 0;
    bool negative = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';
    const std::size_t int_begin = pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    const std::string_view ip = s.substr(int_begin, pos - int_begin);
    std::string_view fp;
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t frac_begin = ++pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        fp = s.substr(frac_begin, pos - frac_begin);
    }
    if (ip.empty() && fp.empty()) return false;
    std::int64_t exponent = 0;
    if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
        ++pos;
        bool exp_negative = false;
        if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) exp_negative = s[pos++] == '-';
        const std::size_t exp_begin = pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        if (pos == exp_begin || pos - exp_begin > 6) return false;
        std::from_chars(s.data() + exp_begin, s.data() + pos, exponent);
        if (exp_negative) exponent = -exponent;
    }
    if (pos != s.size()) return false;

    // Digit i (0-based over int ++ frac) has the decimal power point - 1 - i.
    const auto n = static_cast<std::int64_t>(ip.size() + fp.size());
    const auto isz = static_cast<std::int64_t>(ip.size());
    auto digit = [&](std::int64_t i) -> unsigned {
        if (i < 0 || i >= n) return 0;
        return static_cast<unsigned>((i < isz ? ip[static_cast<std::size_t>(i)] : fp[static_cast<std::size_t>(i - isz)]) - '0');
    };
    const std::int64_t point = isz + exponent;
    const std::int64_t dscale = std::max<std::int64_t>(0, static_cast<std::int64_t>(fp.size()) - exponent);
    if (dscale > 0x3FFF) return false;  // NUMERIC_DSCALE_MASK
    std::int64_t first = 0, last = n - 1;
    while (first < n && digit(first) == 0) ++first;
    if (first == n) {  // zero: no digits, positive, the text's scale
        put_be<std::uint16_t>(out, 0);
        put_be<std::uint16_t>(out, 0);
        put_be<std::uint16_t>(out, 0);
        put_be<std::uint16_t>(out, static_cast<std::uint16_t>(dscale));
        return true;
    }
    while (digit(last) == 0) --last;
    const std::int64_t weight = floor_div4(point - 1 - first);
    const std::int64_t low = floor_div4(point - 1 - last);
    const std::int64_t ndigits = weight - low + 1;
    if (weight > std::numeric_limits<std::int16_t>::max() || weight < std::numeric_limits<std::int16_t>::min() ||
        ndigits > std::numeric_limits<std::int16_t>::max())
        return false;
    put_be<std::uint16_t>(out, static_cast<std::uint16_t>(ndigits));
    put_be<std::uint16_t>(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(weight)));
    put_be<std::uint16_t>(out, negative ? 0x4000 : 0x0000);
    put_be<std::uint16_t>(out, static_cast<std::uint16_t>(dscale));
    for (std::int64_t g = weight; g >= low; --g) {
        unsigned group = 0;
        for (std::int64_t p = 3; p >= 0; --p) group = group * 10 + digit(point - 1 - (4 * g + p));
        put_be<std::uint16_t>(out, static_cast<std::uint16_t>(group));
    }
    return true;
}

bool append_binary_value(std::string& out, const SqlValue& v, unsigned oid) {
    const auto* i = std::get_if<std::int64_t>(&v);
    switch (oid) {
    case kOidInt8:
        if (!i) return false;
        put_be(out, static_cast<std::uint64_t>(*i));
        return true;
    case kOidInt4:
        if (!i || *i < std::numeric_limits<std::int32_t>::min() || *i > std::numeric_limits<std::int32_t>::max()) return false;
        put_be(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(*i)));
        return true;
    case kOidInt2:
        if (!i || *i < std::numeric_limits<std::int16_t>::min() || *i > std::numeric_limits<std::int16_t>::max()) return false;
        put_be(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(*i)));
        return true;
    case kOidFloat8:
        if (auto* d = std::get_if<double>(&v)) {
            put_be(out, std::bit_cast<std::uint64_t>(*d));
            return true;
        }
        return false;
    case kOidBool:
        if (auto* b = std::get_if<bool>(&v)) {
            out += static_cast<char>(*b ? 1 : 0);
            return true;
        }
        return false;
    case kOidText:
    case kOidVarchar:
    case kOidBpchar:
        if (auto* t = text_of(v)) {
            out += *t;  // the client encoding is UTF8: the bytes as they are
            return true;
        }
        return false;
    case kOidNumeric:
        if (auto* d = std::get_if<Decimal>(&v)) return append_binary_numeric(out, d->text);
        if (i) {
            char buf[24];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *i);
            (void)ec;
            return append_binary_numeric(out, std::string_view(buf, static_cast<std::size_t>(end - buf)));
        }
        return false;
    case kOidTimestampTz:
    case kOidTimestamp:  // the session is UTC: the same instant text COPY would store
        if (auto* t = std::get_if<Timestamp>(&v)) {
            std::int64_t micros = 0;
            if (__builtin_sub_overflow(t->micros, kPgEpochMicros, &micros)) return false;
            put_be(out, static_cast<std::uint64_t>(micros));
            return true;
        }
        return false;
    case kOidDate:
        if (auto* d = std::get_if<Date>(&v)) {
            const std::int64_t days = std::int64_t{d->days} - kPgEpochDays;
            if (days < std::numeric_limits<std::int32_t>::min()) return false;
            put_be(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(days)));
            return true;
        }
        return false;
    case kOidJsonb:
    case kOidJson:
        if (std::holds_alternative<JsonText>(v) || std::holds_alternative<std::string>(v)) {
            if (oid == kOidJsonb) out += '\1';  // jsonb binary format version
            out += *text_of(v);
            return true;
        }
        return false;
    default: return false;
    }
}

void append_binary_copy_header(std::string& out) {
    out.append("PGCOPY\n\377\r\n\0", 11);
    put_be<std::uint32_t>(out, 0);  // flags
    put_be<std::uint32_t>(out, 0);  // header extension length
}

void append_binary_copy_trailer(std::string& out) { put_be<std::uint16_t>(out, 0xFFFF); }

bool append_binary_copy_rows(std::string& out, const RowSource& src, std::size_t lo, std::size_t hi,
                             const std::vector<unsigned>& oids) {
    const std::size_t width = src.width();
    out.reserve(out.size() + (hi - lo) * (2 + width * 16));
    SqlValue scratch;
    for (std::size_t r = lo; r < hi; ++r) {
        put_be(out, static_cast<std::uint16_t>(width));
        for (std::size_t k = 0; k < width; ++k) {
            const SqlValue& v = src.value(r, k, scratch);
            if (is_null(v)) {
                put_be<std::uint32_t>(out, 0xFFFFFFFF);
                continue;
            }
            const std::size_t at = out.size();
            out.append(4, '\0');
            if (!append_binary_value(out, v, oids[k])) return false;
            const std::size_t len = out.size() - at - 4;
            if (len > 0x7FFFFFFF) return false;
            for (std::size_t b = 0; b < 4; ++b) out[at + b] = static_cast<char>(len >> (8 * (3 - b)));
        }
    }
    return true;
}

bool encode_binary_copy(std::string& out, const RowSource& src, std::size_t lo, std::size_t hi,
                        const std::vector<unsigned>& oids) {
    out.clear();
    append_binary_copy_header(out);
    if (!append_binary_copy_rows(out, src, lo, hi, oids)) return false;
    append_binary_copy_trailer(out);
    return true;
}

void append_plain_text(std::string& out, const SqlValue& v) {
    if (auto* t = text_of(v)) out += *t;
    else append_copy_cell(out, v);  // numbers, booleans, timestamps, dates: nothing to escape
}

void encode_text_copy(std::string& out, const RowSource& src, std::size_t lo, std::size_t hi, const CopyOptions& o) {
    const std::size_t width = src.width();
    out.clear();
    out.reserve((hi - lo) * (width + 1) * 12);
    SqlValue scratch;
    if (o.format == CopyFormat::text && o.delimiter == '\t' && o.null == "\\N") {  // PostgreSQL's defaults
        for (std::size_t r = lo; r < hi; ++r) {
            for (std::size_t k = 0; k < width; ++k) {
                append_copy_cell(out, src.value(r, k, scratch));
                out += '\t';
            }
            out.back() = '\n';
        }
        return;
    }
    std::string raw;  // one cell's plain text, reused
    for (std::size_t r = lo; r < hi; ++r) {
        for (std::size_t k = 0; k < width; ++k) {
            const SqlValue& v = src.value(r, k, scratch);
            if (is_null(v)) {
                out += o.null;
            } else {
                raw.clear();
                append_plain_text(raw, v);
                if (o.format == CopyFormat::csv) append_csv_field(out, raw, o);
                else append_text_field(out, raw, o);
            }
            out += o.delimiter;
        }
        out.back() = '\n';
    }
}

} // namespace bulkflow::detail
