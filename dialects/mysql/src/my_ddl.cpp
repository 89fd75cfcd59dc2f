#include "my_ddl.hpp"

#include "my_statement.hpp"

#include <bulkflow/existing_table.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace bulkflow::detail {
namespace {

const SqlFlavor& my() { return sql_flavor(DatabaseKind::mysql); }

struct Column {
    std::string name, data_type, column_type, nullable, default_expr, extra;
    std::optional<long long> max_length, precision, scale;
};

// A string column that is a key needs a bounded length (InnoDB keys hold at most 3072 bytes).
bool keyed(const Model& m, const Field& f) {
    if (f.primary_key || f.unique || f.index) return true;
    return std::any_of(m.unique.begin(), m.unique.end(),
                       [&](const auto& u) { return std::find(u.begin(), u.end(), f.name) != u.end(); });
}

std::vector<Column> read_columns(MyConnection& conn, const std::string& table) {
    MyStatement st(conn,
                   "SELECT column_name, data_type, column_type, character_maximum_length, numeric_precision, numeric_scale, "
                   "is_nullable, column_default, extra FROM information_schema.columns "
                   "WHERE table_schema = DATABASE() AND table_name = ?");
    const SqlValue name{table};
    st.bind(0, name);
    st.execute("reading the columns of table '" + table + "'");
    std::vector<std::vector<SqlValue>> rows;
    st.fetch_all({}, rows, "reading the columns of table '" + table + "'");
    auto text = [](const SqlValue& v) {
        if (const auto* s = std::get_if<std::string>(&v)) return *s;
        if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
        return std::string();
    };
    auto number = [](const SqlValue& v) -> std::optional<long long> {
        if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
        if (const auto* s = std::get_if<std::string>(&v); s && !s->empty()) return std::stoll(*s);
        if (const auto* d = std::get_if<Decimal>(&v); d && !d->text.empty()) return std::stoll(d->text);
        return std::nullopt;
    };
    std::vector<Column> cols;
    for (const auto& r : rows) {
        Column c;
        c.name = text(r[0]);
        c.data_type = text(r[1]);
        c.column_type = text(r[2]);
        c.max_length = number(r[3]);
        c.precision = number(r[4]);
        c.scale = number(r[5]);
        c.nullable = text(r[6]);
        c.default_expr = text(r[7]);
        c.extra = text(r[8]);
        for (auto* s : {&c.data_type, &c.extra, &c.default_expr})
            for (auto& ch : *s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        cols.push_back(std::move(c));
    }
    return cols;
}

std::optional<std::string> incompatible(const Field& f, const Column& c) {
    const std::string& t = c.data_type;
    auto one_of = [&](std::initializer_list<const char*> names) {
        return std::any_of(names.begin(), names.end(), [&](const char* n) { return t == n; });
    };
    switch (f.type) {
    case FieldType::integer:
        if (!one_of({"bigint", "int", "mediumint", "smallint"})) return "";
        if (f.primary_key && f.auto_increment && c.extra.find("auto_increment") == std::string::npos)
            return "no AUTO_INCREMENT to generate ids";
        return std::nullopt;
    case FieldType::str:
        if (one_of({"text", "mediumtext", "longtext"})) return std::nullopt;
        if (!one_of({"varchar", "char"})) return "";
        if (f.max_length && c.max_length && *c.max_length < static_cast<long long>(*f.max_length))
            return "room for " + std::to_string(*c.max_length) + " characters only";
        return std::nullopt;
    case FieldType::floating: return one_of({"double", "float"}) ? std::nullopt : std::optional<std::string>("");
    case FieldType::boolean: return one_of({"tinyint", "bit", "boolean"}) ? std::nullopt : std::optional<std::string>("");
    case FieldType::decimal:
        if (t != "decimal") return "";
        if (c.precision && c.scale &&
            (*c.scale < static_cast<long long>(f.scale) ||
             *c.precision - *c.scale < static_cast<long long>(f.precision) - static_cast<long long>(f.scale)))
            return "precision " + std::to_string(*c.precision) + " and scale " + std::to_string(*c.scale);
        return std::nullopt;
    case FieldType::datetime:
        if (!one_of({"datetime", "timestamp"})) return "";
        if ((f.name == "created_at" || f.name == "updated_at") && c.nullable == "NO" && (c.default_expr.empty() || c.default_expr == "null"))
            return "NOT NULL without a default (rows that do not set it need DEFAULT CURRENT_TIMESTAMP(6))";
        return std::nullopt;
    case FieldType::date: return t == "date" ? std::nullopt : std::optional<std::string>("");
    case FieldType::json: return one_of({"json", "longtext"}) ? std::nullopt : std::optional<std::string>("");
    }
    return "";
}

void check_existing(const Model& m, const std::vector<Column>& existing) {
    check_existing_columns(m, existing, [](const Column& c) { return c.column_type; }, incompatible,
                           [](const Field& f) { return my_type(f); });
}

void create(MyConnection& conn, const Model& m) {
    const auto& q = my();
    std::string ddl = "CREATE TABLE IF NOT EXISTS " + q.quote_identifier(m.table) + " (";
    bool first = true;
    for (const auto& f : m.fields) {
        if (!first) ddl += ", ";
        first = false;
        std::string type = my_type(f);
        if (f.type == FieldType::str && !f.max_length && keyed(m, f)) type = "VARCHAR(255)";
        ddl += q.quote_identifier(f.name) + " " + type;
        if (f.primary_key) ddl += std::string(" NOT NULL") + (f.auto_increment && f.type == FieldType::integer ? " AUTO_INCREMENT" : "") + " PRIMARY KEY";
        else if (f.required || f.name == "created_at" || f.name == "updated_at") ddl += " NOT NULL";
        if (f.unique && !f.primary_key) ddl += " UNIQUE";
        if (f.name == "created_at" || f.name == "updated_at") ddl += " DEFAULT CURRENT_TIMESTAMP(6)";
    }
    for (const auto& u : m.unique) {
        ddl += ", UNIQUE KEY (";
        for (std::size_t i = 0; i < u.size(); ++i) ddl += (i ? ", " : "") + q.quote_identifier(u[i]);
        ddl += ")";
    }
    auto index = [&](const std::string& column) {
        ddl += ", KEY " + q.quote_identifier(my_index_name(m, column)) + " (" + q.quote_identifier(column) + ")";
    };
    for (const auto& f : m.fields)
        if (f.index && !f.unique && !f.primary_key) index(f.name);
    if (m.soft_delete && m.find("deleted_at")) index("deleted_at");
    ddl += ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    conn.exec(ddl, "creating table '" + m.table + "'");  // one statement: table and indexes, or nothing
}

} // namespace

std::string my_index_name(const Model& m, const std::string& column) {
    std::string name = "idx_" + m.table + "_" + column;
    if (name.size() > 64) name.resize(64);
    return name;
}

std::string my_type(const Field& f) {
    if (f.primary_key && f.type == FieldType::integer) return "BIGINT";
    switch (f.type) {
    case FieldType::str:
        if (f.primary_key) return "VARCHAR(" + std::to_string(f.max_length.value_or(255)) + ")";
        return f.max_length ? "VARCHAR(" + std::to_string(*f.max_length) + ")" : "LONGTEXT";
    case FieldType::integer: return "BIGINT";
    case FieldType::floating: return "DOUBLE";
    case FieldType::boolean: return "BOOLEAN";
    case FieldType::decimal: return "DECIMAL(" + std::to_string(f.precision) + "," + std::to_string(f.scale) + ")";
    case FieldType::datetime: return "DATETIME(6)";
    case FieldType::date: return "DATE";
    case FieldType::json: return "JSON";
    }
    return "LONGTEXT";
}

void ensure_my_table(MyConnection& conn, const Model& m) {
    auto existing = read_columns(conn, m.table);
    if (existing.empty()) {
        create(conn, m);
        existing = read_columns(conn, m.table);
    }
    check_existing(m, existing);
}

} // namespace bulkflow::detail
