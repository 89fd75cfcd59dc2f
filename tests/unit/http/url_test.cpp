// The node's internal helpers: URL parsing, redaction, redirect resolution, body decoding.
#include "response_body.hpp"
#include "url.hpp"

#include <catch2/catch.hpp>

using namespace bulkflow::http::detail;

TEST_CASE("url: parse_url", "[http][url]") {
    const Url a = parse_url("  HTTPS://User:Pa%3Ass@API.Example.com:8443/v1/items?q=a b#frag ");
    CHECK(a.scheme == "https");
    CHECK(a.https());
    CHECK(a.has_userinfo);
    CHECK(a.userinfo == "User:Pa%3Ass");
    CHECK(a.host == "api.example.com");
    CHECK(a.port == 8443);
    CHECK(a.target == "/v1/items?q=a%20b");
    CHECK(a.authority() == "api.example.com:8443");
    CHECK(a.redacted() == "https://***@api.example.com:8443/v1/items?q=a%20b");
    CHECK(a.str() == "https://User:Pa%3Ass@api.example.com:8443/v1/items?q=a%20b");

    const Url b = parse_url("http://127.0.0.1");
    CHECK(b.port == 80);
    CHECK(b.target == "/");
    CHECK(b.authority() == "127.0.0.1");
    CHECK_FALSE(b.has_userinfo);

    const Url c = parse_url("http://[::1]:8080?x=1");
    CHECK(c.host == "::1");
    CHECK(c.port == 8080);
    CHECK(c.target == "/?x=1");
    CHECK(c.authority() == "[::1]:8080");

    CHECK(parse_url("https://h:443/").authority() == "h");

    CHECK_THROWS_WITH(parse_url("ftp://h/"), Catch::Matchers::Contains("unsupported scheme 'ftp'"));
    CHECK_THROWS_WITH(parse_url("h/path"), Catch::Matchers::Contains("absolute URL"));
    CHECK_THROWS_WITH(parse_url("http://h:0/"), Catch::Matchers::Contains("invalid port"));
    CHECK_THROWS_WITH(parse_url("http://h:8x/"), Catch::Matchers::Contains("invalid port"));
    CHECK_THROWS_WITH(parse_url("http://[::1/"), Catch::Matchers::Contains("IPv6"));
    CHECK_THROWS_WITH(parse_url("http://:80/"), Catch::Matchers::Contains("no host"));
    CHECK_THROWS_WITH(parse_url(""), Catch::Matchers::Contains("empty"));
}

TEST_CASE("url: resolve_location", "[http][url]") {
    const Url base = parse_url("http://u:p@h:81/a/b/c?q=1");
    CHECK(resolve_location(base, "https://other/x").str() == "https://other/x");
    CHECK(resolve_location(base, "//other:82/y").str() == "http://other:82/y");
    CHECK(resolve_location(base, "/root?z").str() == "http://u:p@h:81/root?z");
    CHECK(resolve_location(base, "d").str() == "http://u:p@h:81/a/b/d");
    CHECK(resolve_location(base, "?r=2").str() == "http://u:p@h:81/a/b/c?r=2");
    CHECK_FALSE(resolve_location(base, "//other/").same_origin(base));
    CHECK(resolve_location(base, "/x").same_origin(base));
    CHECK_THROWS_AS(resolve_location(base, "mailto://x"), UrlError);
}

TEST_CASE("url: helpers", "[http][url]") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("alice:s@cret") == "YWxpY2U6c0BjcmV0");
    CHECK(percent_decode("a%40b%2Fc%zz%4") == "a@b/c%zz%4");
    CHECK(redact_url_credentials("see https://user:pw@host/x and http://h/ or ftp://tok@x") ==
          "see https://***@host/x and http://h/ or ftp://***@x");
    CHECK(scheme_of("HTTP://x") == "http");
    CHECK(scheme_of("x") == "");
}

TEST_CASE("body: media types, charsets, snippets", "[http][url]") {
    CHECK(media_type(" Application/JSON ; charset=utf-8") == "application/json");
    CHECK(is_json_media_type("application/json"));
    CHECK(is_json_media_type("application/problem+json"));
    CHECK(is_json_media_type("text/json"));
    CHECK_FALSE(is_json_media_type("text/plain"));
    CHECK_FALSE(is_json_media_type("application/jsonp"));
    CHECK_FALSE(is_json_media_type("+json"));

    CHECK(body_text("caf\xE9", "text/plain; charset=\"iso-8859-1\"") == "caf\xC3\xA9");
    CHECK(body_text("ok \xC3\xA9 \xFF end", "text/plain") == "ok \xC3\xA9 \xEF\xBF\xBD end");
    CHECK(body_text("\xE2\x82", "") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(body_text("\xED\xA0\x80", "") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate is invalid

    boost::json::value v;
    std::string err;
    CHECK(parse_json_body("\xEF\xBB\xBF[1]", v, err));
    CHECK(v == boost::json::array{1});
    CHECK_FALSE(parse_json_body("[1,", v, err));
    CHECK_FALSE(err.empty());

    CHECK(snippet("  a\n\n b  ") == "a b");
    CHECK(snippet("abcdef", 3) == "abc...");
    CHECK(snippet("\xC3\xA9\xC3\xA9\xC3\xA9", 2) == "\xC3\xA9\xC3\xA9...");
}
