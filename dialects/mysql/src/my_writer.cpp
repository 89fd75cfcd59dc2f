#include "my_writer.hpp"

#include <bulkflow/row_isolation.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <mysqld_error.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_set>

namespace bulkflow::detail {
namespace {

const SqlFlavor& my() { return sql_flavor(DatabaseKind::mysql); }

constexpr std::size_t kMaxParams = 65'535;
constexpr std::size_t kMaxRowsPerStatement = 1'000;

// LOAD DATA's text form (FIELDS ESCAPED BY '\\', \N is NULL): backslash, the delimiter, line
// breaks and NUL are escaped. False for a value the text form cannot carry exactly.
bool append_cell(std::string& out, const SqlValue& v, char delimiter) {
    auto text = [&](const std::string& s) {
        for (char ch : s) {
            switch (ch) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\0': out += "\\0"; break;
            default:
                if (ch == delimiter) out += '\\';
                out += ch;
            }
        }
    };
    char buf[48];
    std::string scratch;  // numbers and dates pass through text() too: the delimiter may be any character
    const bool ok = std::visit(
        [&](const auto& x) -> bool {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                out += "\\N";
                return true;
            } else if constexpr (std::is_same_v<T, std::int64_t>) scratch = std::to_string(x);
            else if constexpr (std::is_same_v<T, bool>) scratch = x ? "1" : "0";
            else if constexpr (std::is_same_v<T, double>) {
                if (!std::isfinite(x)) return false;
                std::snprintf(buf, sizeof buf, "%.17g", x);
                scratch = buf;
            } else if constexpr (std::is_same_v<T, std::string>) text(x);
            else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, JsonText>) text(x.text);
            else if constexpr (std::is_same_v<T, Timestamp>) {
                const MYSQL_TIME t = to_mysql_time(x);
                if (t.year < 1000 || t.year > 9999) return false;
                std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u.%06lu", t.year, t.month, t.day, t.hour, t.minute, t.second,
                              t.second_part);
                scratch = buf;
            } else if constexpr (std::is_same_v<T, Date>) {
                const MYSQL_TIME t = to_mysql_time(x);
                if (t.year < 1000 || t.year > 9999) return false;
                std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", t.year, t.month, t.day);
                scratch = buf;
            }
            return true;
        },
        v);
    if (ok && !scratch.empty()) text(scratch);
    return ok;
}

// mysql_set_local_infile_handler callbacks: the "file" is a buffer in memory.
struct InfileSource {
    const std::string* data;
    std::size_t pos = 0;
};
int infile_init(void** ptr, const char*, void* userdata) {
    *ptr = userdata;
    return 0;
}
int infile_read(void* ptr, char* buf, unsigned int len) {
    auto* src = static_cast<InfileSource*>(ptr);
    const std::size_t n = std::min<std::size_t>(len, src->data->size() - src->pos);
    std::memcpy(buf, src->data->data() + src->pos, n);
    src->pos += n;
    return static_cast<int>(n);
}
void infile_end(void*) {}
int infile_error(void*, char* msg, unsigned int len) {
    std::snprintf(msg, len, "bulkflow: in-memory LOAD DATA source failed");
    return 2000;  // CR_UNKNOWN_ERROR
}

// True when a row may collide on a unique key other than `target` (the primary key, a unique
// field or a composite unique constraint).
bool other_unique_key(const Model& m, const std::vector<std::string>& target) {
    auto sorted = [](std::vector<std::string> k) {
        std::sort(k.begin(), k.end());
        return k;
    };
    const auto t = sorted(target);
    for (const auto& f : m.fields)
        if ((f.unique || f.primary_key) && t != std::vector<std::string>{f.name}) return true;
    for (const auto& u : m.unique)
        if (sorted(u) != t) return true;
    return false;
}

