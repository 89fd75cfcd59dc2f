#pragma once
// One MariaDB/MySQL connection: a MariaDB Connector/C handle opened with the URL's options
// (my_options.hpp), utf8mb4 and local_infile. Errors become MyError with the
// server's error number and SQLSTATE; a lost connection is remembered (broken()) so the next
// begin() reconnects.

#include <bulkflow/database_url.hpp>
#include <bulkflow/error.hpp>

#include <mysql.h>

#include <string>
#include <string_view>

namespace bulkflow::detail {

class MyError : public Error {
public:
    MyError(ErrorCode code, const std::string& message, unsigned number, std::string sqlstate, std::string bare)
        : Error(code, message), number_(number), sqlstate_(std::move(sqlstate)), bare_(std::move(bare)) {}
    [[nodiscard]] unsigned number() const noexcept { return number_; }
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
    /// The server's message with error number, SQLSTATE, column or constraint, without context.
    [[nodiscard]] const std::string& bare() const noexcept { return bare_; }
    /// The statement failed because of the values of one of its rows (data or constraint), so
    /// the same statement without that row may succeed.
    [[nodiscard]] bool row_level() const noexcept;

private:
    unsigned number_;
    std::string sqlstate_, bare_;
};

/// Builds the MyError for error `number` (ErrorCode by number: 1213/1205 transient, client
/// connection errors and kills connection, SQLSTATE 23 constraint_violation).
MyError make_error(std::string_view what, unsigned number, const char* sqlstate, const char* message);

class MyConnection {
public:
    /// Connects (Error(connection) with the password redacted) and prepares the session: UTC,
    /// utf8mb4, strict sql_mode.
    explicit MyConnection(const DatabaseUrl& url);
    ~MyConnection();
    MyConnection(const MyConnection&) = delete;
    MyConnection& operator=(const MyConnection&) = delete;

    [[nodiscard]] ::MYSQL* handle() const;
    [[nodiscard]] bool broken() const noexcept { return broken_; }
    void mark_broken() noexcept { broken_ = true; }
    void reconnect();

    /// Runs a statement without parameters (text protocol); a result set is read and dropped.
    void exec(const std::string& sql, std::string_view what);
    void exec_quietly(const char* sql) noexcept;
    /// The first column of the first row of `sql`, as text ("" when NULL or no row).
    std::string scalar(const std::string& sql, std::string_view what);

    /// True when the server holds an open transaction for this session. Asks the server (one
    /// round trip) while one seemed open: InnoDB ends the whole transaction on a deadlock, and
    /// the client learns the session's state only from the next OK packet.
    [[nodiscard]] bool in_transaction() {
        if (broken_ || !(handle()->server_status & SERVER_STATUS_IN_TRANS)) return false;
        try {
            exec("DO 0", "checking the transaction");
        } catch (const Error&) {
            return false;
        }
        return (handle()->server_status & SERVER_STATUS_IN_TRANS) != 0;
    }

    /// Throws the handle's current error as MyError (and marks a lost connection).
    [[noreturn]] void fail(std::string_view what);

    /// innodb_autoinc_lock_mode 0/1: a multi-row INSERT ... VALUES takes consecutive ids.
    [[nodiscard]] bool consecutive_ids() const noexcept { return autoinc_lock_mode_ != 2; }
    [[nodiscard]] int autoinc_lock_mode() const noexcept { return autoinc_lock_mode_; }
    [[nodiscard]] long long id_increment() const noexcept { return id_increment_; }
    /// The server accepts LOAD DATA LOCAL INFILE (@@local_infile).
    [[nodiscard]] bool local_infile() const noexcept { return local_infile_; }
    [[nodiscard]] const std::string& schema() const noexcept { return url_.database; }

private:
    void open();
    void close() noexcept;
    void prepare_session();

    DatabaseUrl url_;
    ::MYSQL* conn_ = nullptr;
    bool broken_ = false;
    int autoinc_lock_mode_ = 1;
    long long id_increment_ = 1;
    bool local_infile_ = false;
};

} // namespace bulkflow::detail
