#include <bulkflow/database_url.hpp>
#include <bulkflow/error.hpp>

#include <cstdlib>
#include <regex>

namespace bulkflow {
namespace {

[[noreturn]] void bad(std::string_view url_redacted, const std::string& why) {
    throw Error(ErrorCode::invalid_url, "invalid database URL '" + std::string(url_redacted) + "': " + why);
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

std::string redact_passwords(std::string_view text) {
    static const std::regex creds(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^@\s]*@)");
    return std::regex_replace(std::string(text), creds, "$1:***@");
}

DatabaseUrl DatabaseUrl::parse(std::string_view url) {
    DatabaseUrl u;
    u.original = std::string(url);
    const std::string shown = redact_passwords(url);
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        bad(shown, "expected SCHEME://..., e.g. sqlite:///file.db or postgresql://user:pass@host:5432/db");
    std::string_view scheme = url.substr(0, scheme_end);
    std::string_view rest = url.substr(scheme_end + 3);
    if (scheme == "sqlite") {
        if (rest.empty() || rest.front() != '/')
            bad(shown, "sqlite URLs look like sqlite:///relative.db, sqlite:////absolute.db or sqlite:///:memory:");
        rest.remove_prefix(1);
        if (rest.empty()) bad(shown, "missing database file path");
        u.kind = DatabaseKind::sqlite;
        u.path = std::string(rest);
        return u;
    }
    if (scheme == "postgresql" || scheme == "postgres") u.kind = DatabaseKind::postgresql;
    else if (scheme == "mysql" || scheme == "mariadb") u.kind = DatabaseKind::mysql;
    else bad(shown, "unknown scheme '" + std::string(scheme) + "' (expected postgresql, postgres, mysql, mariadb or sqlite)");

    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash + 1 >= rest.size()) bad(shown, "missing database name after '/'");
    std::string_view authority = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    if (auto q = db.find('?'); q != std::string_view::npos) db = db.substr(0, q);
    u.database = percent_decode(db);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view cred = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto colon = cred.find(':');
        u.user = percent_decode(cred.substr(0, colon));
        if (colon != std::string_view::npos) u.password = percent_decode(cred.substr(colon + 1));
    }
    auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
        std::string port(authority.substr(colon + 1));
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(port) == 0 || std::stoul(port) > 65535)
            bad(shown, "port '" + port + "' is not a number from 1 to 65535");
        u.port = static_cast<std::uint16_t>(std::stoul(port));
        authority = authority.substr(0, colon);
    } else {
        u.port = u.kind == DatabaseKind::postgresql ? 5432 : 3306;
    }
    if (authority.empty()) bad(shown, "missing host");
    u.host = std::string(authority);
    return u;
}

std::string DatabaseUrl::redacted() const { return redact_passwords(original); }

std::string choose_database_url(std::string_view cli, std::string_view workflow) {
    if (!cli.empty()) return std::string(cli);
    if (!workflow.empty()) return std::string(workflow);
    if (const char* env = std::getenv("BULKFLOW_DATABASE_URL"); env && *env) return env;
    return std::string(kDefaultDatabaseUrl);
}

} // namespace bulkflow
