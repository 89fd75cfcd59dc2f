/// @file sql_flavor.cpp
/// The three SQL flavors. Notes on exactness:
///   - SQLite has no decimal type: decimals are stored as exact text, compared and computed as
///     REAL (binary double, ~15 significant digits), and a computed decimal is stored back as
///     the text printf('%.<scale>f', round(x, scale)) gives, which rounds half away from zero on
///     the double's value (bulkflow_decimal, which also checks the precision). Values beyond
///     ~15 significant digits lose exactness in SQLite arithmetic only.
///   - PostgreSQL and MySQL compute decimals exactly (NUMERIC / DECIMAL) and CAST to the target
///     NUMERIC(p,s) / DECIMAL(p,s), which rounds half away from zero.

#include <bulkflow/error.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <array>
#include <charconv>
#include <cctype>
#include <limits>
#include <string>

namespace bulkflow {

namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

void require_safe(std::string_view name) {
    if (!is_safe_identifier(name))
        throw Error(ErrorCode::invalid_parameter,
                    "'" + std::string(name.substr(0, 80)) + "' is not a safe SQL identifier "
                    "(letters, digits and '_', not starting with a digit, at most 63 characters)");
}

/// `DECIMAL(p,s)` that holds exactly the decimal text (sign, digits, optional fraction).
std::string decimal_shape(std::string_view text) {
    std::size_t int_digits = 0, frac_digits = 0;
    bool in_frac = false, leading = true;
    for (const char c : text) {
        if (c == '.') {
            in_frac = true;
        } else if (c >= '0' && c <= '9') {
            if (in_frac) ++frac_digits;
            else if (!(leading && c == '0')) {
                leading = false;
                ++int_digits;
            }
        }
    }
    const std::size_t precision = std::max<std::size_t>(1, int_digits + frac_digits);
    if (precision > 65 || frac_digits > 30)
        throw Error(ErrorCode::invalid_parameter,
                    "decimal value '" + std::string(text.substr(0, 80)) + "' has too many digits for MySQL "
                    "(at most 65 digits, 30 after the point)");
    return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(frac_digits) + ")";
}

std::string scale_text(const Field& f) { return std::to_string(f.scale); }
std::string numeric_shape(const Field& f) {
    return std::to_string(f.precision) + "," + std::to_string(f.scale);
}

class SqliteFlavor final : public SqlFlavor {
public:
    DatabaseKind kind() const noexcept override { return DatabaseKind::sqlite; }
    std::string quote_identifier(std::string_view name) const override {
        require_safe(name);
        return "\"" + std::string(name) + "\"";
    }
    std::string placeholder(std::size_t) const override { return "?"; }
    std::string current_timestamp() const override { return "strftime('%Y-%m-%dT%H:%M:%f000Z','now')"; }
    std::string current_date() const override { return "date('now')"; }
    std::string compare_operand(const Field& field, const std::string& column_sql) const override {
        return field.type == FieldType::decimal ? "CAST(" + column_sql + " AS REAL)" : column_sql;
    }
    SqlValue compare_value(const Field& field, SqlValue value) const override {
        if (field.type == FieldType::decimal) return literal_value(std::move(value));
        return value;
    }
    SqlValue literal_value(SqlValue value) const override {
        if (const auto* d = std::get_if<Decimal>(&value)) return std::stod(d->text);
        return value;
    }
    SqlFragment assign_from_numeric(const Field& target, const SqlFragment& expr, FieldType type) const override {
        // SQLite stores whatever a column is given: the bulkflow_* checks fail the statement
        // where PostgreSQL and MySQL would (docs/bulk-nodes.md, "Update fields").
        switch (target.type) {
        case FieldType::decimal:
            return {"bulkflow_decimal(round(" + expr.sql + ", " + scale_text(target) + "), " + numeric_shape(target) + ")",
                    expr.binds};
        case FieldType::integer:
            if (type == FieldType::integer) return expr;  // its operations are checked (checked_integer)
            return {"bulkflow_to_integer(round(" + expr.sql + "))", expr.binds};
        case FieldType::floating: return {"bulkflow_real(CAST(" + expr.sql + " AS REAL))", expr.binds};
        default: return expr;
        }
    }
    std::string checked_integer(const std::string& e) const override { return "bulkflow_integer(" + e + ")"; }
    std::string checked_divisor(const std::string& e) const override { return "bulkflow_divisor(" + e + ")"; }
    std::string datetime_to_date(const std::string& e) const override { return "substr(" + e + ", 1, 10)"; }
    std::string date_to_datetime(const std::string& e) const override {
        return "(" + e + " || 'T00:00:00.000000Z')";
    }
    std::string exact_dividend(const std::string& e) const override { return "CAST(" + e + " AS REAL)"; }
    std::string like_sql(const std::string& column, const std::string& ph, bool ci) const override {
        return ci ? column + " LIKE " + ph + " ESCAPE '\\'" : column + " GLOB " + ph;
    }
    std::string like_pattern_for_bind(std::string pattern, bool ci) const override {
        return ci ? pattern : like_to_glob(pattern);
    }
};

/// The element type of a PostgreSQL array compared with the field; nullptr: no array (json).
const char* pg_array_element_type(FieldType t) {
    switch (t) {
    case FieldType::str: return "TEXT";
    case FieldType::integer: return "BIGINT";
    case FieldType::floating: return "DOUBLE PRECISION";
    case FieldType::boolean: return "BOOLEAN";
    case FieldType::decimal: return "NUMERIC";
    case FieldType::datetime: return "TIMESTAMPTZ";
    case FieldType::date: return "DATE";
    case FieldType::json: return nullptr;
    }
    return nullptr;
}

/// Appends one element of a PostgreSQL array literal; false for values it cannot spell.
bool append_pg_array_element(std::string& out, const SqlValue& v) {
    const auto quoted = [&](std::string_view text) {
        out += '"';
        for (const char c : text) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    };
    return std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                out += std::to_string(x);
            } else if constexpr (std::is_same_v<T, double>) {
                char buf[32];
                const auto r = std::to_chars(buf, buf + sizeof buf, x);
                out.append(buf, r.ptr);
            } else if constexpr (std::is_same_v<T, bool>) {
                out += x ? 't' : 'f';
            } else if constexpr (std::is_same_v<T, std::string>) {
                if (x.find('\0') != std::string::npos) return false;  // text cannot hold NUL
                quoted(x);
            } else if constexpr (std::is_same_v<T, Decimal>) {
                out += x.text;
            } else if constexpr (std::is_same_v<T, Timestamp>) {
                quoted(format_timestamp(x));
            } else if constexpr (std::is_same_v<T, Date>) {
                quoted(format_date(x));
            } else {
                return false;  // NULL never matches IN; json has no array form here
            }
            return true;
        },
        v);
}

