#include "pg_writer.hpp"

#include "pg_values.hpp"

#include <bulkflow/row_isolation.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <unordered_map>

namespace bulkflow::detail {
namespace {

const SqlFlavor& pg() { return sql_flavor(DatabaseKind::postgresql); }

std::string stage_column(std::size_t i) { return "bulkflow_c" + std::to_string(i); }

std::string column_list(const RowBatch& rows, bool id_first = false) {
    std::string s = id_first ? pg().quote_identifier("id") : std::string();
    for (const Field* f : rows.columns()) s += (s.empty() ? "" : ", ") + pg().quote_identifier(f->name);
    return s;
}

/// For each row, how many earlier rows share its key: rows with the same key go to successive
/// rounds, so one statement never meets a key twice and the last row's values win, as when
/// rows are written one by one. A key with a NULL never conflicts (round 0).
std::vector<std::uint32_t> occurrence_rounds(const RowBatch& rows, const std::vector<std::size_t>& key_pos) {
    std::vector<std::uint32_t> rounds(rows.rows(), 0);
    std::unordered_map<std::string, std::uint32_t> seen;
    std::string key;
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        key.clear();
        bool null = false;
        for (auto p : key_pos) {
            const SqlValue& v = rows.at(r, p);
            null = null || is_null(v);
            key += static_cast<char>('0' + v.index());
            append_copy_cell(key, v);  // escapes tabs, so the separator is unambiguous
            key += '\t';
        }
        if (!null) rounds[r] = seen[key]++;
    }
    return rounds;
}

std::uint32_t max_round(const std::vector<std::uint32_t>& rounds, std::size_t lo, std::size_t hi) {
    std::uint32_t m = 0;
    for (std::size_t r = lo; r < hi; ++r) m = std::max(m, rounds[r]);
    return m;
}

std::size_t affected(const PgResult& r) { return static_cast<std::size_t>(std::strtoull(PQcmdTuples(r.get()), nullptr, 10)); }

/// Staging column names in a message become the model's column names.
std::string real_names(std::string msg, const RowBatch& rows) {
    for (std::size_t i = rows.columns().size(); i-- > 0;) {
        const std::string stage = stage_column(i);
        for (auto p = msg.find(stage); p != std::string::npos; p = msg.find(stage, p))
            msg.replace(p, stage.size(), rows.columns()[i]->name);
    }
    return msg;
}

} // namespace

void PgWriter::forget_table(const std::string& table) {
    sequences_.erase(table);
    column_types_.clear();  // keyed by quoted and staging names: simply read them again
    for (auto it = stages_.begin(); it != stages_.end();)
        it = it->first.compare(0, table.size() + 1, table + '\0') == 0 ? stages_.erase(it) : std::next(it);
}

void PgWriter::forget_session() {
    stages_.clear();
    sequences_.clear();
    column_types_.clear();
}

WriteCounts PgWriter::guarded(const RowBatch& rows, const RangeOp& op, const Written& written) {
    const auto nul = find_nul(rows);  // such a row is never sent
    IsolationPort port;
    port.exec = [&](const char* sql) { conn_.exec(sql, "savepoint"); };
    port.transaction_alive = [&] { return !conn_.broken() && conn_.in_transaction(); };
    port.row_fault = [&](const std::exception_ptr& ep) -> std::optional<RowFault> {
        try {
            std::rethrow_exception(ep);
        } catch (const PgError& e) {
            if (!e.row_level()) return std::nullopt;
            return RowFault{e.code(), real_names(e.bare(), rows), e.copy_line()};
        } catch (...) {
            return std::nullopt;
        }
    };
    const WriteCounts counts = isolate_rows(rows, nul ? nul->row : rows.rows(), port, op, written);
    if (nul)
        throw RowWriteError(Error(ErrorCode::invalid_data, "record " + std::to_string(rows.record_index(nul->row)) + ": field '" +
                                                               rows.columns()[nul->column]->name +
                                                               "' contains a NUL byte, which PostgreSQL text cannot store"),
                            nul->row, counts);
    return counts;
}

