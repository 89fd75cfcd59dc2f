#pragma once
/// @file sql_flavor.hpp
/// The SQL spelling of each database (identifier quoting, placeholders, casts, functions) used to
/// compile expressions (expr.hpp) and filters (filter.hpp) into parameterised SQL.
///
/// Storage conventions the flavors follow (the dialect writers follow them too):
///   SQLite      int INTEGER, float REAL, bool INTEGER 0/1, str TEXT, decimal TEXT (canonical exact
///               text "19.90"), datetime TEXT "YYYY-MM-DDTHH:MM:SS.ffffffZ" (fixed width, so text
///               order is time order), date TEXT "YYYY-MM-DD", json TEXT. Placeholders `?`.
///   PostgreSQL  BIGINT, DOUBLE PRECISION, BOOLEAN, TEXT/VARCHAR(n), NUMERIC(p,s), TIMESTAMPTZ,
///               DATE, JSONB. Placeholders $1, $2, ...
///   MySQL       BIGINT, DOUBLE, BOOLEAN, VARCHAR(n)/LONGTEXT, DECIMAL(p,s), DATETIME(6) holding
///               UTC, DATE, JSON. Placeholders `?`.
/// Nothing here pastes a value into SQL text: values travel as binds (SqlFragment::binds), and
/// identifiers must pass is_safe_identifier.

#include <bulkflow/database_url.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/sql_value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow {

/// A piece of SQL and the values bound to its placeholders, in placeholder order.
struct SqlFragment {
    std::string sql;
    std::vector<SqlValue> binds;
};

/// The functions of the expression language (expr.hpp).
enum class SqlFunction { lower, upper, coalesce, now, abs, round, length, trim, concat };

class SqlFlavor {
public:
    virtual ~SqlFlavor() = default;

    [[nodiscard]] virtual DatabaseKind kind() const noexcept = 0;

    /// `"name"` (SQLite, PostgreSQL) or `` `name` `` (MySQL). Throws Error(invalid_parameter) if
    /// the name does not pass is_safe_identifier.
    [[nodiscard]] virtual std::string quote_identifier(std::string_view name) const = 0;
    /// The n-th placeholder (1-based): `$n` on PostgreSQL, `?` elsewhere.
    [[nodiscard]] virtual std::string placeholder(std::size_t n) const = 0;

    /// The current UTC instant in the datetime storage convention.
    [[nodiscard]] virtual std::string current_timestamp() const = 0;
    /// Today's UTC date in the date storage convention.
    [[nodiscard]] virtual std::string current_date() const = 0;

    /// How to read a column for comparisons and arithmetic (SQLite decimal: `CAST(col AS REAL)`).
    [[nodiscard]] virtual std::string compare_operand(const Field& field, const std::string& column_sql) const;
    /// A comparison bind in the storage convention (SQLite decimal: the Decimal becomes a double).
    [[nodiscard]] virtual SqlValue compare_value(const Field& field, SqlValue value) const;
    /// The placeholder as written in a comparison with the field (MySQL decimal: an exact
    /// `CAST(? AS DECIMAL(p,s))` so the comparison is not done in double).
    [[nodiscard]] virtual std::string compare_placeholder(const Field& field, const std::string& placeholder,
                                                          const SqlValue& value) const;

    /// How many values one `IN` list may hold in a statement: bounded by the bind parameter limit
    /// (SQLite 32,766, MySQL 65,535), unbounded where long lists bind as one array (PostgreSQL).
    /// Callers chunk longer lists.
    [[nodiscard]] virtual std::size_t max_in_list() const noexcept { return 10000; }
    /// A long `IN` list bound as one array value where the database has arrays, so the statement
    /// needs neither a placeholder per value nor chunking: the typed array expression for
    /// `placeholder` (PostgreSQL `CAST($1 AS BIGINT[])`) and the value to bind (the array as
    /// text, `{1,2,3}`). nullopt: bind one placeholder per value (the default; also for json).
    struct ArrayBind {
        std::string sql;
        SqlValue value;
    };
    [[nodiscard]] virtual std::optional<ArrayBind> array_bind(const Field& field, const std::string& placeholder,
                                                              const std::vector<SqlValue>& values) const;

    /// A placeholder for an expression literal, typed where the database cannot infer the type
    /// (PostgreSQL: `CAST($1 AS NUMERIC)`; MySQL decimal: `CAST(? AS DECIMAL(p,s))`).
    [[nodiscard]] virtual std::string literal_placeholder(const std::string& placeholder, const SqlValue& value) const;
    /// An expression literal's bind (SQLite: a Decimal becomes a double).
    [[nodiscard]] virtual SqlValue literal_value(SqlValue value) const;

