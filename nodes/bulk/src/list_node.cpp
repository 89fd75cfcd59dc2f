// <Model>ListNode (CONTRACT 8): {filter, order_by, limit} -> records, a stream of the model's
// rows. The rows are read when a consumer opens the stream, a page at a time through a cursor on
// a connection of its own, so listing a table of any size holds one page in memory.

#include "catalog.hpp"
#include "job.hpp"
#include "nodes.hpp"
#include "selection.hpp"

#include <bulkflow/error.hpp>

namespace bulkflow::bulk {
namespace {

/// "field", "-field" (descending), "field asc" / "field desc", or a list of them.
std::string order_by_sql(const Model& m, const SqlFlavor& q, const Params& p) {
    std::vector<std::string> items;
    if (const auto* v = p.json("order_by")) {
        if (v->is_string()) items.emplace_back(v->get_string());
        else if (v->is_array())
            for (const auto& e : v->get_array()) {
                if (!e.is_string()) Params::fail("order_by", "must be a field name or a list of field names");
                items.emplace_back(e.get_string());
            }
        else if (!v->is_null())
            Params::fail("order_by", "must be a field name or a list of field names");
    }
    std::string sql;
    bool has_id = false;
    for (auto item : items) {
        bool desc = false;
        if (!item.empty() && item.front() == '-') {
            desc = true;
            item.erase(0, 1);
        }
        if (const auto sp = item.find(' '); sp != std::string::npos) {
            std::string dir = item.substr(sp + 1);
            for (auto& c : dir) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (dir != "asc" && dir != "desc") Params::fail("order_by", "'" + item + "': the direction must be asc or desc");
            desc = desc || dir == "desc";
            item.erase(sp);
        }
        if (!m.find(item))
            Params::fail("order_by", "'" + item + "' is not a field of model '" + m.name + "'");
        has_id = has_id || item == "id";
        sql += (sql.empty() ? "" : ", ") + q.quote_identifier(item) + (desc ? " DESC" : " ASC");
    }
    // id last: the order is total, so the same rows come in the same order every time.
    if (!has_id) sql += (sql.empty() ? "" : ", ") + q.quote_identifier("id") + " ASC";
    return " ORDER BY " + sql;
}

/// The `fields` to list (default: every field of the model, system fields included).
std::string selected_columns(const Model& m, const SqlFlavor& q, const Params& p, std::vector<const Field*>& cols) {
    const auto* v = p.json("fields");
    if (!v || v->is_null()) return all_columns(m, q, cols);
    if (!v->is_array() || v->get_array().empty()) Params::fail("fields", "must be a non-empty list of field names");
    std::string list;
    for (const auto& e : v->get_array()) {
        const Field* f = e.is_string() ? m.find(e.get_string()) : nullptr;
        if (!f) Params::fail("fields", boost::json::serialize(e) + " is not a field of model '" + m.name + "'");
        list += (list.empty() ? "" : ", ") + q.quote_identifier(f->name);
        cols.push_back(f);
    }
    return list;
}

/// The rows of one query as records; each open() reads them afresh on its own connection.
class ListStream final : public RecordStream {
public:
    ListStream(std::string url, std::shared_ptr<const Model> model, SqlFragment query, std::vector<const Field*> cols,
               std::size_t page)
        : url_(std::move(url)), model_(std::move(model)), query_(std::move(query)), cols_(std::move(cols)), page_(page) {}

    [[nodiscard]] std::unique_ptr<RecordCursor> open() const override {
        auto db = open_database(url_, *model_);
        auto rows = db->open_query(query_, cols_);
        return std::make_unique<Cursor>(std::move(db), std::move(rows), *this);
    }

private:
    class Cursor final : public RecordCursor {
    public:
        Cursor(std::unique_ptr<Dialect> db, std::unique_ptr<RowCursor> rows, const ListStream& owner)
            : db_(std::move(db)), rows_(std::move(rows)), owner_(owner) {}

