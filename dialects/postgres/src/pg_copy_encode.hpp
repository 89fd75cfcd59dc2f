#pragma once
// COPY data straight from a RowBatch's typed values: binary format (the default), text and csv
// with the caller's delimiter and NULL marker, the validation of those options, and the binary
// value encoding that the multi-row INSERT path (use_copy: false) reuses for its parameters.

#include <bulkflow/dialect.hpp>
#include <bulkflow/row_batch.hpp>
#include <bulkflow/sql_value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow::detail {

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

enum class CopyFormat { binary, text, csv };

struct CopyOptions {
    CopyFormat format = CopyFormat::binary;
    char delimiter = '\t';
    std::string null = "\\N";
};

/// How a PostgreSQL writer loads rows, from a bulk node's LoadOptions.
struct PgLoadOptions {
    bool use_copy = true;
    CopyOptions copy;
};

/// Validates and normalises `o` (format binary | text | csv, case-insensitive; empty delimiter
/// and null marker mean the format's default). Throws Error(invalid_parameter) naming the
/// option ("copy_options.delimiter ...") for anything PostgreSQL would refuse.
PgLoadOptions pg_load_options(const LoadOptions& o);

/// The options clause after `FROM STDIN`: "" for plain text, " (FORMAT binary)", ...
std::string copy_clause(const CopyOptions& o);

/// The rows of one write as the COPY / INSERT sees them: optionally the staging table's leading
/// bulkflow_n and bulkflow_round, optionally ids (replacing column `id_column`, or leading
/// when it is kNone), then the batch's cells.
struct RowSource {
    const RowBatch* rows = nullptr;
    const std::vector<std::uint32_t>* rounds = nullptr;
    const std::vector<SqlValue>* ids = nullptr;
    std::size_t id_column = kNone;

    [[nodiscard]] std::size_t width() const noexcept {
        return rows->columns().size() + (rounds ? 2 : 0) + (ids && id_column == kNone ? 1 : 0);
    }
    /// Output column `k` of row `r`; synthesised numbers go to `scratch` (never allocates).
    [[nodiscard]] const SqlValue& value(std::size_t r, std::size_t k, SqlValue& scratch) const {
        if (rounds) {
            if (k < 2) return scratch = static_cast<std::int64_t>(k == 0 ? r : (*rounds)[r]);
            k -= 2;
        }
        if (ids) {
            if (id_column == kNone) {
                if (k == 0) return (*ids)[r];
                --k;
            } else if (k == id_column) {
                return (*ids)[r];
            }
        }
        return rows->at(r, k);
    }
};

/// Appends `v` (not NULL) in PostgreSQL's binary send format for a column of type `oid`
/// (int2/int4/int8, float8, bool, text/varchar/bpchar, numeric, timestamp(tz), date,
/// json/jsonb). Returns false, with `out` unchanged, when the value cannot be represented
/// exactly that way (another type, an integer out of the column's range, an unparseable
/// decimal...): the caller then sends text, and the server judges the value.
bool append_binary_value(std::string& out, const SqlValue& v, unsigned oid);

/// PostgreSQL's binary NUMERIC (ndigits, weight, sign, dscale, base-10000 digits) of a decimal
/// text: [+-]digits[.digits][e[+-]digits]. Returns false (out unchanged) for anything else.
bool append_binary_numeric(std::string& out, std::string_view text);

/// The binary COPY stream's header and trailer.
void append_binary_copy_header(std::string& out);
void append_binary_copy_trailer(std::string& out);
/// Appends the tuples of rows [lo, hi); `oids` are the output columns' types. False when some
/// value cannot go in binary (see append_binary_value): `out` then ends in a partial tuple.
bool append_binary_copy_rows(std::string& out, const RowSource& src, std::size_t lo, std::size_t hi,
                             const std::vector<unsigned>& oids);

/// Rows [lo, hi) as a complete binary COPY stream (header, tuples, trailer) into `out`
/// (cleared first). `oids` are the output columns' types. False when some value cannot go in
/// binary (see append_binary_value): `out` is then unusable.
bool encode_binary_copy(std::string& out, const RowSource& src, std::size_t lo, std::size_t hi,
                        const std::vector<unsigned>& oids);

/// Rows [lo, hi) in text or csv format with `o`'s delimiter and NULL marker into `out`
/// (cleared first). Text: backslash escapes (the delimiter too); a value that would read as
/// the NULL marker gets an octal escape. CSV: fields with the delimiter, a quote, CR or LF,
/// empty strings and values equal to the NULL marker are quoted.
void encode_text_copy(std::string& out, const RowSource& src, std::size_t lo, std::size_t hi, const CopyOptions& o);

/// The value as plain text (no COPY escaping): what a text-format parameter carries.
void append_plain_text(std::string& out, const SqlValue& v);

} // namespace bulkflow::detail
