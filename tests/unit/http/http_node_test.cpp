// HTTPRequestNode against a local server: bodies, headers, retries, timeouts, redirects, errors.
#include "http_test_support.hpp"
#include "test_server.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/plugin.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

using namespace httptest;
using bulkflow::ErrorCode;
using Catch::Matchers::Contains;
using Clock = std::chrono::steady_clock;

namespace {

Reply json_reply(std::string body, int status = 200, std::string reason = "OK") {
    Reply r;
    r.status = status;
    r.reason = std::move(reason);
    r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    r.body = std::move(body);
    return r;
}

Reply text_reply(int status, std::string reason, std::string body) {
    Reply r;
    r.status = status;
    r.reason = std::move(reason);
    r.headers = {{"Content-Type", "text/plain"}};
    r.body = std::move(body);
    return r;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

class CollectingRegistrar final : public bulkflow::Registrar {
public:
    void add_node(std::shared_ptr<const bulkflow::NodeFactory> f) override { types.push_back(f->spec().type); }
    void add_pattern(bulkflow::PatternResolver) override {}
    std::vector<std::string> types;
};

} // namespace

TEST_CASE("http: the spec documents every parameter", "[http]") {
    CollectingRegistrar r;
    bulkflow::http::register_http_nodes(r);
    REQUIRE(r.types == std::vector<std::string>{"HTTPRequestNode"});
    const auto& spec = factory().spec();
    CHECK(spec.type == "HTTPRequestNode");
    CHECK_FALSE(spec.doc.empty());
    for (const char* name : {"url", "method", "headers", "body", "timeout_s", "retries", "fail_on_status", "verify_tls", "ca_file"}) {
        INFO(name);
        const auto* p = spec.find(name);
        REQUIRE(p);
        CHECK_FALSE(p->doc.empty());
        CHECK(p->support == bulkflow::Support::supported);
    }
    CHECK(spec.params.size() == 9);
    CHECK(spec.find("url")->required);
    CHECK(spec.find("url")->type == bulkflow::ParamType::string);
    CHECK(spec.find("headers")->type == bulkflow::ParamType::object);
    CHECK(*spec.find("method")->default_value == json::value("GET"));
    CHECK(spec.find("timeout_s")->default_value->to_number<double>() == 30);
    CHECK(spec.find("retries")->default_value->to_number<int>() == 0);
    CHECK(*spec.find("fail_on_status")->default_value == json::value(true));
    CHECK(*spec.find("verify_tls")->default_value == json::value(true));
}

TEST_CASE("http: GET JSON gives the parsed body and a records stream", "[http]") {
    TestServer server([](const ReceivedRequest&) {
        Reply r = json_reply(R"([{"id": 1, "name": "a"}, {"id": 2, "name": "b", "tags": ["x"]}])");
        r.headers.emplace_back("X-Multi", "one");
        r.headers.emplace_back("x-multi", "two");
        return r;
    });
    TestContext ctx;
    const auto out = run_http({{"url", server.url("/items?page=1")}}, &ctx);
    CHECK(out.value.at("status") == 200);
    const auto& body = out.value.at("body");
    REQUIRE(body.is_array());
    REQUIRE(body.get_array().size() == 2);
    CHECK(body.at(1).at("name") == "b");
    const auto& headers = out.value.at("headers").as_object();
    CHECK(headers.at("content-type") == "application/json; charset=utf-8");
    CHECK(headers.at("x-multi") == "one, two");
    CHECK_FALSE(headers.contains("X-Multi"));
    CHECK(text(out.value.at("url")) == server.url("/items?page=1"));
    CHECK(out.value.at("attempts") == 1);
    REQUIRE(out.streams.count("records") == 1);
    const auto records = read_all(*out.streams.at("records"));
    REQUIRE(records.size() == 2);
    CHECK(records[0].at("id") == 1);
    CHECK(records[1].at("tags").at(0) == "x");

    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "GET");
    CHECK(reqs[0].target == "/items?page=1");
    CHECK(reqs[0].headers.at("host") == "127.0.0.1:" + std::to_string(server.port()));
    CHECK_THAT(reqs[0].headers.at("user-agent"), Contains("bulkflow/"));
    CHECK(reqs[0].body.empty());
}

