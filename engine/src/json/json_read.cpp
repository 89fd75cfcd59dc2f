// JsonReader: Boost.JSON's parser with a handler that keeps every number exact.
//
// Boost.JSON hands the handler each number's text next to its value. Integers arrive as exact
// int64/uint64. For the rest (fractions, exponents, integers beyond uint64) the double is kept
// only when it is faithful, and then re-read from the text with std::from_chars, which rounds
// correctly (Boost 1.81's own conversion can be 1 ulp off); otherwise the text is kept. An
// ordinary number costs one scan of its text and one from_chars, never an allocation.
#include <bulkflow/json_number.hpp>
#include <bulkflow/json_text.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <optional>
#include <stdexcept>

namespace bulkflow {

namespace {

namespace json = boost::json;

/// A JSON number's significant digits (at most 17 kept) and decimal exponent: text = 0.DIGITS x
/// 10^(e10 + 1), i.e. d.ddd x 10^e10.
struct Shape {
    char digits[17];
    int count = 0;        ///< significant digits, leading and trailing zeros excluded
    long long e10 = 0;
    bool zero = true;
    /// Boost.JSON's own double is exact: it divides or multiplies an integer mantissa below 2^53
    /// by an exact power of ten up to 1e22, one correctly rounded operation (Clinger's fast path).
    bool boost_exact = false;
};

/// The shape of `text`; false when it has more than 17 significant digits (no double prints so).
bool shape_of(std::string_view text, Shape& out) noexcept {
    std::size_t i = text.empty() || text[0] != '-' ? 0 : 1;
    long long int_digits = 0, n = 0, first_nonzero = -1, last_nonzero = -1;
    bool in_fraction = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.') {
            in_fraction = true;
            continue;
        }
        if (c < '0' || c > '9') break;
        if (c != '0') {
            if (first_nonzero < 0) first_nonzero = n;
            last_nonzero = n;
        }
        if (first_nonzero >= 0 && n - first_nonzero < 17) out.digits[n - first_nonzero] = c;
        ++n;
        if (!in_fraction) ++int_digits;
    }
    if (first_nonzero < 0) return true;  // zero, whatever its exponent
    out.zero = false;
    out.count = static_cast<int>(last_nonzero - first_nonzero + 1);
    if (out.count > 17) return false;
    long long exponent = 0;
    if (i < text.size()) {  // 'e' or 'E'
        ++i;
        const bool negative = i < text.size() && text[i] == '-';
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
        for (; i < text.size() && exponent < 100000; ++i) exponent = exponent * 10 + (text[i] - '0');
        if (negative) exponent = -exponent;
    }
    out.e10 = int_digits - first_nonzero - 1 + exponent;
    const long long boost_exponent = exponent - (n - int_digits);  // mantissa x 10^boost_exponent
    out.boost_exact = n - first_nonzero <= 15 && boost_exponent >= -22 && boost_exponent <= 22;
    return true;
}

/// True if the shortest round-trip text of `d` has the digits and exponent of `shape`.
bool prints_as(double d, const Shape& shape) noexcept {
    char buf[40];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const char* p = buf + (buf[0] == '-' ? 1 : 0);  // d.ddde+XX
    int k = 0;
    for (; p < r.ptr && *p != 'e'; ++p) {
        if (*p == '.') continue;
        if (k >= shape.count || *p != shape.digits[k]) return false;
        ++k;
    }
    if (k != shape.count || p == r.ptr) return false;
    long long e = 0;
    const bool negative = p[1] == '-';
    for (const char* q = p + 2; q < r.ptr; ++q) e = e * 10 + (*q - '0');
    return (negative ? -e : e) == shape.e10;
}

/// The double of `text` when it is faithful: correctly rounded (std::from_chars) and printing
/// back, shortest, as the same decimal. Up to 15 significant digits (DBL_DIG) within the normal
/// range this always holds; 16 or 17 digits are checked (0.30000000000000004, as JavaScript and
/// Python print doubles, is faithful; 9007199254740993.0 is not); more never are.
/// `parsed`: Boost.JSON's double for the text, if any (used when it is exact, saving a parse).
std::optional<double> faithful_double(std::string_view text, std::optional<double> parsed = {}) noexcept {
    Shape shape;
    if (!shape_of(text, shape)) return std::nullopt;
    if (parsed && shape.boost_exact) return parsed;  // at most 15 digits, |exponent| <= 22
    double d = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
    if (shape.zero) return d;
    if (r.ec != std::errc{} || shape.e10 < -307 || shape.e10 > 307) return std::nullopt;
    if (shape.count <= 15 || prints_as(d, shape)) return d;
    return std::nullopt;
}

/// Boost.JSON's value-building handler (boost/json/detail/handler.hpp), except for numbers.
struct ExactHandler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack st;
    std::string number;  ///< the pieces of a number split across write() calls

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) { return true; }
    bool on_object_end(std::size_t n, json::error_code&) {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(json::error_code&) { return true; }
    bool on_array_end(std::size_t n, json::error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code&) {
        st.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view s, json::error_code&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
        number.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
        number.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double parsed, json::string_view s, json::error_code&) {
        std::string_view text(s.data(), s.size());
        if (!number.empty()) {
            number.append(s.data(), s.size());
            text = number;
        }
        if (const auto d = faithful_double(text, parsed)) {
            st.push_double(*d);
        } else {
            st.push_key(kExactNumberKey);
            st.push_string(json::string_view(text.data(), text.size()));
            st.push_object(1);
        }
        number.clear();
        return true;
    }
    bool on_bool(bool b, json::error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(json::error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }
};

json::parse_options options(std::size_t max_depth) {
    json::parse_options o;
    o.max_depth = max_depth;
    return o;
}

} // namespace

struct JsonReader::Impl {
    explicit Impl(std::size_t max_depth) : parser(options(max_depth)) {}
    json::basic_parser<ExactHandler> parser;
};

JsonReader::JsonReader(std::size_t max_depth) : impl_(std::make_unique<Impl>(max_depth)) {}
JsonReader::~JsonReader() = default;

json::value JsonReader::parse(std::string_view text, json::error_code& ec, std::size_t* used) {
    auto& p = impl_->parser;
    p.reset();
    p.handler().st.reset();
    p.handler().number.clear();
    const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
    if (!ec && n < text.size()) {
        ec = json::error::extra_data;
        p.fail(ec);
    }
    if (used) *used = n;
    if (ec) return nullptr;
    return p.handler().st.release();
}

json::value parse_json(std::string_view text, json::error_code& ec) {
    JsonReader reader;
    return reader.parse(text, ec);
}

json::value number_from_text(std::string_view text) {
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    if (!is_json_number_text(text)) throw std::invalid_argument("not a JSON number: " + std::string(text));
    if (text.find_first_of(".eE") == std::string_view::npos) {
        std::int64_t i = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), i).ec == std::errc{}) return i;
        std::uint64_t u = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), u).ec == std::errc{}) return u;
    }
    if (const auto d = faithful_double(text)) return *d;
    return make_exact_number(text);
}

} // namespace bulkflow
