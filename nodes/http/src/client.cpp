// The only file that includes Boost.Beast/Asio (and OpenSSL): one request/response exchange.
//
// Beast's synchronous calls cannot time out, so each step is started asynchronously on a private
// io_context and the context is run in short slices until the step completes, the deadline passes
// or the run is cancelled. To the caller the exchange is an ordinary blocking call.
#include "client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <optional>

namespace bulkflow::http::detail {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string describe_read_error(const error_code& ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == bhttp::error::partial_message)
        return "the server closed the connection before the response was complete (" + ec.message() + ")";
    if (ec == bhttp::error::body_limit) return "the response body is larger than 1 GiB";
    if (ec == bhttp::error::header_limit) return "the response headers are larger than 64 KiB";
    if (ec.category() == make_error_code(bhttp::error::bad_version).category())
        return "not a valid HTTP/1.1 response (" + ec.message() + ")";
    return ec.message();
}

/// How often a waiting exchange looks at the cancellation flag.
constexpr auto kPollSlice = std::chrono::milliseconds(50);

class Exchange {
public:
    explicit Exchange(const Request& r) : req_(r), resolver_(ioc_), socket_(ioc_) {}

    Response run() {
        const auto endpoints = resolve();
        if (req_.url.https()) {
            ctx_.emplace(make_tls_context());
            tls_.emplace(ioc_, *ctx_);
        }
        connect(endpoints);
        if (!tls_) return exchange(socket_);
        handshake();
        return exchange(*tls_);
    }

private:
    tcp::socket& sock() { return tls_ ? tls_->next_layer() : socket_; }
    const std::string& host() const { return req_.url.host; }
    std::string host_port() const {
        return (req_.url.ipv6_literal() ? "[" + host() + "]" : host()) + ":" + std::to_string(req_.url.port);
    }

    /// Starts one asynchronous step with `start(handler)` and runs the context until it is done.
    /// Throws TransportError(timeout | cancelled) after aborting the step.
    template <class Start>
    error_code run_step(const char* phase, Start&& start) {
        bool done = false;
        error_code result;
        start([&](error_code ec, auto&&...) {
            result = ec;
            done = true;
        });
        while (!done) {
            const auto now = Clock::now();
            if (now >= req_.deadline) {
                abort();
                throw TransportError(FailureKind::timeout, std::string("timed out while ") + phase);
            }
            if (req_.cancelled && req_.cancelled()) {
                abort();
                throw TransportError(FailureKind::cancelled, std::string("cancelled while ") + phase);
            }
            ioc_.restart();
            ioc_.run_until(std::min(req_.deadline, now + kPollSlice));
        }
        return result;
    }

    /// Cancels the pending step and lets its handler run (it refers to run_step's locals).
    void abort() {
        error_code ignored;
        resolver_.cancel();
        sock().close(ignored);
        ioc_.restart();
        ioc_.run();
    }

    tcp::resolver::results_type resolve() {
        tcp::resolver::results_type results;
        const std::string phase = "resolving '" + host() + "'";
        const error_code ec = run_step(phase.c_str(), [&](auto handler) {
            resolver_.async_resolve(host(), std::to_string(req_.url.port),
                                    [&results, handler](error_code e, tcp::resolver::results_type r) mutable {
                                        results = std::move(r);
                                        handler(e);
                                    });
        });
        if (ec) throw TransportError(FailureKind::resolve, "cannot resolve host '" + host() + "': " + ec.message());
        return results;
    }

    void connect(const tcp::resolver::results_type& endpoints) {
        const std::string phase = "connecting to " + host_port();
        const error_code ec = run_step(phase.c_str(), [&](auto handler) {
            asio::async_connect(sock(), endpoints, handler);
        });
        if (ec) throw TransportError(FailureKind::connect, "cannot connect to " + host_port() + ": " + ec.message());
    }

