#include "url.hpp"

#include <algorithm>
#include <cctype>

namespace bulkflow::http::detail {
namespace {

bool is_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// Percent-encodes the bytes that may not appear in a request target (spaces, controls,
/// non-ASCII, a few delimiters), leaving existing %XX escapes and reserved characters alone.
std::string encode_target(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || std::string_view("\"<>\\^`{|}").find(ch) != std::string_view::npos) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        } else {
            out += ch;
        }
    }
    return out;
}

/// "path?query" without the fragment, "/" when empty, encoded.
std::string make_target(std::string_view rest) {
    if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    std::string t = encode_target(rest);
    if (t.empty() || t.front() != '/') t.insert(t.begin(), '/');
    return t;
}

std::uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

std::string trim(std::string_view s) {
    const auto ws = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return std::string(s);
}

} // namespace

std::string Url::authority() const {
    std::string a = ipv6_literal() ? "[" + host + "]" : host;
    if (explicit_port && port != default_port(scheme)) a += ":" + std::to_string(port);
    return a;
}

std::string Url::str() const {
    return scheme + "://" + (has_userinfo ? userinfo + "@" : "") + authority() + target;
}

std::string Url::redacted() const {
    return scheme + "://" + (has_userinfo ? "***@" : "") + authority() + target;
}

bool Url::same_origin(const Url& other) const noexcept {
    return scheme == other.scheme && host == other.host && port == other.port;
}

std::string scheme_of(std::string_view text) {
    const std::string t = trim(text);
    const auto sep = t.find("://");
    if (sep == std::string::npos || sep == 0) return {};
    if (!std::isalpha(static_cast<unsigned char>(t[0]))) return {};
    for (std::size_t i = 0; i < sep; ++i)
        if (!is_scheme_char(t[i])) return {};
    return lower(std::string_view(t).substr(0, sep));
}

Url parse_url(std::string_view text) {
    const std::string t = trim(text);
    if (t.empty()) throw UrlError("is empty");
    Url u;
    u.scheme = scheme_of(t);
    if (u.scheme.empty()) throw UrlError("must be an absolute URL starting with http:// or https://");
    if (u.scheme != "http" && u.scheme != "https")
        throw UrlError("has unsupported scheme '" + u.scheme + "' (expected http or https)");
    std::string_view rest = std::string_view(t).substr(t.find("://") + 3);
    const auto auth_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, auth_end);
    rest = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);

    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        u.has_userinfo = true;
        u.userinfo = std::string(authority.substr(0, at));
        authority = authority.substr(at + 1);
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw UrlError("has an IPv6 address without closing ']'");
        u.host = lower(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') throw UrlError("has unexpected text after the IPv6 address");
            port = after.substr(1);
        }
        if (u.host.empty()) throw UrlError("has an empty IPv6 address");
    } else {
        const auto colon = authority.rfind(':');
        u.host = lower(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (u.host.find_first_of(" \t\r\n<>\"{}|\\^`[]") != std::string::npos)
            throw UrlError("has an invalid host name '" + u.host + "'");
    }
    if (u.host.empty()) throw UrlError("has no host");
    u.port = default_port(u.scheme);
    if (!port.empty()) {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw UrlError("has an invalid port '" + std::string(port) + "'");
        const unsigned long p = std::stoul(std::string(port));
        if (p == 0 || p > 65535) throw UrlError("has an invalid port '" + std::string(port) + "'");
        u.port = static_cast<std::uint16_t>(p);
        u.explicit_port = true;
    }
    u.target = make_target(rest);
    return u;
}

Url resolve_location(const Url& base, std::string_view location) {
    const std::string loc = trim(location);
    if (loc.empty()) throw UrlError("redirect without a Location");
    if (!scheme_of(loc).empty()) return parse_url(loc);
    if (loc.rfind("//", 0) == 0) return parse_url(base.scheme + ":" + loc);
    Url u = base;
    if (loc.front() == '/') {
        u.target = make_target(loc);
        return u;
    }
    std::string_view base_path = base.target;
    base_path = base_path.substr(0, base_path.find('?'));
    if (loc.front() == '?') {
        u.target = make_target(std::string(base_path) + loc);
        return u;
    }
    const auto slash = base_path.rfind('/');
    u.target = make_target(std::string(base_path.substr(0, slash + 1)) + loc);
    return u;
}

std::string percent_decode(std::string_view s) {
    const auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string base64(std::string_view bytes) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string redact_url_credentials(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto sep = text.find("://", pos);
        if (sep == std::string_view::npos) break;
        const std::size_t start = sep + 3;
        const auto end = text.find_first_of("/?# \t\r\n\"'<>", start);
        const std::string_view authority = text.substr(start, end == std::string_view::npos ? end : end - start);
        out.append(text.substr(pos, start - pos));
        if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
            out += "***";
            out.append(authority.substr(at));
        } else {
            out.append(authority);
        }
        pos = start + authority.size();
    }
    out.append(text.substr(std::min(pos, text.size())));
    return out;
}

} // namespace bulkflow::http::detail
