#include "my_connection.hpp"

#include "my_options.hpp"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include <regex>

namespace bulkflow::detail {
namespace {

// Error numbers whose cause is the values of the row being written.
bool data_error(unsigned n) {
    switch (n) {
    case ER_BAD_NULL_ERROR:             // 1048 Column cannot be null
    case ER_DUP_ENTRY:                  // 1062
    case ER_NO_DEFAULT_FOR_FIELD:       // 1364
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:  // 1366 Incorrect decimal value ...
    case ER_WARN_DATA_OUT_OF_RANGE:     // 1264
    case ER_DATA_TOO_LONG:              // 1406
    case ER_TRUNCATED_WRONG_VALUE:      // 1292 Incorrect datetime value
    case WARN_DATA_TRUNCATED:           // 1265
    case ER_NO_REFERENCED_ROW_2:        // 1452
    case ER_ROW_IS_REFERENCED_2:        // 1451
    case ER_NO_REFERENCED_ROW:          // 1216
    case ER_ROW_IS_REFERENCED:          // 1217
    case ER_INVALID_CHARACTER_STRING:   // 1300
    case ER_WRONG_VALUE_FOR_TYPE:       // 1411
    case ER_DIVISION_BY_ZERO:           // 1365
    case 4025:                          // ER_CONSTRAINT_FAILED (MariaDB CHECK, JSON validity)
    case 3819:                          // MySQL CHECK constraint
    case 3140:                          // MySQL invalid JSON text
        return true;
    default: return false;
    }
}

bool connection_error(unsigned n) {
    return n == CR_SERVER_GONE_ERROR || n == CR_SERVER_LOST || n == CR_CONN_HOST_ERROR || n == CR_CONNECTION_ERROR ||
           n == CR_SERVER_LOST_EXTENDED || n == ER_SERVER_SHUTDOWN || n == 1927 /* ER_CONNECTION_KILLED */ ||
           n == ER_QUERY_INTERRUPTED || n == CR_COMMANDS_OUT_OF_SYNC;
}

// "`db`.`t`.`price`", "'price'", "`price`" -> price
std::string column_in(const std::string& msg) {
    static const std::regex col(R"([Cc]olumn (?:`[^`]*`\.`[^`]*`\.)?[`']([^`']+)[`'])");
    std::smatch m;
    return std::regex_search(msg, m, col) ? m[1].str() : std::string();
}

std::string constraint_in(const std::string& msg) {
    static const std::regex key(R"(for key '([^']+)')");
    static const std::regex cons(R"(CONSTRAINT `([^`]+)`)");
    std::smatch m;
    if (std::regex_search(msg, m, key)) return m[1].str();
    if (std::regex_search(msg, m, cons)) return m[1].str();
    return {};
}

} // namespace

bool MyError::row_level() const noexcept { return data_error(number_) || sqlstate_.starts_with("22") || sqlstate_.starts_with("23"); }

MyError make_error(std::string_view what, unsigned number, const char* sqlstate, const char* message) {
    const std::string state = sqlstate ? sqlstate : "";
    std::string msg = message && *message ? message : "unknown error";
    auto code = ErrorCode::database;
    if (connection_error(number)) code = ErrorCode::connection;
    else if (number == ER_LOCK_DEADLOCK || number == ER_LOCK_WAIT_TIMEOUT) code = ErrorCode::transient;
    else if (state.starts_with("23") || number == ER_NO_DEFAULT_FOR_FIELD || number == 4025 || number == 3819)
        code = ErrorCode::constraint_violation;
    std::string bare = msg + " (MySQL error " + std::to_string(number);
    if (!state.empty()) bare += ", SQLSTATE " + state;
    if (auto c = constraint_in(msg); !c.empty()) bare += (number == ER_DUP_ENTRY ? ", unique key " : ", constraint ") + c;
    if (auto c = column_in(msg); !c.empty()) bare += ", column " + c;
    bare += ")";
    bare = redact_passwords(bare);
    return MyError(code, std::string(what) + ": " + bare, number, state, bare);
}

MyConnection::MyConnection(const DatabaseUrl& url) : url_(url) { open(); }

MyConnection::~MyConnection() { close(); }

void MyConnection::close() noexcept {
    if (conn_) mysql_close(conn_);
    conn_ = nullptr;
}

void MyConnection::open() {
    static const bool initialised = mysql_library_init(0, nullptr, nullptr) == 0;
    close();
    conn_ = initialised ? mysql_init(nullptr) : nullptr;
    if (!conn_) throw Error(ErrorCode::connection, "cannot connect to MySQL/MariaDB: the client library failed to initialise");
    const std::string tls = apply_options(conn_, url_);
    // No password in the URL: Connector/C reads MYSQL_PWD, as the mysql client does.
    auto given = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    const bool ok = mysql_real_connect(conn_, url_.host.c_str(), given(url_.user), given(url_.password), given(url_.database),
                                       url_.port, nullptr, CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS) != nullptr;
    std::string why = ok ? std::string() : url_.scrub(mysql_error(conn_));
    if (ok && !tls.empty() && !mysql_get_ssl_cipher(conn_))
        why = tls + " needs TLS, but the server did not negotiate it (has it TLS configured?); the connection was "
              "closed before any statement ran";
    if (!why.empty()) {
        close();
        throw Error(ErrorCode::connection, "cannot connect to MySQL/MariaDB at " + url_.redacted() + ": " + why);
    }
    broken_ = false;
    prepare_session();
}

void MyConnection::prepare_session() {
    exec("SET time_zone = '+00:00', "
         "sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION', "
         "autocommit = 1",
         "preparing the session");
    autoinc_lock_mode_ = std::stoi(scalar("SELECT @@innodb_autoinc_lock_mode", "reading innodb_autoinc_lock_mode"));
    id_increment_ = std::stoll(scalar("SELECT @@auto_increment_increment", "reading auto_increment_increment"));
    local_infile_ = scalar("SELECT @@local_infile", "reading local_infile") == "1";
}

void MyConnection::reconnect() { open(); }

::MYSQL* MyConnection::handle() const { return conn_; }

void MyConnection::fail(std::string_view what) {
    ::MYSQL* h = handle();
    auto e = make_error(what, mysql_errno(h), mysql_sqlstate(h), mysql_error(h));
    if (e.code() == ErrorCode::connection) broken_ = true;
    throw e;
}

void MyConnection::exec(const std::string& sql, std::string_view what) {
    ::MYSQL* h = handle();
    if (mysql_real_query(h, sql.data(), sql.size()) != 0) fail(what);
    if (MYSQL_RES* r = mysql_store_result(h)) mysql_free_result(r);
    else if (mysql_field_count(h) != 0) fail(what);
}

void MyConnection::exec_quietly(const char* sql) noexcept {
    ::MYSQL* h = handle();
    if (mysql_query(h, sql) == 0) {
        if (MYSQL_RES* r = mysql_store_result(h)) mysql_free_result(r);
    } else if (connection_error(mysql_errno(h))) {
        broken_ = true;
    }
}

std::string MyConnection::scalar(const std::string& sql, std::string_view what) {
    ::MYSQL* h = handle();
    if (mysql_real_query(h, sql.data(), sql.size()) != 0) fail(what);
    MYSQL_RES* r = mysql_store_result(h);
    if (!r) fail(what);
    std::string out;
    if (MYSQL_ROW row = mysql_fetch_row(r); row && row[0]) out.assign(row[0], mysql_fetch_lengths(r)[0]);
    mysql_free_result(r);
    return out;
}

} // namespace bulkflow::detail
