// HTTPRequestNode: parameters, retries, redirects and the result. The wire work is in client.cpp.
#include "client.hpp"
#include "response_body.hpp"
#include "url.hpp"

#include <bulkflow/http/http_nodes.hpp>
#include <bulkflow/version.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <sstream>
#include <thread>

namespace bulkflow::http {
namespace {

namespace json = boost::json;
using namespace detail;

constexpr std::string_view kType = "HTTPRequestNode";
constexpr std::array<std::string_view, 7> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
constexpr int kMaxRedirects = 5;
constexpr double kFirstBackoffS = 0.25;
constexpr double kMaxBackoffS = 8;
constexpr double kMaxRetryAfterS = 60;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }

std::string format_seconds(double s) {
    std::ostringstream os;
    os << s;
    return os.str();
}

/// True for a string that still holds a template (checked again once resolved).
bool is_template(const json::value& v) {
    if (!v.is_string()) return false;
    const std::string_view s = v.get_string();
    return s.find("<<") != std::string_view::npos || s.find("{{") != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Parameters

std::string check_method(std::string_view m) {
    std::string up(m);
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (std::find(kMethods.begin(), kMethods.end(), up) == kMethods.end())
        Params::fail("method", "must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; got '" + std::string(m) + "'");
    return up;
}

Url check_url(std::string_view text) {
    try {
        return parse_url(text);
    } catch (const UrlError& e) {
        Params::fail("url", e.what());
    }
}

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void check_header_name(std::string_view name) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
        Params::fail("headers", "has an invalid header name '" + std::string(name) + "'");
}

/// A header value from JSON: strings as is, numbers and booleans as their JSON text.
std::string header_value(std::string_view name, const json::value& v) {
    std::string text;
    if (v.is_string()) text = std::string(v.get_string());
    else if (v.is_number() || v.is_bool()) text = json::serialize(v);
    else Params::fail("headers", "value of '" + std::string(name) + "' must be a string, got " + std::string(json::to_string(v.kind())));
    if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        Params::fail("headers", "value of '" + std::string(name) + "' must not contain line breaks");
    return text;
}

/// The static checks run before anything executes (templates are checked once resolved). Every
/// problem is reported, in one Error.
void check_params(const json::object& params) {
    std::string problems;
    const auto note = [&](auto&& check) {
        try {
            check();
        } catch (const Error& e) {
            problems += (problems.empty() ? "" : "; ") + std::string(e.what());
        }
    };
    if (const auto* u = params.if_contains("url"); u && u->is_string()) {
        note([&] {
            const std::string_view s = u->get_string();
            if (!is_template(*u)) {
                (void)check_url(s);
                return;
            }
            // "https://api.example.com/<<inputs.path>>": the scheme is known already.
            const std::string_view prefix = s.substr(0, std::min(s.find("<<"), s.find("{{")));
            if (prefix.find("://") == std::string_view::npos) return;
            const std::string scheme = scheme_of(prefix);
            if (scheme.empty()) (void)check_url(s);
            else if (scheme != "http" && scheme != "https") (void)check_url(prefix);
        });
    }
    if (const auto* m = params.if_contains("method"); m && m->is_string() && !is_template(*m))
        note([&] { (void)check_method(m->get_string()); });
    if (const auto* h = params.if_contains("headers"); h && h->is_object()) {
        for (const auto& kv : h->get_object()) {
            note([&] {
                check_header_name(kv.key());
                if (!is_template(kv.value())) (void)header_value(kv.key(), kv.value());
            });
        }
    }
    if (const auto* t = params.if_contains("timeout_s"); t && t->is_number() && !(t->to_number<double>() > 0))
        note([] { Params::fail("timeout_s", "must be greater than 0"); });
    if (const auto* r = params.if_contains("retries"); r && r->is_int64() && r->get_int64() < 0)
        note([] { Params::fail("retries", "must be 0 or more"); });
    if (!problems.empty()) throw Error(ErrorCode::invalid_parameter, problems);
}

struct Options {
    std::string method;
    Url url;
    HeaderList headers;  // the user's, validated
    std::string body;
    bool has_body = false;
    bool json_body = false;
    double timeout_s = 30;
    int retries = 0;
    bool fail_on_status = true;
    TlsOptions tls;
};

/// Every record of a stream as one JSON array (a stream given as `body`).
json::array collect(const RecordStream& stream) {
    json::array out;
    auto cursor = stream.open();
    RecordBatch batch;
    while (cursor->next(batch, 10'000))
        for (std::size_t r = 0; r < batch.size(); ++r) out.emplace_back(batch.row(r));
    return out;
}

Options read_options(const Params& params) {
    Options o;
    const std::string url = params.get_string("url");
    if (url.empty()) Params::fail("url", "is required (the http:// or https:// URL to request)");
    o.url = check_url(url);
    o.method = check_method(params.get_string("method", "GET"));
    if (const auto* h = params.json("headers")) {
        if (!h->is_object()) Params::fail("headers", "must be an object of header names to strings");
        for (const auto& kv : h->get_object()) {
            check_header_name(kv.key());
            o.headers.emplace_back(std::string(kv.key()), header_value(kv.key(), kv.value()));
        }
    }
    if (const Param* b = params.find("body"); b && b->is_stream()) {
        o.body = json::serialize(collect(*b->stream()));
        o.has_body = o.json_body = true;
    } else if (const auto* v = params.json("body")) {
        o.has_body = true;
        o.json_body = !v->is_string();
        o.body = v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
    }
    o.timeout_s = params.get_double("timeout_s", 30);
    if (!(o.timeout_s > 0) || !std::isfinite(o.timeout_s)) Params::fail("timeout_s", "must be greater than 0");
    const std::int64_t retries = params.get_int("retries", 0);
    if (retries < 0) Params::fail("retries", "must be 0 or more");
    o.retries = static_cast<int>(std::min<std::int64_t>(retries, 1000));
    o.fail_on_status = params.get_bool("fail_on_status", true);
    o.tls.verify = params.get_bool("verify_tls", true);
    o.tls.ca_file = params.get_string("ca_file");
    return o;
}

// ---------------------------------------------------------------------------------------------
// Running

bool has_header(const HeaderList& h, std::string_view name) {
    return std::any_of(h.begin(), h.end(), [&](const auto& kv) { return iequals(kv.first, name); });
}

const std::string* find_header(const HeaderList& h, std::string_view name) {
    for (const auto& kv : h)
        if (iequals(kv.first, name)) return &kv.second;
    return nullptr;
}

/// The headers sent to `url`. Authorization (given, or from the URL's user-info) and Cookie only
/// go to the origin the user named: a redirect elsewhere must not receive the credentials.
HeaderList request_headers(const Options& o, const Url& url, bool with_body) {
    const bool same_origin = url.same_origin(o.url);
    HeaderList h;
    for (const auto& kv : o.headers)
        if (same_origin || (!iequals(kv.first, "authorization") && !iequals(kv.first, "cookie") && !iequals(kv.first, "host")))
            h.push_back(kv);
    if (!has_header(h, "host")) h.emplace_back("Host", url.authority());
    if (!has_header(o.headers, "user-agent")) h.emplace_back("User-Agent", std::string("bulkflow/") + BULKFLOW_VERSION_STRING);
    if (!has_header(o.headers, "accept")) h.emplace_back("Accept", "*/*");
    if (with_body && o.json_body && !has_header(o.headers, "content-type")) h.emplace_back("Content-Type", "application/json");
    if (!has_header(o.headers, "connection")) h.emplace_back("Connection", "close");
    const Url& creds = url.has_userinfo ? url : o.url;
    if (creds.has_userinfo && !creds.userinfo.empty() && !has_header(h, "authorization") &&
        (same_origin || url.has_userinfo))
        h.emplace_back("Authorization", "Basic " + base64(percent_decode(creds.userinfo)));
    return h;
}

struct Outcome {
    Response response;
    Url url;         // after redirects
    std::string method;
};

bool is_redirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

class HttpRequestNode final : public Node {
public:
    NodeOutput run(Context& ctx, const Params& params) override {
        const Options o = read_options(params);
        ctx_ = &ctx;
        what_ = "node '" + ctx.node_id() + "' (" + std::string(kType) + "): " + o.method + " " + o.url.redacted();
        Outcome result;
        int attempt = 1;
        for (;; ++attempt) {
            const bool last = attempt > o.retries;
            double wait = std::min(kMaxBackoffS, kFirstBackoffS * std::pow(2.0, attempt - 1));
            try {
                result = fetch(o);
            } catch (const TransportError& e) {
                if (last || !e.retriable()) throw transport_error(o, e, attempt);
                ctx.log(LogLevel::warn, "attempt " + std::to_string(attempt) + " failed: " + std::string(e.what()) +
                                            "; retrying in " + format_seconds(wait) + " s");
                pause(wait);
                continue;
            }
            const int status = result.response.status;
            if (last || !(status == 429 || status >= 500)) break;
            if (const auto* ra = find_header(result.response.headers, "retry-after")) {
                // Only the delay-seconds form; an HTTP-date falls back to the backoff.
                if (!ra->empty() && std::all_of(ra->begin(), ra->end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                    ra->size() < 8)
                    wait = std::max(wait, std::min(kMaxRetryAfterS, std::stod(*ra)));
            }
            ctx.log(LogLevel::warn, "attempt " + std::to_string(attempt) + " got HTTP " + std::to_string(status) +
                                        "; retrying in " + format_seconds(wait) + " s");
            pause(wait);
        }
        return output(o, std::move(result), attempt);
    }

private:
    /// One attempt: the request and up to kMaxRedirects redirects (GET and HEAD only), all within
    /// one timeout_s.
    Outcome fetch(const Options& o) {
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.timeout_s));
        Outcome out{{}, o.url, o.method};
        bool send_body = o.has_body;
        for (int hop = 0;; ++hop) {
            Request req{out.method, out.url, request_headers(o, out.url, send_body), send_body ? o.body : std::string(), send_body,
                        deadline, o.tls, [c = ctx_] { return c->cancelled(); }};
            out.response = perform(req);
            const int status = out.response.status;
            ctx_->log(LogLevel::debug, out.method + " " + out.url.redacted() + " -> " + std::to_string(status));
            if (!is_redirect(status) || (out.method != "GET" && out.method != "HEAD")) return out;
            const std::string* location = find_header(out.response.headers, "location");
            if (!location) return out;
            if (hop == kMaxRedirects)
                throw Error(ErrorCode::connection, what_ + " failed: stopped after " + std::to_string(kMaxRedirects) +
                                                       " redirects (the last one to " + redact_url_credentials(*location) + ")");
            try {
                out.url = resolve_location(out.url, *location);
            } catch (const UrlError& e) {
                throw Error(ErrorCode::connection, what_ + " failed: cannot follow the redirect to '" +
                                                       redact_url_credentials(*location) + "': the URL " + e.what());
            }
            if (status == 301 || status == 302 || status == 303) send_body = false;
        }
    }

    /// Sleeps between attempts, watching for cancellation.
    void pause(double seconds) {
        const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        while (Clock::now() < until) {
            if (ctx_->cancelled()) throw Error(ErrorCode::cancelled, what_ + ": cancelled while waiting to retry");
            std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
        }
    }

    Error transport_error(const Options& o, const TransportError& e, int attempts) const {
        std::string why = e.what();
        if (e.kind() == FailureKind::timeout)  // "timed out while ..." -> "timed out after 2 s (timeout_s) while ..."
            why = "timed out after " + format_seconds(o.timeout_s) + " s (timeout_s)" + why.substr(std::string_view("timed out").size());
        if (e.kind() == FailureKind::cancelled) return Error(ErrorCode::cancelled, what_ + ": " + why);
        return Error(ErrorCode::connection, what_ + " failed" + attempts_note(attempts) + ": " + why);
    }

    static std::string attempts_note(int attempts) {
        return attempts > 1 ? " after " + std::to_string(attempts) + " attempts" : "";
    }

    NodeOutput output(const Options& o, Outcome result, int attempts) const {
        Response& res = result.response;
        const std::string* ct = find_header(res.headers, "content-type");
        const std::string content_type = ct ? *ct : std::string();
        const bool ok = res.status >= 200 && res.status < 300;
        if (!ok && o.fail_on_status) {
            std::string msg = what_ + " returned HTTP " + std::to_string(res.status) +
                              (res.reason.empty() ? "" : " " + res.reason) + attempts_note(attempts);
            if (result.url.str() != o.url.str()) msg += " (redirected to " + result.url.redacted() + ")";
            if (is_redirect(res.status)) {
                const std::string* loc = find_header(res.headers, "location");
                msg += "; redirects are followed for GET and HEAD only";
                if (loc) msg += " (Location: " + redact_url_credentials(*loc) + ")";
            }
            const std::string text = snippet(body_text(res.body, content_type));
            msg += text.empty() ? "; empty response body" : "; response body: " + text;
            msg += " (set fail_on_status: false to get the response instead)";
            const bool transient = res.status == 429 || res.status >= 500;
            throw Error(transient ? ErrorCode::transient : ErrorCode::refused, msg);
        }

        NodeOutput out;
        out.value["status"] = res.status;
        json::object headers;
        for (const auto& [name, raw] : res.headers) {
            const std::string key = lower(name);
            const std::string value = body_text(raw, "");  // keeps the result valid UTF-8
            if (auto* existing = headers.if_contains(key)) existing->get_string().append(", " + value);
            else headers[key] = value;
        }
        out.value["headers"] = std::move(headers);

        json::value body;
        bool parsed = false;
        if (!res.body.empty() && is_json_media_type(media_type(content_type))) {
            std::string error;
            parsed = parse_json_body(res.body, body, error);
            if (!parsed && ok)
                throw Error(ErrorCode::invalid_data, what_ + ": the response says Content-Type " + content_type +
                                                         " but its body is not valid JSON (" + error + "); body: " +
                                                         snippet(body_text(res.body, content_type)));
        }
        if (!parsed) body = body_text(res.body, content_type);
        if (body.is_array() &&
            std::all_of(body.get_array().begin(), body.get_array().end(), [](const json::value& v) { return v.is_object(); }))
            out.streams.emplace("records", std::make_shared<ArrayStream>(body.get_array()));
        out.value["body"] = std::move(body);
        out.value["url"] = result.url.redacted();
        out.value["attempts"] = attempts;
        ctx_->log(LogLevel::info, o.method + " " + result.url.redacted() + " -> HTTP " + std::to_string(res.status) + " (" +
                                      std::to_string(res.body.size()) + " bytes" + attempts_note(attempts) + ")");
        return out;
    }

    Context* ctx_ = nullptr;
    std::string what_;  // "node 'id' (HTTPRequestNode): GET https://host/path" for messages
};

class HttpRequestFactory final : public NodeFactory {
public:
    [[nodiscard]] const NodeSpec& spec() const override { return spec_; }
    [[nodiscard]] std::unique_ptr<Node> create() const override { return std::make_unique<HttpRequestNode>(); }
    void check(const json::object& params) const override { check_params(params); }

private:
    NodeSpec spec_{
        std::string(kType),
        "Sends one HTTP or HTTPS request and returns the response: status, headers (lower-case names) and "
        "body (parsed when the response is JSON, else text). A JSON array of objects is also the "
        "stream `records`, so <<id.records>> can feed a bulk node. GET and HEAD follow up to 5 redirects.",
        {
            ParamSpec{"url", ParamType::string, true, std::nullopt,
                      "The http:// or https:// URL. user:password@ in it is sent as HTTP Basic authentication and "
                      "shown as ***@ in logs, results and errors."},
            ParamSpec{"method", ParamType::string, false, json::value("GET"),
                      "GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS (any case)."},
            ParamSpec{"headers", ParamType::object, false, json::value(json::object{}),
                      "Request headers: {name: value}; values are strings (numbers and booleans are sent as "
                      "their text). They replace the defaults User-Agent: bulkflow/VERSION, Accept: */*, "
                      "Connection: close."},
            ParamSpec{"body", ParamType::any, false, std::nullopt,
                      "Request body. A string is sent as is (set Content-Type yourself); any other JSON value, "
                      "or a record stream such as <<read.records>> (sent as a JSON array), is serialized and sent "
                      "with Content-Type: application/json unless headers set one."},
            ParamSpec{"timeout_s", ParamType::number, false, json::value(30),
                      "Seconds allowed for one attempt: connecting, TLS, sending the request, following "
                      "redirects and reading the whole response."},
            ParamSpec{"retries", ParamType::integer, false, json::value(0),
                      "How many times to try again after a connection error, a timeout or an HTTP 5xx/429 "
                      "response (any method), waiting 0.25 s, 0.5 s, 1 s, ... (at most 8 s; a Retry-After in "
                      "seconds is honoured up to 60 s). Other 4xx responses are not retried."},
            ParamSpec{"fail_on_status", ParamType::boolean, false, json::value(true),
                      "When true, a final status outside 200-299 fails the node (the error names the URL, the "
                      "status and the start of the body). When false, the response is the result whatever "
                      "its status."},
            ParamSpec{"verify_tls", ParamType::boolean, false, json::value(true),
                      "https: verify the server's certificate chain and host name. false disables both "
                      "(only for test servers: anyone on the path can then read and change the traffic)."},
            ParamSpec{"ca_file", ParamType::string, false, std::nullopt,
                      "https: PEM file of the certificate authorities to trust instead of the system store "
                      "(e.g. a private CA). The system store also honours SSL_CERT_FILE and SSL_CERT_DIR."},
        },
        {"status", "headers", "body", "records (stream, when body is a JSON array of objects)", "url", "attempts"}};
};

} // namespace

std::shared_ptr<const NodeFactory> http_request_node_factory() { return std::make_shared<HttpRequestFactory>(); }

void register_http_nodes(Registrar& registrar) { registrar.add_node(http_request_node_factory()); }

} // namespace bulkflow::http
