#pragma once
// Helpers for the HTTPRequestNode tests: a trivial Context, running the node, reading streams,
// catching errors.

#include "node_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/context.hpp>
#include <bulkflow/error.hpp>
#include <bulkflow/http/http_nodes.hpp>
#include <bulkflow/node.hpp>
#include <bulkflow/params.hpp>
#include <bulkflow/record.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace httptest {

namespace json = boost::json;

class TestContext final : public bulkflow::Context {
public:
    [[nodiscard]] const std::string& node_id() const override { return id_; }
    [[nodiscard]] const std::string& run_id() const override { return run_; }
    void log(bulkflow::LogLevel, std::string_view message) override { logs.emplace_back(message); }
    void progress(std::size_t, std::optional<std::size_t>, std::size_t) override {}
    [[nodiscard]] bool cancelled() const override { return cancel.load(); }
    [[nodiscard]] const std::string& database_url() const override { return url_; }
    [[nodiscard]] const json::object& models() const override { return models_; }
    bool confirm(std::string_view) override { return false; }

    std::vector<std::string> logs;
    std::atomic<bool> cancel{false};

private:
    std::string id_ = "fetch";
    std::string run_ = "00000000-0000-0000-0000-000000000000";
    std::string url_ = "sqlite:///:memory:";
    json::object models_;
};

/// Params from a JSON object (every key a JSON parameter).
inline bulkflow::Params make_params(const json::object& o) {
    bulkflow::Params p;
    for (const auto& kv : o) p.set(std::string(kv.key()), bulkflow::Param(kv.value()));
    return p;
}

inline const bulkflow::NodeFactory& factory() {
    static const auto f = bulkflow::http::http_request_node_factory();
    return *f;
}

inline bulkflow::NodeOutput run_http(const json::object& params, TestContext* ctx = nullptr) {
    TestContext local;
    return factory().create()->run(ctx ? *ctx : local, make_params(params));
}

/// A JSON string's text (other values serialized), for comparing with std::string.
inline std::string text(const json::value& v) {
    return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

using nodetest::error_of;
using nodetest::read_all;

} // namespace httptest
