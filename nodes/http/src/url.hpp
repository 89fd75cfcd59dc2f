#pragma once
// http(s) URLs as HTTPRequestNode needs them: parsed into the parts a request is made of, shown
// with their credentials redacted, and resolved against a redirect's Location.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bulkflow::http::detail {

/// A URL that cannot be used; what() says why (without the URL, which may hold a password).
class UrlError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct Url {
    std::string scheme;        ///< "http" or "https"
    std::string userinfo;      ///< raw (still percent-encoded) "user[:password]", may be empty
    bool has_userinfo = false; ///< an '@' was present ("@host" has empty userinfo)
    std::string host;          ///< lower-case; an IPv6 literal without its brackets
    std::uint16_t port = 0;    ///< explicit or the scheme's default
    bool explicit_port = false;
    std::string target;        ///< path and query, percent-encoded where needed; never empty

    [[nodiscard]] bool https() const noexcept { return scheme == "https"; }
    [[nodiscard]] bool ipv6_literal() const noexcept { return host.find(':') != std::string::npos; }
    /// Host as written in a URL and in the Host header: IPv6 in brackets, port when not default.
    [[nodiscard]] std::string authority() const;
    /// The URL to send (credentials included).
    [[nodiscard]] std::string str() const;
    /// The URL to show in logs, results and errors: the user-info part becomes "***".
    [[nodiscard]] std::string redacted() const;
    /// Same scheme, host and port (credentials are only kept on redirects within one origin).
    [[nodiscard]] bool same_origin(const Url& other) const noexcept;
};

/// Parses an absolute http:// or https:// URL; throws UrlError.
[[nodiscard]] Url parse_url(std::string_view text);

/// The scheme of `text` in lower case, or "" when it has none (no "scheme://").
[[nodiscard]] std::string scheme_of(std::string_view text);

/// Resolves a redirect's Location (absolute, scheme-relative, absolute path or relative path)
/// against `base`; throws UrlError.
[[nodiscard]] Url resolve_location(const Url& base, std::string_view location);

/// Percent-decodes `s` (malformed escapes are kept as is).
[[nodiscard]] std::string percent_decode(std::string_view s);

/// Standard base64 with padding.
[[nodiscard]] std::string base64(std::string_view bytes);

/// Replaces "scheme://userinfo@" in free text (e.g. a server's Location header) by "scheme://***@".
[[nodiscard]] std::string redact_url_credentials(std::string_view text);

} // namespace bulkflow::http::detail