TEST_CASE("http: non-JSON, JSON objects and problem+json", "[http]") {
    TestServer server([](const ReceivedRequest& req) {
        if (req.target == "/text") return text_reply(200, "OK", "[1, 2] is not parsed");
        if (req.target == "/object") return json_reply(R"({"items": [{"a": 1}], "next": null})");
        if (req.target == "/mixed") return json_reply(R"([{"a": 1}, 2])");
        if (req.target == "/latin1") {
            Reply r = text_reply(200, "OK", "caf\xE9");
            r.headers = {{"Content-Type", "text/plain; charset=ISO-8859-1"}};
            return r;
        }
        if (req.target == "/bad-json") return json_reply("{not json");
        Reply r = json_reply(R"([])");
        r.headers = {{"Content-Type", "application/vnd.example+json"}};
        return r;
    });
    SECTION("text stays text") {
        const auto out = run_http({{"url", server.url("/text")}});
        CHECK(out.value.at("body") == "[1, 2] is not parsed");
        CHECK(out.streams.empty());
    }
    SECTION("an object is parsed; its arrays are reachable by path, no stream") {
        const auto out = run_http({{"url", server.url("/object")}});
        CHECK(out.value.at("body").at("items").at(0).at("a") == 1);
        CHECK(out.streams.empty());
    }
    SECTION("an array with a non-object gives no stream") {
        const auto out = run_http({{"url", server.url("/mixed")}});
        CHECK(out.value.at("body").as_array().size() == 2);
        CHECK(out.streams.empty());
    }
    SECTION("+json types are JSON; an empty array is an empty stream") {
        const auto out = run_http({{"url", server.url("/vendor")}});
        CHECK(out.value.at("body").as_array().empty());
        REQUIRE(out.streams.count("records") == 1);
        CHECK(read_all(*out.streams.at("records")).empty());
    }
    SECTION("ISO-8859-1 text is converted to UTF-8") {
        const auto out = run_http({{"url", server.url("/latin1")}});
        CHECK(out.value.at("body") == "caf\xC3\xA9");
    }
    SECTION("a 2xx that claims JSON but is not fails the node") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/bad-json")}}); });
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK_THAT(e.what(), Contains("not valid JSON") && Contains("{not json"));
    }
}

