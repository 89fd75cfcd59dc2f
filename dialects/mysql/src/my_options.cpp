#include "my_options.hpp"

#include <bulkflow/error.hpp>

#include <array>
#include <string_view>
#include <utility>

namespace bulkflow::detail {
namespace {

// URL option -> Connector/C option taking a string.
constexpr std::array<std::pair<std::string_view, mysql_option>, 8> kTextOptions{{
    {"ssl-ca", MYSQL_OPT_SSL_CA},
    {"ssl-capath", MYSQL_OPT_SSL_CAPATH},
    {"ssl-cert", MYSQL_OPT_SSL_CERT},
    {"ssl-key", MYSQL_OPT_SSL_KEY},
    {"ssl-cipher", MYSQL_OPT_SSL_CIPHER},
    {"ssl-crl", MYSQL_OPT_SSL_CRL},
    {"ssl-crlpath", MYSQL_OPT_SSL_CRLPATH},
    {"tls-version", MARIADB_OPT_TLS_VERSION},
}};

constexpr std::array<std::pair<std::string_view, mysql_option>, 3> kSecondsOptions{{
    {"connect-timeout", MYSQL_OPT_CONNECT_TIMEOUT},
    {"read-timeout", MYSQL_OPT_READ_TIMEOUT},
    {"write-timeout", MYSQL_OPT_WRITE_TIMEOUT},
}};

void set(MYSQL* conn, mysql_option option, const void* value, const DatabaseUrl& url, std::string_view name) {
    if (mysql_options(conn, option, value) != 0)
        throw Error(ErrorCode::invalid_url, "invalid database URL '" + url.redacted() + "': parameter '" + std::string(name) +
                                                "' was refused by MariaDB Connector/C");
}

// ssl-mode as Connector/C flags. Returns what demands TLS after connecting, or "".
std::string apply_ssl_mode(MYSQL* conn, const DatabaseUrl& url) {
    const std::string* mode = url.option("ssl-mode");
    const bool ca = url.option("ssl-ca") || url.option("ssl-capath");
    if (!mode) return ca ? "ssl-ca (which implies ssl-mode=VERIFY_CA)" : "";
    if (*mode == "DISABLED") return "";
    const my_bool on = 1;
    set(conn, MYSQL_OPT_SSL_ENFORCE, &on, url, "ssl-mode");  // asks for TLS; falls back to clear text
    if (*mode == "VERIFY_IDENTITY") set(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on, url, "ssl-mode");
    return *mode == "PREFERRED" ? "" : "ssl-mode=" + *mode;
}

} // namespace

std::string apply_options(MYSQL* conn, const DatabaseUrl& url) {
    const unsigned int one = 1;
    set(conn, MYSQL_OPT_LOCAL_INFILE, &one, url, "local_infile");
    const std::string* charset = url.option("charset");
    set(conn, MYSQL_SET_CHARSET_NAME, charset ? charset->c_str() : "utf8mb4", url, "charset");
    for (const auto& [name, option] : kTextOptions)
        if (const std::string* v = url.option(name)) set(conn, option, v->c_str(), url, name);
    for (const auto& [name, option] : kSecondsOptions)
        if (const std::string* v = url.option(name)) {
            const auto seconds = static_cast<unsigned int>(std::stoul(*v));  // digits only (checked by the parser)
            set(conn, option, &seconds, url, name);
        }
    return apply_ssl_mode(conn, url);
}

} // namespace bulkflow::detail
