#include "job.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/mysql_dialect.hpp>
#include <bulkflow/postgres_dialect.hpp>
#include <bulkflow/sqlite_dialect.hpp>

namespace bulkflow::bulk {

std::unique_ptr<Dialect> open_database(Context& ctx, const Model& model) { return open_database(ctx.database_url(), model); }

std::unique_ptr<Dialect> open_database(const std::string& database_url, const Model& model) {
    auto url = DatabaseUrl::parse(database_url);
    std::unique_ptr<Dialect> db;
    switch (url.kind) {
    case DatabaseKind::sqlite: db = open_sqlite(url); break;
    case DatabaseKind::postgresql: db = open_postgres(url); break;
    case DatabaseKind::mysql: db = open_mysql(url); break;
    }
    db->ensure_table(model);
    return db;
}

} // namespace bulkflow::bulk