std::string PgWriter::stage_for(const Model& m, const RowBatch& rows) {
    std::string key = m.table + '\0';
    for (const Field* f : rows.columns()) key += f->name + ',';
    auto it = stages_.find(key);
    if (it == stages_.end()) it = stages_.emplace(key, "bulkflow_stage_" + std::to_string(++next_stage_)).first;
    // The target's own column types (CREATE TABLE AS), without its constraints or defaults.
    // IF NOT EXISTS: a rolled-back transaction may have taken the table with it.
    std::string sql = "CREATE TEMP TABLE IF NOT EXISTS " + it->second +
                      " ON COMMIT DELETE ROWS AS SELECT CAST(0 AS BIGINT) AS bulkflow_n, 0 AS bulkflow_round";
    for (std::size_t i = 0; i < rows.columns().size(); ++i)
        sql += ", " + pg().quote_identifier(rows.columns()[i]->name) + " AS " + stage_column(i);
    sql += " FROM " + pg().quote_identifier(m.table) + " WITH NO DATA";
    conn_.exec(sql, "creating a staging table for '" + m.table + "'");
    return it->second;
}

void PgWriter::fill_stage(const LoadTarget& stage, const RowBatch& rows, std::size_t lo, std::size_t hi,
                          const std::vector<std::uint32_t>& rounds) {
    conn_.exec("TRUNCATE " + stage.sql, "emptying the staging table");
    RowSource src;
    src.rows = &rows;
    src.rounds = &rounds;
    load(stage, src, lo, hi);
}

PgWriter::LoadTarget PgWriter::stage_target(const Model& m, const RowBatch& rows) {
    LoadTarget t{stage_for(m, rows), {}, "staging rows"};
    std::vector<std::string> names{"bulkflow_n", "bulkflow_round"};
    for (std::size_t i = 0; i < rows.columns().size(); ++i) names.push_back(stage_column(i));
    t.oids = column_oids(t.sql, names);
    return t;
}

std::vector<std::int64_t> PgWriter::allocate_ids(const Model& m, std::size_t n) {
    auto seq = sequences_.find(m.table);
    if (seq == sequences_.end()) {
        auto r = conn_.exec_params("SELECT pg_get_serial_sequence($1, 'id')", {SqlValue{pg().quote_identifier(m.table)}},
                                   "finding the id sequence of '" + m.table + "'");
        if (PQntuples(r.get()) != 1 || PQgetisnull(r.get(), 0, 0))
            throw Error(ErrorCode::database, "table '" + m.table + "' has no sequence behind column 'id'; cannot generate ids");
        seq = sequences_.emplace(m.table, PQgetvalue(r.get(), 0, 0)).first;
    }
    auto r = conn_.exec_params("SELECT nextval(CAST($1 AS regclass)) FROM generate_series(1, $2)",
                               {SqlValue{seq->second}, SqlValue{static_cast<std::int64_t>(n)}}, "allocating ids for '" + m.table + "'");
    std::vector<std::int64_t> ids;
    ids.reserve(n);
    for (int i = 0; i < PQntuples(r.get()); ++i) ids.push_back(std::strtoll(PQgetvalue(r.get(), i, 0), nullptr, 10));
    std::sort(ids.begin(), ids.end());
    return ids;
}

WriteCounts PgWriter::insert_defaults(const Model& m, const RowBatch& rows, ConflictMode mode) {
    // Records that set no column at all: COPY needs a column list, so one statement per row.
    const std::string sql = "INSERT INTO " + pg().quote_identifier(m.table) + " DEFAULT VALUES" +
                            (mode == ConflictMode::skip ? " ON CONFLICT DO NOTHING" : "");
    return guarded(rows, [&](std::size_t lo, std::size_t hi) {
        WriteCounts c;
        for (std::size_t r = lo; r < hi; ++r) {
            const std::size_t n = affected(conn_.exec(sql, "insert into '" + m.table + "'"));
            c.inserted += n;
            c.skipped += 1 - std::min<std::size_t>(n, 1);
        }
        return c;
    });
}

