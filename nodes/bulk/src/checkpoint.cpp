#include "checkpoint.hpp"

namespace bulkflow::bulk {
namespace {

constexpr const char* kTable = "bulkflow_checkpoints";

void ensure(Dialect& db) {
    const auto& q = db.flavor();
    db.execute({"CREATE TABLE IF NOT EXISTS " + q.quote_identifier(kTable) + " (" + q.quote_identifier("checkpoint_key") +
                    " VARCHAR(255) PRIMARY KEY, " + q.quote_identifier("records_done") + " BIGINT NOT NULL)",
                {}});
}

} // namespace

std::size_t checkpoint_read(Dialect& db, const std::string& key) {
    ensure(db);
    const auto& q = db.flavor();
    auto rows = db.query({"SELECT " + q.quote_identifier("records_done") + " FROM " + q.quote_identifier(kTable) + " WHERE " +
                              q.quote_identifier("checkpoint_key") + " = " + q.placeholder(1),
                          {SqlValue{key}}},
                         {});
    if (rows.empty()) return 0;
    const auto& v = rows[0][0];
    if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<std::size_t>(*i);
    if (auto* s = std::get_if<std::string>(&v)) return static_cast<std::size_t>(std::stoll(*s));
    return 0;
}

void checkpoint_write(Dialect& db, const std::string& key, std::size_t records_done) {
    const auto& q = db.flavor();
    auto n = static_cast<std::int64_t>(records_done);
    std::size_t changed = db.execute({"UPDATE " + q.quote_identifier(kTable) + " SET " + q.quote_identifier("records_done") + " = " +
                                          q.placeholder(1) + " WHERE " + q.quote_identifier("checkpoint_key") + " = " + q.placeholder(2),
                                      {SqlValue{n}, SqlValue{key}}});
    if (changed == 0)
        db.execute({"INSERT INTO " + q.quote_identifier(kTable) + " (" + q.quote_identifier("checkpoint_key") + ", " +
                        q.quote_identifier("records_done") + ") VALUES (" + q.placeholder(1) + ", " + q.placeholder(2) + ")",
                    {SqlValue{key}, SqlValue{n}}});
}

void checkpoint_clear(Dialect& db, const std::string& key) {
    const auto& q = db.flavor();
    db.execute({"DELETE FROM " + q.quote_identifier(kTable) + " WHERE " + q.quote_identifier("checkpoint_key") + " = " + q.placeholder(1),
                {SqlValue{key}}});
}

} // namespace bulkflow::bulk
