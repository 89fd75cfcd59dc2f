#include "my_statement.hpp"

#include <cstdio>
#include <cstring>

namespace bulkflow::detail {

MYSQL_TIME to_mysql_time(Timestamp t) {
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
    MYSQL_TIME m{};
    m.year = static_cast<unsigned>(c.year);
    m.month = c.month;
    m.day = c.day;
    m.hour = static_cast<unsigned>(sod / 3600);
    m.minute = static_cast<unsigned>(sod / 60 % 60);
    m.second = static_cast<unsigned>(sod % 60);
    m.second_part = static_cast<unsigned long>(frac);
    m.time_type = MYSQL_TIMESTAMP_DATETIME;
    return m;
}

MYSQL_TIME to_mysql_time(Date d) {
    const CivilDate c = civil_from_days(d.days);
    MYSQL_TIME m{};
    m.year = static_cast<unsigned>(c.year);
    m.month = c.month;
    m.day = c.day;
    m.time_type = MYSQL_TIMESTAMP_DATE;
    return m;
}

Timestamp timestamp_of(const MYSQL_TIME& t) {
    const std::int64_t days = days_from_civil(t.year, t.month, t.day);
    return Timestamp{((days * 86'400 + t.hour * 3600 + t.minute * 60 + t.second) * 1'000'000) + static_cast<std::int64_t>(t.second_part)};
}

MyStatement::MyStatement(MyConnection& conn, const std::string& sql) : conn_(conn), stmt_(mysql_stmt_init(conn.handle())) {
    if (!stmt_) conn_.fail("preparing a statement");
    if (mysql_stmt_prepare(stmt_, sql.data(), sql.size()) != 0) {
        auto e = make_error("preparing a statement", mysql_stmt_errno(stmt_), mysql_stmt_sqlstate(stmt_), mysql_stmt_error(stmt_));
        mysql_stmt_close(stmt_);
        if (e.code() == ErrorCode::connection) conn_.mark_broken();
        throw e;
    }
    const auto n = mysql_stmt_param_count(stmt_);
    binds_.assign(n, MYSQL_BIND{});
    params_.assign(n, Param{});
}

MyStatement::~MyStatement() {
    if (stmt_) mysql_stmt_close(stmt_);
}

void MyStatement::bind(std::size_t i, const SqlValue& v) {
    MYSQL_BIND& b = binds_[i];
    Param& p = params_[i];
    b = MYSQL_BIND{};
    auto text = [&](const std::string& s) {
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = const_cast<char*>(s.data());
        b.buffer_length = s.size();
        p.length = s.size();
        b.length = &p.length;
    };
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                b.buffer_type = MYSQL_TYPE_NULL;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                p.i = x;
                b.buffer_type = MYSQL_TYPE_LONGLONG;
                b.buffer = &p.i;
            } else if constexpr (std::is_same_v<T, bool>) {
                p.b = x ? 1 : 0;
                b.buffer_type = MYSQL_TYPE_TINY;
                b.buffer = &p.b;
            } else if constexpr (std::is_same_v<T, double>) {
                p.d = x;
                b.buffer_type = MYSQL_TYPE_DOUBLE;
                b.buffer = &p.d;
            } else if constexpr (std::is_same_v<T, std::string>) {
                text(x);
            } else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, JsonText>) {
                text(x.text);  // the server converts decimal text exactly
            } else if constexpr (std::is_same_v<T, Timestamp>) {
                p.t = to_mysql_time(x);
                b.buffer_type = MYSQL_TYPE_DATETIME;
                b.buffer = &p.t;
            } else if constexpr (std::is_same_v<T, Date>) {
                p.t = to_mysql_time(x);
                b.buffer_type = MYSQL_TYPE_DATE;
                b.buffer = &p.t;
            }
        },
        v);
}