std::string column_list(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

// ON DUPLICATE KEY UPDATE fires on any unique key; conflicts match on `target` only (docs/
// bulk-nodes.md, Conflicts). The first assignment leaves the row as it is when its target
// columns equal the record's and otherwise divides by zero, which strict mode makes error 1365
// (statement rolled back): a row met on another key is never changed.
std::string target_guard(const std::vector<std::string>& target) {
    const auto& q = my();
    std::string same;
    for (const auto& t : target) {
        const std::string c = q.quote_identifier(t);
        same += (same.empty() ? "" : " AND ") + c + " <=> VALUES(" + c + ")";
    }
    const std::string first = q.quote_identifier(target.front());
    return first + " = IF((" + same + ") OR 1/0, " + first + ", " + first + ")";
}

// The guard's error as the record error it stands for.
MyError other_key_error(const std::vector<std::string>& target) {
    const std::string bare = "duplicate value for a unique key other than (" + column_list(target) +
                             "): another row holds it, and conflicts are matched on (" + column_list(target) + ") only";
    return MyError(ErrorCode::constraint_violation, "insert into table: " + bare, ER_DUP_ENTRY, "23000", bare);
}

} // namespace

bool MyWriter::load_data(const Model& m, const Insert& ins, const RowBatch& rows, std::size_t lo, std::size_t hi) {
    const std::size_t ncols = rows.columns().size();
    buffer_.clear();
    for (std::size_t r = lo; r < hi; ++r) {
        for (std::size_t c = 0; c < ncols + ins.stamps.size(); ++c) {
            if (c) buffer_ += delimiter_;
            if (!append_cell(buffer_, c < ncols ? rows.at(r, c) : ins.stamps[c - ncols], delimiter_)) return false;
        }
        buffer_ += '\n';
    }
    const auto& q = my();
    std::string sql = "LOAD DATA LOCAL INFILE 'bulkflow-batch' INTO TABLE " + q.quote_identifier(m.table) +
                      " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '";
    if (delimiter_ == '\'') sql += "\\'";
    else if (delimiter_ == '\t') sql += "\\t";
    else sql += delimiter_;
    sql += "' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (";
    sql += ins.head.substr(ins.head.find('(') + 1);  // the INSERT's column list
    InfileSource src{&buffer_};
    ::MYSQL* h = conn_.handle();
    mysql_set_local_infile_handler(h, infile_init, infile_read, infile_end, infile_error, &src);
    const int rc = mysql_real_query(h, sql.data(), sql.size());
    mysql_set_local_infile_default(h);
    if (rc != 0) conn_.fail("LOAD DATA into '" + m.table + "'");
    // "Records: N  Deleted: 0  Skipped: S  Warnings: W": LOCAL loads skip duplicates and turn
    // bad values into warnings instead of failing; only a clean load counts.
    unsigned long long records = 0, deleted = 0, skipped = 0, warnings = 0;
    const char* info = mysql_info(h);
    if (!info || std::sscanf(info, "Records: %llu Deleted: %llu Skipped: %llu Warnings: %llu", &records, &deleted, &skipped, &warnings) != 4)
        return false;
    return records == hi - lo && deleted == 0 && skipped == 0 && warnings == 0 && mysql_affected_rows(h) == hi - lo;
}

MyStatement& MyWriter::statement(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return *it->second;
    if (statements_.size() >= 48) statements_.clear();  // bounded: the server caps prepared statements
    return *statements_.emplace(sql, std::make_unique<MyStatement>(conn_, sql)).first->second;
}

WriteCounts MyWriter::guarded(const RowBatch& rows, const RangeOp& op, const Written& written) {
    IsolationPort port;
    port.exec = [&](const char* sql) { conn_.exec(sql, "savepoint"); };
    port.transaction_alive = [&] { return conn_.in_transaction(); };
    port.row_fault = [](const std::exception_ptr& ep) -> std::optional<RowFault> {
        try {
            std::rethrow_exception(ep);
        } catch (const MyError& e) {
            if (!e.row_level()) return std::nullopt;
            return RowFault{e.code(), e.bare(), std::nullopt};
        } catch (...) {
            return std::nullopt;
        }
    };
    return isolate_rows(rows, rows.rows(), port, op, written);
}

