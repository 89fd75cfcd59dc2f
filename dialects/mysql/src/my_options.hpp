#pragma once
// The URL's connection options (docs/getting-started.md, "Database URLs") as MariaDB
// Connector/C options, set between mysql_init and mysql_real_connect.

#include <bulkflow/database_url.hpp>

#include <mysql.h>

#include <string>

namespace bulkflow::detail {

/// Sets bulkflow's defaults (utf8mb4, LOAD DATA LOCAL) and the URL's options on `conn`. Returns
/// what demands TLS ("ssl-mode=REQUIRED", ...), or "" when a connection in clear is acceptable:
/// Connector/C falls back to clear text unless the server certificate is verified, so the caller
/// checks mysql_get_ssl_cipher after connecting. Throws Error(invalid_url) for a value
/// Connector/C refuses.
std::string apply_options(MYSQL* conn, const DatabaseUrl& url);

} // namespace bulkflow::detail
