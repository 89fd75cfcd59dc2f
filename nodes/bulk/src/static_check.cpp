// The bulk nodes' checks before the run (NodeFactory::check): the nodes' own parameter parsers
// run on the values known then, against the workflow's models, so `bulkflow validate` and the
// node at run time apply the same rules.

#include "catalog.hpp"
#include "job.hpp"
#include "nodes.hpp"

#include <bulkflow/template.hpp>

#include <optional>

namespace bulkflow::bulk {
namespace {

bool has_template(const boost::json::value& v) {
    if (v.is_string()) return !Template::is_plain(v.get_string());
    if (v.is_array())
        for (const auto& e : v.get_array())
            if (has_template(e)) return true;
    if (v.is_object())
        for (const auto& kv : v.get_object())
            if (has_template(kv.value())) return true;
    return false;
}

// The parameters known before the run, with the spec's defaults, as the node will see them.
// A value that still needs a node's output is left out (its default stands in).
Params known_params(const NodeSpec& spec, const boost::json::object& raw) {
    Params p;
    for (const auto& kv : raw)
        if (!has_template(kv.value())) p.set(std::string(kv.key()), Param(kv.value()));
    for (const auto& s : spec.params)
        if (!p.has(s.name) && s.default_value) p.set(s.name, *s.default_value);
    return p;
}

// The workflow's models; nullopt when one is invalid (the engine reports models itself).
std::optional<ModelCatalog> catalog_of(const boost::json::object& models) {
    try {
        return ModelCatalog(models);
    } catch (const Error&) {
        return std::nullopt;
    }
}

} // namespace

void check_bulk_params(const std::string& model, Operation op, const boost::json::object& models,
                       const boost::json::object& raw) {
    const auto catalog = catalog_of(models);
    if (!catalog) return;
    const Model& m = catalog->at(model);
    const Params p = known_params(bulk_spec(model, op), raw);
    (void)parse_job_options(p);
    switch (op) {
    case Operation::create:
    case Operation::upsert: check_ingest_params(p, m, *catalog, op); break;
    case Operation::update: check_update_params(p, m); break;
    case Operation::remove: check_delete_params(p, m, *catalog); break;
    }
}

void check_list_params(const std::string& model, const boost::json::object& models, const boost::json::object& raw) {
    const auto catalog = catalog_of(models);
    if (!catalog) return;
    const Model& m = catalog->at(model);
    check_list_params(known_params(list_spec(model), raw), m);
}

} // namespace bulkflow::bulk
