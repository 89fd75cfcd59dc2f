#pragma once
// disable_indexes: drops a table's secondary indexes before a load and recreates exactly those
// afterwards (see postgres_dialect.hpp for the transaction rules).

#include "pg_connection.hpp"

#include <bulkflow/model.hpp>

#include <map>
#include <string>
#include <vector>

namespace bulkflow::detail {

class IndexKeeper {
public:
    /// Drops `m`'s table's indexes that are neither the primary key nor unique nor exclusion
    /// indexes nor back any constraint (nor replica-identity / clustered / invalid / partition
    /// indexes), remembering each one's pg_get_indexdef(). All or none, in one transaction.
    void drop(PgConnection& conn, const Model& m);
    /// Recreates what drop() removed (each index in its own transaction, under its former
    /// tablespace); an index that exists again by that name is left alone, so calling this twice,
    /// or without drop(), does nothing. Throws Error(database) listing the indexes that could not
    /// be rebuilt; they stay remembered and a later call tries them again.
    void restore(PgConnection& conn, const Model& m);

private:
    struct Dropped {
        std::string qualified;   // "schema"."name", as DROP INDEX and to_regclass take it
        std::string definition;  // pg_get_indexdef()
        std::string tablespace;  // empty: the database default
    };
    std::map<std::string, std::vector<Dropped>> dropped_;  // by table
};

} // namespace bulkflow::detail
