#include "url_options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <string_view>

namespace bulkflow::detail {
namespace {

enum class Value {
    text,     ///< any non-empty string
    count,    ///< a non-negative integer
    flag,     ///< 0 or 1
    choice,   ///< one of `extra` (space-separated)
    utf8,     ///< a name for UTF-8 among `extra`, any case (bulkflow sends UTF-8 text)
    refused,  ///< known, but bulkflow cannot work with it: `extra` says why
};

struct Rule {
    std::string_view name;
    Value value = Value::text;
    std::string_view extra = {};
};

// libpq 15's connection keywords (PQconndefaults; the PostgreSQL dialect's tests check this list
// against the linked libpq). `password` is not here: the URL parser takes it.
constexpr std::string_view kTls = "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3";
constexpr std::array kPostgres{
    Rule{"host"}, Rule{"hostaddr"}, Rule{"port"}, Rule{"dbname"}, Rule{"user"}, Rule{"passfile"},
    Rule{"channel_binding", Value::choice, "disable prefer require"}, Rule{"connect_timeout", Value::count},
    Rule{"client_encoding", Value::utf8, "UTF8 UTF-8 unicode"}, Rule{"options"}, Rule{"application_name"}, Rule{"fallback_application_name"},
    Rule{"keepalives", Value::flag}, Rule{"keepalives_idle", Value::count}, Rule{"keepalives_interval", Value::count},
    Rule{"keepalives_count", Value::count}, Rule{"tcp_user_timeout", Value::count},
    Rule{"sslmode", Value::choice, "disable allow prefer require verify-ca verify-full"},
    Rule{"sslcompression", Value::flag}, Rule{"sslcert"}, Rule{"sslkey"}, Rule{"sslpassword"}, Rule{"sslrootcert"},
    Rule{"sslcrl"}, Rule{"sslcrldir"}, Rule{"sslsni", Value::flag}, Rule{"requirepeer"},
    Rule{"ssl_min_protocol_version", Value::choice, kTls}, Rule{"ssl_max_protocol_version", Value::choice, kTls},
    Rule{"gssencmode", Value::choice, "disable prefer require"}, Rule{"krbsrvname"}, Rule{"gsslib"}, Rule{"service"},
    Rule{"target_session_attrs", Value::choice, "any read-write read-only primary standby prefer-standby"},
    Rule{"replication", Value::refused, "a replication connection cannot run the SQL a load needs"},
};

// MariaDB Connector/C options (mysql_options), named as the mysql/mariadb clients name them.
constexpr std::array kMysql{
    Rule{"ssl-mode", Value::choice, "DISABLED PREFERRED REQUIRED VERIFY_CA VERIFY_IDENTITY"},
    Rule{"ssl-ca"}, Rule{"ssl-capath"}, Rule{"ssl-cert"}, Rule{"ssl-key"}, Rule{"ssl-cipher"}, Rule{"ssl-crl"},
    Rule{"ssl-crlpath"}, Rule{"tls-version"}, Rule{"connect-timeout", Value::count}, Rule{"read-timeout", Value::count},
    Rule{"write-timeout", Value::count}, Rule{"charset", Value::utf8, "utf8mb4 utf8mb3 utf8"},
};

// SQLite URI parameters that apply to a file bulkflow opens.
constexpr std::array kSqlite{
    Rule{"mode", Value::choice, "ro rw rwc memory"},
    Rule{"cache", Value::choice, "shared private"},
};

std::span<const Rule> rules(DatabaseKind kind) {
    switch (kind) {
    case DatabaseKind::postgresql: return kPostgres;
    case DatabaseKind::mysql: return kMysql;
    case DatabaseKind::sqlite: return kSqlite;
    }
    return {};
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

std::string listed(std::string_view words) {
    std::string out(words);
    for (std::size_t p = out.find(' '); p != std::string::npos; p = out.find(' ', p + 2)) out.replace(p, 1, ", ");
    return out;
}

// The spelling in `choices` that `value` names (MySQL: any case), or "".
std::string_view chosen(std::string_view choices, std::string_view value, bool any_case) {
    while (!choices.empty()) {
        const auto end = std::min(choices.find(' '), choices.size());
        const auto word = choices.substr(0, end);
        if (any_case ? iequal(word, value) : word == value) return word;
        choices.remove_prefix(std::min(end + 1, choices.size()));
    }
    return {};
}

std::string check_value(const Rule& rule, std::string& value, bool any_case) {
    const std::string said = "parameter '" + std::string(rule.name) + "': ";
    switch (rule.value) {
    case Value::text: return {};
    case Value::count:
        if (value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos)
            return said + "'" + value + "' is not a whole number of seconds (or a count)";
        return {};
    case Value::flag: return value == "0" || value == "1" ? std::string() : said + "'" + value + "' is not 0 or 1";
    case Value::choice:
        if (auto word = chosen(rule.extra, value, any_case); !word.empty()) {
            value = std::string(word);
            return {};
        }
        return said + "'" + value + "' is not one of " + listed(rule.extra);
    case Value::utf8:
        if (!chosen(rule.extra, value, true).empty()) return {};
        return said + "'" + value + "' is not UTF-8; bulkflow sends UTF-8 text, so it must be one of " + listed(rule.extra);
    case Value::refused: return said + std::string(rule.extra);
    }
    return {};
}

bool has(const UrlOptions& options, std::string_view name) {
    return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == name; });
}

// ssl-mode against the other TLS options, as the mysql client checks them.
std::string check_mysql_tls(const UrlOptions& options) {
    const auto mode = std::find_if(options.begin(), options.end(), [](const auto& o) { return o.first == "ssl-mode"; });
    const bool ca = has(options, "ssl-ca") || has(options, "ssl-capath");
    if (mode == options.end()) return {};
    if ((mode->second == "VERIFY_CA" || mode->second == "VERIFY_IDENTITY") && !ca)
        return "parameter 'ssl-mode': " + mode->second + " needs ssl-ca (or ssl-capath) to verify the server against";
    if (mode->second == "DISABLED")
        for (const auto& [name, value] : options)
            if (name != "ssl-mode" && (name.starts_with("ssl-") || name == "tls-version"))
                return "parameter '" + name + "' contradicts ssl-mode=DISABLED";
    return {};
}

} // namespace

std::string check_url_options(DatabaseKind kind, UrlOptions& options) {
    const bool mysql = kind == DatabaseKind::mysql;
    for (auto it = options.begin(); it != options.end(); ++it) {
        auto& [name, value] = *it;
        if (mysql) std::replace(name.begin(), name.end(), '_', '-');
        if (std::any_of(options.begin(), it, [&](const auto& o) { return o.first == name; }))
            return "parameter '" + name + "' is given twice";
        const auto all = rules(kind);
        const auto rule = std::find_if(all.begin(), all.end(), [&](const Rule& r) { return r.name == name; });
        if (rule == all.end()) {
            std::string known;
            for (const auto& r : all) known += (known.empty() ? "" : ", ") + std::string(r.name);
            return "unknown parameter '" + name + "' (accepted: " + known + ")";
        }
        if (value.empty()) return "parameter '" + name + "' has no value";
        if (auto why = check_value(*rule, value, mysql); !why.empty()) return why;
    }
    return mysql ? check_mysql_tls(options) : std::string();
}

} // namespace bulkflow::detail
