// The URL's query parameters reach MariaDB Connector/C (docs/getting-started.md, "Database
// URLs"): ssl-mode=REQUIRED refuses a server without TLS, connect_timeout and charset are taken,
// and a password may come from ?password= or MYSQL_PWD. Needs the MariaDB of
// scripts/start-databases.sh (no TLS).

#include "my_connection.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {

std::string url() {
    const char* u = std::getenv("BULKFLOW_TEST_MYSQL_URL");
    return u && *u ? u : "mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test";
}

std::string with_query(const std::string& query) { return url() + (url().find('?') == std::string::npos ? "?" : "&") + query; }

std::string without_password(const std::string& query) {
    const auto u = DatabaseUrl::parse(url());
    return "mysql://" + u.user + "@" + u.host + ":" + std::to_string(u.port) + "/" + u.database + query;
}

std::string status(detail::MyConnection& c, const char* name) {
    return c.scalar(std::string("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = '") +
                        name + "'",
                    "reading status");
}

} // namespace

TEST_CASE("ssl-mode=REQUIRED refuses a server without TLS instead of connecting in clear", "[mysql][url][connection]") {
    detail::MyConnection probe(DatabaseUrl::parse(url()));
    if (probe.scalar("SELECT @@have_ssl", "reading have_ssl") == "YES") {
        // a server with TLS: REQUIRED connects, encrypted
        detail::MyConnection tls(DatabaseUrl::parse(with_query("ssl-mode=REQUIRED")));
        CHECK_FALSE(status(tls, "SSL_CIPHER").empty());
        return;
    }
    for (const char* q : {"ssl-mode=REQUIRED", "ssl_mode=required&connect_timeout=5"}) {
        INFO(q);
        try {
            detail::MyConnection conn(DatabaseUrl::parse(with_query(q)));
            FAIL("connected without TLS");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::connection);
            CHECK_THAT(e.what(), Contains("ssl-mode=REQUIRED needs TLS, but the server did not negotiate it"));
        }
    }
    CHECK_THROWS_WITH(detail::MyConnection(DatabaseUrl::parse(with_query("ssl-mode=VERIFY_IDENTITY&ssl-ca=/nonexistent.pem"))),
                      Contains("SSL") || Contains("TLS"));
    CHECK_THROWS_WITH(detail::MyConnection(DatabaseUrl::parse(with_query("ssl-ca=/nonexistent.pem"))), Contains("TLS"));
}

TEST_CASE("connect_timeout, charset and ssl-mode=DISABLED/PREFERRED are taken", "[mysql][url][connection]") {
    detail::MyConnection conn(DatabaseUrl::parse(with_query("connect_timeout=5&ssl-mode=DISABLED&charset=utf8mb4")));
    CHECK(status(conn, "SSL_CIPHER").empty());
    CHECK(conn.scalar("SELECT @@character_set_client", "charset") == "utf8mb4");
    detail::MyConnection preferred(DatabaseUrl::parse(with_query("ssl-mode=PREFERRED&read_timeout=600")));
    CHECK(preferred.scalar("SELECT 1", "select") == "1");
    detail::MyConnection mb3(DatabaseUrl::parse(with_query("charset=utf8mb3")));
    CHECK(mb3.scalar("SELECT @@character_set_client", "charset") == "utf8mb3");
}

TEST_CASE("the password may come from ?password= or MYSQL_PWD, and is never shown", "[mysql][url][connection]") {
    const auto password = DatabaseUrl::parse(url()).password;
    REQUIRE_FALSE(password.empty());
    detail::MyConnection query(DatabaseUrl::parse(without_password("?password=" + password)));
    CHECK(query.scalar("SELECT 1", "select") == "1");

    ::setenv("MYSQL_PWD", password.c_str(), 1);
    try {
        detail::MyConnection env(DatabaseUrl::parse(without_password("")));
        CHECK(env.scalar("SELECT 1", "select") == "1");
    } catch (...) {
        ::unsetenv("MYSQL_PWD");
        throw;
    }
    ::unsetenv("MYSQL_PWD");

    try {
        detail::MyConnection wrong(DatabaseUrl::parse(without_password("?password=Wr0ng%40Query")));
        FAIL("connected with a wrong password");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::connection);
        CHECK_THAT(e.what(), Contains("Access denied") && Contains("password=***"));
        CHECK_THAT(e.what(), !Contains("Wr0ng") && !Contains("Query"));
    }
}