WriteCounts PgWriter::insert_rows(const Model& m, const RowBatch& rows, ConflictMode mode,
                                  const std::vector<std::string>& conflict_columns) {
    const auto& q = pg();
    const auto& cols = rows.columns();
    const std::string table = q.quote_identifier(m.table);
    const std::string what = "insert into '" + m.table + "'";
    const std::vector<std::string> target = conflict_columns.empty() ? std::vector<std::string>{"id"} : conflict_columns;
    std::vector<std::size_t> key_pos;
    if (mode == ConflictMode::update)
        for (const auto& t : target) {
            const auto p = rows.column_of(t);
            if (p == cols.size()) throw Error(ErrorCode::invalid_parameter, "conflict column '" + t + "' is missing from the records");
            key_pos.push_back(p);
        }
    if (rows.empty()) return {};
    if (cols.empty()) return insert_defaults(m, rows, mode);

    if (mode == ConflictMode::error) {
        // created_at / updated_at the batch lacks are left to their DEFAULT now().
        const LoadTarget t{table + " (" + column_list(rows) + ")", batch_oids(m, rows), what};
        RowSource src;
        src.rows = &rows;
        return guarded(rows, [&](std::size_t lo, std::size_t hi) { return WriteCounts{load(t, src, lo, hi), 0, 0}; });
    }

    // skip: ON CONFLICT DO NOTHING also absorbs a key repeated inside the batch (the later row is
    // skipped), so one round does; update: rows repeating a key go to later rounds.
    const auto rounds = mode == ConflictMode::update ? occurrence_rounds(rows, key_pos) : std::vector<std::uint32_t>(rows.rows(), 0);
    const LoadTarget stage = stage_target(m, rows);
    std::string select;
    for (std::size_t i = 0; i < cols.size(); ++i) select += (i ? ", " : "") + stage_column(i);
    std::string conflict, keys;
    for (std::size_t k = 0; k < target.size(); ++k) keys += (k ? ", " : "") + q.quote_identifier(target[k]);
    if (mode == ConflictMode::skip) {
        // Without conflict columns a row met on any unique key is kept; otherwise only the target
        // matches and another key's duplicate fails the record (docs/bulk-nodes.md, Conflicts).
        conflict = conflict_columns.empty() ? " ON CONFLICT DO NOTHING" : " ON CONFLICT (" + keys + ") DO NOTHING";
    } else {
        std::string set;
        for (std::size_t i = 0; i < cols.size(); ++i) {
            if (std::find(key_pos.begin(), key_pos.end(), i) != key_pos.end() || cols[i]->name == "created_at") continue;
            const std::string c = q.quote_identifier(cols[i]->name);
            set += (set.empty() ? "" : ", ") + c + " = EXCLUDED." + c;
        }
        if (rows.column_of("updated_at") == cols.size() && m.find("updated_at"))
            set += (set.empty() ? "" : ", ") + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
        if (set.empty()) {  // nothing to change but the row still counts as updated
            const std::string c = q.quote_identifier(target.front());
            set = c + " = EXCLUDED." + c;
        }
        // xmax = 0 only on a freshly inserted row version: exact inserted / updated counts.
        conflict = " ON CONFLICT (" + keys + ") DO UPDATE SET " + set + " RETURNING (xmax = 0)";
    }
    return guarded(rows, [&](std::size_t lo, std::size_t hi) {
        fill_stage(stage, rows, lo, hi, rounds);
        WriteCounts c;
        const std::uint32_t last = max_round(rounds, lo, hi);
        for (std::uint32_t round = 0; round <= last; ++round) {
            const std::string where = last > 0 ? " WHERE bulkflow_round = " + std::to_string(round) : "";
            auto r = conn_.exec("INSERT INTO " + table + " (" + column_list(rows) + ") SELECT " + select + " FROM " + stage.sql + where +
                                    " ORDER BY bulkflow_n" + conflict,
                                what);
            if (mode == ConflictMode::skip) {
                c.inserted += affected(r);
                continue;
            }
            for (int i = 0; i < PQntuples(r.get()); ++i) {
                if (PQgetvalue(r.get(), i, 0)[0] == 't') ++c.inserted;
                else ++c.updated;
            }
        }
        c.skipped = (hi - lo) - c.inserted - c.updated;
        return c;
    });
}

