#include "response_body.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

namespace bulkflow::http::detail {
namespace {

std::string lower_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The value of the `charset` parameter, lower case and unquoted; "" when absent.
std::string charset_of(std::string_view content_type) {
    std::size_t pos = content_type.find(';');
    while (pos != std::string_view::npos) {
        const std::size_t next = content_type.find(';', pos + 1);
        const std::string_view param = content_type.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
        if (const auto eq = param.find('='); eq != std::string_view::npos && lower_trimmed(param.substr(0, eq)) == "charset") {
            std::string v = lower_trimmed(param.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
        pos = next;
    }
    return {};
}

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) n = 3, hi = 0x9F;  // no surrogates
    else if (c >= 0xEE && c <= 0xEF) n = 3;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;
    else return 0;
    if (i + n > s.size()) return 0;
    if (b(i + 1) < lo || b(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
    return n;
}

} // namespace

std::string media_type(std::string_view content_type) {
    return lower_trimmed(content_type.substr(0, content_type.find(';')));
}

bool is_json_media_type(std::string_view media) {
    return media == "application/json" || media == "text/json" ||
           (media.size() > 5 && media.substr(media.size() - 5) == "+json");
}

bool parse_json_body(std::string_view bytes, boost::json::value& out, std::string& error) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    boost::json::parse_options opts;
    opts.max_depth = 1024;
    boost::system::error_code ec;
    out = boost::json::parse(bytes, ec, {}, opts);
    if (!ec) return true;
    error = ec.message();
    return false;
}

std::string body_text(std::string_view bytes, std::string_view content_type) {
    const std::string cs = charset_of(content_type);
    std::string out;
    out.reserve(bytes.size());
    if (cs == "iso-8859-1" || cs == "latin1" || cs == "latin-1" || cs == "iso8859-1") {
        for (char c : bytes) append_utf8(out, static_cast<unsigned char>(c));
        return out;
    }
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = utf8_sequence(bytes, i);
        if (n == 0) {
            append_utf8(out, 0xFFFD);
            ++i;
        } else {
            out.append(bytes.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string snippet(std::string_view text, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    bool pending_space = false;
    bool truncated = false;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {  // starts a character
            if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
                pending_space = !out.empty();
                continue;
            }
            if (chars + (pending_space ? 1 : 0) >= max_chars) {
                truncated = true;
                break;
            }
            if (pending_space) {
                out += ' ';
                ++chars;
                pending_space = false;
            }
            ++chars;
        }
        out += c;
    }
    if (truncated) out += "...";
    return out;
}

} // namespace bulkflow::http::detail