TEST_CASE("http: POST bodies and request headers", "[http]") {
    TestServer server([](const ReceivedRequest& req) {
        json::object echo{{"method", req.method}, {"body", req.body}};
        if (auto it = req.headers.find("content-type"); it != req.headers.end()) echo["content_type"] = it->second;
        if (auto it = req.headers.find("x-token"); it != req.headers.end()) echo["x_token"] = it->second;
        if (auto it = req.headers.find("x-count"); it != req.headers.end()) echo["x_count"] = it->second;
        if (auto it = req.headers.find("content-length"); it != req.headers.end()) echo["content_length"] = it->second;
        if (auto it = req.headers.find("accept"); it != req.headers.end()) echo["accept"] = it->second;
        return json_reply(json::serialize(echo), 201, "Created");
    });
    SECTION("a JSON body is serialized and typed") {
        const json::object payload{{"name", "widget"}, {"price", 9.5}, {"tags", json::array{"a", "b"}}};
        const auto out = run_http({{"url", server.url("/echo")}, {"method", "post"}, {"body", payload},
                                   {"headers", {{"X-Token", "abc"}, {"X-Count", 3}}}});
        CHECK(out.value.at("status") == 201);
        const auto& echo = out.value.at("body");
        CHECK(echo.at("method") == "POST");
        CHECK(json::parse(echo.at("body").as_string()) == json::value(payload));
        CHECK(echo.at("content_type") == "application/json");
        CHECK(echo.at("x_token") == "abc");
        CHECK(echo.at("x_count") == "3");
        CHECK(echo.at("accept") == "*/*");
        CHECK(text(echo.at("content_length")) == std::to_string(json::serialize(payload).size()));
    }
    SECTION("a string body is sent as is; the user's Content-Type and Accept win") {
        const auto out = run_http({{"url", server.url("/echo")}, {"method", "PUT"}, {"body", "a,b\n1,2\n"},
                                   {"headers", {{"content-type", "text/csv"}, {"Accept", "application/json"}}}});
        const auto& echo = out.value.at("body");
        CHECK(echo.at("method") == "PUT");
        CHECK(echo.at("body") == "a,b\n1,2\n");
        CHECK(echo.at("content_type") == "text/csv");
        CHECK(echo.at("accept") == "application/json");
    }
    SECTION("a JSON body keeps a Content-Type given in headers") {
        const auto out = run_http({{"url", server.url("/echo")}, {"method", "PATCH"}, {"body", json::array{1, 2}},
                                   {"headers", {{"Content-Type", "application/merge-patch+json"}}}});
        CHECK(out.value.at("body").at("content_type") == "application/merge-patch+json");
        CHECK(out.value.at("body").at("body") == "[1,2]");
    }
    SECTION("a record stream as body is sent as a JSON array") {
        auto stream = std::make_shared<bulkflow::ArrayStream>(json::array{json::object{{"a", 1}}, json::object{{"a", 2}}});
        bulkflow::Params p = make_params({{"url", server.url("/echo")}, {"method", "POST"}});
        p.set("body", bulkflow::Param(bulkflow::StreamPtr(stream)));
        TestContext ctx;
        const auto out = factory().create()->run(ctx, p);
        CHECK(json::parse(out.value.at("body").at("body").as_string()) == json::parse(R"([{"a":1},{"a":2}])"));
        CHECK(out.value.at("body").at("content_type") == "application/json");
    }
    SECTION("a POST without body sends Content-Length: 0") {
        const auto out = run_http({{"url", server.url("/echo")}, {"method", "POST"}});
        CHECK(out.value.at("body").at("content_length") == "0");
        CHECK_FALSE(out.value.at("body").as_object().contains("content_type"));
    }
    SECTION("HEAD returns status and headers, no body") {
        const auto out = run_http({{"url", server.url("/echo")}, {"method", "HEAD"}});
        CHECK(out.value.at("status") == 201);
        CHECK(out.value.at("body") == "");
        CHECK(server.requests().back().method == "HEAD");
    }
}

TEST_CASE("http: 5xx is retried, then succeeds; without retries it fails", "[http]") {
    std::atomic<int> calls{0};
    TestServer server([&](const ReceivedRequest&) {
        if (calls.fetch_add(1) == 0) return text_reply(500, "Internal Server Error", "database is down\nretry later");
        return json_reply(R"({"ok": true})");
    });
    SECTION("retries: 2 succeeds on the second attempt") {
        TestContext ctx;
        const auto t0 = Clock::now();
        const auto out = run_http({{"url", server.url("/flaky")}, {"retries", 2}}, &ctx);
        CHECK(out.value.at("status") == 200);
        CHECK(out.value.at("body").at("ok") == true);
        CHECK(out.value.at("attempts") == 2);
        CHECK(server.request_count() == 2);
        CHECK(seconds_since(t0) >= 0.2);  // the backoff waited
        CHECK(std::any_of(ctx.logs.begin(), ctx.logs.end(), [](const std::string& l) { return l.find("HTTP 500") != std::string::npos; }));
    }
    SECTION("retries: 0 fails naming node, URL, status and body") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/flaky")}}); });
        CHECK(e.code() == ErrorCode::transient);
        CHECK_THAT(e.what(), Contains("node 'fetch'") && Contains(server.url("/flaky")) && Contains("HTTP 500") &&
                                 Contains("Internal Server Error") && Contains("database is down retry later"));
        CHECK(server.request_count() == 1);
    }
    SECTION("fail_on_status: false returns the 500") {
        const auto out = run_http({{"url", server.url("/flaky")}, {"fail_on_status", false}});
        CHECK(out.value.at("status") == 500);
        CHECK(out.value.at("body") == "database is down\nretry later");
    }
}