void PgWriter::insert_collecting_ids(const Model& m, const RowBatch& rows, std::vector<SqlValue>& ids) {
    if (rows.empty()) return;
    const auto& cols = rows.columns();
    const std::size_t id_pos = rows.column_of("id");
    const Field& idf = m.id_field();
    std::vector<SqlValue> all(rows.rows());
    std::size_t missing = 0;
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        if (id_pos < cols.size()) all[r] = rows.at(r, id_pos);
        if (is_null(all[r])) ++missing;
    }
    auto collect = [&](std::size_t lo, std::size_t hi) { ids.insert(ids.end(), all.begin() + static_cast<std::ptrdiff_t>(lo), all.begin() + static_cast<std::ptrdiff_t>(hi)); };
    if (missing == 0 || !idf.auto_increment || idf.type != FieldType::integer) {
        // The ids are the records' own (SQLite reports them the same way).
        if (cols.empty()) {
            insert_defaults(m, rows, ConflictMode::error);
            collect(0, rows.rows());
            return;
        }
        const LoadTarget t{pg().quote_identifier(m.table) + " (" + column_list(rows) + ")", batch_oids(m, rows),
                           "insert into '" + m.table + "'"};
        RowSource src;
        src.rows = &rows;
        guarded(rows, [&](std::size_t lo, std::size_t hi) { return WriteCounts{load(t, src, lo, hi), 0, 0}; }, collect);
        return;
    }
    // Ids drawn from the table's sequence up front and sent with the rows: each id belongs to
    // its row for certain (RETURNING gives no order guarantee), in ascending row order.
    const auto fresh = allocate_ids(m, missing);
    std::size_t next = 0;
    for (auto& v : all)
        if (is_null(v)) v = fresh[next++];
    RowSource src;
    src.rows = &rows;
    src.ids = &all;
    src.id_column = id_pos < cols.size() ? id_pos : kNone;
    const bool id_first = src.id_column == kNone;
    const LoadTarget t{pg().quote_identifier(m.table) + " (" + column_list(rows, id_first) + ")", batch_oids(m, rows, id_first),
                       "insert into '" + m.table + "'"};
    guarded(rows, [&](std::size_t lo, std::size_t hi) { return WriteCounts{load(t, src, lo, hi), 0, 0}; }, collect);
}

std::size_t PgWriter::update_rows(const Model& m, const RowBatch& rows, const std::string& extra_where) {
    const auto& q = pg();
    const auto& cols = rows.columns();
    const std::size_t id_pos = rows.column_of("id");
    if (id_pos == cols.size()) throw Error(ErrorCode::invalid_parameter, "update records need an 'id'");
    if (rows.empty()) return 0;
    const std::string table = q.quote_identifier(m.table);
    std::string set;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i == id_pos) continue;
        set += (set.empty() ? "" : ", ") + q.quote_identifier(cols[i]->name) + " = bulkflow_s." + stage_column(i);
    }
    if (rows.column_of("updated_at") == cols.size() && m.find("updated_at"))
        set += (set.empty() ? "" : ", ") + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
    if (set.empty()) set = q.quote_identifier("id") + " = bulkflow_s." + stage_column(id_pos);
    // Staging columns are named bulkflow_c<i>, so `extra_where`'s plain column names can only
    // mean the target's.
    const LoadTarget stage = stage_target(m, rows);
    const std::string base = "UPDATE " + table + " SET " + set + " FROM " + stage.sql + " AS bulkflow_s WHERE " + table + "." +
                             q.quote_identifier("id") + " = bulkflow_s." + stage_column(id_pos);
    const auto rounds = occurrence_rounds(rows, {id_pos});
    return guarded(rows, [&](std::size_t lo, std::size_t hi) {
               fill_stage(stage, rows, lo, hi, rounds);
               // A nested loop over the batch's ids: its cost is bounded by the batch, whatever
               // the table's size. With no statistics on the fresh staging table (and even with
               // them) the planner often prefers a merge join, which walks the table's primary
               // key from its first id on every batch: 3x slower for 10,000 ids near the end of a
               // 1,000,000-row table, and worse for later batches of bigger tables.
               conn_.exec("SET LOCAL enable_mergejoin = off; SET LOCAL enable_hashjoin = off", "planner settings");
               WriteCounts c;
               const std::uint32_t last = max_round(rounds, lo, hi);
               for (std::uint32_t round = 0; round <= last; ++round) {
                   std::string sql = base;
                   if (last > 0) sql += " AND bulkflow_s.bulkflow_round = " + std::to_string(round);
                   if (!extra_where.empty()) sql += " AND (" + extra_where + ")";
                   c.updated += affected(conn_.exec(sql, "update of '" + m.table + "'"));
               }
               conn_.exec("RESET enable_mergejoin; RESET enable_hashjoin", "planner settings");
               return c;
           })
        .updated;
}

} // namespace bulkflow::detail
