#include "soci_binding.hpp"

#include <bulkflow/error.hpp>

#include <cstdio>

namespace bulkflow::detail {

SlotKind slot_kind(FieldType t) noexcept {
    switch (t) {
    case FieldType::integer:
    case FieldType::boolean: return SlotKind::integer;
    case FieldType::floating: return SlotKind::real;
    default: return SlotKind::text;
    }
}

SlotKind slot_kind(const SqlValue& v) noexcept {
    if (std::holds_alternative<std::int64_t>(v) || std::holds_alternative<bool>(v)) return SlotKind::integer;
    if (std::holds_alternative<double>(v)) return SlotKind::real;
    return SlotKind::text;
}

std::string sqlite_timestamp_text(Timestamp t) {
    // Fixed width "YYYY-MM-DDTHH:MM:SS.ffffffZ" (text order = time order), written without
    // printf: this runs for every datetime cell.
    std::int64_t secs = t.micros / 1'000'000, frac = t.micros % 1'000'000;
    if (frac < 0) {
        frac += 1'000'000;
        --secs;
    }
    std::int64_t days = secs / 86'400, sod = secs % 86'400;
    if (sod < 0) {
        sod += 86'400;
        --days;
    }
    const CivilDate c = civil_from_days(days);
    if (c.year < 0 || c.year > 9999) return format_timestamp(t);  // rare: signed years
    char buf[28] = "0000-00-00T00:00:00.000000Z";
    auto put = [&](int pos, std::int64_t v, int width) {
        for (int i = width - 1; i >= 0; --i, v /= 10) buf[pos + i] = static_cast<char>('0' + v % 10);
    };
    put(0, c.year, 4);
    put(5, c.month, 2);
    put(8, c.day, 2);
    put(11, sod / 3600, 2);
    put(14, sod / 60 % 60, 2);
    put(17, sod % 60, 2);
    put(20, frac, 6);
    return std::string(buf, 27);
}

void fill_slot(BindSlot& slot, const SqlValue& v) {
    if (is_null(v)) {
        slot.ind = soci::i_null;
        return;
    }
    slot.ind = soci::i_ok;
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
            } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool>) {
                if (slot.kind == SlotKind::integer) slot.i = static_cast<long long>(x);
                else if (slot.kind == SlotKind::real) slot.d = static_cast<double>(x);
                else slot.s = std::is_same_v<T, bool> ? (x ? "1" : "0") : std::to_string(x);
            } else if constexpr (std::is_same_v<T, double>) {
                if (slot.kind == SlotKind::real) slot.d = x;
                else if (slot.kind == SlotKind::integer) slot.i = static_cast<long long>(x);
                else slot.s = std::to_string(x);
            } else if constexpr (std::is_same_v<T, std::string>) {
                slot.s = x;
            } else if constexpr (std::is_same_v<T, Decimal>) {
                if (slot.kind == SlotKind::real) slot.d = std::stod(x.text);
                else slot.s = x.text;
            } else if constexpr (std::is_same_v<T, Timestamp>) {
                slot.s = sqlite_timestamp_text(x);
            } else if constexpr (std::is_same_v<T, Date>) {
                slot.s = format_date(x);
            } else if constexpr (std::is_same_v<T, JsonText>) {
                slot.s = x.text;
            }
        },
        v);
}

SqlValue read_cell(const soci::row& row, std::size_t i, const Field* field) {
    if (row.get_indicator(i) == soci::i_null) return std::monostate{};
    const auto dt = row.get_properties(i).get_data_type();
    auto as_text = [&]() -> std::string {
        switch (dt) {
        case soci::dt_string: return row.get<std::string>(i);
        case soci::dt_double: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.17g", row.get<double>(i));
            return buf;
        }
        case soci::dt_integer: return std::to_string(row.get<int>(i));
        case soci::dt_long_long: return std::to_string(row.get<long long>(i));
        case soci::dt_unsigned_long_long: return std::to_string(row.get<unsigned long long>(i));
        default: return row.get<std::string>(i);
        }
    };
    auto as_int = [&]() -> std::int64_t {
        switch (dt) {
        case soci::dt_integer: return row.get<int>(i);
        case soci::dt_long_long: return row.get<long long>(i);
        case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(i));
        case soci::dt_double: return static_cast<std::int64_t>(row.get<double>(i));
        default: return std::stoll(row.get<std::string>(i));
        }
    };
    if (!field) {
        if (dt == soci::dt_double) return row.get<double>(i);
        if (dt == soci::dt_integer || dt == soci::dt_long_long || dt == soci::dt_unsigned_long_long) return as_int();
        return as_text();
    }
    switch (field->type) {
    case FieldType::integer: return as_int();
    case FieldType::boolean: return as_int() != 0;
    case FieldType::floating: return dt == soci::dt_double ? row.get<double>(i) : std::stod(as_text());
    case FieldType::decimal: return Decimal{as_text()};
    case FieldType::datetime: {
        auto ts = parse_iso8601(as_text());
        if (!ts) throw Error(ErrorCode::database, "column '" + field->name + "' holds a value that is not a timestamp: " + as_text());
        return *ts;
    }
    case FieldType::date: {
        auto d = parse_date(as_text());
        if (!d) throw Error(ErrorCode::database, "column '" + field->name + "' holds a value that is not a date: " + as_text());
        return *d;
    }
    case FieldType::json: return JsonText{as_text()};
    case FieldType::str: return as_text();
    }
    return as_text();
}

} // namespace bulkflow::detail
