// to_json_text: compact JSON whose numbers read as people and JavaScript write them.
#include <bulkflow/json_number.hpp>
#include <bulkflow/json_text.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace bulkflow {

namespace {

namespace json = boost::json;

/// Shortest round-trip digits of d, printed as JavaScript's Number#toString does: plain notation
/// for a decimal exponent in [-6, 21) (0.000001 to 1e21), else d.ddde+N / d.ddde-N.
void append_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf - 1, d, std::chars_format::scientific);
    *r.ptr = '\0';  // for atoi below
    const std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));  // -d.ddde+XX
    const std::size_t e = sci.find('e');
    const int exponent = std::atoi(sci.data() + e + 1);
    std::string_view mantissa = sci.substr(0, e);
    if (!mantissa.empty() && mantissa[0] == '-') {
        out += '-';
        mantissa.remove_prefix(1);
    }
    std::string digits(mantissa.substr(0, 1));
    if (mantissa.size() > 2) digits.append(mantissa.substr(2));  // skip the '.'
    const int n = static_cast<int>(digits.size());
    if (exponent < -6 || exponent >= 21) {
        out += digits[0];
        if (n > 1) (out += '.').append(digits, 1);
        out += exponent < 0 ? "e-" : "e+";
        out += std::to_string(std::abs(exponent));
    } else if (exponent < 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-exponent - 1), '0');
        out += digits;
    } else if (exponent + 1 >= n) {
        out += digits;
        out.append(static_cast<std::size_t>(exponent + 1 - n), '0');
    } else {
        out.append(digits, 0, static_cast<std::size_t>(exponent + 1));
        (out += '.').append(digits, static_cast<std::size_t>(exponent + 1));
    }
}

void append_string(std::string& out, json::string_view s) { out += json::serialize(s); }

} // namespace

void append_json_text(std::string& out, const json::value& v) {
    switch (v.kind()) {
    case json::kind::double_: append_double(out, v.get_double()); return;
    case json::kind::string: append_string(out, v.get_string()); return;
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& e : v.get_array()) {
            if (!first) out += ',';
            first = false;
            append_json_text(out, e);
        }
        out += ']';
        return;
    }
    case json::kind::object: {
        if (const auto* text = exact_number_text(v)) {
            out.append(text->data(), text->size());
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& kv : v.get_object()) {
            if (!first) out += ',';
            first = false;
            append_string(out, kv.key());
            out += ':';
            append_json_text(out, kv.value());
        }
        out += '}';
        return;
    }
    default: out += json::serialize(v); return;  // null, bool, int64, uint64
    }
}

std::string to_json_text(const json::value& v) {
    std::string out;
    append_json_text(out, v);
    return out;
}

std::string double_text(double d) {
    std::string out;
    append_double(out, d);
    return out;
}

} // namespace bulkflow
