#pragma once
/// @file database_url.hpp
/// Database URLs (CONTRACT section 3) and the precedence that picks one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulkflow {

enum class DatabaseKind { postgresql, mysql, sqlite };

struct DatabaseUrl {
    DatabaseKind kind = DatabaseKind::sqlite;
    std::string user, password, host, database;
    std::uint16_t port = 0;
    std::string path;      ///< sqlite: file path or ":memory:"
    std::string original;  ///< as given

    /// Parses a URL; throws Error(invalid_url) with a message that never contains the password.
    static DatabaseUrl parse(std::string_view url);
    /// The URL with the password replaced by "***".
    [[nodiscard]] std::string redacted() const;
};

/// Replaces any "user:password@" inside `text` with "user:***@" (for messages from drivers).
std::string redact_passwords(std::string_view text);

inline constexpr std::string_view kDefaultDatabaseUrl = "sqlite:///bulkflow.db";

/// First non-empty of: command line, workflow file, env BULKFLOW_DATABASE_URL, the default.
std::string choose_database_url(std::string_view cli, std::string_view workflow);

} // namespace bulkflow
