#pragma once
// Binds SqlValues to SOCI statements through stable per-column slots, so one prepared statement
// is reused for every row: fill the slots, execute.

#include <bulkflow/model.hpp>
#include <bulkflow/sql_value.hpp>

#include <soci/soci.h>

#include <string>
#include <vector>

namespace bulkflow::detail {

/// How a value travels to SQLite (storage conventions: decimal/datetime/date/json as text).
enum class SlotKind { integer, real, text };

struct BindSlot {
    SlotKind kind = SlotKind::text;
    long long i = 0;
    double d = 0;
    std::string s;
    soci::indicator ind = soci::i_ok;
};

/// The slot kind for a field's storage type.
SlotKind slot_kind(FieldType t) noexcept;
/// The slot kind for a value of unknown field (filter binds).
SlotKind slot_kind(const SqlValue& v) noexcept;
/// Stores `v` into `slot` using the slot's kind (text encodings per storage convention).
void fill_slot(BindSlot& slot, const SqlValue& v);
/// SQLite's text form of a timestamp: fixed-width "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string sqlite_timestamp_text(Timestamp t);

/// Converts a SOCI row cell to a SqlValue of the field's type (nullptr field: natural type).
SqlValue read_cell(const soci::row& row, std::size_t i, const Field* field);

} // namespace bulkflow::detail
