#include "pg_ddl.hpp"

#include <bulkflow/existing_table.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

namespace bulkflow::detail {
namespace {

struct Column {
    std::string name, data_type, nullable, default_expr, identity;
    std::optional<long> max_length, precision, scale;
};

std::optional<long> number(const PGresult* r, int row, int col) {
    if (PQgetisnull(r, row, col)) return std::nullopt;
    return std::strtol(PQgetvalue(r, row, col), nullptr, 10);
}

std::vector<Column> read_columns(PgConnection& conn, const std::string& table) {
    auto r = conn.exec_params(
        "SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, "
        "column_default, is_identity FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1",
        {SqlValue{table}}, "reading the columns of table '" + table + "'");
    std::vector<Column> cols;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        Column c;
        c.name = PQgetvalue(r.get(), i, 0);
        c.data_type = PQgetvalue(r.get(), i, 1);
        c.max_length = number(r.get(), i, 2);
        c.precision = number(r.get(), i, 3);
        c.scale = number(r.get(), i, 4);
        c.nullable = PQgetvalue(r.get(), i, 5);
        c.default_expr = PQgetvalue(r.get(), i, 6);
        c.identity = PQgetvalue(r.get(), i, 7);
        cols.push_back(std::move(c));
    }
    return cols;
}

// Why an existing column cannot hold the field, or nullopt when it can. Narrower integers and
// shorter-than-needed lengths are refused only where values the model accepts would not fit.
std::optional<std::string> incompatible(const Field& f, const Column& c) {
    const std::string& t = c.data_type;
    auto one_of = [&](std::initializer_list<const char*> names) {
        return std::any_of(names.begin(), names.end(), [&](const char* n) { return t == n; });
    };
    switch (f.type) {
    case FieldType::integer:
        if (!one_of({"bigint", "integer", "smallint"})) return "";
        if (f.primary_key && f.auto_increment && c.default_expr.find("nextval(") == std::string::npos && c.identity != "YES")
            return "no default that generates ids (a sequence or identity)";
        return std::nullopt;
    case FieldType::str:
        if (t == "text") return std::nullopt;
        if (t != "character varying") return "";
        if (f.max_length && c.max_length && *c.max_length < static_cast<long>(*f.max_length))
            return "room for " + std::to_string(*c.max_length) + " characters only";
        return std::nullopt;
    case FieldType::floating:
        if (t == "double precision") return std::nullopt;
        return "";
    case FieldType::boolean:
        if (t == "boolean") return std::nullopt;
        return "";
    case FieldType::decimal:
        if (t != "numeric") return "";
        if (c.precision && c.scale &&
            (*c.scale < static_cast<long>(f.scale) || *c.precision - *c.scale < static_cast<long>(f.precision) - static_cast<long>(f.scale)))
            return "precision " + std::to_string(*c.precision) + " and scale " + std::to_string(*c.scale);
        return std::nullopt;
    case FieldType::datetime:
        if (t != "timestamp with time zone" && t != "timestamp without time zone") return "";
        // Rows that do not set created_at / updated_at leave them to the column default.
        if ((f.name == "created_at" || f.name == "updated_at") && c.nullable == "NO" && c.default_expr.empty())
            return "NOT NULL without a default (rows that do not set it need DEFAULT now())";
        return std::nullopt;
    case FieldType::date:
        if (t == "date") return std::nullopt;
        return "";
    case FieldType::json:
        if (t == "jsonb" || t == "json") return std::nullopt;
        return "";
    }
    return "";
}

void check_existing(const Model& m, const std::vector<Column>& existing) {
    check_existing_columns(m, existing, [](const Column& c) { return c.data_type; }, incompatible,
                           [](const Field& f) { return pg_type(f); });
}

void create(PgConnection& conn, const Model& m) {
    const auto& q = sql_flavor(DatabaseKind::postgresql);
    std::string ddl = "CREATE TABLE IF NOT EXISTS " + q.quote_identifier(m.table) + " (";
    bool first = true;
    for (const auto& f : m.fields) {
        if (!first) ddl += ", ";
        first = false;
        ddl += q.quote_identifier(f.name) + " " + pg_type(f);
        if (f.primary_key) ddl += " PRIMARY KEY";
        else if (f.required) ddl += " NOT NULL";
        if (f.unique && !f.primary_key) ddl += " UNIQUE";
        if (f.name == "created_at" || f.name == "updated_at") ddl += " NOT NULL DEFAULT now()";
    }
    for (const auto& u : m.unique) {
        ddl += ", UNIQUE (";
        for (std::size_t i = 0; i < u.size(); ++i) ddl += (i ? ", " : "") + q.quote_identifier(u[i]);
        ddl += ")";
    }
    ddl += ")";
    const std::string what = "creating table '" + m.table + "'";
    ImplicitTransaction txn(conn);  // DDL is transactional: the table and its indexes, or nothing
    conn.exec(ddl, what);
    auto index = [&](const std::string& column) {
        conn.exec("CREATE INDEX IF NOT EXISTS " + q.quote_identifier("idx_" + m.table + "_" + column) + " ON " +
                      q.quote_identifier(m.table) + " (" + q.quote_identifier(column) + ")",
                  what);
    };
    for (const auto& f : m.fields)
        if (f.index && !f.unique && !f.primary_key) index(f.name);
    if (m.soft_delete) index("deleted_at");
    txn.commit();
}

} // namespace

std::string pg_type(const Field& f) {
    if (f.primary_key && f.type == FieldType::integer) return f.auto_increment ? "BIGSERIAL" : "BIGINT";
    switch (f.type) {
    case FieldType::str: return f.max_length ? "VARCHAR(" + std::to_string(*f.max_length) + ")" : "TEXT";
    case FieldType::integer: return "BIGINT";
    case FieldType::floating: return "DOUBLE PRECISION";
    case FieldType::boolean: return "BOOLEAN";
    case FieldType::decimal: return "NUMERIC(" + std::to_string(f.precision) + "," + std::to_string(f.scale) + ")";
    case FieldType::datetime: return "TIMESTAMPTZ";
    case FieldType::date: return "DATE";
    case FieldType::json: return "JSONB";
    }
    return "TEXT";
}

void ensure_pg_table(PgConnection& conn, const Model& m) {
    auto existing = read_columns(conn, m.table);
    if (existing.empty()) {
        try {
            create(conn, m);
        } catch (const PgError& e) {
            // Another connection created it between our check and CREATE (IF NOT EXISTS is not
            // atomic against concurrent creation): check what it created instead.
            if (e.sqlstate() != "23505" && e.sqlstate() != "42P07") throw;
        }
        existing = read_columns(conn, m.table);
    }
    check_existing(m, existing);
}

} // namespace bulkflow::detail
