#pragma once
// include_relationships with relationship_strategy nested_create: records carry their children
// under a relationship key ({"name": ..., "profile": {...}} or "reviews": [{...}]); children
// are inserted after their parent, in the same transaction, with the parent's id as foreign key.

#include "catalog.hpp"
#include "convert.hpp"

#include <bulkflow/dialect.hpp>
#include <bulkflow/params.hpp>

#include <map>
#include <string>
#include <vector>

namespace bulkflow::bulk {

class NestedCreate {
public:
    /// Reads include_relationships / relationship_strategy; empty when not requested. Throws
    /// Error(invalid_parameter) for unknown or belongs_to relationships or another strategy.
    NestedCreate(const Params& params, const Model& model, const ModelCatalog& catalog);

    [[nodiscard]] bool enabled() const noexcept { return !relations_.empty(); }
    /// Relationship keys the converter must keep aside.
    [[nodiscard]] std::vector<std::string> keys() const;
    void ensure_tables(Dialect& db) const;

    /// Inserts parent rows and remembers their ids by record index.
    WriteCounts insert_parents(Dialect& db, const Model& model, const RowBatch& rows);
    /// Inserts the children of this batch's parents; returns nothing to add to the parent counts.
    WriteCounts insert_children(Dialect& db, const ConvertedBatch& batch);
    /// Children inserted so far, by relationship name.
    [[nodiscard]] boost::json::object counts() const;

private:
    struct Relation {
        const Relationship* rel;
        const Model* child;
        std::size_t inserted = 0;
    };
    std::vector<Relation> relations_;
    std::map<std::size_t, SqlValue> parent_ids_;  // record index -> id, for the current batch
};

} // namespace bulkflow::bulk
