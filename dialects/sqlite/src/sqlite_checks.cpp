#include <bulkflow/error.hpp>
#include <bulkflow/sqlite_checks.hpp>

#include <sqlite3.h>

#include <cmath>
#include <string>

namespace bulkflow {
namespace {

// 2^63: the first double above int64's range (int64's maximum is not a double).
constexpr double kTwo63 = 9223372036854775808.0;

void integer(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_FLOAT)  // SQLite's answer to an integer overflow
        return sqlite3_result_error(ctx, "integer out of range (the result does not fit a 64-bit integer)", -1);
    sqlite3_result_value(ctx, argv[0]);
}

void divisor(sqlite3_context* ctx, int, sqlite3_value** argv) {
    sqlite3_value* v = argv[0];
    const int type = sqlite3_value_numeric_type(v);
    const bool zero = (type == SQLITE_INTEGER && sqlite3_value_int64(v) == 0) ||
                      ((type == SQLITE_FLOAT || type == SQLITE_TEXT) && sqlite3_value_double(v) == 0.0);
    if (zero) return sqlite3_result_error(ctx, "division by zero", -1);
    sqlite3_result_value(ctx, v);
}

void to_integer(sqlite3_context* ctx, int, sqlite3_value** argv) {
    sqlite3_value* v = argv[0];
    if (sqlite3_value_type(v) != SQLITE_FLOAT) return sqlite3_result_value(ctx, v);
    const double d = sqlite3_value_double(v);
    if (!(d >= -kTwo63 && d < kTwo63))  // also NaN
        return sqlite3_result_error(ctx, "integer out of range (the result does not fit a 64-bit integer)", -1);
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(d));
}

void real(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_FLOAT && !std::isfinite(sqlite3_value_double(argv[0])))
        return sqlite3_result_error(ctx, "floating point out of range (the result is not a finite number)", -1);
    sqlite3_result_value(ctx, argv[0]);
}

void decimal(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    const int precision = sqlite3_value_int(argv[1]), scale = sqlite3_value_int(argv[2]);
    const double d = sqlite3_value_double(argv[0]);
    const std::string shape = "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    if (!std::isfinite(d)) return sqlite3_result_error(ctx, ("the result is not a finite number and does not fit " + shape).c_str(), -1);
    // SQLite's own printf, so the text is what printf('%.<s>f', x) gives in SQL.
    char* text = sqlite3_mprintf("%.*f", scale, d);
    if (!text) return sqlite3_result_error_nomem(ctx);
    std::string s = text;
    sqlite3_free(text);
    int digits = 0;  // integer digits, without leading zeros
    for (const char c : s) {
        if (c == '.') break;
        if (c >= '1' && c <= '9') ++digits;
        else if (c == '0' && digits > 0) ++digits;
    }
    if (digits > precision - scale)
        return sqlite3_result_error(ctx, ("numeric value " + s + " does not fit " + shape + " (at most " +
                                          std::to_string(precision - scale) + " digits before the point)").c_str(), -1);
    sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

} // namespace

void register_sqlite_checks(::sqlite3* db) {
    // Not SQLITE_DETERMINISTIC: SQLite would evaluate a call with constant arguments once before
    // the first row (bulkflow_divisor(0) would fail an update that matches no row).
    using Fn = void (*)(sqlite3_context*, int, sqlite3_value**);
    const struct {
        const char* name;
        int args;
        Fn fn;
    } functions[] = {{"bulkflow_integer", 1, integer}, {"bulkflow_divisor", 1, divisor}, {"bulkflow_to_integer", 1, to_integer},
                     {"bulkflow_real", 1, real},       {"bulkflow_decimal", 3, decimal}};
    for (const auto& f : functions)
        if (sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8, nullptr, f.fn, nullptr, nullptr, nullptr) !=
            SQLITE_OK)
            throw Error(ErrorCode::database, std::string("registering SQL function ") + f.name + ": " + sqlite3_errmsg(db));
}

} // namespace bulkflow