    /// Stores a numeric expression (`expr_type` integer, floating or decimal) into `target`:
    /// SQLite `bulkflow_decimal(round(e, s), p, s)` (the text `printf('%.<s>f')` gives, or an
    /// error when it has more than p - s integer digits), integer `bulkflow_to_integer(round(e))`
    /// (an error outside int64), floating `bulkflow_real(...)` (an error when not finite);
    /// PostgreSQL/MySQL `CAST(e AS NUMERIC(p,s))` / `CAST(e AS DECIMAL(p,s))`, which fail the
    /// same way. Decimal and integer targets round half away from zero (SQLite computes in
    /// binary double, see the .cpp). The bulkflow_* functions are registered on every SQLite
    /// connection (sqlite_checks.hpp).
    [[nodiscard]] virtual SqlFragment assign_from_numeric(const Field& target, const SqlFragment& expr,
                                                          FieldType expr_type) const = 0;
    /// A datetime expression stored into a date field and vice versa (dates are UTC midnights).
    [[nodiscard]] virtual std::string datetime_to_date(const std::string& expr_sql) const = 0;
    [[nodiscard]] virtual std::string date_to_datetime(const std::string& expr_sql) const = 0;

    /// Division of two integer expressions that must not truncate: the left operand converted.
    [[nodiscard]] virtual std::string exact_dividend(const std::string& expr_sql) const = 0;
    /// Checks the database does not make itself (PostgreSQL and MySQL fail on their own):
    /// SQLite turns an integer overflow into a REAL and a division by zero into NULL, so there
    /// an integer + - * or negation is `bulkflow_integer(e)` and a divisor `bulkflow_divisor(e)`,
    /// both failing the statement. Identity elsewhere.
    [[nodiscard]] virtual std::string checked_integer(const std::string& expr_sql) const { return expr_sql; }
    [[nodiscard]] virtual std::string checked_divisor(const std::string& expr_sql) const { return expr_sql; }
    /// `CAST(x AS TEXT)` where concatenation needs text operands (PostgreSQL), else x.
    [[nodiscard]] virtual std::string concat_operand(const std::string& expr_sql, FieldType type) const;

    /// `column LIKE ?`: SQLite `$like` is `column GLOB ?` (case-sensitive; bind
    /// like_pattern_for_bind), `$ilike` `column LIKE ? ESCAPE '\'` (ASCII case folding only);
    /// PostgreSQL LIKE / ILIKE; MySQL `LIKE BINARY ?` / `LIKE ?` (case-insensitive collation).
    /// Patterns use `%`, `_` and backslash escapes (`\%`, `\_`, `\\`) on every database.
    [[nodiscard]] virtual std::string like_sql(const std::string& column_sql, const std::string& placeholder,
                                               bool case_insensitive) const = 0;
    /// The pattern to bind for like_sql (SQLite case-sensitive: the LIKE pattern as a GLOB).
    [[nodiscard]] virtual std::string like_pattern_for_bind(std::string pattern, bool case_insensitive) const;

    /// A function call with already compiled arguments (concat: `a || b` on SQLite and
    /// PostgreSQL, `CONCAT(a, b)` on MySQL; length counts characters everywhere). `arg_type` is
    /// the first argument's type (PostgreSQL rounds a double to n digits through NUMERIC).
    [[nodiscard]] virtual std::string call(SqlFunction fn, const std::vector<std::string>& args,
                                           FieldType arg_type = FieldType::str) const;

    /// True when `UPDATE ... RETURNING` gives the changed rows (SQLite 3.35+, PostgreSQL; not
    /// MySQL/MariaDB, whose callers select the rows instead).
    [[nodiscard]] virtual bool update_returning() const noexcept { return true; }

    /// Always-true / always-false conditions.
    [[nodiscard]] static std::string true_condition() { return "1=1"; }
    [[nodiscard]] static std::string false_condition() { return "1=0"; }

protected:
    SqlFlavor() = default;
    SqlFlavor(const SqlFlavor&) = default;
    SqlFlavor& operator=(const SqlFlavor&) = default;
};

/// The flavor of a database kind (static instances, thread-safe to share).
const SqlFlavor& sql_flavor(DatabaseKind kind);

/// A LIKE pattern (`%`, `_`, backslash escapes) as an SQLite GLOB pattern (`*`, `?`, `[*]`...).
std::string like_to_glob(std::string_view like_pattern);

/// The `name` of a function ("lower", ...) and back (case-insensitive; aliases strip -> trim,
/// len -> length).
std::string_view to_string(SqlFunction fn) noexcept;
std::optional<SqlFunction> sql_function_from_string(std::string_view name) noexcept;

} // namespace bulkflow