MyWriter::Insert MyWriter::plan_insert(const Model& m, const RowBatch& rows, ConflictMode mode,
                                      const std::vector<std::string>& conflict_columns) {
    const auto& q = my();
    const std::vector<std::string> target = conflict_columns.empty() ? std::vector<std::string>{"id"} : conflict_columns;
    const auto& cols = rows.columns();
    Insert ins;
    ins.head = "INSERT INTO " + q.quote_identifier(m.table) + " (";
    std::vector<std::string> names;
    for (const Field* f : cols) names.push_back(f->name);
    // created_at / updated_at the records do not set: one timestamp per batch, bound like a value.
    const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    for (const char* sys : {"created_at", "updated_at"})
        if (m.find(sys) && rows.column_of(sys) == cols.size()) {
            names.emplace_back(sys);
            ins.stamps.emplace_back(Timestamp{now.time_since_epoch().count()});
        }
    for (std::size_t i = 0; i < names.size(); ++i) ins.head += (i ? ", " : "") + q.quote_identifier(names[i]);
    ins.head += ")";
    ins.width = names.size();
    // skip without conflict_fields keeps a row met on any unique key; otherwise only the target matches.
    ins.guarded = mode != ConflictMode::error && (mode == ConflictMode::update || !conflict_columns.empty()) &&
                  other_unique_key(m, target);
    if (mode == ConflictMode::skip) {
        ins.upsert = " ON DUPLICATE KEY UPDATE " +
                     (ins.guarded ? target_guard(target) : q.quote_identifier("id") + " = " + q.quote_identifier("id"));
    } else if (mode == ConflictMode::update) {
        std::string set = ins.guarded ? target_guard(target) : std::string();
        for (const auto& name : names) {
            if (name == "created_at" || std::find(target.begin(), target.end(), name) != target.end()) continue;
            const std::string c = q.quote_identifier(name);
            set += (set.empty() ? "" : ", ") + c + " = VALUES(" + c + ")";
        }
        if (set.empty()) set = q.quote_identifier("id") + " = " + q.quote_identifier("id");
        ins.upsert = " ON DUPLICATE KEY UPDATE " + set;
    }
    return ins;
}

void MyWriter::insert_values(const Insert& ins, const RowBatch& rows, std::size_t lo, std::size_t hi, bool with_upsert,
                             std::size_t per_statement, const std::function<void(std::size_t, std::size_t, MyStatement&)>& done) {
    const std::size_t ncols = rows.columns().size();
    std::string tuple = "(";
    for (std::size_t i = 0; i < ins.width; ++i) tuple += i ? ", ?" : "?";
    tuple += ")";
    for (std::size_t start = lo; start < hi;) {
        const std::size_t k = std::min(per_statement, hi - start);
        std::string sql = ins.head + " VALUES ";
        sql.reserve(sql.size() + k * (tuple.size() + 2) + ins.upsert.size());
        for (std::size_t r = 0; r < k; ++r) sql += (r ? ", " : "") + tuple;
        if (with_upsert) sql += ins.upsert;
        MyStatement& st = statement(sql);
        std::size_t p = 0;
        for (std::size_t r = start; r < start + k; ++r) {
            for (std::size_t c = 0; c < ncols; ++c) st.bind(p++, rows.at(r, c));
            for (const auto& s : ins.stamps) st.bind(p++, s);
        }
        st.execute("insert into table");
        done(start, k, st);
        start += k;
    }
}

