#include <bulkflow/runtime.hpp>

#include <stdexcept>

namespace bulkflow {

const boost::json::object& Results::operator[](std::string_view id) const {
    auto it = rendered_.find(id);
    if (it == rendered_.end()) throw std::out_of_range("no result for node '" + std::string(id) + "'");
    it->second = output(id).to_json();  // refresh stream counters
    return it->second;
}

const NodeOutput& Results::output(std::string_view id) const {
    auto it = outputs_.find(id);
    if (it == outputs_.end()) throw std::out_of_range("no result for node '" + std::string(id) + "'");
    return it->second;
}

bool Results::contains(std::string_view id) const { return outputs_.find(id) != outputs_.end(); }

boost::json::object Results::to_json() const {
    boost::json::object o;
    for (const auto& [id, out] : outputs_) o[id] = out.to_json();
    return o;
}

void Results::add(const std::string& id, NodeOutput out) {
    rendered_[id] = out.to_json();
    outputs_[id] = std::move(out);
}

RunError::RunError(const Error& cause, Results partial, std::string run_id)
    : Error(cause), results_(std::move(partial)), run_id_(std::move(run_id)) {}

} // namespace bulkflow
