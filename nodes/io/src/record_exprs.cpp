// Typing, compiling and evaluating MapNode / FilterNode expressions on record batches.
#include "record_exprs.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/json_number.hpp>
#include <bulkflow/json_text.hpp>

#include <functional>
#include <utility>

namespace bulkflow::io::detail {

namespace {

namespace json = boost::json;

bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_keyword(std::string_view name) {
    std::string s(name);
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s == "and" || s == "or" || s == "not" || s == "true" || s == "false" || s == "null" ||
           s == "none";
}

/// The engine's message prefix for `text` ("expression 'TEXT': ", long texts shortened).
std::string expr_prefix(std::string_view text) {
    std::string shown(text.substr(0, 120));
    if (text.size() > 120) shown += "...";
    return "expression '" + shown + "': ";
}

/// An engine message about `used` (a rewritten text) shown as one about `original`.
std::string about(std::string message, std::string_view used, std::string_view original) {
    const std::string p = expr_prefix(used);
    if (used != original && message.starts_with(p))
        message = expr_prefix(original) + message.substr(p.size());
    return message;
}

/// True for the parser's messages ("... at position N"), which do not depend on field types.
bool is_syntax_error(std::string_view message) {
    constexpr std::string_view marker = " at position ";
    const auto at = message.rfind(marker);
    if (at == std::string_view::npos || at + marker.size() == message.size()) return false;
    for (const char c : message.substr(at + marker.size()))
        if (!is_digit(c)) return false;
    return true;
}

/// `text` with the references in `refs` for which `drop(name)` holds replaced by `null`.
template <class Pred>
std::string with_nulls(std::string_view text, const std::vector<FieldRef>& refs, Pred drop) {
    std::string out;
    std::size_t from = 0;
    for (const auto& r : refs) {
        if (!drop(r.name)) continue;
        out.append(text.substr(from, r.pos - from));
        out += "null";
        from = r.pos + r.name.size();
    }
    out.append(text.substr(from));
    return out;
}

FieldType json_type(const json::value& v) noexcept {
    switch (v.kind()) {
    case json::kind::bool_: return FieldType::boolean;
    case json::kind::int64:
    case json::kind::uint64: return FieldType::integer;
    case json::kind::double_: return FieldType::floating;
    case json::kind::string: return FieldType::str;
    case json::kind::object: return exact_number_text(v) ? FieldType::decimal : FieldType::json;
    default: return FieldType::json;
    }
}

/// A record value as it is, without a model: JSON types map to the expression types.
SqlValue natural_value(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null: return std::monostate{};
    case json::kind::bool_: return v.get_bool();
    case json::kind::int64: return v.get_int64();
    case json::kind::uint64:
        if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            return static_cast<std::int64_t>(v.get_uint64());
        return static_cast<double>(v.get_uint64());
    case json::kind::double_: return v.get_double();
    case json::kind::string: return std::string(v.get_string());
    case json::kind::object:
        // An exact number (docs/workflow-format.md, "Numbers") is an exact decimal here.
        if (const auto* text = exact_number_text(v)) return Decimal{std::string(*text)};
        return JsonText{to_json_text(v)};
    default: return JsonText{to_json_text(v)};
    }
}

std::string_view kind_of(const SqlValue& v) {
    constexpr std::string_view names[] = {"NULL",       "an integer", "a float",
                                          "a boolean",  "a string",   "a decimal",
                                          "a datetime", "a date",     "JSON"};
    return names[v.index()];
}

} // namespace

std::vector<FieldRef> scan_fields(std::string_view t) {
    std::vector<FieldRef> out;
    const std::size_t n = t.size();
    bool after_dot = false; // a name right after '.' is a method
    std::size_t i = 0;
    while (i < n) {
        const char c = t[i];
        if (is_space(c)) {
            ++i;
            continue;
        }
        std::size_t j = i;
        if (is_digit(c) ||
            (c == '.' && i + 1 < n && is_digit(t[i + 1]))) { // same rules as the engine
            while (j < n && is_digit(t[j])) ++j;
            if (j + 1 < n && t[j] == '.' && is_digit(t[j + 1]))
                ++j;
            else if (j < n && t[j] == '.' && (j + 1 >= n || !is_alpha(t[j + 1])))
                ++j;
            while (j < n && is_digit(t[j])) ++j;
            if (j < n && (t[j] == 'e' || t[j] == 'E')) {
                std::size_t k = j + 1;
                if (k < n && (t[k] == '+' || t[k] == '-')) ++k;
                if (k < n && is_digit(t[k])) {
                    j = k;
                    while (j < n && is_digit(t[j])) ++j;
                }
            }
            after_dot = false;
        } else if (is_alpha(c)) {
            while (j < n && (is_alpha(t[j]) || is_digit(t[j]))) ++j;
            const std::string_view name = t.substr(i, j - i);
            std::size_t k = j;
            while (k < n && is_space(t[k])) ++k;
            const bool call = k < n && t[k] == '(';
            if (!after_dot && !call && !is_keyword(name)) out.push_back({std::string(name), i});
            after_dot = false;
        } else if (c == ':') { // :current_timestamp, :current_date
            ++j;
            while (j < n && (is_alpha(t[j]) || is_digit(t[j]))) ++j;
            after_dot = false;
        } else if (c == '\'' || c == '"') {
            ++j;
            while (j < n && t[j] != c) j += (t[j] == '\\' && j + 1 < n) ? 2 : 1;
            ++j;
            after_dot = false;
        } else {
            after_dot = c == '.';
            ++j;
        }
        i = j;
    }
    return out;
}

