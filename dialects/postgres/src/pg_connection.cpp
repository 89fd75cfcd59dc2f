#include "pg_connection.hpp"

#include "pg_values.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace bulkflow::detail {
namespace {

std::string trimmed(const char* s) {
    std::string t = s ? s : "";
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
}

std::string shown_url(const DatabaseUrl& url) {
    if (!url.original.empty()) return url.redacted();
    return "postgresql://" + (url.user.empty() ? std::string() : url.user + "@") + url.host + ":" + std::to_string(url.port) +
           "/" + url.database;
}

void ignore_notice(void*, const char*) {}

// The column of a COPY input error, which PostgreSQL names only in the context:
// "COPY products, line 2, column label: \"abcd\"".
std::string copy_column(std::string_view context) {
    const auto copy = context.find("COPY ");
    if (copy == std::string_view::npos) return {};
    const auto col = context.find(", column ", copy);
    if (col == std::string_view::npos) return {};
    const auto begin = col + 9;
    const auto end = context.find(':', begin);
    return std::string(context.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
}

} // namespace

std::optional<std::size_t> parse_copy_line(std::string_view context) noexcept {
    const auto copy = context.find("COPY ");
    if (copy == std::string_view::npos) return std::nullopt;
    const auto line = context.find(", line ", copy);
    if (line == std::string_view::npos) return std::nullopt;
    const char* begin = context.data() + line + 7;
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(begin, context.data() + context.size(), n);
    if (ec != std::errc() || end == begin) return std::nullopt;
    return n;
}

std::vector<std::string> libpq_keywords() {
    std::vector<std::string> names;
    PQconninfoOption* defaults = PQconndefaults();
    for (auto* o = defaults; o && o->keyword; ++o) names.emplace_back(o->keyword);
    PQconninfoFree(defaults);
    return names;
}

namespace {

// The libpq keywords this libpq knows (PQconndefaults), to refuse an option it would not know.
bool libpq_knows(const std::string& keyword) {
    static const std::vector<std::string> known = libpq_keywords();
    return std::find(known.begin(), known.end(), keyword) != known.end();
}

// Keywords and values for PQconnectdbParams: the URL's parts, bulkflow's defaults, then the URL's
// options (which win: libpq takes the last value of a keyword). Empty values are left out, so
// libpq falls back to PGPASSWORD, ~/.pgpass, PGUSER ... as it does on its own.
std::vector<std::pair<std::string, std::string>> conninfo(const DatabaseUrl& url) {
    std::vector<std::pair<std::string, std::string>> kv{
        {"host", url.host}, {"port", std::to_string(url.port ? url.port : 5432)}, {"user", url.user},
        {"password", url.password}, {"dbname", url.database}, {"application_name", "bulkflow"},
        {"client_encoding", "UTF8"}, {"connect_timeout", "15"}};
    for (const auto& [name, value] : url.options) {
        if (!libpq_knows(name))
            throw Error(ErrorCode::invalid_url, "invalid database URL '" + url.redacted() + "': parameter '" + name +
                                                    "' is not known to this libpq (" + std::to_string(PQlibVersion()) + ")");
        kv.emplace_back(name, value);
    }
    std::erase_if(kv, [](const auto& p) { return p.second.empty(); });
    return kv;
}

} // namespace

PgConnection::PgConnection(const DatabaseUrl& url) : redacted_url_(shown_url(url)) {
    const auto kv = conninfo(url);
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : kv) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        std::string msg = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
        if (conn_) PQfinish(conn_);
        conn_ = nullptr;
        throw Error(ErrorCode::connection, "cannot connect to PostgreSQL at " + redacted_url_ + ": " + url.scrub(msg));
    }
    try {
        prepare_session();
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
}

PgConnection::~PgConnection() {
    if (conn_) PQfinish(conn_);
}

void PgConnection::prepare_session() {
    PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);  // "already exists, skipping" is not news
    // UTC and ISO output make timestamps parseable; extra_float_digits = 1 gives exact doubles.
    exec("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1", "preparing the session");
}