class PostgresFlavor final : public SqlFlavor {
public:
    DatabaseKind kind() const noexcept override { return DatabaseKind::postgresql; }
    std::string quote_identifier(std::string_view name) const override {
        require_safe(name);
        return "\"" + std::string(name) + "\"";
    }
    std::string placeholder(std::size_t n) const override { return "$" + std::to_string(n); }
    std::string current_timestamp() const override { return "now()"; }
    std::string current_date() const override { return "CAST((now() AT TIME ZONE 'UTC') AS DATE)"; }
    std::string literal_placeholder(const std::string& ph, const SqlValue& value) const override {
        // Untyped parameters would take the other operand's type ("stock" + $1 with 0.5 fails).
        const char* type = std::visit(
            [](const auto& x) -> const char* {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::int64_t>) return "BIGINT";
                else if constexpr (std::is_same_v<T, double>) return "DOUBLE PRECISION";
                else if constexpr (std::is_same_v<T, bool>) return "BOOLEAN";
                else if constexpr (std::is_same_v<T, Decimal>) return "NUMERIC";
                else if constexpr (std::is_same_v<T, Timestamp>) return "TIMESTAMPTZ";
                else if constexpr (std::is_same_v<T, Date>) return "DATE";
                else if constexpr (std::is_same_v<T, JsonText>) return "JSONB";
                else return "TEXT";
            },
            value);
        return "CAST(" + ph + " AS " + type + ")";
    }
    std::size_t max_in_list() const noexcept override { return std::numeric_limits<std::size_t>::max(); }
    std::optional<ArrayBind> array_bind(const Field& field, const std::string& ph,
                                        const std::vector<SqlValue>& values) const override {
        const char* type = pg_array_element_type(field.type);
        if (!type) return std::nullopt;
        std::string literal = "{";
        literal.reserve(values.size() * 8 + 2);
        for (const auto& v : values) {
            if (literal.size() > 1) literal += ',';
            if (!append_pg_array_element(literal, v)) return std::nullopt;
        }
        literal += '}';
        return ArrayBind{"CAST(" + ph + " AS " + type + "[])", SqlValue{std::move(literal)}};
    }
    SqlFragment assign_from_numeric(const Field& target, const SqlFragment& expr, FieldType type) const override {
        switch (target.type) {
        case FieldType::decimal: return {"CAST(" + expr.sql + " AS NUMERIC(" + numeric_shape(target) + "))", expr.binds};
        case FieldType::integer:
            if (type == FieldType::integer) return expr;
            return {"CAST(round(" + expr.sql + ") AS BIGINT)", expr.binds};
        case FieldType::floating: return {"CAST(" + expr.sql + " AS DOUBLE PRECISION)", expr.binds};
        default: return expr;
        }
    }
    std::string datetime_to_date(const std::string& e) const override {
        return "CAST((" + e + " AT TIME ZONE 'UTC') AS DATE)";
    }
    std::string date_to_datetime(const std::string& e) const override {
        return "(CAST(" + e + " AS TIMESTAMP) AT TIME ZONE 'UTC')";
    }
    std::string exact_dividend(const std::string& e) const override { return "CAST(" + e + " AS NUMERIC)"; }
    std::string concat_operand(const std::string& e, FieldType type) const override {
        return type == FieldType::str ? e : "CAST(" + e + " AS TEXT)";
    }
    std::string like_sql(const std::string& column, const std::string& ph, bool ci) const override {
        return column + (ci ? " ILIKE " : " LIKE ") + ph;
    }
    std::string call(SqlFunction fn, const std::vector<std::string>& args, FieldType arg_type) const override {
        if (fn == SqlFunction::length) return "char_length(" + join(args, ", ") + ")";
        if (fn == SqlFunction::round && args.size() == 2 && arg_type == FieldType::floating)
            return "CAST(round(CAST(" + args[0] + " AS NUMERIC), " + args[1] + ") AS DOUBLE PRECISION)";
        return SqlFlavor::call(fn, args, arg_type);
    }
};

