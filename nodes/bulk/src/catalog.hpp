#pragma once
// The workflow's models, parsed once per node run from the Context's JSON form.

#include <bulkflow/model.hpp>

#include <boost/json.hpp>

#include <map>
#include <string>

namespace bulkflow::bulk {

class ModelCatalog {
public:
    /// Parses every model; throws Error(invalid_workflow) naming the model.
    explicit ModelCatalog(const boost::json::object& models);
    [[nodiscard]] const Model* find(std::string_view name) const;
    /// Throws Error(invalid_workflow) when the model is unknown.
    [[nodiscard]] const Model& at(std::string_view name) const;

private:
    std::map<std::string, Model, std::less<>> models_;
};

} // namespace bulkflow::bulk