bool PgConnection::in_transaction() const noexcept {
    const auto s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool PgConnection::failed_transaction() const noexcept { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

bool PgConnection::broken() const noexcept { return PQstatus(conn_) != CONNECTION_OK; }

void PgConnection::reconnect() {
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK)
        throw Error(ErrorCode::connection,
                    "cannot reconnect to PostgreSQL at " + redacted_url_ + ": " + redact_passwords(trimmed(PQerrorMessage(conn_))));
    prepare_session();
}

void PgConnection::exec_quietly(const char* sql) noexcept { PQclear(PQexec(conn_, sql)); }

PgError PgConnection::error(const PGresult* r, std::string_view what) const {
    auto field = [&](int code) { return r ? trimmed(PQresultErrorField(r, code)) : std::string(); };
    const std::string sqlstate = field(PG_DIAG_SQLSTATE);
    std::string primary = field(PG_DIAG_MESSAGE_PRIMARY);
    if (primary.empty() && r && PQresultStatus(r) != PGRES_FATAL_ERROR)
        primary = std::string("unexpected result ") + PQresStatus(PQresultStatus(r));
    if (primary.empty()) primary = trimmed(PQerrorMessage(conn_));
    if (primary.empty()) primary = "unknown error";
    if (broken()) primary += " (connection lost)";

    auto code = ErrorCode::database;
    if (broken() || sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
        code = ErrorCode::connection;
    else if (sqlstate.starts_with("23"))
        code = ErrorCode::constraint_violation;
    else if (sqlstate == "40001" || sqlstate == "40P01")  // serialization failure, deadlock: retry
        code = ErrorCode::transient;

    std::string bare = primary;
    if (!sqlstate.empty()) {
        bare += " (SQLSTATE " + sqlstate;
        if (auto c = field(PG_DIAG_CONSTRAINT_NAME); !c.empty()) bare += ", constraint " + c;
        std::string column = field(PG_DIAG_COLUMN_NAME);
        if (column.empty()) column = copy_column(field(PG_DIAG_CONTEXT));
        if (!column.empty()) bare += ", column " + column;
        bare += ")";
    }
    if (auto d = field(PG_DIAG_MESSAGE_DETAIL); !d.empty()) bare += ": " + d;
    bare = redact_passwords(bare);
    return PgError(code, std::string(what) + ": " + bare, sqlstate, bare, parse_copy_line(field(PG_DIAG_CONTEXT)));
}

PgResult PgConnection::check(PgResult r, std::string_view what, ExecStatusType expected) const {
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    const bool ok = status == expected || (expected == PGRES_COMMAND_OK && status == PGRES_TUPLES_OK);
    if (!ok) throw error(r.get(), what);
    return r;
}

PgResult PgConnection::exec(const std::string& sql, std::string_view what) {
    return check(PgResult(PQexec(conn_, sql.c_str())), what, PGRES_COMMAND_OK);
}

PgResult PgConnection::exec_params(const std::string& sql, const std::vector<SqlValue>& binds, std::string_view what) {
    std::vector<PgParam> params;
    params.reserve(binds.size());
    std::vector<const char*> values;
    std::vector<Oid> types;
    for (std::size_t i = 0; i < binds.size(); ++i) {
        params.push_back(to_param(binds[i]));
        const auto& text = params.back().text;
        if (text && text->find('\0') != std::string::npos)
            throw Error(ErrorCode::invalid_data, std::string(what) + ": parameter $" + std::to_string(i + 1) +
                                                     " contains a NUL byte, which PostgreSQL text cannot store");
    }
    for (const auto& p : params) {
        values.push_back(p.text ? p.text->c_str() : nullptr);
        types.push_back(p.oid);
    }
    return check(PgResult(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), types.data(), values.data(),
                                       nullptr, nullptr, 0)),
                 what, PGRES_COMMAND_OK);
}

PgResult PgConnection::exec_params_raw(const std::string& sql, int n, const Oid* types, const char* const* values,
                                      const int* lengths, const int* formats, std::string_view what) {
    return check(PgResult(PQexecParams(conn_, sql.c_str(), n, types, values, lengths, formats, 0)), what, PGRES_COMMAND_OK);
}

std::size_t PgConnection::copy_in(const std::string& copy_sql, std::string_view data, std::string_view what) {
    copy_begin(copy_sql, what);
    return copy_end(copy_put(data), what);
}

void PgConnection::copy_begin(const std::string& copy_sql, std::string_view what) {
    check(PgResult(PQexec(conn_, copy_sql.c_str())), what, PGRES_COPY_IN);
}

bool PgConnection::copy_put(std::string_view data) {
    constexpr std::size_t kChunk = std::size_t{1} << 20;  // libpq copies into its own buffer
    for (std::size_t off = 0; off < data.size(); off += kChunk) {
        const std::size_t n = std::min(kChunk, data.size() - off);
        if (PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) != 1) return false;
    }
    return true;
}

std::size_t PgConnection::copy_end(bool sent, std::string_view what) {
    if (PQputCopyEnd(conn_, sent ? nullptr : "bulkflow: sending COPY data failed") != 1) sent = false;
    PgResult ok, failed;
    while (PGresult* r = PQgetResult(conn_)) {
        if (PQresultStatus(r) == PGRES_COMMAND_OK) ok.reset(r);
        else if (!failed) failed.reset(r);
        else PQclear(r);
    }
    if (failed) throw error(failed.get(), what);
    if (!sent || !ok) throw error(nullptr, what);
    return static_cast<std::size_t>(std::strtoull(PQcmdTuples(ok.get()), nullptr, 10));
}

ImplicitTransaction::ImplicitTransaction(PgConnection& c) : conn_(c) {
    if (!conn_.in_transaction()) {
        conn_.exec("BEGIN", "begin");
        owned_ = true;
    }
}

ImplicitTransaction::~ImplicitTransaction() {
    if (owned_) conn_.exec_quietly("ROLLBACK");
}

void ImplicitTransaction::commit() {
    if (!owned_) return;
    owned_ = false;
    commit_checked(conn_);
}

void commit_checked(PgConnection& c) {
    auto r = c.exec("COMMIT", "commit");
    if (std::strcmp(PQcmdStatus(r.get()), "ROLLBACK") == 0)
        throw Error(ErrorCode::database, "commit: the transaction had failed earlier and was rolled back; nothing was committed");
}

} // namespace bulkflow::detail
