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
    CHECK(redact_passwords("at 'postgresql://u:Sec@ret@host/db': x") == "at 'postgresql://u:***@host/db': x");
    CHECK(redact_passwords("a mysql://u:p@ss@h/d b mysql://v:q:w@h/d") == "a mysql://u:***@h/d b mysql://v:***@h/d");
    CHECK(redact_passwords("postgresql://u@h/d?password=Hidden1&sslmode=require") ==
          "postgresql://u@h/d?password=***&sslmode=require");
    CHECK(redact_passwords("host=h sslpassword=Hidden2 dbname=d") == "host=h sslpassword=*** dbname=d");
    const std::string twice = "at mysql://u@h/d?password=***: refused";  // redacting again changes nothing
    CHECK(redact_passwords(twice) == twice);
}

namespace {

// Every form a password can take in a URL (docs/getting-started.md, "Database URLs").
struct Form {
    const char* url;
    const char* password;  // as the database receives it
    const char* raw;       // as the URL spells it
};
const Form kForms[] = {
    {"postgresql://u:Sec@ret@db.example:5433/shop", "Sec@ret", "Sec@ret"},
    {"postgresql://u:a:b:c@db.example/shop", "a:b:c", "a:b:c"},
    {"postgres://u:a/b?c@db.example/shop?sslmode=disable", "a/b?c", "a/b?c"},
    {"mysql://u:Pct%40%3Aword@db.example/shop", "Pct@:word", "Pct%40%3Aword"},
    {"mariadb://u@db.example/shop?password=QueryPass1", "QueryPass1", "QueryPass1"},
    {"postgresql://u@db.example/shop?sslmode=require&PASSWORD=Query%26Pass2", "Query&Pass2", "Query%26Pass2"},
    {"postgresql://u:Mail@x.org@db.example/shop?application_name=a@b", "Mail@x.org", "Mail@x.org"},
};

void check_hidden(const std::string& text, const Form& f) {
    INFO(f.url << " -> " << text);
    CHECK(text.find(f.password) == std::string::npos);
    CHECK(text.find(f.raw) == std::string::npos);  // the spelling in the URL (percent-encoded)
}

// The message of the invalid_url error that parsing `url` throws.
std::string rejection(const char* url) {
    try {
        (void)DatabaseUrl::parse(url);
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_url);
        return e.what();
    }
    FAIL("accepted");
    return {};
}

} // namespace

TEST_CASE("every form of password is parsed and never shown", "[url]") {
    for (const auto& f : kForms) {
        const auto u = DatabaseUrl::parse(f.url);
        INFO(f.url);
        CHECK(u.password == f.password);
        CHECK(u.host == "db.example");
        CHECK(u.database == "shop");
        CHECK(u.option("password") == nullptr);
        check_hidden(u.redacted(), f);
        check_hidden(redact_passwords(std::string("error at ") + f.url + " now"), f);
        check_hidden(u.scrub(std::string("driver said: ") + f.password), f);
    }
    CHECK(DatabaseUrl::parse("postgresql://u:Sec@ret@db.example:5433/shop").redacted() ==
          "postgresql://u:***@db.example:5433/shop");
    CHECK(DatabaseUrl::parse("postgresql://u:Mail@x.org@db.example/shop?application_name=a@b").options.at(0).second == "a@b");
}

TEST_CASE("errors about a URL never show its password", "[url]") {
    const std::pair<const char*, const char*> bad[] = {
        {"user:NoScheme1@127.0.0.1", "NoScheme1"},
        {"user:NoScheme2@127.0.0.1/db", "NoScheme2"},
        {"postgresql://u:Sec@ret9@h:99999/d", "Sec@ret9"},
        {"postgresql://u:Sec@ret9@h:99999/d", "ret9"},
        {"postgresql://u:Pw1234@h/d?sslmode=bogus", "Pw1234"},
        {"postgresql://u@h/d?password=Query9&nonsense=1", "Query9"},
        {"postgresql://u@h/d?pasword=Typo5678", "Typo5678"},
        {"mysql://u:Pw5678@h/d?password=Again123", "Again123"},
        {"mysql://u:Pw 5678@h/d", "5678"},
        {"sqlite:///x.db?password=Lite1234", "Lite1234"},
        {"redis://u:Redis123@h/d", "Redis123"},
    };
    for (const auto& [url, password] : bad) {
        INFO(url);
        const std::string what = rejection(url);
        CHECK(what.find(password) == std::string::npos);
        CHECK(redact_passwords(what) == what);
    }
    CHECK_THROWS_WITH(DatabaseUrl::parse("user:NoScheme1@127.0.0.1"), Contains("'user:***@127.0.0.1'"));
}