TEST_CASE("http: 4xx other than 429 is not retried", "[http]") {
    std::atomic<int> calls{0};
    TestServer server([&](const ReceivedRequest& req) {
        ++calls;
        if (req.target == "/busy" && calls == 1) {
            Reply r = text_reply(429, "Too Many Requests", "slow down");
            r.headers.emplace_back("Retry-After", "0");
            return r;
        }
        if (req.target == "/busy") return json_reply("[]");
        return json_reply(R"({"error": "no such item"})", 404, "Not Found");
    });
    SECTION("404 fails at once") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/missing")}, {"retries", 3}}); });
        CHECK(calls == 1);
        CHECK(e.code() == ErrorCode::refused);
        CHECK_THAT(e.what(), Contains("HTTP 404 Not Found") && Contains("no such item"));
        CHECK_THAT(e.what(), !Contains("attempts"));
    }
    SECTION("429 is retried") {
        const auto out = run_http({{"url", server.url("/busy")}, {"retries", 1}});
        CHECK(out.value.at("status") == 200);
        CHECK(calls == 2);
    }
    SECTION("fail_on_status: false returns the 404 with its parsed body") {
        const auto out = run_http({{"url", server.url("/missing")}, {"fail_on_status", false}, {"retries", 2}});
        CHECK(out.value.at("status") == 404);
        CHECK(out.value.at("body").at("error") == "no such item");
        CHECK(calls == 1);
    }
}

TEST_CASE("http: timeout_s bounds a slow response; cancellation stops it", "[http]") {
    TestServer server([](const ReceivedRequest&) {
        Reply r = json_reply("{}");
        r.delay = std::chrono::milliseconds(5000);
        return r;
    });
    SECTION("timeout") {
        const auto t0 = Clock::now();
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/slow")}, {"timeout_s", 0.5}}); });
        const double took = seconds_since(t0);
        CHECK(took >= 0.45);
        CHECK(took < 1.5);
        CHECK(e.code() == ErrorCode::connection);
        CHECK_THAT(e.what(), Contains("timed out after 0.5 s (timeout_s) while waiting for the response") &&
                                 Contains(server.url("/slow")));
    }
    SECTION("a timeout is retried") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/slow")}, {"timeout_s", 0.3}, {"retries", 1}}); });
        CHECK(server.request_count() == 2);
        CHECK_THAT(e.what(), Contains("after 2 attempts") && Contains("timed out"));
    }
    SECTION("cancellation") {
        TestContext ctx;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            ctx.cancel = true;
        });
        const auto t0 = Clock::now();
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/slow")}}, &ctx); });
        canceller.join();
        CHECK(seconds_since(t0) < 2);
        CHECK(e.code() == ErrorCode::cancelled);
    }
}

TEST_CASE("http: connection errors are retried and reported", "[http]") {
    const auto port = unused_port();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";
    TestContext ctx;
    const auto e = error_of([&] { (void)run_http({{"url", url}, {"retries", 1}}, &ctx); });
    CHECK(e.code() == ErrorCode::connection);
    CHECK_THAT(e.what(), Contains("cannot connect to 127.0.0.1:" + std::to_string(port)) && Contains("after 2 attempts") &&
                             Contains("node 'fetch'"));
    CHECK(ctx.logs.size() >= 1);
}

