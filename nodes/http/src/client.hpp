#pragma once
// One HTTP/1.1 exchange over TCP or TLS: connect, send one request, read one response. No
// redirects and no retries (HTTPRequestNode does those). Boost.Beast/Asio stay in client.cpp.

#include "url.hpp"

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bulkflow::http::detail {

using Clock = std::chrono::steady_clock;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct TlsOptions {
    bool verify = true;   ///< verify the certificate chain and the host name
    std::string ca_file;  ///< PEM file of trusted CAs; empty: the system store
};

struct Request {
    std::string method;                ///< upper case, e.g. "GET"
    Url url;
    HeaderList headers;                ///< complete: the client adds nothing but Content-Length
    std::string body;
    bool has_body = false;
    Clock::time_point deadline;        ///< the whole exchange, connect included
    TlsOptions tls;
    std::function<bool()> cancelled;   ///< polled while waiting; may be empty
};

struct Response {
    int status = 0;
    std::string reason;
    HeaderList headers;                ///< as received, in order
    std::string body;
};

/// Why an exchange failed. `tls_verify` and `cancelled` are not worth retrying.
enum class FailureKind { resolve, connect, timeout, tls, tls_verify, send, receive, cancelled };

class TransportError : public std::runtime_error {
public:
    TransportError(FailureKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    [[nodiscard]] FailureKind kind() const noexcept { return kind_; }
    [[nodiscard]] bool retriable() const noexcept {
        return kind_ != FailureKind::tls_verify && kind_ != FailureKind::cancelled;
    }

private:
    FailureKind kind_;
};

/// Largest response body accepted (bytes); a larger one fails the exchange.
inline constexpr std::uint64_t kMaxResponseBody = 1ull << 30;

/// Performs one exchange; throws TransportError (timeouts, refused connections, TLS failures,
/// malformed responses, cancellation). Thread-safe: every call uses its own I/O context.
[[nodiscard]] Response perform(const Request& request);

} // namespace bulkflow::http::detail
