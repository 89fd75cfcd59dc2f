#include "nested.hpp"

#include <bulkflow/error.hpp>

namespace bulkflow::bulk {

NestedCreate::NestedCreate(const Params& p, const Model& m, const ModelCatalog& catalog) {
    const auto* names = p.json("include_relationships");
    if (!names) return;
    if (!names->is_array()) Params::fail("include_relationships", "must be a list of relationship names");
    if (p.get_string("conflict_resolution") != "error")
        Params::fail("include_relationships", "needs conflict_resolution: error (a skipped or updated parent has no new id)");
    for (const auto& n : names->get_array()) {
        const Relationship* found = nullptr;
        for (const auto& r : m.relationships)
            if (n.is_string() && r.name == n.get_string()) found = &r;
        if (!found) Params::fail("include_relationships", "model '" + m.name + "' has no relationship " + boost::json::serialize(n));
        if (found->kind == RelationshipKind::belongs_to)
            Params::fail("include_relationships", "'" + found->name + "' is belongs_to; only has_one/has_many children are created");
        const Model* child = catalog.find(found->model);
        if (!child) Params::fail("include_relationships", "relationship '" + found->name + "' names unknown model '" + found->model + "'");
        if (!child->find(found->foreign_key))
            Params::fail("include_relationships", "model '" + child->name + "' has no field '" + found->foreign_key + "' for relationship '" + found->name + "'");
        relations_.push_back({found, child});
    }
}

std::vector<std::string> NestedCreate::keys() const {
    std::vector<std::string> k;
    for (const auto& r : relations_) k.push_back(r.rel->name);
    return k;
}

void NestedCreate::ensure_tables(Dialect& db) const {
    for (const auto& r : relations_) db.ensure_table(*r.child);
}

WriteCounts NestedCreate::insert_parents(Dialect& db, const Model& m, const RowBatch& rows) {
    std::vector<SqlValue> ids;
    auto remember = [&] {
        for (std::size_t i = 0; i < ids.size(); ++i) parent_ids_[rows.record_index(i)] = ids[i];
    };
    try {
        db.insert_collecting_ids(m, rows, ids);
    } catch (...) {
        remember();
        throw;
    }
    remember();
    return {ids.size(), 0, 0};
}

WriteCounts NestedCreate::insert_children(Dialect& db, const ConvertedBatch& batch) {
    for (auto& r : relations_) {
        RecordBatch children;
        for (const auto& [index, nested] : batch.nested) {
            const auto* v = nested.if_contains(r.rel->name);
            auto parent = parent_ids_.find(index);
            if (!v || v->is_null() || parent == parent_ids_.end()) continue;  // no children, or the parent failed
            auto add = [&](const boost::json::value& c) {
                if (!c.is_object())
                    throw Error(ErrorCode::invalid_data, "record " + std::to_string(index) + ": relationship '" + r.rel->name + "' must hold objects");
                boost::json::object o = c.get_object();
                o[r.rel->foreign_key] = to_json(parent->second);
                children.append(o);
            };
            if (v->is_array() && r.rel->kind == RelationshipKind::has_many)
                for (const auto& c : v->get_array()) add(c);
            else if (v->is_object() && r.rel->kind == RelationshipKind::has_one)
                add(*v);
            else
                throw Error(ErrorCode::invalid_data, "record " + std::to_string(index) + ": relationship '" + r.rel->name + "' expects " +
                                                         (r.rel->kind == RelationshipKind::has_many ? "a list of objects" : "an object"));
        }
        if (children.empty()) continue;
        ConvertOptions opts;
        auto converted = convert_batch(*r.child, children, opts);
        if (!converted.rejects.empty())
            throw Error(ErrorCode::invalid_data, "relationship '" + r.rel->name + "': child record " +
                                                     std::to_string(converted.rejects[0].index) + ": " + converted.rejects[0].error);
        for (const auto& g : converted.groups) r.inserted += db.insert_rows(*r.child, g, ConflictMode::error, {}).inserted;
    }
    parent_ids_.clear();
    return {};
}

boost::json::object NestedCreate::counts() const {
    boost::json::object o;
    for (const auto& r : relations_) o[r.rel->name] = static_cast<std::int64_t>(r.inserted);
    return o;
}

} // namespace bulkflow::bulk
