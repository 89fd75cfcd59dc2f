#pragma once
/// @file database_url.hpp
/// Database URLs (docs/getting-started.md, "Database URLs") and the precedence that picks one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulkflow {

enum class DatabaseKind { postgresql, mysql, sqlite };

struct DatabaseUrl {
    DatabaseKind kind = DatabaseKind::sqlite;
    std::string user, password, host, database;  ///< percent-decoded
    std::uint16_t port = 0;
    std::string path;      ///< sqlite: file path or ":memory:" (percent-decoded)
    /// The query string's connection options, percent-decoded, in URL order, checked against the
    /// options the database accepts (MySQL names use '-': `ssl_mode` is stored as `ssl-mode`).
    /// `password` is never among them: it goes to `password`.
    std::vector<std::pair<std::string, std::string>> options;
    std::string original;  ///< as given

    /// Parses a URL and checks its options; throws Error(invalid_url) with a message that never
    /// contains the password (nor any other query value).
    static DatabaseUrl parse(std::string_view url);
    /// The URL with the password (in the userinfo or in `?password=`) replaced by "***".
    [[nodiscard]] std::string redacted() const;
    /// The value of option `name`, or nullptr.
    [[nodiscard]] const std::string* option(std::string_view name) const;
    /// `text` (a driver's message) with every URL password and this URL's password hidden.
    [[nodiscard]] std::string scrub(std::string_view text) const;
};

/// Hides passwords inside `text`: the userinfo password of any "scheme://user:password@host/..."
/// (up to the last '@' before the host) and the value of any `password=` or `sslpassword=`.
std::string redact_passwords(std::string_view text);

inline constexpr std::string_view kDefaultDatabaseUrl = "sqlite:///bulkflow.db";

/// First non-empty of: command line, workflow file, env BULKFLOW_DATABASE_URL, the default.
std::string choose_database_url(std::string_view cli, std::string_view workflow);

} // namespace bulkflow