class MysqlFlavor final : public SqlFlavor {
public:
    DatabaseKind kind() const noexcept override { return DatabaseKind::mysql; }
    std::string quote_identifier(std::string_view name) const override {
        require_safe(name);
        return "`" + std::string(name) + "`";
    }
    std::string placeholder(std::size_t) const override { return "?"; }
    bool update_returning() const noexcept override { return false; }
    std::string current_timestamp() const override { return "UTC_TIMESTAMP(6)"; }
    std::string current_date() const override { return "UTC_DATE()"; }
    std::string compare_placeholder(const Field& field, const std::string& ph, const SqlValue& value) const override {
        // A DECIMAL compared with a string parameter is compared as double; keep it exact.
        if (field.type == FieldType::decimal) return literal_placeholder(ph, value);
        return ph;
    }
    std::string literal_placeholder(const std::string& ph, const SqlValue& value) const override {
        if (const auto* d = std::get_if<Decimal>(&value)) return "CAST(" + ph + " AS " + decimal_shape(d->text) + ")";
        return ph;
    }
    SqlFragment assign_from_numeric(const Field& target, const SqlFragment& expr, FieldType type) const override {
        switch (target.type) {
        case FieldType::decimal: return {"CAST(" + expr.sql + " AS DECIMAL(" + numeric_shape(target) + "))", expr.binds};
        case FieldType::integer:
            if (type == FieldType::integer) return expr;
            return {"CAST(round(" + expr.sql + ") AS SIGNED)", expr.binds};
        default: return expr;
        }
    }
    std::string datetime_to_date(const std::string& e) const override { return "CAST(" + e + " AS DATE)"; }
    std::string date_to_datetime(const std::string& e) const override { return "CAST(" + e + " AS DATETIME(6))"; }
    std::string exact_dividend(const std::string& e) const override { return e; }  // `/` is exact DECIMAL
    std::string like_sql(const std::string& column, const std::string& ph, bool ci) const override {
        return column + (ci ? " LIKE " : " LIKE BINARY ") + ph;
    }
    std::string call(SqlFunction fn, const std::vector<std::string>& args, FieldType arg_type) const override {
        if (fn == SqlFunction::length) return "CHAR_LENGTH(" + join(args, ", ") + ")";
        if (fn == SqlFunction::concat) return "CONCAT(" + join(args, ", ") + ")";
        return SqlFlavor::call(fn, args, arg_type);
    }
};

} // namespace

