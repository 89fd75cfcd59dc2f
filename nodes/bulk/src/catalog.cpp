#include "catalog.hpp"

#include <bulkflow/error.hpp>

namespace bulkflow::bulk {

ModelCatalog::ModelCatalog(const boost::json::object& models) {
    for (const auto& kv : models) models_.emplace(std::string(kv.key()), Model::from_json(kv.key(), kv.value()));
}

const Model* ModelCatalog::find(std::string_view name) const {
    auto it = models_.find(name);
    return it == models_.end() ? nullptr : &it->second;
}

const Model& ModelCatalog::at(std::string_view name) const {
    if (const auto* m = find(name)) return *m;
    throw Error(ErrorCode::invalid_workflow, "unknown model '" + std::string(name) + "'");
}

} // namespace bulkflow::bulk