void check_expression(const ExprSource& src) {
    const auto refs = scan_fields(src.text);
    // First with every field a string: syntax errors keep their positions.
    Model as_text;
    as_text.name = "record";
    for (const auto& r : refs)
        if (!as_text.find(r.name))
            as_text.fields.push_back(Field{.name = r.name, .type = FieldType::str});
    std::string first;
    try {
        (void)Expr::parse(src.text, as_text);
        return;
    } catch (const Error& e) {
        first = e.what();
    }
    // Then with every field NULL, which fits any type: what still fails is wrong for all types.
    const std::string nulled = with_nulls(src.text, refs, [](const std::string&) { return true; });
    try {
        (void)Expr::parse(nulled, Model{});
        return;
    } catch (const Error& e) {
        const std::string msg = is_syntax_error(first) ? first : about(e.what(), nulled, src.text);
        throw Error(ErrorCode::invalid_parameter, "parameter '" + src.param + "': " + msg);
    }
}

// ---------------------------------------------------------------------------------------------
// ExprProgram

ExprProgram::ExprProgram(std::string node_id, std::string node_type, ExprUse use,
                         std::vector<ExprSource> sources, std::vector<std::string> targets,
                         std::shared_ptr<const Model> model)
    : node_id_(std::move(node_id)), use_(use), sources_(std::move(sources)),
      targets_(std::move(targets)), model_(std::move(model)) {
    label_ = "node '" + node_id_ + "' (" + node_type + ")";
    const auto add_field = [this](const std::string& name) {
        for (const auto& f : fields_)
            if (f == name) return;
        fields_.push_back(name);
    };
    for (const auto& s : sources_) refs_.push_back(scan_fields(s.text));
    if (!model_) {
        for (const auto& s : sources_) check_expression(s);
        for (const auto& refs : refs_)
            for (const auto& r : refs) add_field(r.name);
        return;
    }
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        const ExprSource& s = sources_[i];
        const std::string param = "parameter '" + s.param + "': ";
        try {
            compiled_.push_back(Expr::parse(s.text, *model_));
        } catch (const Error& e) {
            throw Error(ErrorCode::invalid_parameter, param + e.what());
        }
        const Expr& e = compiled_.back();
        if (use_ == ExprUse::predicate && e.type() && *e.type() != FieldType::boolean)
            throw Error(ErrorCode::invalid_parameter, param + expr_prefix(s.text) + "gives " +
                                                          std::string(to_string(*e.type())) +
                                                          ", not true/false");
        const Field* target = use_ == ExprUse::value ? model_->find(targets_[i]) : nullptr;
        if (target) {
            try {
                e.check_assignable(*target);
            } catch (const Error& err) {
                throw Error(ErrorCode::invalid_parameter, param + err.what());
            }
        }
        assign_to_.push_back(target);
        for (const auto& name : e.referenced_fields()) add_field(name);
    }
    for (const auto& name : fields_) model_fields_.push_back(model_->find(name));
}

// ---------------------------------------------------------------------------------------------
// ExprEvaluator

ExprEvaluator::ExprEvaluator(std::shared_ptr<const ExprProgram> program)
    : p_(std::move(program)), columns_(p_->fields_.size()), values_(p_->fields_.size()) {
    if (p_->model_) exprs_ = &p_->compiled_;
}

