#pragma once
/// @file http_nodes.hpp
/// The built-in http node family: HTTPRequestNode (CONTRACT section 8). Linked statically into the
/// `http` plugin module (bulkflow_http.so); tests may link bulkflow_http_nodes and use the factory
/// directly. No Boost.Beast/Asio type appears here: the HTTP client lives in one .cpp file.

#include <bulkflow/node.hpp>
#include <bulkflow/plugin.hpp>

#include <memory>

namespace bulkflow::http {

/// `HTTPRequestNode` {url, method, headers, body, timeout_s, retries, fail_on_status, verify_tls,
/// ca_file} -> {"status", "headers", "body", "url", "attempts"} plus the stream "records" when the
/// response body is a JSON array of objects. The factory's check() rejects bad literal parameters
/// (unsupported scheme, unknown method, malformed headers, non-positive timeout) before a run.
[[nodiscard]] std::shared_ptr<const NodeFactory> http_request_node_factory();

/// Registers HTTPRequestNode.
void register_http_nodes(Registrar& registrar);

} // namespace bulkflow::http