        // Fills the batch with up to max_rows rows, fetching fetch_size rows at a time.
        bool next(RecordBatch& out, std::size_t max_rows) override {
            out.clear();
            out.first_index = pos_;
            const std::size_t want = std::max<std::size_t>(1, max_rows);
            while (!done_ && out.size() < want) {
                if (!rows_->fetch(page_, std::min(want - out.size(), owner_.page_))) {
                    done_ = true;
                    break;
                }
                for (const auto& row : page_) out.append(row_to_json(row, owner_.cols_));
            }
            pos_ += out.size();
            owner_.add_read(out.size());
            return out.size() > 0;
        }

    private:
        std::unique_ptr<Dialect> db_;      // declared before rows_: the cursor goes first
        std::unique_ptr<RowCursor> rows_;
        const ListStream& owner_;
        std::vector<std::vector<SqlValue>> page_;
        std::size_t pos_ = 0;
        bool done_ = false;
    };

    std::string url_;
    std::shared_ptr<const Model> model_;
    SqlFragment query_;
    std::vector<const Field*> cols_;  // into *model_
    std::size_t page_;
};

// The listing query and its columns; parses and checks every parameter (also the static check).
SqlFragment list_query(const Model& m, const SqlFlavor& q, const Params& p, std::vector<const Field*>& cols) {
    const Selection sel = make_selection(m, p.json("filter"), nullptr, p.get_bool("include_deleted"));
    std::size_t next = 1;
    SqlFragment query{"SELECT " + selected_columns(m, q, p, cols) + " FROM " + q.quote_identifier(m.table), {}};
    append(query, sel.where(m, q, next));
    query.sql += order_by_sql(m, q, p);
    if (p.json("limit")) query.sql += " LIMIT " + std::to_string(p.get_int("limit"));
    return query;
}

class ListNode final : public Node {
public:
    explicit ListNode(std::string model) : model_(std::move(model)) {}

    NodeOutput run(Context& ctx, const Params& p) override {
        ModelCatalog catalog(ctx.models());
        auto m = std::make_shared<const Model>(catalog.at(model_));
        const auto url = ctx.database_url();
        const auto& q = sql_flavor(DatabaseUrl::parse(url).kind);
        std::vector<const Field*> cols;
        SqlFragment query = list_query(*m, q, p, cols);
        const auto page = p.get_int("fetch_size");
        open_database(ctx, *m);  // fails now, naming this node, if the table does not match the model
        NodeOutput out;
        out.value = {{"model", m->name}};
        out.streams["records"] = std::make_shared<ListStream>(url, m, std::move(query), std::move(cols), static_cast<std::size_t>(page));
        return out;
    }

private:
    std::string model_;
};

} // namespace

void check_list_params(const Params& p, const Model& m) {
    std::vector<const Field*> cols;
    (void)list_query(m, sql_flavor(DatabaseKind::sqlite), p, cols);
}

std::unique_ptr<Node> make_list_node(const std::string& model) { return std::make_unique<ListNode>(model); }

NodeSpec list_spec(const std::string& model) {
    NodeSpec s;
    s.type = model + "ListNode";
    s.doc = "List " + model + " rows as a record stream (read when a node consumes it, a page at a time).";
    s.outputs = {"records (stream)", "model"};
    auto add = [&](const char* name, ParamType type, std::optional<boost::json::value> def, const char* doc,
                   std::optional<double> minimum = std::nullopt) {
        ParamSpec ps;
        ps.name = name;
        ps.type = type;
        ps.default_value = std::move(def);
        ps.doc = doc;
        ps.minimum = minimum;
        s.params.push_back(std::move(ps));
    };
    add("filter", ParamType::object, std::nullopt, "Rows to list: {field: value | {$op: value}}, $and/$or/$not (default: all).");
    add("order_by", ParamType::string_or_list, boost::json::value("id"),
        "Field, '-field' or 'field desc' for descending, or a list of them; id is always the last key, so the order is total.");
    add("limit", ParamType::integer, std::nullopt, "At most this many rows (default: all).", 0);
    add("fields", ParamType::array, std::nullopt, "The fields each record has (default: every field, id and timestamps included).");
    add("include_deleted", ParamType::boolean, boost::json::value(false), "Also list soft-deleted rows (models with soft_delete).");
    add("fetch_size", ParamType::integer, boost::json::value(10000), "Rows read from the database at a time.", 1);
    return s;
}

} // namespace bulkflow::bulk
