#pragma once
// The MySQL/MariaDB bulk writes: multi-row INSERT ... VALUES with bound parameters (at most
// 65,535 per statement), ON DUPLICATE KEY UPDATE for skip / update with exact counts from the
// server's "Records: N  Duplicates: D" info, id collection from LAST_INSERT_ID, and the row
// isolation every write shares (SAVEPOINT + bisection; see mysql_dialect.hpp).

#include "my_connection.hpp"
#include "my_statement.hpp"

#include <bulkflow/dialect.hpp>
#include <bulkflow/row_isolation.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bulkflow::detail {

class MyWriter {
public:
    explicit MyWriter(MyConnection& conn) : conn_(conn) {}

    WriteCounts insert_rows(const Model& m, const RowBatch& rows, ConflictMode mode, const std::vector<std::string>& conflict_columns);
    void insert_collecting_ids(const Model& m, const RowBatch& rows, std::vector<SqlValue>& ids);
    std::size_t update_rows(const Model& m, const RowBatch& rows, const std::string& extra_where);

    /// A prepared statement for `sql`, kept for reuse (a few dozen at most).
    MyStatement& statement(const std::string& sql);
    /// After a reconnect: prepared statements died with the old connection.
    void forget_session() {
        statements_.clear();
        stages_.clear();  // temporary tables died with the session
    }
    /// LOAD DATA LOCAL INFILE for plain creates (when the server allows local_infile).
    void set_load_data(bool enabled, char delimiter, bool id_gaps) noexcept {
        load_data_ = enabled;
        delimiter_ = delimiter;
        id_gaps_ = id_gaps;
    }

private:
    using Written = RangeWritten;
    /// Runs `op` over the batch with row isolation (row_isolation.hpp) inside the caller's
    /// transaction; the first failing row ends the write with RowWriteError after the rows
    /// before it are written.
    WriteCounts guarded(const RowBatch& rows, const RangeOp& op, const Written& written = {});

    struct Insert {
        std::string head;    // INSERT INTO t (cols)
        std::string upsert;  // " ON DUPLICATE KEY UPDATE ..." or empty
        std::size_t width = 0;
        std::vector<SqlValue> stamps;  // created_at / updated_at values the records do not set
        bool guarded = false;  // `upsert` fails (1365) on a row met on another unique key than the target
    };
    /// `conflict_columns` as insert_rows takes them (empty: id, and skip on any key).
    Insert plan_insert(const Model& m, const RowBatch& rows, ConflictMode mode, const std::vector<std::string>& conflict_columns);
    /// Executes rows [lo, hi) as multi-row INSERTs of at most `per_statement` rows; `done` is
    /// told each statement's first row, row count and the statement after it ran.
    void insert_values(const Insert& ins, const RowBatch& rows, std::size_t lo, std::size_t hi, bool with_upsert,
                       std::size_t per_statement, const std::function<void(std::size_t, std::size_t, MyStatement&)>& done);

    /// update_rows with distinct ids: the batch into a temporary staging table, one UPDATE ... JOIN.
    std::size_t update_staged(const Model& m, const RowBatch& rows, std::size_t id_pos, const std::string& extra_where);
    /// update_rows one statement per row (repeated ids, or to find a failing row).
    std::size_t update_row_by_row(const Model& m, const RowBatch& rows, std::size_t id_pos, const std::string& extra_where);

    /// Streams rows [lo, hi) through LOAD DATA LOCAL INFILE. True when the server stored every
    /// row without skipping one or warning; false: the caller rolls back and uses INSERT.
    bool load_data(const Model& m, const Insert& ins, const RowBatch& rows, std::size_t lo, std::size_t hi);

    MyConnection& conn_;
    bool load_data_ = true;
    char delimiter_ = '\t';
    bool id_gaps_ = false;
    std::string buffer_;  // LOAD DATA text, reused across calls
    std::map<std::string, std::unique_ptr<MyStatement>> statements_;
    std::map<std::string, std::string> stages_;  // table + columns -> staging table (update_staged)
};

} // namespace bulkflow::detail
