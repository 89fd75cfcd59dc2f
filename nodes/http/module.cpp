// The http plugin module: HTTPRequestNode.
#include <bulkflow/http/http_nodes.hpp>
#include <bulkflow/plugin.hpp>

namespace {
void register_http(bulkflow::Registrar& registrar) { bulkflow::http::register_http_nodes(registrar); }
} // namespace

BULKFLOW_PLUGIN_ENTRY("http", "0.1.0", register_http)
