#include <bulkflow/database_url.hpp>
#include <bulkflow/error.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace bulkflow;
using Catch::Matchers::Contains;

TEST_CASE("postgres URLs parse with defaults", "[url]") {
    auto u = DatabaseUrl::parse("postgresql://bob:s3cret@db.local:6543/shop");
    CHECK(u.kind == DatabaseKind::postgresql);
    CHECK(u.user == "bob");
    CHECK(u.password == "s3cret");
    CHECK(u.host == "db.local");
    CHECK(u.port == 6543);
    CHECK(u.database == "shop");
    CHECK(u.redacted() == "postgresql://bob:***@db.local:6543/shop");
    CHECK(DatabaseUrl::parse("postgres://h/d").port == 5432);
    CHECK(DatabaseUrl::parse("mariadb://u:p@h/d").kind == DatabaseKind::mysql);
    CHECK(DatabaseUrl::parse("mysql://u:p@h/d").port == 3306);
    CHECK(DatabaseUrl::parse("mysql://u:p%40ss@h/d").password == "p@ss");
}

TEST_CASE("sqlite URLs: relative, absolute, memory", "[url]") {
    CHECK(DatabaseUrl::parse("sqlite:///shop.db").path == "shop.db");
    CHECK(DatabaseUrl::parse("sqlite:////tmp/shop.db").path == "/tmp/shop.db");
    CHECK(DatabaseUrl::parse("sqlite:///:memory:").path == ":memory:");
}

TEST_CASE("bad URLs are rejected without leaking the password", "[url]") {
    CHECK_THROWS_WITH(DatabaseUrl::parse("postgresql://u:topsecret@h:99999/d"),
                      Contains("port") && !Contains("topsecret"));
    CHECK_THROWS_WITH(DatabaseUrl::parse("redis://h/d"), Contains("unknown scheme 'redis'"));
    CHECK_THROWS_WITH(DatabaseUrl::parse("just-a-file.db"), Contains("SCHEME://"));
    CHECK_THROWS_WITH(DatabaseUrl::parse("postgresql://u:pw@h"), Contains("database name"));
    CHECK_THROWS_WITH(DatabaseUrl::parse("sqlite://relative.db"), Contains("sqlite:///"));
    try {
        DatabaseUrl::parse("mysql://u:pw@/d");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_url);
    }
}

TEST_CASE("passwords are redacted from any text", "[url]") {
    CHECK(redact_passwords("failed: postgresql://a:b@h/d timeout") == "failed: postgresql://a:***@h/d timeout");
    CHECK(redact_passwords("no url here") == "no url here");
}

TEST_CASE("URL precedence: cli, workflow, env, default", "[url]") {
    unsetenv("BULKFLOW_DATABASE_URL");
    CHECK(choose_database_url("sqlite:///a.db", "sqlite:///b.db") == "sqlite:///a.db");
    CHECK(choose_database_url("", "sqlite:///b.db") == "sqlite:///b.db");
    CHECK(choose_database_url("", "") == "sqlite:///bulkflow.db");
    setenv("BULKFLOW_DATABASE_URL", "sqlite:///env.db", 1);
    CHECK(choose_database_url("", "") == "sqlite:///env.db");
    CHECK(choose_database_url("", "sqlite:///b.db") == "sqlite:///b.db");
    unsetenv("BULKFLOW_DATABASE_URL");
}