std::uint64_t MyStatement::execute(std::string_view what) {
    auto failed = [&] {
        auto e = make_error(what, mysql_stmt_errno(stmt_), mysql_stmt_sqlstate(stmt_), mysql_stmt_error(stmt_));
        if (e.code() == ErrorCode::connection) conn_.mark_broken();
        throw e;
    };
    if (!binds_.empty() && mysql_stmt_bind_param(stmt_, binds_.data()) != 0) failed();
    if (mysql_stmt_execute(stmt_) != 0) failed();
    return mysql_stmt_affected_rows(stmt_);
}

std::uint64_t MyStatement::insert_id() const { return mysql_stmt_insert_id(stmt_); }

std::optional<MyStatement::InsertInfo> MyStatement::insert_info() const {
    const char* info = mysql_info(conn_.handle());
    if (!info) return std::nullopt;
    unsigned long long records = 0, duplicates = 0, warnings = 0;
    if (std::sscanf(info, "Records: %llu Duplicates: %llu Warnings: %llu", &records, &duplicates, &warnings) < 2) return std::nullopt;
    return InsertInfo{records, duplicates};
}

void MyStatement::fetch_all(const std::vector<const Field*>& fields, std::vector<std::vector<SqlValue>>& out, std::string_view what) {
    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
    if (!meta) return;  // no result set
    struct MetaGuard {
        MYSQL_RES* r;
        ~MetaGuard() { mysql_free_result(r); }
    } guard{meta};
    auto failed = [&] {
        auto e = make_error(what, mysql_stmt_errno(stmt_), mysql_stmt_sqlstate(stmt_), mysql_stmt_error(stmt_));
        if (e.code() == ErrorCode::connection) conn_.mark_broken();
        throw e;
    };
    const my_bool update_max = 1;
    mysql_stmt_attr_set(stmt_, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    if (mysql_stmt_store_result(stmt_) != 0) failed();
    const unsigned ncols = mysql_num_fields(meta);
    MYSQL_FIELD* mf = mysql_fetch_fields(meta);
    enum class Kind { integer, real, time, text };
    struct Col {
        Kind kind = Kind::text;
        long long i = 0;
        double d = 0;
        MYSQL_TIME t{};
        std::string s;
        unsigned long length = 0;
        my_bool null = 0, error = 0;
    };
    std::vector<Col> cols(ncols);
    std::vector<MYSQL_BIND> rb(ncols, MYSQL_BIND{});
    for (unsigned c = 0; c < ncols; ++c) {
        Col& col = cols[c];
        MYSQL_BIND& b = rb[c];
        switch (mf[c].type) {
        case MYSQL_TYPE_TINY:
        case MYSQL_TYPE_SHORT:
        case MYSQL_TYPE_LONG:
        case MYSQL_TYPE_INT24:
        case MYSQL_TYPE_LONGLONG:
        case MYSQL_TYPE_YEAR:
            col.kind = Kind::integer;
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = &col.i;
            break;
        case MYSQL_TYPE_FLOAT:
        case MYSQL_TYPE_DOUBLE:
            col.kind = Kind::real;
            b.buffer_type = MYSQL_TYPE_DOUBLE;
            b.buffer = &col.d;
            break;
        case MYSQL_TYPE_DATETIME:
        case MYSQL_TYPE_TIMESTAMP:
        case MYSQL_TYPE_DATE:
            col.kind = Kind::time;
            b.buffer_type = mf[c].type;
            b.buffer = &col.t;
            break;
        default:
            col.kind = Kind::text;
            col.s.resize(std::max<unsigned long>(mf[c].max_length, 1));
            b.buffer_type = MYSQL_TYPE_STRING;
            b.buffer = col.s.data();
            b.buffer_length = col.s.size();
            break;
        }
        b.length = &col.length;
        b.is_null = &col.null;
        b.error = &col.error;
    }
    if (mysql_stmt_bind_result(stmt_, rb.data()) != 0) failed();
    out.reserve(out.size() + mysql_stmt_num_rows(stmt_));
    for (;;) {
        const int rc = mysql_stmt_fetch(stmt_);
        if (rc == MYSQL_NO_DATA) break;
        if (rc == 1) failed();
        std::vector<SqlValue> row;
        row.reserve(ncols);
        for (unsigned c = 0; c < ncols; ++c) {
            Col& col = cols[c];
            if (col.null) {
                row.emplace_back();
                continue;
            }
            const Field* f = c < fields.size() ? fields[c] : nullptr;
            std::string text;
            if (col.kind == Kind::text) {
                if (col.length > col.s.size()) {  // truncated: read the whole value
                    std::string big(col.length, '\0');
                    MYSQL_BIND one{};
                    one.buffer_type = MYSQL_TYPE_STRING;
                    one.buffer = big.data();
                    one.buffer_length = big.size();
                    unsigned long len = 0;
                    one.length = &len;
                    if (mysql_stmt_fetch_column(stmt_, &one, c, 0) != 0) failed();
                    text = std::move(big);
                } else {
                    text.assign(col.s.data(), col.length);
                }
            }
            const auto as_text = [&]() -> std::string {
                switch (col.kind) {
                case Kind::integer: return std::to_string(col.i);
                case Kind::real: {
                    char buf[32];
                    std::snprintf(buf, sizeof buf, "%.17g", col.d);
                    return buf;
                }
                case Kind::time: return col.t.time_type == MYSQL_TIMESTAMP_DATE ? format_date(Date{static_cast<std::int32_t>(days_from_civil(col.t.year, col.t.month, col.t.day))})
                                                                              : format_timestamp(timestamp_of(col.t));
                case Kind::text: return text;
                }
                return text;
            };
            if (!f) {
                switch (col.kind) {
                case Kind::integer: row.emplace_back(std::int64_t{col.i}); break;
                case Kind::real: row.emplace_back(col.d); break;
                case Kind::time:
                    if (mf[c].type == MYSQL_TYPE_DATE) row.emplace_back(Date{static_cast<std::int32_t>(days_from_civil(col.t.year, col.t.month, col.t.day))});
                    else row.emplace_back(timestamp_of(col.t));
                    break;
                case Kind::text:
                    if (mf[c].type == MYSQL_TYPE_NEWDECIMAL || mf[c].type == MYSQL_TYPE_DECIMAL) row.emplace_back(Decimal{std::move(text)});
                    else row.emplace_back(std::move(text));
                    break;
                }
                continue;
            }
            switch (f->type) {
            case FieldType::integer:
                row.emplace_back(col.kind == Kind::integer ? std::int64_t{col.i} : std::int64_t{std::stoll(as_text())});
                break;
            case FieldType::boolean:
                row.emplace_back(col.kind == Kind::integer ? col.i != 0 : (as_text() != "0" && !as_text().empty()));
                break;
            case FieldType::floating: row.emplace_back(col.kind == Kind::real ? col.d : std::stod(as_text())); break;
            case FieldType::decimal: row.emplace_back(Decimal{as_text()}); break;
            case FieldType::datetime: {
                if (col.kind == Kind::time) {
                    row.emplace_back(timestamp_of(col.t));
                    break;
                }
                auto ts = parse_iso8601(as_text());
                if (!ts) throw Error(ErrorCode::database, "column '" + f->name + "' holds a value that is not a timestamp: " + as_text());
                row.emplace_back(*ts);
                break;
            }
            case FieldType::date: {
                if (col.kind == Kind::time) {
                    row.emplace_back(Date{static_cast<std::int32_t>(days_from_civil(col.t.year, col.t.month, col.t.day))});
                    break;
                }
                auto d = parse_date(as_text());
                if (!d) throw Error(ErrorCode::database, "column '" + f->name + "' holds a value that is not a date: " + as_text());
                row.emplace_back(*d);
                break;
            }
            case FieldType::json: row.emplace_back(JsonText{as_text()}); break;
            case FieldType::str: row.emplace_back(as_text()); break;
            }
        }
        out.push_back(std::move(row));
    }
    mysql_stmt_free_result(stmt_);
}

} // namespace bulkflow::detail