TEST_CASE("query parameters are the database's connection options, checked", "[url]") {
    auto pg = DatabaseUrl::parse("postgresql://u:p@h/d?sslmode=verify-full&application_name=my%20app&connect_timeout=5");
    CHECK(pg.options.size() == 3);
    CHECK(*pg.option("sslmode") == "verify-full");
    CHECK(*pg.option("application_name") == "my app");
    auto my = DatabaseUrl::parse("mysql://u:p@h/d?ssl_mode=required&ssl-ca=/etc/ca.pem&connect_timeout=5&charset=utf8mb4");
    CHECK(*my.option("ssl-mode") == "REQUIRED");
    CHECK(*my.option("ssl-ca") == "/etc/ca.pem");
    CHECK(*my.option("connect-timeout") == "5");
    auto lite = DatabaseUrl::parse("sqlite:///data%20dir/x.db?mode=ro&cache=shared");
    CHECK(lite.path == "data dir/x.db");
    CHECK(*lite.option("mode") == "ro");
    CHECK(DatabaseUrl::parse("sqlite:///x.db").options.empty());

    const std::pair<const char*, const char*> rejected[] = {
        {"postgresql://u@h/d?sslmode=bogus", "parameter 'sslmode': 'bogus' is not one of disable, allow, prefer"},
        {"postgresql://u@h/d?nonsense=1", "unknown parameter 'nonsense'"},
        {"postgresql://u@h/d?connect_timeout=soon", "parameter 'connect_timeout'"},
        {"postgresql://u@h/d?sslmode=require&sslmode=disable", "parameter 'sslmode' is given twice"},
        {"postgresql://u@h/d?sslmode", "parameter 'sslmode' has no value"},
        {"postgresql://u@h/d?application_name=", "parameter 'application_name' has no value"},
        {"postgresql://u@h/d?client_encoding=LATIN1", "parameter 'client_encoding': 'LATIN1' is not UTF-8"},
        {"postgresql://u@h/d?replication=database", "parameter 'replication'"},
        {"postgres://u@h/d?keepalives=yes", "parameter 'keepalives': 'yes' is not 0 or 1"},
        {"mysql://u@h/d?ssl-mode=bogus", "parameter 'ssl-mode': 'bogus' is not one of DISABLED, PREFERRED, REQUIRED"},
        {"mysql://u@h/d?sslmode=REQUIRED", "unknown parameter 'sslmode'"},
        {"mysql://u@h/d?charset=latin1", "parameter 'charset': 'latin1' is not UTF-8"},
        {"mysql://u@h/d?ssl-mode=VERIFY_CA", "VERIFY_CA needs ssl-ca"},
        {"mysql://u@h/d?ssl-mode=DISABLED&ssl-ca=/x.pem", "parameter 'ssl-ca' contradicts ssl-mode=DISABLED"},
        {"mysql://u@h/d?connect_timeout=-1", "parameter 'connect-timeout'"},
        {"sqlite:///x.db?mode=rx", "parameter 'mode': 'rx' is not one of ro, rw, rwc, memory"},
        {"sqlite:///x.db?journal=wal", "unknown parameter 'journal'"},
        {"mysql://u:pw@h/d?password=pw2", "the password is given twice"},
    };
    for (const auto& [url, why] : rejected) {
        INFO(url);
        CHECK_THAT(rejection(url), Contains(why));
    }
    // an unknown parameter's value is never quoted: it may be a misspelt password
    CHECK_THROWS_WITH(DatabaseUrl::parse("postgresql://u@h/d?pwd=Secret42"), !Contains("Secret42"));
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
