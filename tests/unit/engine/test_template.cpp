#include <bulkflow/error.hpp>
#include <bulkflow/template.hpp>

#include <catch2/catch.hpp>

using namespace bulkflow;
using Catch::Matchers::Contains;

TEST_CASE("a whole-value template is one reference with its path", "[template]") {
    auto t = Template::parse("<<read.records>>");
    REQUIRE(t.is_whole_reference());
    REQUIRE(t.references().size() == 1);
    CHECK(t.references()[0].source == "read");
    CHECK(t.references()[0].path_string() == "records");
}

TEST_CASE("paths mix keys and indices", "[template]") {
    auto t = Template::parse("<<fetch.data.items[2].name>>");
    const auto& r = t.references().at(0);
    CHECK(r.source == "fetch");
    REQUIRE(r.path.size() == 4);
    CHECK(std::get<std::string>(r.path[0]) == "data");
    CHECK(std::get<std::size_t>(r.path[2]) == 2);
    CHECK(r.path_string() == "data.items[2].name");
}

TEST_CASE("the {{...}} alias parses like <<...>>", "[template]") {
    auto t = Template::parse("{{ fetch_api_data.products }}");
    REQUIRE(t.is_whole_reference());
    CHECK(t.references()[0].source == "fetch_api_data");
    CHECK(t.references()[0].path_string() == "products");
}

TEST_CASE("text around references is interpolated", "[template]") {
    auto t = Template::parse("file-<<inputs.day>>-<<a.n>>.csv");
    REQUIRE_FALSE(t.is_whole_reference());
    REQUIRE(t.references().size() == 2);
    auto s = t.interpolate([](const Reference& r) { return r.source == "inputs" ? std::string("mon") : std::string("7"); });
    CHECK(s == "file-mon-7.csv");
}

TEST_CASE("escaped openers are literal text", "[template]") {
    auto t = Template::parse(R"(a \<<not.ref>> b \{{x}})");
    CHECK(t.is_literal());
    CHECK(t.literal() == "a <<not.ref>> b {{x}}");
}

TEST_CASE("plain strings are literal", "[template]") {
    auto t = Template::parse("price * 0.9");
    CHECK(t.is_literal());
    CHECK(t.literal() == "price * 0.9");
    CHECK(Template::parse("").literal().empty());
}

TEST_CASE("is_plain is false whenever parse could find an opener or an escape", "[template]") {
    for (const char* text : {"", "price * 0.9", "a < b > c", "{ \"k\": 1 }", "back\\slash", "<{<{"}) {
        CHECK(Template::is_plain(text));
        CHECK(Template::parse(text).literal() == text);
    }
    for (const char* text : {"<<a.b>>", "x {{a.b}}", "\\<<kept>>", "\\{{kept}}", "<<unclosed", "<<"})
        CHECK_FALSE(Template::is_plain(text));
}

TEST_CASE("malformed templates are rejected with the parameter named", "[template]") {
    CHECK_THROWS_WITH(Template::parse("<<read.records", "node 'x' parameter 'data'"),
                      Contains("node 'x' parameter 'data'") && Contains("missing closing '>>'"));
    CHECK_THROWS_WITH(Template::parse("<<.records>>"), Contains("expected a node id"));
    CHECK_THROWS_WITH(Template::parse("<<a.items[x]>>"), Contains("index"));
    CHECK_THROWS_WITH(Template::parse("<<a..b>>"), Contains("empty key"));
    try {
        Template::parse("<<a");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::template_resolution);
    }
}
