#pragma once
// SqlValue <-> PostgreSQL text: COPY text format cells, text-format statement parameters, and
// result cells back to SqlValue.

#include <bulkflow/model.hpp>
#include <bulkflow/row_batch.hpp>
#include <bulkflow/sql_value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow::detail {

// Type OIDs (pg_type.oid; stable across PostgreSQL versions).
inline constexpr unsigned kOidBool = 16, kOidInt8 = 20, kOidInt2 = 21, kOidInt4 = 23, kOidText = 25, kOidOid = 26,
                          kOidJson = 114, kOidBpchar = 1042, kOidVarchar = 1043, kOidFloat4 = 700, kOidFloat8 = 701, kOidDate = 1082,
                          kOidTimestamp = 1114, kOidTimestampTz = 1184, kOidNumeric = 1700, kOidJsonb = 3802;

/// "2024-01-01 06:30:00.123456+00:00" (fraction only when non-zero; years <= 0 as "... BC").
std::string pg_timestamp_text(Timestamp t);
/// "2024-01-01" (years <= 0 as "... BC").
std::string pg_date_text(Date d);
/// PostgreSQL's output ("2024-01-01 06:30:00+00", "... BC", 5-digit years, no offset = UTC).
std::optional<Timestamp> parse_pg_timestamp(std::string_view s) noexcept;
std::optional<Date> parse_pg_date(std::string_view s) noexcept;

/// Appends one cell in COPY text format: `\N` for NULL, backslash, tab, newline and carriage
/// return escaped. The value must not contain a NUL byte (see find_nul).
void append_copy_cell(std::string& out, const SqlValue& v);

struct NulCell {
    std::size_t row;
    std::size_t column;
};
/// The first cell (row-major) whose text contains a NUL byte, if any.
std::optional<NulCell> find_nul(const RowBatch& rows) noexcept;

/// A statement parameter: its text (nullopt = NULL) and type OID (0: the server infers it).
struct PgParam {
    std::optional<std::string> text;
    unsigned oid = 0;
};
PgParam to_param(const SqlValue& v);

/// A result cell (text format) as the field's type; without a field, by the column's type OID:
/// integers -> int64, floats -> double, bool, numeric -> Decimal, timestamps -> Timestamp,
/// date -> Date, json/jsonb -> JsonText, anything else -> string. Throws Error(database) naming
/// `column` when the text does not fit the field's type.
SqlValue from_pg_text(std::string_view text, const Field* field, unsigned type_oid, std::string_view column);

} // namespace bulkflow::detail
