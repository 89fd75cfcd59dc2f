// Database URLs through the `bulkflow` binary (docs/getting-started.md, "Database URLs"): a
// password never reaches stdout or stderr in any URL form, and query parameters are honoured or
// rejected with exit 2 before any node runs.

#include "cli_runner.hpp"

#include <catch2/catch.hpp>

using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace {

// One bulk node, so a valid URL is connected to (127.0.0.1:1 refuses at once).
const std::string kLoad = R"(
models:
  UrlThing: {table: url_things, fields: {name: {type: str}}}
nodes:
  - {id: first, type: ConstantNode, params: {value: [{name: a}, {name: b}]}}
  - id: load
    type: UrlThingBulkCreateNode
    params: {data: "<<first.value>>"}
)";

CliResult run_with(const std::filesystem::path& wf, const std::string& url) {
    return run_cli("run " + shell_quote(wf.string()) + " --database " + shell_quote(url) +
                   " --progress none --log-level debug");
}

} // namespace

TEST_CASE("a password never appears in the output, whatever the URL's form", "[cli][url]") {
    auto dir = temp_dir("cli-url-secret");
    auto wf = write_file(dir / "wf.yaml", kLoad);
    struct Case {
        std::string url;
        std::vector<std::string> secrets;  // decoded and as spelt in the URL
        int exit_code;
    };
    const Case cases[] = {
        {"bulkflow:NoScheme1@127.0.0.1", {"NoScheme1"}, 2},
        {"bulkflow:NoScheme2@127.0.0.1:1/db", {"NoScheme2"}, 2},
        {"postgresql://u:Sec@ret1@127.0.0.1:1/db", {"Sec@ret1", "ret1"}, 1},
        {"postgresql://u@127.0.0.1:1/db?password=QueryPw1", {"QueryPw1"}, 1},
        {"postgresql://u@127.0.0.1:1/db?sslmode=bogus&password=QueryPw2", {"QueryPw2"}, 2},
        {"postgresql://u@127.0.0.1:1/db?passwrd=TypoPw3", {"TypoPw3"}, 2},
        {"mysql://u:My@Secret2@127.0.0.1:1/db", {"My@Secret2", "Secret2"}, 1},
        {"mysql://u:Pct%40Secret3@127.0.0.1:1/db", {"Pct@Secret3", "Pct%40Secret3", "Secret3"}, 1},
        {"mariadb://u@127.0.0.1:1/db?password=My%3AQuery4", {"My:Query4", "My%3AQuery4", "Query4"}, 1},
        {"sqlite:///x.db?password=LitePw5", {"LitePw5"}, 2},
    };
    for (const auto& c : cases) {
        auto r = run_with(wf, c.url);
        INFO(c.url << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code == c.exit_code);
        for (const auto& s : c.secrets) {
            CHECK(r.out.find(s) == std::string::npos);
            CHECK(r.err.find(s) == std::string::npos);
        }
        CHECK_FALSE(r.json().at("error").is_null());
        if (c.exit_code == 2) CHECK(r.json().at("results").as_object().empty());
        auto v = run_cli("validate " + shell_quote(wf.string()) + " --database " + shell_quote(c.url));
        for (const auto& s : c.secrets) CHECK((v.out + v.err).find(s) == std::string::npos);
    }
}

TEST_CASE("an unknown URL parameter or value is exit 2 naming it, before any node runs", "[cli][url]") {
    auto dir = temp_dir("cli-url-params");
    auto wf = write_file(dir / "wf.yaml", kLoad);
    const std::pair<std::string, std::string> cases[] = {
        {"postgresql://u:pw@127.0.0.1:1/db?sslmode=bogus", "parameter 'sslmode': 'bogus' is not one of"},
        {"postgresql://u:pw@127.0.0.1:1/db?nonsense=1", "unknown parameter 'nonsense'"},
        {"mysql://u:pw@127.0.0.1:1/db?ssl-mode=sometimes", "parameter 'ssl-mode': 'sometimes'"},
        {"mysql://u:pw@127.0.0.1:1/db?nonsense=1", "unknown parameter 'nonsense'"},
        {"sqlite:///" + (dir / "x.db").string() + "?nonsense=1", "unknown parameter 'nonsense'"},
        {"sqlite:///" + (dir / "x.db").string() + "?mode=bogus", "parameter 'mode': 'bogus'"},
    };
    for (const auto& [url, why] : cases) {
        auto r = run_with(wf, url);
        INFO(url << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code == 2);
        auto j = r.json();
        CHECK(j.at("error").at("kind").as_string() == "invalid_url");
        CHECK_THAT(j.at("error").at("message").as_string().c_str(), Contains(why));
        CHECK(j.at("results").as_object().empty());  // not even the constant node ran
        auto v = run_cli("validate " + shell_quote(wf.string()) + " --database " + shell_quote(url));
        CHECK(v.exit_code == 2);
        CHECK_THAT(v.out, Contains(why));
    }
    CHECK_FALSE(std::filesystem::exists(dir / "x.db"));
}

TEST_CASE("SQLite URL options open the file as asked", "[cli][url]") {
    auto dir = temp_dir("cli-url-sqlite");
    auto wf = write_file(dir / "wf.yaml", kLoad);
    const auto db = dir / "things.db";
    const std::string base = "sqlite:///" + db.string();

    auto missing = run_with(wf, base + "?mode=rw");  // rw never creates the file
    INFO(missing.err);
    CHECK(missing.exit_code == 1);
    CHECK(missing.json().at("error").at("kind").as_string() == "connection");
    CHECK_FALSE(std::filesystem::exists(db));

    auto created = run_with(wf, base + "?mode=rwc&cache=private");
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    CHECK(std::filesystem::exists(db));  // the path without its query
    CHECK(created.json().at("results").at("load").at("data").at("inserted").as_int64() == 2);

    auto read_only = run_with(wf, base + "?mode=ro");
    INFO(read_only.out);
    CHECK(read_only.exit_code == 1);
    CHECK_THAT(read_only.out, Contains("readonly"));

    auto again = run_with(wf, base + "?mode=rw&cache=shared");
    CHECK(again.exit_code == 0);
    CHECK(again.json().at("results").at("load").at("data").at("inserted").as_int64() == 2);

    const auto stamp = [&] {
        std::string s;
        for (const auto& e : std::filesystem::directory_iterator(dir))
            s += e.path().filename().string() + "=" + std::to_string(e.last_write_time().time_since_epoch().count()) + ";";
        return s;
    };
    const auto before = stamp();
    auto memory = run_with(wf, base + "?mode=memory");
    CHECK(memory.exit_code == 0);
    CHECK(stamp() == before);  // an in-memory database: no file touched or created
    for (const auto& e : std::filesystem::directory_iterator(dir)) CHECK(e.path().filename().string().find('?') == std::string::npos);
}