std::string SqlFlavor::compare_operand(const Field&, const std::string& column_sql) const { return column_sql; }
SqlValue SqlFlavor::compare_value(const Field&, SqlValue value) const { return value; }
std::string SqlFlavor::compare_placeholder(const Field&, const std::string& ph, const SqlValue&) const { return ph; }
std::string SqlFlavor::literal_placeholder(const std::string& ph, const SqlValue&) const { return ph; }
SqlValue SqlFlavor::literal_value(SqlValue value) const { return value; }
std::optional<SqlFlavor::ArrayBind> SqlFlavor::array_bind(const Field&, const std::string&, const std::vector<SqlValue>&) const {
    return std::nullopt;
}
std::string SqlFlavor::concat_operand(const std::string& e, FieldType) const { return e; }
std::string SqlFlavor::like_pattern_for_bind(std::string pattern, bool) const { return pattern; }

std::string SqlFlavor::call(SqlFunction fn, const std::vector<std::string>& args, FieldType) const {
    if (fn == SqlFunction::now) return current_timestamp();
    if (fn == SqlFunction::concat) return args.size() == 1 ? args[0] : "(" + join(args, " || ") + ")";
    return std::string(to_string(fn)) + "(" + join(args, ", ") + ")";
}

const SqlFlavor& sql_flavor(DatabaseKind kind) {
    static const SqliteFlavor sqlite;
    static const PostgresFlavor postgres;
    static const MysqlFlavor mysql;
    switch (kind) {
    case DatabaseKind::sqlite: return sqlite;
    case DatabaseKind::postgresql: return postgres;
    case DatabaseKind::mysql: return mysql;
    }
    throw Error(ErrorCode::internal, "unknown database kind");
}

std::string like_to_glob(std::string_view like) {
    std::string out;
    out.reserve(like.size() + 8);
    const auto literal = [&](char c) {
        if (c == '*' || c == '?' || c == '[') {
            out += '[';
            out += c;
            out += ']';
        } else {
            out += c;
        }
    };
    for (std::size_t i = 0; i < like.size(); ++i) {
        const char c = like[i];
        if (c == '\\' && i + 1 < like.size()) literal(like[++i]);
        else if (c == '%') out += '*';
        else if (c == '_') out += '?';
        else literal(c);
    }
    return out;
}

namespace {
constexpr std::array<std::string_view, 9> kFunctionNames{"lower", "upper", "coalesce", "now", "abs",
                                                         "round", "length", "trim", "concat"};
}

std::string_view to_string(SqlFunction fn) noexcept { return kFunctionNames[static_cast<std::size_t>(fn)]; }

std::optional<SqlFunction> sql_function_from_string(std::string_view name) noexcept {
    std::string lower;
    for (const char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "strip") return SqlFunction::trim;
    if (lower == "len") return SqlFunction::length;
    for (std::size_t i = 0; i < kFunctionNames.size(); ++i)
        if (kFunctionNames[i] == lower) return static_cast<SqlFunction>(i);
    return std::nullopt;
}

} // namespace bulkflow
