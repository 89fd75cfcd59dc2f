// The io plugin module: ConstantNode, CSVReaderNode, JSONReaderNode, MapNode and FilterNode.
#include <bulkflow/io/io_nodes.hpp>
#include <bulkflow/plugin.hpp>

namespace {
void register_io(bulkflow::Registrar& registrar) { bulkflow::io::register_io_nodes(registrar); }
} // namespace

BULKFLOW_PLUGIN_ENTRY("io", "0.1.0", register_io)