WriteCounts MyWriter::insert_rows(const Model& m, const RowBatch& rows, ConflictMode mode, const std::vector<std::string>& conflict_columns) {
    const std::vector<std::string> target = conflict_columns.empty() ? std::vector<std::string>{"id"} : conflict_columns;
    if (mode == ConflictMode::update)
        for (const auto& t : target)
            if (rows.column_of(t) == rows.columns().size())
                throw Error(ErrorCode::invalid_parameter, "conflict column '" + t + "' is missing from the records");
    const Insert ins = plan_insert(m, rows, mode, conflict_columns);
    const std::size_t per = std::max<std::size_t>(1, std::min(kMaxRowsPerStatement, kMaxParams / std::max<std::size_t>(1, ins.width)));
    // LOAD DATA is a "bulk insert" to InnoDB: with innodb_autoinc_lock_mode 1 or 2 it reserves
    // ids in growing blocks and loses the unused ones, so consecutive loads leave gaps that
    // INSERT ... VALUES does not. It is used where no generated id is at stake, or when allowed.
    const Field* id = m.find("id");
    const bool ids_safe = rows.column_of("id") < rows.columns().size() || !id || !id->auto_increment ||
                          conn_.autoinc_lock_mode() == 0 || id_gaps_;
    const bool load = load_data_ && ids_safe && mode == ConflictMode::error && ins.width > 0 && conn_.local_infile();
    bool load_clean = true;  // after one unclean LOAD DATA, this batch goes by INSERT
    const auto write = [&](std::size_t lo, std::size_t hi) {
        WriteCounts c;
        if (load && load_clean && hi - lo > 1) {
            if (load_data(m, ins, rows, lo, hi)) {
                c.inserted = hi - lo;
                return c;
            }
            load_clean = false;
            conn_.exec("ROLLBACK TO SAVEPOINT bulkflow_row", "rollback to savepoint");  // redone below by INSERT
        }
        // One row alone: the server sends no info and affected rows cannot tell an insert from
        // an unchanged row, so the row is tried as a plain INSERT first; a duplicate key means
        // it exists (skip), or it is written again with ON DUPLICATE KEY UPDATE (update).
        auto single = [&](std::size_t r) {
            try {
                insert_values(ins, rows, r, r + 1, false, 1, [&](std::size_t, std::size_t, MyStatement&) { ++c.inserted; });
            } catch (const MyError& e) {
                if (e.number() != ER_DUP_ENTRY || conn_.broken()) throw;
                if (mode == ConflictMode::skip && !ins.guarded) {
                    ++c.skipped;
                    return;
                }
                // Guarded, skip too goes through the upsert: it fails when the key met is not the target.
                insert_values(ins, rows, r, r + 1, true, 1,
                              [&](std::size_t, std::size_t, MyStatement&) { ++(mode == ConflictMode::skip ? c.skipped : c.updated); });
            }
        };
        if (mode != ConflictMode::error && per == 1) {
            for (std::size_t r = lo; r < hi; ++r) single(r);
            return c;
        }
        // The last statement would hold one row: that row goes alone, after the others.
        const bool tail = mode != ConflictMode::error && (hi - lo) % per == 1;
        if (tail) --hi;
        insert_values(ins, rows, lo, hi, mode != ConflictMode::error, per, [&](std::size_t, std::size_t k, MyStatement& st) {
            if (mode == ConflictMode::error) {
                c.inserted += k;
                return;
            }
            // Every row that met an existing key (on any unique index, as ON DUPLICATE KEY does)
            // is one of the info's "Duplicates", changed or not (CLIENT_FOUND_ROWS).
            if (auto info = st.insert_info(); info && k > 1) {
                c.inserted += k - info->duplicates;
                (mode == ConflictMode::skip ? c.skipped : c.updated) += info->duplicates;
                return;
            }
            throw Error(ErrorCode::internal, "no insert info from the server for a multi-row upsert");
        });
        if (tail) single(hi);
        return c;
    };
    return guarded(rows, [&](std::size_t lo, std::size_t hi) {
        try {
            return write(lo, hi);
        } catch (const MyError& e) {
            if (!ins.guarded || e.number() != ER_DIVISION_BY_ZERO) throw;
            throw other_key_error(target);  // the statement binds values only: the guard divided
        }
    });
}

