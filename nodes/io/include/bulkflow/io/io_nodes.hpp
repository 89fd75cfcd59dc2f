#pragma once
/// @file io_nodes.hpp
/// The built-in io node family: ConstantNode, CSVReaderNode, JSONReaderNode, MapNode and
/// FilterNode (CONTRACT section 8). Linked statically into the `io` plugin module
/// (bulkflow_io.so); the engine or tests may also link bulkflow_io_nodes and register the nodes
/// directly.

#include <bulkflow/io/csv_stream.hpp>
#include <bulkflow/io/json_stream.hpp>
#include <bulkflow/node.hpp>
#include <bulkflow/plugin.hpp>

#include <memory>

namespace bulkflow::io {

/// `ConstantNode` {value} -> {"value": value} (a stream parameter is passed through as a stream).
[[nodiscard]] std::shared_ptr<const NodeFactory> constant_node_factory();
/// `CSVReaderNode` {path, delimiter, header, columns, null_values} -> {"records": stream, "path",
/// "columns"}.
[[nodiscard]] std::shared_ptr<const NodeFactory> csv_reader_node_factory();
/// `JSONReaderNode` {path, format} -> {"records": stream, "path", "format"}.
[[nodiscard]] std::shared_ptr<const NodeFactory> json_reader_node_factory();

/// `MapNode` {data, fields: {name: expression}, model} -> {"records": stream}: each input record
/// with every `fields` key set to its expression's value on that record. Lazy: a cursor reads one
/// input batch per output batch.
[[nodiscard]] std::shared_ptr<const NodeFactory> map_node_factory();
/// `FilterNode` {data, where: expression, model} -> {"records": stream}: the input records for
/// which `where` is true (NULL drops the record). Lazy: memory is bounded by two batches.
[[nodiscard]] std::shared_ptr<const NodeFactory> filter_node_factory();

/// Registers the five node types above.
void register_io_nodes(Registrar& registrar);

} // namespace bulkflow::io
