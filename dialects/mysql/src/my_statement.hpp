#pragma once
// A server-side prepared statement on the connection's MYSQL* handle: SqlValues are bound
// without copying text (the values must outlive execute()), results come back typed by the
// model's fields.

#include "my_connection.hpp"

#include <bulkflow/model.hpp>
#include <bulkflow/sql_value.hpp>

#include <mysql.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bulkflow::detail {

class MyStatement {
public:
    /// Prepares `sql`; throws MyError.
    MyStatement(MyConnection& conn, const std::string& sql);
    ~MyStatement();
    MyStatement(const MyStatement&) = delete;
    MyStatement& operator=(const MyStatement&) = delete;

    [[nodiscard]] std::size_t param_count() const noexcept { return params_.size(); }
    /// Binds parameter `i` (0-based). Text is not copied: `v` must stay unchanged until execute().
    void bind(std::size_t i, const SqlValue& v);
    /// Executes; returns the affected rows (found rows for UPDATE). Throws MyError.
    std::uint64_t execute(std::string_view what);
    /// The first AUTO_INCREMENT value the last execute() generated (0: none).
    [[nodiscard]] std::uint64_t insert_id() const;
    /// "Records: N  Duplicates: D" of the last multi-row INSERT; nullopt when the server sent
    /// none (single-row INSERT).
    struct InsertInfo {
        std::uint64_t records = 0, duplicates = 0;
    };
    [[nodiscard]] std::optional<InsertInfo> insert_info() const;
    /// Reads the result of the last execute(): one value per column, typed by `fields[i]`
    /// (nullptr or missing: the column's natural type).
    void fetch_all(const std::vector<const Field*>& fields, std::vector<std::vector<SqlValue>>& out, std::string_view what);

private:
    struct Param {
        long long i = 0;
        double d = 0;
        signed char b = 0;
        MYSQL_TIME t{};
        unsigned long length = 0;
    };
    MyConnection& conn_;
    ::MYSQL_STMT* stmt_ = nullptr;
    std::vector<MYSQL_BIND> binds_;
    std::vector<Param> params_;
};

/// Timestamp / Date <-> MYSQL_TIME.
MYSQL_TIME to_mysql_time(Timestamp t);
MYSQL_TIME to_mysql_time(Date d);
Timestamp timestamp_of(const MYSQL_TIME& t);

} // namespace bulkflow::detail