TEST_CASE("http: unusual and broken responses", "[http]") {
    TestServer server([](const ReceivedRequest& req) {
        Reply r;
        if (req.target == "/eof")  // HTTP/1.0 style: the body ends when the connection closes
            r.raw = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[{\"a\": 1}]";
        else if (req.target == "/chunked")
            r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\n[{\"a\"\r\n5\r\n: 2}]\r\n0\r\n\r\n";
        else if (req.target == "/continue")
            r.raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        else if (req.target == "/garbage")
            r.raw = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
        else
            r.raw = "";  // hang up without answering
        return r;
    });
    SECTION("a body delimited by the end of the connection") {
        const auto out = run_http({{"url", server.url("/eof")}});
        CHECK(out.value.at("body").at(0).at("a") == 1);
    }
    SECTION("a chunked body") {
        const auto out = run_http({{"url", server.url("/chunked")}});
        CHECK(out.value.at("body").at(0).at("a") == 2);
    }
    SECTION("an interim 100 Continue is skipped") {
        const auto out = run_http({{"url", server.url("/continue")}});
        CHECK(out.value.at("status") == 200);
        CHECK(out.value.at("body") == "ok");
    }
    SECTION("not HTTP") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/garbage")}}); });
        CHECK(e.code() == ErrorCode::connection);
        CHECK_THAT(e.what(), Contains("not a valid HTTP/1.1 response"));
    }
    SECTION("a hang-up is a connection error and is retried") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/hangup")}, {"retries", 1}}); });
        CHECK_THAT(e.what(), Contains("closed the connection before the response was complete") && Contains("after 2 attempts"));
        CHECK(server.request_count() == 2);
    }
}

TEST_CASE("http: redirects", "[http]") {
    TestServer other([](const ReceivedRequest& req) {
        json::object o{{"target", req.target}, {"authorization", req.headers.count("authorization") ? req.headers.at("authorization") : ""}};
        return json_reply(json::serialize(o));
    });
    const std::string other_url = other.url("/elsewhere");
    TestServer server([&](const ReceivedRequest& req) {
        auto redirect = [](int status, std::string location) {
            Reply r = text_reply(status, "Redirect", "moved");
            r.headers.emplace_back("Location", std::move(location));
            return r;
        };
        if (req.target == "/old") return redirect(301, "/a/new?x=1");
        if (req.target == "/a/new?x=1") return redirect(302, "final");  // relative to /a/
        if (req.target == "/a/final") return json_reply(R"({"where": "final", "method": ")" + req.method + "\"}");
        if (req.target == "/loop") return redirect(307, "/loop");
        if (req.target == "/away") return redirect(302, other_url);
        return json_reply("{}", 404, "Not Found");
    });
    SECTION("GET follows a chain of redirects") {
        const auto out = run_http({{"url", server.url("/old")}});
        CHECK(out.value.at("status") == 200);
        CHECK(out.value.at("body").at("where") == "final");
        CHECK(text(out.value.at("url")) == server.url("/a/final"));
        CHECK(server.request_count() == 3);
    }
    SECTION("HEAD follows too") {
        const auto out = run_http({{"url", server.url("/old")}, {"method", "HEAD"}});
        CHECK(out.value.at("status") == 200);
        CHECK(server.requests().back().method == "HEAD");
    }
    SECTION("more than 5 redirects fail") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/loop")}}); });
        CHECK_THAT(e.what(), Contains("stopped after 5 redirects"));
        CHECK(server.request_count() == 6);
    }
    SECTION("POST does not follow") {
        const auto e = error_of([&] { (void)run_http({{"url", server.url("/old")}, {"method", "POST"}, {"body", "x"}}); });
        CHECK_THAT(e.what(), Contains("HTTP 301") && Contains("GET and HEAD only") && Contains("/a/new?x=1"));
        const auto out = run_http({{"url", server.url("/old")}, {"method", "POST"}, {"fail_on_status", false}});
        CHECK(out.value.at("status") == 301);
        CHECK(out.value.at("headers").at("location") == "/a/new?x=1");
    }
    SECTION("credentials do not follow a redirect to another origin") {
        const auto out = run_http({{"url", server.url("/away")}, {"headers", {{"Authorization", "Bearer secret"}}}});
        CHECK(out.value.at("body").at("target") == "/elsewhere");
        CHECK(out.value.at("body").at("authorization") == "");
        CHECK(server.requests().at(0).headers.at("authorization") == "Bearer secret");
    }
}

