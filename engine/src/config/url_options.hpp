#pragma once
// The query-string options each database accepts in a URL (docs/getting-started.md, "Database
// URLs"): names, and values where they can be checked without connecting.

#include <bulkflow/database_url.hpp>

#include <string>
#include <utility>
#include <vector>

namespace bulkflow::detail {

using UrlOptions = std::vector<std::pair<std::string, std::string>>;

/// Checks `options` for `kind`, normalising names (MySQL: '_' -> '-') and spellings (MySQL
/// ssl-mode upper case). Returns what is wrong, naming the parameter, or "" when all is well.
/// Never quotes the value of a parameter it does not know (it may be a misspelt password).
std::string check_url_options(DatabaseKind kind, UrlOptions& options);

} // namespace bulkflow::detail
