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

/// The node's context; the node is called "fetch".
class TestContext final : public nodetest::TestContext {
public:
    TestContext() : nodetest::TestContext("fetch") {}
};

using nodetest::make_params;

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
