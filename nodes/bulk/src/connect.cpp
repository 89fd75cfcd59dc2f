#include "job.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/sqlite_dialect.hpp>

namespace bulkflow::bulk {

std::unique_ptr<Dialect> open_database(Context& ctx, const Model& model) {
    auto url = DatabaseUrl::parse(ctx.database_url());
    std::unique_ptr<Dialect> db;
    switch (url.kind) {
    case DatabaseKind::sqlite: db = open_sqlite(url); break;
    case DatabaseKind::postgresql:
        throw Error(ErrorCode::connection, "the PostgreSQL writer is not built yet (issue #4); use a sqlite:/// URL for now");
    case DatabaseKind::mysql:
        throw Error(ErrorCode::connection, "the MySQL/MariaDB writer is not built yet; use a sqlite:/// URL for now");
    }
    db->ensure_table(model);
    return db;
}

} // namespace bulkflow::bulk
