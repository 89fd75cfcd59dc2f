// The test server: Asio C++20 coroutines on one thread; one request per connection.
#include "test_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

namespace httptest {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

} // namespace

struct TestServer::Impl {
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::optional<ssl::context> tls;
    Handler handler;
    mutable std::mutex mutex;
    std::vector<ReceivedRequest> received;
    std::thread thread;

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream) {
        std::string buf;
        const std::size_t head_len =
            co_await asio::async_read_until(stream, asio::dynamic_buffer(buf), "\r\n\r\n", use_awaitable);
        ReceivedRequest req;
        const std::string head = buf.substr(0, head_len);
        buf.erase(0, head_len);
        std::size_t pos = head.find("\r\n");
        const std::string request_line = head.substr(0, pos);
        const auto sp1 = request_line.find(' ');
        const auto sp2 = request_line.find(' ', sp1 + 1);
        req.method = request_line.substr(0, sp1);
        req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
        while (pos != std::string::npos && pos + 2 < head.size()) {
            const auto next = head.find("\r\n", pos + 2);
            const std::string line = head.substr(pos + 2, next - pos - 2);
            pos = next;
            if (line.empty()) break;
            const auto colon = line.find(':');
            const std::string name = lower(line.substr(0, colon));
            const std::string value = trim(line.substr(colon + 1));
            auto [it, fresh] = req.headers.emplace(name, value);
            if (!fresh) it->second += ", " + value;
        }
        std::size_t length = 0;
        if (auto it = req.headers.find("content-length"); it != req.headers.end()) length = std::stoul(it->second);
        if (buf.size() < length)
            co_await asio::async_read(stream, asio::dynamic_buffer(buf), asio::transfer_exactly(length - buf.size()),
                                      use_awaitable);
        req.body = buf.substr(0, length);
        {
            std::lock_guard lock(mutex);
            received.push_back(req);
        }
        const Reply reply = handler(req);
        if (reply.delay.count() > 0) {
            asio::steady_timer timer(ioc, reply.delay);
            co_await timer.async_wait(use_awaitable);
        }
        if (reply.raw) {
            if (!reply.raw->empty()) co_await asio::async_write(stream, asio::buffer(*reply.raw), use_awaitable);
            co_return;
        }
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reply.reason + "\r\n";
        bool has_length = false;
        for (const auto& [name, value] : reply.headers) {
            out += name + ": " + value + "\r\n";
            has_length = has_length || lower(name) == "content-length";
        }
        if (!has_length) out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
        out += "Connection: close\r\n\r\n";
        if (req.method != "HEAD") out += reply.body;
        co_await asio::async_write(stream, asio::buffer(out), use_awaitable);
    }

    asio::awaitable<void> session(tcp::socket socket) {
        try {
            if (tls) {
                ssl::stream<tcp::socket> stream(std::move(socket), *tls);
                co_await stream.async_handshake(ssl::stream_base::server, use_awaitable);
                co_await serve(stream);
                boost::system::error_code ignored;
                stream.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
            } else {
                co_await serve(socket);
                boost::system::error_code ignored;
                socket.shutdown(tcp::socket::shutdown_both, ignored);
            }
        } catch (const std::exception&) {
            // The client went away or failed the TLS handshake (e.g. it rejected our certificate).
        }
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
            asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
        }
    }
};

TestServer::TestServer(Handler handler, std::optional<Tls> tls) : impl_(std::make_unique<Impl>()) {
    impl_->handler = std::move(handler);
    if (tls) {
        impl_->tls.emplace(ssl::context::tls_server);
        impl_->tls->use_certificate_chain_file(tls->cert_file);
        impl_->tls->use_private_key_file(tls->key_file, ssl::context::pem);
    }
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

TestServer::~TestServer() {
    impl_->ioc.stop();
    impl_->thread.join();
}

std::uint16_t TestServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TestServer::url(const std::string& path) const {
    return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) + path;
}

std::vector<ReceivedRequest> TestServer::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->received;
}

std::size_t TestServer::request_count() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->received.size();
}

std::uint16_t unused_port() {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

} // namespace httptest
