#include "native_statement.hpp"

#include <sqlite3.h>

#include "soci_binding.hpp"

#include <bulkflow/error.hpp>

namespace bulkflow::detail {

NativeStatement::NativeStatement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
        throw Error(ErrorCode::database, std::string("preparing statement: ") + sqlite3_errmsg(db_));
    scratch_.resize(static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt_)));
}

NativeStatement::~NativeStatement() { sqlite3_finalize(stmt_); }

void NativeStatement::bind(std::size_t index, const SqlValue& v) {
    const int i = static_cast<int>(index) + 1;
    auto text = [&](const std::string& s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC); };
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) sqlite3_bind_null(stmt_, i);
            else if constexpr (std::is_same_v<T, std::int64_t>) sqlite3_bind_int64(stmt_, i, x);
            else if constexpr (std::is_same_v<T, bool>) sqlite3_bind_int(stmt_, i, x ? 1 : 0);
            else if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(stmt_, i, x);
            else if constexpr (std::is_same_v<T, std::string>) text(x);
            else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, JsonText>) text(x.text);
            else if constexpr (std::is_same_v<T, Timestamp>) text(scratch_[index] = sqlite_timestamp_text(x));
            else if constexpr (std::is_same_v<T, Date>) text(scratch_[index] = format_date(x));
        },
        v);
}

std::int64_t NativeStatement::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

long long NativeStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(stmt_);
        return sqlite3_changes64(db_);
    }
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw Error((rc & 0xff) == SQLITE_CONSTRAINT ? ErrorCode::constraint_violation : ErrorCode::database, msg);
}

} // namespace bulkflow::detail
