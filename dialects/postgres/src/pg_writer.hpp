#pragma once
// The bulk writes: COPY into the table (conflicts are errors), COPY into a temporary staging
// table + one INSERT ... ON CONFLICT (skip / update) or UPDATE ... FROM (update_rows), and the row
// isolation every write shares (see postgres_dialect.hpp). With use_copy: false, multi-row
// INSERTs with bound parameters take the place of every COPY.

#include "pg_connection.hpp"
#include "pg_copy_encode.hpp"

#include <bulkflow/dialect.hpp>
#include <bulkflow/row_isolation.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <string>
#include <vector>

namespace bulkflow::detail {

class PgWriter {
public:
    explicit PgWriter(PgConnection& conn) : conn_(conn) {}

    /// COPY format and options, or multi-row INSERT (validated by pg_load_options).
    void set_options(const PgLoadOptions& o) { opts_ = o; }

    WriteCounts insert_rows(const Model& m, const RowBatch& rows, ConflictMode mode,
                            const std::vector<std::string>& conflict_columns);
    void insert_collecting_ids(const Model& m, const RowBatch& rows, std::vector<SqlValue>& ids);
    std::size_t update_rows(const Model& m, const RowBatch& rows, const std::string& extra_where);

    /// The table may have been recreated: stop reusing its staging tables and cached sequence.
    void forget_table(const std::string& table);
    /// After a reconnect: temporary tables are gone.
    void forget_session();

private:
    using Written = RangeWritten;

    /// Runs `op` over the whole batch with row isolation (row_isolation.hpp), inside the
    /// caller's transaction. A row with a NUL byte, and the first row that fails at the
    /// database, end the write with RowWriteError after the rows before it are written.
    WriteCounts guarded(const RowBatch& rows, const RangeOp& op, const Written& written = {});

    /// A temporary table (bulkflow_n, bulkflow_round, bulkflow_c0...) with the target's column
    /// types for the batch's columns; created if missing. Returns its name.
    std::string stage_for(const Model& m, const RowBatch& rows);
    /// Where load() sends rows: `sql` is the table with its column list ("t" (a, b)), `oids`
    /// the types of the output columns (0 when unknown; only needed for binary).
    struct LoadTarget {
        std::string sql;
        std::vector<unsigned> oids;
        std::string what;
    };
    /// Writes rows [lo, hi) of `src` to `t` by COPY (binary, text or csv) or, with use_copy
    /// false, by multi-row INSERTs of at most 65,535 parameters each. Returns the rows written.
    std::size_t load(const LoadTarget& t, const RowSource& src, std::size_t lo, std::size_t hi);
    std::size_t insert_values(const LoadTarget& t, const RowSource& src, std::size_t lo, std::size_t hi);
    /// Binary COPY streamed slice by slice; falls back to text for the rest from the first
    /// slice with a value binary cannot carry.
    std::size_t load_binary(const LoadTarget& t, const RowSource& src, std::size_t lo, std::size_t hi);
    /// The types of `table`'s (a regclass text) columns `names` (domains as their base type; 0:
    /// not found). Read for every write (one catalog query), only when binary values are sent.
    std::vector<unsigned> column_oids(const std::string& table, const std::vector<std::string>& names);
    /// column_oids of the batch's columns, after "id" when `id_first`.
    std::vector<unsigned> batch_oids(const Model& m, const RowBatch& rows, bool id_first = false);

    /// Empties the staging table and loads rows [lo, hi) into it.
    void fill_stage(const LoadTarget& stage, const RowBatch& rows, std::size_t lo, std::size_t hi,
                    const std::vector<std::uint32_t>& rounds);
    /// The staging table as a load target (its leading bulkflow_n and bulkflow_round, then the
    /// batch's columns with the types of the target's).
    LoadTarget stage_target(const Model& m, const RowBatch& rows);
    /// `n` fresh values of the table's id sequence, ascending.
    std::vector<std::int64_t> allocate_ids(const Model& m, std::size_t n);
    WriteCounts insert_defaults(const Model& m, const RowBatch& rows, ConflictMode mode);

    PgConnection& conn_;
    std::map<std::string, std::string> stages_;     // table + columns -> staging table name
    std::map<std::string, std::string> sequences_;  // table -> its id sequence
    // Quoted table (or staging table) -> column name -> type OID, read once instead of per batch.
    std::map<std::string, std::unordered_map<std::string, unsigned>> column_types_;
    std::size_t next_stage_ = 0;
    PgLoadOptions opts_;
    std::string buffer_;  // COPY data, reused across calls
    // multi-row INSERT parameters, reused across calls
    std::string param_data_;
    std::vector<std::size_t> param_offsets_;
    std::vector<const char*> param_values_;
    std::vector<int> param_lengths_, param_formats_;
    std::vector<Oid> param_types_;
};

} // namespace bulkflow::detail
