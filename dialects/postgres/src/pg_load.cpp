// PgWriter::load: rows to a table by COPY (binary, text or csv) or by multi-row INSERT.

#include "pg_values.hpp"
#include "pg_writer.hpp"

#include <bulkflow/sql_flavor.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <unordered_map>

namespace bulkflow::detail {
namespace {

// PostgreSQL's protocol counts a statement's parameters in 16 bits.
constexpr std::size_t kMaxParams = 65'535;

const CopyOptions& plain_text() {
    static const CopyOptions text{CopyFormat::text, '\t', "\\N"};
    return text;
}

void append_param_number(std::string& sql, std::size_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    (void)ec;
    sql += '$';
    sql.append(buf, end);
}

} // namespace

std::vector<unsigned> PgWriter::column_oids(const std::string& table, const std::vector<std::string>& names) {
    if (opts_.use_copy && opts_.copy.format != CopyFormat::binary) return std::vector<unsigned>(names.size(), 0);
    auto cached = column_types_.find(table);
    if (cached == column_types_.end()) {
        auto r = conn_.exec_params("SELECT a.attname, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END "
                                   "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                                   "WHERE a.attrelid = CAST($1 AS regclass) AND a.attnum > 0 AND NOT a.attisdropped",
                                   {SqlValue{table}}, "reading the column types of " + table);
        std::unordered_map<std::string, unsigned> read;
        for (int i = 0; i < PQntuples(r.get()); ++i)
            read.emplace(PQgetvalue(r.get(), i, 0), static_cast<unsigned>(std::strtoul(PQgetvalue(r.get(), i, 1), nullptr, 10)));
        cached = column_types_.emplace(table, std::move(read)).first;
    }
    const auto& types = cached->second;
    std::vector<unsigned> out;
    out.reserve(names.size());
    for (const auto& n : names) {
        auto it = types.find(n);
        out.push_back(it == types.end() ? 0 : it->second);
    }
    return out;
}

std::vector<unsigned> PgWriter::batch_oids(const Model& m, const RowBatch& rows, bool id_first) {
    std::vector<std::string> names;
    if (id_first) names.emplace_back("id");
    for (const Field* f : rows.columns()) names.push_back(f->name);
    return column_oids(sql_flavor(DatabaseKind::postgresql).quote_identifier(m.table), names);
}

std::size_t PgWriter::load(const LoadTarget& t, const RowSource& src, std::size_t lo, std::size_t hi) {
    if (lo == hi) return 0;
    if (!opts_.use_copy) return insert_values(t, src, lo, hi);
    if (opts_.copy.format == CopyFormat::binary) return load_binary(t, src, lo, hi);
    encode_text_copy(buffer_, src, lo, hi, opts_.copy);
    return conn_.copy_in("COPY " + t.sql + " FROM STDIN" + copy_clause(opts_.copy), buffer_, t.what);
}

std::size_t PgWriter::load_binary(const LoadTarget& t, const RowSource& src, std::size_t lo, std::size_t hi) {
    // Sent in slices as they are encoded: the server parses and stores one slice while the
    // client encodes the next, instead of idling until the whole batch is encoded.
    constexpr std::size_t kSliceRows = 1024;
    std::size_t a = lo, b = std::min(hi, lo + kSliceRows);
    buffer_.clear();
    append_binary_copy_header(buffer_);
    std::size_t written = 0;
    if (append_binary_copy_rows(buffer_, src, a, b, t.oids)) {
        conn_.copy_begin("COPY " + t.sql + " FROM STDIN" + copy_clause(opts_.copy), t.what);
        bool sent = conn_.copy_put(buffer_);
        bool binary = true;
        while (sent && b < hi) {
            a = b;
            b = std::min(hi, a + kSliceRows);
            buffer_.clear();
            if (!append_binary_copy_rows(buffer_, src, a, b, t.oids)) {
                binary = false;  // rows [lo, a) are sent; the rest goes as text below
                break;
            }
            sent = conn_.copy_put(buffer_);
        }
        buffer_.clear();
        append_binary_copy_trailer(buffer_);
        written = conn_.copy_end(sent && conn_.copy_put(buffer_), t.what);
        if (binary) return written;
    }
    // A value binary cannot carry exactly (another type than the column's, say) goes as text
    // from its slice on, and the server judges it as it would any text COPY. COPY counts lines
    // from 1 again: a failing line is reported counted from `lo`, as row isolation expects.
    encode_text_copy(buffer_, src, a, hi, plain_text());
    try {
        return written + conn_.copy_in("COPY " + t.sql + " FROM STDIN" + copy_clause(plain_text()), buffer_, t.what);
    } catch (const PgError& e) {
        if (!e.copy_line() || a == lo) throw;
        throw PgError(e.code(), e.what(), e.sqlstate(), e.bare(), *e.copy_line() + (a - lo));
    }
}

std::size_t PgWriter::insert_values(const LoadTarget& t, const RowSource& src, std::size_t lo, std::size_t hi) {
    const std::size_t width = src.width();
    const std::size_t per_statement = std::max<std::size_t>(1, kMaxParams / width);
    std::size_t written = 0;
    SqlValue scratch;
    std::string sql;
    for (std::size_t a = lo; a < hi; a += per_statement) {
        const std::size_t b = std::min(hi, a + per_statement);
        const std::size_t n = (b - a) * width;
        sql.clear();
        sql.reserve(t.sql.size() + 20 + n * 8);
        sql += "INSERT INTO ";
        sql += t.sql;
        sql += " VALUES ";
        param_data_.clear();
        param_offsets_.clear();
        param_lengths_.clear();
        param_formats_.clear();
        param_types_.clear();
        std::size_t p = 0;
        for (std::size_t r = a; r < b; ++r) {
            sql += r == a ? "(" : ",(";
            for (std::size_t k = 0; k < width; ++k) {
                if (k) sql += ',';
                append_param_number(sql, ++p);
                const SqlValue& v = src.value(r, k, scratch);
                const unsigned oid = k < t.oids.size() ? t.oids[k] : 0;
                const std::size_t at = param_data_.size();
                if (is_null(v)) {
                    param_offsets_.push_back(kNone);
                    param_formats_.push_back(0);
                    param_types_.push_back(oid);
                } else if (append_binary_value(param_data_, v, oid)) {
                    param_offsets_.push_back(at);
                    param_formats_.push_back(1);
                    param_types_.push_back(oid);
                } else {  // as text, typed by the column it goes to
                    append_plain_text(param_data_, v);
                    param_data_ += '\0';
                    param_offsets_.push_back(at);
                    param_formats_.push_back(0);
                    param_types_.push_back(0);
                }
                param_lengths_.push_back(static_cast<int>(param_data_.size() - at));
            }
            sql += ')';
        }
        param_values_.clear();
        for (auto off : param_offsets_) param_values_.push_back(off == kNone ? nullptr : param_data_.data() + off);
        auto res = conn_.exec_params_raw(sql, static_cast<int>(n), param_types_.data(), param_values_.data(), param_lengths_.data(),
                                         param_formats_.data(), t.what);
        written += static_cast<std::size_t>(std::strtoull(PQcmdTuples(res.get()), nullptr, 10));
    }
    return written;
}

} // namespace bulkflow::detail