TEST_CASE("http: credentials in the URL are sent as Basic auth and redacted", "[http]") {
    TestServer server([](const ReceivedRequest&) { return text_reply(503, "Service Unavailable", "maintenance"); });
    const std::string url = "http://alice:s%40cret@127.0.0.1:" + std::to_string(server.port()) + "/private";
    const auto e = error_of([&] { (void)run_http({{"url", url}}); });
    CHECK_THAT(e.what(), Contains("http://***@127.0.0.1:" + std::to_string(server.port()) + "/private"));
    CHECK_THAT(e.what(), !Contains("cret") && !Contains("alice"));
    CHECK(server.requests().at(0).headers.at("authorization") == "Basic YWxpY2U6c0BjcmV0");  // alice:s@cret

    const auto out = run_http({{"url", url}, {"fail_on_status", false}});
    CHECK(text(out.value.at("url")) == "http://***@127.0.0.1:" + std::to_string(server.port()) + "/private");
}

TEST_CASE("http: bad parameters are rejected naming the parameter", "[http]") {
    const auto check = [](const json::object& params) { return error_of([&] { factory().check(params); }); };
    const auto run = [](const json::object& params) { return error_of([&] { (void)run_http(params); }); };
    struct Case {
        json::object params;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {{{"url", "ftp://example.com/file"}}, "parameter 'url' has unsupported scheme 'ftp'"},
        {{{"url", "example.com/items"}}, "parameter 'url' must be an absolute URL"},
        {{{"url", "http://"}}, "parameter 'url' has no host"},
        {{{"url", "http://host:99999/"}}, "parameter 'url' has an invalid port"},
        {{{"url", "http://h/"}, {"method", "FETCH"}}, "parameter 'method' must be one of GET, HEAD"},
        {{{"url", "http://h/"}, {"headers", {{"X-A", json::array{1}}}}}, "parameter 'headers' value of 'X-A' must be a string"},
        {{{"url", "http://h/"}, {"headers", {{"Bad Name", "v"}}}}, "parameter 'headers' has an invalid header name 'Bad Name'"},
        {{{"url", "http://h/"}, {"headers", {{"X-A", "a\r\nX-Injected: 1"}}}}, "must not contain line breaks"},
        {{{"url", "http://h/"}, {"timeout_s", 0}}, "parameter 'timeout_s' must be greater than 0"},
        {{{"url", "http://h/"}, {"retries", -1}}, "parameter 'retries' must be 0 or more"},
        {{{"url", "ftp://h/<<inputs.path>>"}}, "parameter 'url' has unsupported scheme 'ftp'"},
    };
    for (const auto& c : cases) {
        INFO(json::serialize(c.params));
        const auto e = check(c.params);
        CHECK(e.code() == ErrorCode::invalid_parameter);
        CHECK_THAT(e.what(), Contains(c.expected));
        // run() applies the same rules to resolved values.
        const auto r = run(c.params);
        CHECK(r.code() == ErrorCode::invalid_parameter);
    }
    SECTION("every problem is reported at once") {
        const auto e = check({{"url", "ftp://h/"}, {"method", "FETCH"}, {"retries", -2}});
        CHECK_THAT(e.what(), Contains("parameter 'url'") && Contains("parameter 'method'") && Contains("parameter 'retries'"));
    }
    SECTION("templates are checked once resolved") {
        CHECK_NOTHROW(factory().check({{"url", "<<inputs.url>>"}, {"method", "<<inputs.m>>"}}));
        CHECK_NOTHROW(factory().check({{"url", "https://api.example.com/<<inputs.path>>"}}));
    }
    SECTION("run-only checks") {
        CHECK_THAT(run({}).what(), Contains("parameter 'url' is required"));
        CHECK_THAT(run({{"url", "http://h/"}, {"headers", json::array{}}}).what(), Contains("parameter 'headers' must be an object"));
        CHECK_THAT(run({{"url", 5}}).what(), Contains("parameter 'url' must be a string"));
    }
}