void MyWriter::insert_collecting_ids(const Model& m, const RowBatch& rows, std::vector<SqlValue>& ids) {
    const Insert ins = plan_insert(m, rows, ConflictMode::error, {});
    const std::size_t id_pos = rows.column_of("id");
    const bool explicit_ids = id_pos < rows.columns().size();
    // LAST_INSERT_ID() is the first id of a multi-row INSERT; the others follow it only when the
    // server allocates them consecutively (innodb_autoinc_lock_mode 0 or 1). Mode 2 (interleaved):
    // one row per statement.
    std::size_t per = std::max<std::size_t>(1, std::min(kMaxRowsPerStatement, kMaxParams / std::max<std::size_t>(1, ins.width)));
    if (!explicit_ids && !conn_.consecutive_ids()) per = 1;
    std::vector<SqlValue> attempt_ids;
    guarded(
        rows,
        [&](std::size_t lo, std::size_t hi) {
            attempt_ids.clear();
            WriteCounts c;
            insert_values(ins, rows, lo, hi, false, per, [&](std::size_t first, std::size_t k, MyStatement& st) {
                c.inserted += k;
                if (explicit_ids) {
                    for (std::size_t r = first; r < first + k; ++r) attempt_ids.push_back(rows.at(r, id_pos));
                    return;
                }
                const auto id0 = static_cast<std::int64_t>(st.insert_id());
                for (std::size_t i = 0; i < k; ++i) attempt_ids.emplace_back(id0 + static_cast<std::int64_t>(i) * conn_.id_increment());
            });
            return c;
        },
        [&](std::size_t, std::size_t) { ids.insert(ids.end(), attempt_ids.begin(), attempt_ids.end()); });
}

static bool distinct_ids(const RowBatch& rows, std::size_t id_pos) {
    std::unordered_set<std::string> seen;
    std::string key;
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        const SqlValue& v = rows.at(r, id_pos);
        if (const auto* i = std::get_if<std::int64_t>(&v)) key = "i" + std::to_string(*i);
        else if (const auto* t = std::get_if<std::string>(&v)) key = "s" + *t;
        else return false;  // NULL or another type: let the row-by-row path judge it
        if (!seen.insert(key).second) return false;
    }
    return true;
}

std::size_t MyWriter::update_rows(const Model& m, const RowBatch& rows, const std::string& extra_where) {
    const auto& cols = rows.columns();
    const std::size_t id_pos = rows.column_of("id");
    if (id_pos == cols.size()) throw Error(ErrorCode::invalid_parameter, "update records need an 'id'");
    // One UPDATE ... JOIN per batch from a temporary staging table: a statement per row costs the
    // server ten times the work. Repeated ids (the last record must win) and a batch whose
    // statement fails on one row (to find and report that row) go row by row.
    if (rows.rows() > 1 && distinct_ids(rows, id_pos)) {
        conn_.exec("SAVEPOINT bulkflow_update", "savepoint");
        try {
            const std::size_t n = update_staged(m, rows, id_pos, extra_where);
            conn_.exec("RELEASE SAVEPOINT bulkflow_update", "savepoint");
            return n;
        } catch (const MyError& e) {
            if (!e.row_level() || !conn_.in_transaction()) throw;
            conn_.exec("ROLLBACK TO SAVEPOINT bulkflow_update", "rollback to savepoint");
        }
    }
    return update_row_by_row(m, rows, id_pos, extra_where);
}