    ssl::context make_tls_context() const {
        ssl::context ctx(ssl::context::tls_client);
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        if (!req_.tls.verify) {
            ctx.set_verify_mode(ssl::verify_none);
            return ctx;
        }
        error_code ec;
        if (req_.tls.ca_file.empty()) {
            ctx.set_default_verify_paths(ec);
            if (ec) throw TransportError(FailureKind::tls_verify, "cannot load the system CA certificates: " + ec.message());
        } else {
            ctx.load_verify_file(req_.tls.ca_file, ec);
            if (ec)
                throw TransportError(FailureKind::tls_verify,
                                     "cannot load CA certificates from '" + req_.tls.ca_file + "' (ca_file): " + ec.message());
        }
        ctx.set_verify_mode(ssl::verify_peer);
        return ctx;
    }

    void handshake() {
        SSL* native = tls_->native_handle();
        error_code addr_ec;
        (void)asio::ip::make_address(host(), addr_ec);
        const bool is_ip = !addr_ec;
        // SNI is sent for names only (RFC 6066 forbids IP literals).
        if (!is_ip) SSL_set_tlsext_host_name(native, host().c_str());
        if (req_.tls.verify) {
            // OpenSSL checks the certificate's names (SAN, then CN) or IP addresses against ours.
            X509_VERIFY_PARAM* param = SSL_get0_param(native);
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            if (is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, host().c_str());
            else X509_VERIFY_PARAM_set1_host(param, host().c_str(), 0);
        }
        const std::string phase = "in the TLS handshake with " + host_port();
        const error_code ec = run_step(phase.c_str(), [&](auto handler) {
            tls_->async_handshake(ssl::stream_base::client, handler);
        });
        if (!ec) return;
        const long verify = SSL_get_verify_result(native);
        if (req_.tls.verify && verify != X509_V_OK)
            throw TransportError(FailureKind::tls_verify, "TLS certificate verification failed for '" + host() + "': " +
                                                              X509_verify_cert_error_string(verify));
        throw TransportError(FailureKind::tls, "TLS handshake with " + host_port() + " failed: " + ec.message());
    }

    template <class Stream>
    Response exchange(Stream& stream) {
        bhttp::request<bhttp::string_body> msg;
        msg.method_string(req_.method);
        msg.target(req_.url.target);
        msg.version(11);
        for (const auto& [name, value] : req_.headers) msg.insert(name, value);
        if (req_.has_body) msg.body() = req_.body;
        if (req_.has_body || req_.method == "POST" || req_.method == "PUT" || req_.method == "PATCH")
            msg.prepare_payload();

        error_code ec = run_step("sending the request", [&](auto handler) { bhttp::async_write(stream, msg, handler); });
        if (ec) throw TransportError(FailureKind::send, "sending the request failed: " + ec.message());

        boost::beast::flat_buffer buffer;
        std::optional<bhttp::response_parser<bhttp::string_body>> parser;
        do {  // interim 1xx responses (other than 101) precede the real one
            parser.emplace();
            parser->header_limit(64 * 1024);
            parser->body_limit(kMaxResponseBody);
            if (req_.method == "HEAD") parser->skip(true);
            ec = run_step("waiting for the response", [&](auto handler) { bhttp::async_read(stream, buffer, *parser, handler); });
            if (ec == ssl::error::stream_truncated && parser->is_header_done() && !parser->is_done()) {
                // A TLS peer that closes without close_notify ends a body delimited by EOF.
                error_code eof_ec;
                parser->put_eof(eof_ec);
                if (!eof_ec && parser->is_done()) ec = {};
            }
            if (ec) throw TransportError(FailureKind::receive, "reading the response failed: " + describe_read_error(ec));
        } while (parser->get().result_int() / 100 == 1 && parser->get().result_int() != 101);

        auto& res = parser->get();
        Response out;
        out.status = static_cast<int>(res.result_int());
        out.reason = std::string(res.reason());
        for (const auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        out.body = std::move(res.body());
        return out;
    }

    const Request& req_;
    asio::io_context ioc_;
    tcp::resolver resolver_;
    tcp::socket socket_;
    std::optional<ssl::context> ctx_;  // outlives tls_
    std::optional<ssl::stream<tcp::socket>> tls_;
};

} // namespace

Response perform(const Request& request) {
    try {
        Exchange exchange(request);
        return exchange.run();
    } catch (const TransportError&) {
        throw;
    } catch (const boost::system::system_error& e) {
        throw TransportError(FailureKind::connect, e.what());
    }
}

} // namespace bulkflow::http::detail
