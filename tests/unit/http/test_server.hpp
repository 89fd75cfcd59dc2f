#pragma once
// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) for the HTTPRequestNode tests: it runs
// on its own thread, records every request and answers with what the test's handler returns.
// Optionally TLS (a certificate and key in PEM files). Asio stays in test_server.cpp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace httptest {

struct ReceivedRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  ///< lower-case names
    std::string body;
};

struct Reply {
    int status = 200;
    std::string reason = "OK";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// Waits this long before answering (the wait ends early when the server stops).
    std::chrono::milliseconds delay{0};
    /// When set, these bytes are sent instead of a response built from the fields above.
    std::optional<std::string> raw;
};

using Handler = std::function<Reply(const ReceivedRequest&)>;

class TestServer {
public:
    struct Tls {
        std::string cert_file;
        std::string key_file;
    };

    explicit TestServer(Handler handler, std::optional<Tls> tls = std::nullopt);
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    /// "http://127.0.0.1:PORT" + path (https:// with TLS).
    [[nodiscard]] std::string url(const std::string& path = "/") const;
    [[nodiscard]] std::vector<ReceivedRequest> requests() const;
    [[nodiscard]] std::size_t request_count() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A port on 127.0.0.1 where nothing listens (bound, then released).
[[nodiscard]] std::uint16_t unused_port();

} // namespace httptest
