#include "selection.hpp"

#include <bulkflow/error.hpp>

#include <algorithm>

namespace bulkflow::bulk {

void append(SqlFragment& a, const SqlFragment& b) {
    a.sql += b.sql;
    a.binds.insert(a.binds.end(), b.binds.begin(), b.binds.end());
}

SqlFragment Selection::where(const Model& m, const SqlFlavor& q, std::size_t& next) const {
    SqlFragment w{" WHERE (", {}};
    append(w, filter.to_sql(q, next));
    w.sql += ")";
    if (exclude_deleted && m.soft_delete) w.sql += " AND " + q.quote_identifier("deleted_at") + " IS NULL";
    return w;
}

Selection make_selection(const Model& m, const boost::json::value* filter, const boost::json::value* ids,
                         bool include_deleted) {
    Selection s{Filter::parse(boost::json::object{}, m), false, !include_deleted};
    boost::json::array parts;
    if (filter && !filter->is_null()) {
        if (!filter->is_object()) throw Error(ErrorCode::invalid_parameter, "parameter 'filter' must be an object");
        parts.push_back(*filter);
    }
    if (ids && !ids->is_null()) {
        if (!ids->is_array()) throw Error(ErrorCode::invalid_parameter, "parameter 'ids' must be a list of ids");
        parts.push_back(boost::json::object{{"id", boost::json::object{{"$in", *ids}}}});
        s.has_ids = true;
    }
    if (parts.size() == 1) s.filter = Filter::parse(parts[0], m);
    else if (parts.size() == 2) s.filter = Filter::parse(boost::json::object{{"$and", parts}}, m);
    return s;
}

void refuse_everything(const Model& m, const char* verb) {
    throw Error(ErrorCode::refused, std::string(verb) + " with an empty filter and no ids would touch every row of table '" +
                                        m.table + "'; add a filter or ids, or set confirmed: true");
}

std::size_t count_rows(Dialect& db, const Model& m, const Selection& sel) {
    const auto& q = db.flavor();
    std::size_t next = 1;
    SqlFragment s{"SELECT COUNT(*) FROM " + q.quote_identifier(m.table), {}};
    append(s, sel.where(m, q, next));
    auto rows = db.query(s, {});
    const auto& v = rows.at(0).at(0);
    if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<std::size_t>(*i);
    if (auto* t = std::get_if<std::string>(&v)) return static_cast<std::size_t>(std::stoll(*t));
    return 0;
}

boost::json::array select_ids(Dialect& db, const Model& m, const Selection& sel, std::size_t limit) {
    const auto& q = db.flavor();
    std::size_t next = 1;
    SqlFragment s{"SELECT " + q.quote_identifier("id") + " FROM " + q.quote_identifier(m.table), {}};
    append(s, sel.where(m, q, next));
    s.sql += " ORDER BY " + q.quote_identifier("id");
    if (limit > 0) s.sql += " LIMIT " + std::to_string(limit);
    boost::json::array out;
    for (const auto& row : db.query(s, {&m.id_field()})) out.push_back(to_json(row.at(0)));
    return out;
}

std::string all_columns(const Model& m, const SqlFlavor& q, std::vector<const Field*>& cols) {
    std::string list;
    for (const auto& f : m.fields) {
        list += (list.empty() ? "" : ", ") + q.quote_identifier(f.name);
        cols.push_back(&f);
    }
    return list;
}

boost::json::object row_to_json(const std::vector<SqlValue>& row, const std::vector<const Field*>& cols) {
    boost::json::object o;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (cols[i]->type == FieldType::json && std::holds_alternative<JsonText>(row[i]))
            o[cols[i]->name] = boost::json::parse(std::get<JsonText>(row[i]).text);
        else
            o[cols[i]->name] = to_json(row[i]);
    }
    return o;
}

namespace {

std::vector<boost::json::object> rows_to_json(const std::vector<std::vector<SqlValue>>& rows, const std::vector<const Field*>& cols) {
    std::vector<boost::json::object> out;
    out.reserve(rows.size());
    for (const auto& row : rows) out.push_back(row_to_json(row, cols));
    return out;
}

/// Id order: integers by value, strings (uuid, text ids) bytewise.
bool id_less(const SqlValue& a, const SqlValue& b) {
    const auto* x = std::get_if<std::int64_t>(&a);
    const auto* y = std::get_if<std::int64_t>(&b);
    if (x && y) return *x < *y;
    const auto* s = std::get_if<std::string>(&a);
    const auto* t = std::get_if<std::string>(&b);
    if (s && t) return *s < *t;
    return a.index() < b.index();
}

} // namespace

std::vector<boost::json::object> select_rows(Dialect& db, const Model& m, const Selection& sel) {
    const auto& q = db.flavor();
    std::size_t next = 1;
    std::vector<const Field*> cols;
    SqlFragment s{"SELECT " + all_columns(m, q, cols) + " FROM " + q.quote_identifier(m.table), {}};
    append(s, sel.where(m, q, next));
    s.sql += " ORDER BY " + q.quote_identifier("id");
    return rows_to_json(db.query(s, cols), cols);
}

std::vector<boost::json::object> update_returning_rows(Dialect& db, const Model& m, SqlFragment update) {
    std::vector<const Field*> cols;
    update.sql += " RETURNING " + all_columns(m, db.flavor(), cols);
    auto rows = db.query(update, cols);
    // RETURNING follows no order; the result lists rows by id as select_rows does.
    std::size_t id = 0;
    while (id < cols.size() && cols[id]->name != "id") ++id;
    if (id < cols.size())
        std::sort(rows.begin(), rows.end(), [id](const auto& a, const auto& b) { return id_less(a[id], b[id]); });
    return rows_to_json(rows, cols);
}

} // namespace bulkflow::bulk
