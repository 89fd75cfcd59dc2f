// HTTPS: certificate verification on by default, ca_file, SSL_CERT_FILE, host name checks,
// verify_tls: false. Certificates are made at test time with the openssl CLI.
#include "http_test_support.hpp"
#include "test_server.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

using namespace httptest;
using bulkflow::ErrorCode;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

/// A self-signed certificate (also its own CA) with the given subjectAltName, in a temp dir.
class SelfSigned {
public:
    explicit SelfSigned(const std::string& san) {
        static int counter = 0;
        dir_ = fs::temp_directory_path() /
               ("bulkflow_https_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(dir_);
        const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                                " -subj /CN=bulkflow-test -addext subjectAltName=" + san +
                                " -keyout " + key() + " -out " + cert() + " > " + (dir_ / "openssl.log").string() + " 2>&1";
        ok_ = std::system(cmd.c_str()) == 0 && fs::exists(cert());
    }
    ~SelfSigned() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] std::string cert() const { return (dir_ / "cert.pem").string(); }
    [[nodiscard]] std::string key() const { return (dir_ / "key.pem").string(); }

private:
    fs::path dir_;
    bool ok_ = false;
};

bool have_openssl() { return std::system("openssl version > /dev/null 2>&1") == 0; }

Reply ok_reply() {
    Reply r;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = R"([{"secure": true}])";
    return r;
}

} // namespace

TEST_CASE("https: verification is on by default and can be pointed at a CA", "[http][https]") {
    if (!have_openssl()) {
        WARN("SKIPPED: the openssl command is not installed, so no test certificate can be made");
        return;
    }
    const SelfSigned good("IP:127.0.0.1,DNS:localhost");
    REQUIRE(good.ok());
    TestServer server([](const ReceivedRequest&) { return ok_reply(); }, TestServer::Tls{good.cert(), good.key()});
    const std::string url = server.url("/secure");
    REQUIRE(url.rfind("https://", 0) == 0);

    SECTION("an untrusted self-signed certificate fails, and is not retried") {
        TestContext ctx;
        const auto e = error_of([&] { (void)run_http({{"url", url}, {"retries", 3}}, &ctx); });
        CHECK(e.code() == ErrorCode::connection);
        CHECK_THAT(e.what(), Contains("TLS certificate verification failed for '127.0.0.1'") && Contains("self") &&
                                 Contains(url));
        CHECK_THAT(e.what(), !Contains("attempts"));
        for (const auto& line : ctx.logs) CHECK_THAT(line, !Contains("retrying"));
        CHECK(server.request_count() == 0);
    }
    SECTION("ca_file trusts it") {
        const auto out = run_http({{"url", url}, {"ca_file", good.cert()}});
        CHECK(out.value.at("status") == 200);
        CHECK(out.value.at("body").at(0).at("secure") == true);
        CHECK(out.streams.count("records") == 1);
        CHECK(server.request_count() == 1);
    }
    SECTION("the system store honours SSL_CERT_FILE") {
        ::setenv("SSL_CERT_FILE", good.cert().c_str(), 1);
        const auto out = run_http({{"url", url}});
        ::unsetenv("SSL_CERT_FILE");
        CHECK(out.value.at("status") == 200);
    }
    SECTION("verify_tls: false accepts it") {
        const auto out = run_http({{"url", url}, {"verify_tls", false}});
        CHECK(out.value.at("status") == 200);
    }
    SECTION("a missing ca_file is named") {
        const auto e = error_of([&] { (void)run_http({{"url", url}, {"ca_file", "/nonexistent/ca.pem"}}); });
        CHECK_THAT(e.what(), Contains("/nonexistent/ca.pem") && Contains("ca_file"));
    }
    SECTION("plain http to a TLS port fails cleanly") {
        const auto e = error_of([&] {
            (void)run_http({{"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/"}, {"timeout_s", 2}});
        });
        CHECK(e.code() == ErrorCode::connection);
    }
}

TEST_CASE("https: the certificate must name the host", "[http][https]") {
    if (!have_openssl()) {
        WARN("SKIPPED: the openssl command is not installed, so no test certificate can be made");
        return;
    }
    const SelfSigned other("DNS:example.test");
    REQUIRE(other.ok());
    TestServer server([](const ReceivedRequest&) { return ok_reply(); }, TestServer::Tls{other.cert(), other.key()});
    const auto e = error_of([&] { (void)run_http({{"url", server.url("/")}, {"ca_file", other.cert()}}); });
    CHECK(e.code() == ErrorCode::connection);
    CHECK_THAT(e.what(), Contains("TLS certificate verification failed") && Contains("mismatch"));
    // With verification off the same server is accepted.
    CHECK(run_http({{"url", server.url("/")}, {"verify_tls", false}}).value.at("status") == 200);
}
