// The URL's query parameters reach libpq (docs/getting-started.md, "Database URLs"): sslmode is
// enforced, application_name is what the server sees, and a password may come from the URL's
// query or from PGPASSWORD. Needs the PostgreSQL of scripts/start-databases.sh (no TLS).

#include "pg_connection.hpp"
#include "pg_test_support.hpp"

#include <string>

using namespace pgtest;
using Catch::Matchers::Contains;

namespace {

// The test URL as user@host:port/db (no password) plus `query`.
std::string without_password(const std::string& query) {
    const auto u = DatabaseUrl::parse(url());
    return "postgresql://" + u.user + "@" + u.host + ":" + std::to_string(u.port) + "/" + u.database + query;
}

std::string with_query(const std::string& query) { return url() + (url().find('?') == std::string::npos ? "?" : "&") + query; }

std::string scalar(detail::PgConnection& conn, const std::string& sql) {
    auto r = conn.exec(sql, "test query");
    return PQgetvalue(r.get(), 0, 0);
}

} // namespace

TEST_CASE("every libpq keyword is a URL parameter the parser knows", "[postgres][url]") {
    for (const auto& keyword : detail::libpq_keywords()) {
        if (keyword == "password") continue;  // taken by the parser itself
        INFO(keyword);
        try {
            (void)DatabaseUrl::parse("postgresql://u@h/d?" + keyword + "=1");
        } catch (const Error& e) {
            CHECK_THAT(e.what(), !Contains("unknown parameter"));
        }
    }
}

TEST_CASE("sslmode=require refuses a server without TLS instead of connecting in clear", "[postgres][url][connection]") {
    try {
        (void)open_postgres(DatabaseUrl::parse(with_query("sslmode=require")));
        FAIL("connected without TLS");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::connection);
        CHECK_THAT(e.what(), Contains("server does not support SSL, but SSL was required"));
        CHECK_THAT(e.what(), Contains("sslmode=require"));
    }
    CHECK_THROWS_WITH(open_postgres(DatabaseUrl::parse(with_query("sslmode=verify-full"))), Contains("SSL"));
}

TEST_CASE("application_name and other options reach the server", "[postgres][url][connection]") {
    detail::PgConnection conn(DatabaseUrl::parse(with_query("sslmode=disable&application_name=bulkflow_test_x&connect_timeout=5")));
    CHECK(scalar(conn, "SHOW application_name") == "bulkflow_test_x");
    CHECK(scalar(conn, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()") == "bulkflow_test_x");
    CHECK(scalar(conn, "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == "false");
    detail::PgConnection search(DatabaseUrl::parse(with_query("options=-c%20search_path%3Dpg_catalog")));
    CHECK(scalar(search, "SHOW search_path") == "pg_catalog");
    detail::PgConnection plain(DatabaseUrl::parse(url()));
    CHECK(scalar(plain, "SHOW application_name") == "bulkflow");  // bulkflow's default stays
}

TEST_CASE("the password may come from ?password= or PGPASSWORD", "[postgres][url][connection]") {
    const auto password = DatabaseUrl::parse(url()).password;
    REQUIRE_FALSE(password.empty());
    detail::PgConnection query(DatabaseUrl::parse(without_password("?password=" + password)));
    CHECK(scalar(query, "SELECT 1") == "1");

    ::setenv("PGPASSWORD", password.c_str(), 1);
    try {
        detail::PgConnection env(DatabaseUrl::parse(without_password("")));
        CHECK(scalar(env, "SELECT 1") == "1");
    } catch (...) {
        ::unsetenv("PGPASSWORD");
        throw;
    }
    ::unsetenv("PGPASSWORD");
    ::setenv("PGPASSFILE", "/nonexistent", 1);  // no ~/.pgpass either: then libpq has none
    CHECK_THROWS_WITH(detail::PgConnection(DatabaseUrl::parse(without_password(""))), Contains("password"));
    ::unsetenv("PGPASSFILE");
}

TEST_CASE("a wrong ?password= is never shown", "[postgres][url][connection]") {
    try {
        detail::PgConnection conn(DatabaseUrl::parse(without_password("?sslmode=disable&password=Wr0ng%40Query")));
        FAIL("connected with a wrong password");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::connection);
        CHECK_THAT(e.what(), Contains("password authentication failed") && Contains("password=***"));
        CHECK_THAT(e.what(), !Contains("Wr0ng") && !Contains("Query"));
    }
}
