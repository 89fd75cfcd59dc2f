#pragma once
/// @file node_failure.hpp
/// NodeFailure: a node failed after it changed something, and says exactly what stays changed.

#include <bulkflow/error.hpp>

#include <boost/json/object.hpp>

#include <memory>

namespace bulkflow {

/// Thrown by a node that fails after committing work (e.g. a bulk node whose batch 55 failed
/// after batches 0-54 committed). `result()` is the node's result object, normally
/// `{"success": false, "data": {...}}` with the counts of what stays committed; the runtime
/// records it in the run's results next to the error (docs/bulk-nodes.md, "What bulkflow
/// guarantees"). Cheap to copy.
class NodeFailure : public Error {
public:
    NodeFailure(const Error& cause, boost::json::object result)
        : Error(cause), result_(std::make_shared<const boost::json::object>(std::move(result))) {}

    [[nodiscard]] const boost::json::object& result() const noexcept { return *result_; }

private:
    std::shared_ptr<const boost::json::object> result_;
};

} // namespace bulkflow