void ExprEvaluator::bind(const RecordBatch& batch) {
    const auto& fields = p_->fields_;
    for (std::size_t i = 0; i < fields.size(); ++i) columns_[i] = batch.find_column(fields[i]);
    if (p_->model_) return;

    // Each field's type is that of its first non-null value in the batch; none: unknown (NULL).
    std::vector<std::optional<FieldType>> types(fields.size());
    std::vector<std::size_t> seen_at(fields.size(), 0);
    std::string key;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (columns_[i]) {
            for (std::size_t r = 0; r < batch.size(); ++r) {
                const auto* cell = batch.get(*columns_[i], r);
                if (!cell || cell->is_null()) continue;
                types[i] = json_type(*cell);
                seen_at[i] = batch.first_index + r;
                break;
            }
        }
        key += types[i] ? static_cast<char>('a' + static_cast<int>(*types[i])) : '-';
    }
    if (auto it = cache_.find(key); it != cache_.end()) {
        exprs_ = &it->second;
        return;
    }

    Model m;
    m.name = "record";
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (types[i]) m.fields.push_back(Field{.name = fields[i], .type = *types[i]});
    const auto unknown = [&](const std::string& name) { return m.find(name) == nullptr; };
    std::vector<Expr> compiled;
    for (std::size_t s = 0; s < p_->sources_.size(); ++s) {
        const ExprSource& src = p_->sources_[s];
        const std::string text = with_nulls(src.text, p_->refs_[s], unknown);
        const auto fail = [&](const std::string& message) {
            std::string how;
            for (std::size_t i = 0; i < fields.size(); ++i) {
                bool used = false;
                for (const auto& r : p_->refs_[s]) used = used || r.name == fields[i];
                if (!used) continue;
                how += how.empty() ? "" : ", ";
                how += "'" + fields[i] + "' ";
                how += types[i] ? std::string(to_string(*types[i])) + " (record " +
                                      std::to_string(seen_at[i]) + ")"
                                : std::string("NULL (no value)");
            }
            throw Error(ErrorCode::invalid_data,
                        p_->label_ + ": parameter '" + src.param + "': " + message +
                            " (field types inferred from records " +
                            std::to_string(batch.first_index) + ".." +
                            std::to_string(batch.first_index + batch.size() - 1) + ": " + how +
                            "; the 'model' parameter declares them instead)",
                        p_->node_id_);
        };
        try {
            compiled.push_back(Expr::parse(text, m));
        } catch (const Error& e) {
            fail(about(e.what(), text, src.text));
        }
        const auto type = compiled.back().type();
        if (p_->use_ == ExprUse::predicate && type && *type != FieldType::boolean)
            fail(expr_prefix(src.text) + "gives " + std::string(to_string(*type)) +
                 ", not true/false");
    }
    exprs_ = &cache_.emplace(std::move(key), std::move(compiled)).first->second;
}

void ExprEvaluator::load_row(const RecordBatch& batch, std::size_t row) {
    index_ = batch.first_index + row;
    for (std::size_t i = 0; i < values_.size(); ++i) {
        const json::value* cell = columns_[i] ? batch.get(*columns_[i], row) : nullptr;
        // With a model, an empty unquoted CSV cell is NULL except in a string field.
        const bool empty_null = cell && p_->model_ && batch.is_empty_unquoted(*columns_[i], row) &&
                                p_->model_fields_[i] && p_->model_fields_[i]->type != FieldType::str;
        if (!cell || cell->is_null() || empty_null) {
            values_[i] = std::monostate{};
        } else if (p_->model_) {
            try {
                values_[i] = convert_value(*p_->model_fields_[i], *cell);
            } catch (const Error& e) {
                record_error({}, std::string(e.what()) + " (typed by model '" + p_->model_->name +
                                     "')");
            }
        } else {
            values_[i] = natural_value(*cell);
        }
    }
}

SqlValue ExprEvaluator::evaluate(std::size_t i) const {
    const std::function<SqlValue(const Field&)> lookup = [this](const Field& f) -> SqlValue {
        const auto& fields = p_->fields_;
        for (std::size_t k = 0; k < fields.size(); ++k)
            if (fields[k] == f.name) return values_[k];
        return std::monostate{};
    };
    const Expr& e = (*exprs_)[i];
    try {
        if (p_->model_ && p_->use_ == ExprUse::value && p_->assign_to_[i])
            return e.evaluate_for(*p_->assign_to_[i], lookup);
        return e.evaluate(lookup);
    } catch (const Error& err) {
        record_error(p_->sources_[i].param, err.what());
    }
}

json::value ExprEvaluator::value(std::size_t i) const { return to_json(evaluate(i)); }

bool ExprEvaluator::holds() const {
    const SqlValue v = evaluate(0);
    if (is_null(v)) return false;
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    record_error(p_->sources_[0].param, expr_prefix(p_->sources_[0].text) + "gives " +
                                            std::string(kind_of(v)) + ", not true/false");
}

void ExprEvaluator::record_error(std::string_view param, const std::string& message) const {
    std::string msg = p_->label_ + ": record " + std::to_string(index_) + ": ";
    if (!param.empty()) msg += "parameter '" + std::string(param) + "': ";
    throw Error(ErrorCode::invalid_data, msg + message, p_->node_id_);
}

} // namespace bulkflow::io::detail
