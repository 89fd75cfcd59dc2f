#include "url_options.hpp"

#include <bulkflow/database_url.hpp>
#include <bulkflow/error.hpp>

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace bulkflow {
namespace {

// Where the userinfo ends: the last '@' that a host and then the '/' of the path follow, so a
// password may hold '@', ':', '/' or '?'. Without such an '@' (no path, as in "user:pw@host"),
// the last '@' of all, which hides the most.
std::size_t userinfo_end(std::string_view body) {
    for (auto at = body.rfind('@'); at != std::string_view::npos; at = at ? body.rfind('@', at - 1) : std::string_view::npos) {
        const auto stop = body.find_first_of("/?@", at + 1);
        if (stop != std::string_view::npos && body[stop] == '/') return at;
    }
    return body.rfind('@');
}

// One URL (with or without "scheme://", no whitespace) with its userinfo password hidden.
std::string redact_userinfo(std::string_view url) {
    const auto scheme = url.find("://");
    const auto start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto body = url.substr(start);
    const auto at = userinfo_end(body);
    const auto colon = body.find(':');
    if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return std::string(url);
    return std::string(url.substr(0, start + colon + 1)) + "***" + std::string(body.substr(at));
}

// What a URL error shows: the password hidden and the query left out (a misspelt parameter may
// hold a password), since the message names the parameter at fault.
std::string shown_in_error(std::string_view url) {
    std::string shown = redact_userinfo(url);
    const auto scheme = shown.find("://");
    const auto body = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = userinfo_end(std::string_view(shown).substr(body));
    const auto q = shown.find('?', at == std::string::npos ? body : body + at);
    if (q != std::string::npos) shown.replace(q, std::string::npos, "?...");
    return shown;
}

[[noreturn]] void bad(std::string_view url, const std::string& why) {
    throw Error(ErrorCode::invalid_url, "invalid database URL '" + shown_in_error(url) + "': " + why);
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX becomes the byte XX; a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// "a=1&b=2" -> options; `password` (in any case) goes to `u.password`.
void parse_query(std::string_view url, std::string_view query, DatabaseUrl& u) {
    bool password_in_userinfo = !u.password.empty();
    while (!query.empty()) {
        const auto amp = std::min(query.find('&'), query.size());
        const auto item = query.substr(0, amp);
        query.remove_prefix(std::min(amp + 1, query.size()));
        if (item.empty()) continue;
        const auto eq = item.find('=');
        std::string name = percent_decode(item.substr(0, eq));
        if (eq == std::string_view::npos) bad(url, "parameter '" + name + "' has no value (expected NAME=VALUE)");
        std::string value = percent_decode(item.substr(eq + 1));
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower != "password") {
            u.options.emplace_back(std::move(name), std::move(value));
            continue;
        }
        if (u.kind == DatabaseKind::sqlite) bad(url, "parameter 'password': SQLite databases have no password");
        if (password_in_userinfo) bad(url, "the password is given twice (in user:password@ and as the password parameter)");
        password_in_userinfo = true;
        u.password = std::move(value);
    }
    if (auto why = detail::check_url_options(u.kind, u.options); !why.empty()) bad(url, why);
}

void parse_sqlite(std::string_view url, std::string_view rest, DatabaseUrl& u) {
    if (rest.empty() || rest.front() != '/')
        bad(url, "sqlite URLs look like sqlite:///relative.db, sqlite:////absolute.db or sqlite:///:memory:");
    rest.remove_prefix(1);
    const auto q = std::min(rest.find('?'), rest.size());
    if (q == 0) bad(url, "missing database file path");
    u.path = percent_decode(rest.substr(0, q));
    parse_query(url, rest.substr(std::min(q + 1, rest.size())), u);
}

void parse_server(std::string_view url, std::string_view rest, DatabaseUrl& u) {
    if (const auto at = userinfo_end(rest); at != std::string_view::npos) {
        const auto cred = rest.substr(0, at);
        const auto colon = cred.find(':');
        u.user = percent_decode(cred.substr(0, colon));
        if (colon != std::string_view::npos) u.password = percent_decode(cred.substr(colon + 1));
        rest.remove_prefix(at + 1);
    }
    const auto slash = rest.find('/');
    const auto q = std::min(rest.find('?', slash == std::string_view::npos ? 0 : slash), rest.size());
    if (slash == std::string_view::npos || slash + 1 >= q) bad(url, "missing database name after '/'");
    std::string_view authority = rest.substr(0, slash);
    u.database = percent_decode(rest.substr(slash + 1, q - slash - 1));
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        std::string port(authority.substr(colon + 1));
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(port) == 0 || std::stoul(port) > 65535)
            bad(url, "port '" + port + "' is not a number from 1 to 65535");
        u.port = static_cast<std::uint16_t>(std::stoul(port));
        authority = authority.substr(0, colon);
    } else {
        u.port = u.kind == DatabaseKind::postgresql ? 5432 : 3306;
    }
    if (authority.empty()) bad(url, "missing host");
    u.host = percent_decode(authority);
    parse_query(url, rest.substr(std::min(q + 1, rest.size())), u);
}

} // namespace