std::size_t MyWriter::update_staged(const Model& m, const RowBatch& rows, std::size_t id_pos, const std::string& extra_where) {
    const auto& q = my();
    const auto& cols = rows.columns();
    const std::string table = q.quote_identifier(m.table);
    std::string key = m.table + '\0';
    for (const Field* f : cols) key += f->name + ',';
    auto it = stages_.find(key);
    if (it == stages_.end()) {
        // Staging columns are named bulkflow_c<i>, so extra_where's plain names mean the target's.
        const std::string name = "bulkflow_stage_" + std::to_string(stages_.size() + 1);
        std::string select;
        for (std::size_t i = 0; i < cols.size(); ++i)
            select += (i ? ", " : "") + q.quote_identifier(cols[i]->name) + " AS bulkflow_c" + std::to_string(i);
        // A temporary table: no implicit commit, gone with the session.
        conn_.exec("CREATE TEMPORARY TABLE IF NOT EXISTS " + name + " ENGINE=InnoDB AS SELECT " + select + " FROM " + table + " LIMIT 0",
                   "creating a staging table for '" + m.table + "'");
        it = stages_.emplace(key, name).first;
    }
    const std::string& stage = it->second;
    conn_.exec("DELETE FROM " + stage, "emptying the staging table");
    Insert ins;
    ins.head = "INSERT INTO " + stage + " (";
    for (std::size_t i = 0; i < cols.size(); ++i) ins.head += (i ? ", " : "") + std::string("bulkflow_c") + std::to_string(i);
    ins.head += ")";
    ins.width = cols.size();
    const std::size_t per = std::max<std::size_t>(1, std::min(kMaxRowsPerStatement, kMaxParams / std::max<std::size_t>(1, ins.width)));
    insert_values(ins, rows, 0, rows.rows(), false, per, [](std::size_t, std::size_t, MyStatement&) {});

    std::string set;
    for (std::size_t i = 0; i < cols.size(); ++i)
        if (i != id_pos) set += (set.empty() ? "" : ", ") + table + "." + q.quote_identifier(cols[i]->name) + " = s.bulkflow_c" + std::to_string(i);
    if (m.find("updated_at") && rows.column_of("updated_at") == cols.size())
        set += (set.empty() ? "" : ", ") + table + "." + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
    if (set.empty()) set = table + "." + q.quote_identifier("id") + " = " + table + "." + q.quote_identifier("id");
    std::string sql = "UPDATE " + table + " JOIN " + stage + " AS s ON " + table + "." + q.quote_identifier("id") + " = s.bulkflow_c" +
                      std::to_string(id_pos) + " SET " + set;
    if (!extra_where.empty()) sql += " WHERE (" + extra_where + ")";
    return statement(sql).execute("update of table '" + m.table + "'");  // found rows: CLIENT_FOUND_ROWS
}

std::size_t MyWriter::update_row_by_row(const Model& m, const RowBatch& rows, std::size_t id_pos, const std::string& extra_where) {
    const auto& q = my();
    const auto& cols = rows.columns();
    std::string sql = "UPDATE " + q.quote_identifier(m.table) + " SET ";
    std::vector<std::size_t> order;
    bool first = true;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i == id_pos) continue;
        sql += (first ? "" : ", ") + q.quote_identifier(cols[i]->name) + " = ?";
        first = false;
        order.push_back(i);
    }
    if (m.find("updated_at") && rows.column_of("updated_at") == cols.size())
        sql += std::string(first ? "" : ", ") + q.quote_identifier("updated_at") + " = " + q.current_timestamp();
    else if (first)
        sql += q.quote_identifier("id") + " = " + q.quote_identifier("id");
    sql += " WHERE " + q.quote_identifier("id") + " = ?";
    if (!extra_where.empty()) sql += " AND (" + extra_where + ")";
    order.push_back(id_pos);
    MyStatement& st = statement(sql);
    std::size_t changed = 0;
    for (std::size_t r = 0; r < rows.rows(); ++r) {
        for (std::size_t s = 0; s < order.size(); ++s) st.bind(s, rows.at(r, order[s]));
        try {
            changed += st.execute("update of table '" + m.table + "'");  // found rows: CLIENT_FOUND_ROWS
        } catch (const MyError& e) {
            if (!e.row_level() || conn_.broken()) throw;
            // One statement failed atomically; the rows before it stay.
            throw RowWriteError(Error(e.code(), "record " + std::to_string(rows.record_index(r)) + ": " + e.bare()), r, {0, changed, 0});
        }
    }
    return changed;
}

} // namespace bulkflow::detail