std::string redact_passwords(std::string_view text) {
    static const std::regex scheme(R"([A-Za-z][A-Za-z0-9+.-]*://)");
    // "***" already hidden (then a ':' after it is the message's, not the password's), or the value.
    static const std::regex query_password(R"(((?:^|[?&\s;,'"])(?:ssl)?password=)(?:\*\*\*(?=[&\s:]|$)|[^&\s]*))",
                                           std::regex::icase);
    std::string out;
    const std::string s(text);
    std::size_t done = 0;
    for (std::sregex_iterator it(s.begin(), s.end(), scheme), end; it != end; ++it) {
        const auto begin = static_cast<std::size_t>(it->position());
        if (begin < done) continue;
        const auto stop = std::min(s.find_first_of(" \t\r\n\f\v", begin), s.size());
        out += s.substr(done, begin - done) + redact_userinfo(std::string_view(s).substr(begin, stop - begin));
        done = stop;
    }
    out += s.substr(done);
    return std::regex_replace(out, query_password, "$1***");
}

DatabaseUrl DatabaseUrl::parse(std::string_view url) {
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; }))
        throw Error(ErrorCode::invalid_url, "invalid database URL: it contains a space or a control character "
                                            "(percent-encode it: a space is %20)");
    DatabaseUrl u;
    u.original = std::string(url);
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        bad(url, "expected SCHEME://..., e.g. sqlite:///file.db or postgresql://user@host:5432/db");
    const auto scheme = url.substr(0, scheme_end);
    const auto rest = url.substr(scheme_end + 3);
    if (scheme == "sqlite") {
        u.kind = DatabaseKind::sqlite;
        parse_sqlite(url, rest, u);
        return u;
    }
    if (scheme == "postgresql" || scheme == "postgres") u.kind = DatabaseKind::postgresql;
    else if (scheme == "mysql" || scheme == "mariadb") u.kind = DatabaseKind::mysql;
    else bad(url, "unknown scheme '" + std::string(scheme) + "' (expected postgresql, postgres, mysql, mariadb or sqlite)");
    parse_server(url, rest, u);
    return u;
}

std::string DatabaseUrl::redacted() const { return redact_passwords(original); }

const std::string* DatabaseUrl::option(std::string_view name) const {
    const auto it = std::find_if(options.begin(), options.end(), [&](const auto& o) { return o.first == name; });
    return it == options.end() ? nullptr : &it->second;
}

std::string DatabaseUrl::scrub(std::string_view text) const {
    std::string out = redact_passwords(text);
    if (password.size() < 4) return out;  // shorter ones would hide ordinary words; drivers do not echo them
    for (auto p = out.find(password); p != std::string::npos; p = out.find(password, p + 3)) out.replace(p, password.size(), "***");
    return out;
}

std::string choose_database_url(std::string_view cli, std::string_view workflow) {
    if (!cli.empty()) return std::string(cli);
    if (!workflow.empty()) return std::string(workflow);
    if (const char* env = std::getenv("BULKFLOW_DATABASE_URL"); env && *env) return env;
    return std::string(kDefaultDatabaseUrl);
}

} // namespace bulkflow
