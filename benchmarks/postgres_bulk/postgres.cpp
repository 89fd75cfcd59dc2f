// The PostgreSQL side: setup and checks over libpq, and the psql baselines timed as subprocesses.

#include "bench.hpp"

#include <libpq-fe.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace bench {

// What ensure_pg_table (dialects/postgres/src/pg_ddl.cpp) creates for kProductModel: the
// declared fields after a BIGSERIAL id, the system created_at / updated_at, and the index that
// `category: {index: true}` asks for.
const char* const kProductDdl =
    "CREATE TABLE products (id BIGSERIAL PRIMARY KEY, name VARCHAR(200) NOT NULL, price NUMERIC(10,2), "
    "category TEXT, stock BIGINT, active BOOLEAN, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
    "updated_at TIMESTAMPTZ NOT NULL DEFAULT now()); "
    "CREATE INDEX idx_products_category ON products (category)";

namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Conn connect(const std::string& url) {
    Conn c(PQconnectdb(url.c_str()), &PQfinish);
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
        throw std::runtime_error("cannot connect to " + url + ": " + (c ? PQerrorMessage(c.get()) : "out of memory"));
    PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
    return c;
}

double ticks_to_s(unsigned long long ticks) { return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK)); }

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

} // namespace

std::string with_database(const std::string& base, const std::string& dbname) {
    const auto scheme = base.find("://");
    if (scheme == std::string::npos) throw std::runtime_error("not a postgresql:// URL: " + base);
    const auto query = base.find('?', scheme + 3);
    const auto slash = base.find('/', scheme + 3);
    const auto path = slash == std::string::npos || slash > query ? (query == std::string::npos ? base.size() : query) : slash;
    const std::string rest = query == std::string::npos ? std::string() : base.substr(query);
    return base.substr(0, path) + "/" + dbname + rest;
}

std::string Admin::exec(const std::string& sql) const {
    auto c = connect(url_);
    Result r(PQexec(c.get(), sql.c_str()), &PQclear);
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        throw std::runtime_error("SQL failed: " + sql.substr(0, 200) + ": " + PQerrorMessage(c.get()));
    if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 && !PQgetisnull(r.get(), 0, 0)) return PQgetvalue(r.get(), 0, 0);
    return {};
}

void Admin::fresh_table() const { exec(std::string("DROP TABLE IF EXISTS products; ") + kProductDdl); }

std::string Admin::table_signature() const {
    return exec(
        "SELECT (SELECT string_agg(concat_ws(' ', column_name, data_type, character_maximum_length, numeric_precision, "
        "numeric_scale, is_nullable, column_default), E'\\n' ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'products') || E'\\n' || "
        "(SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes "
        "WHERE schemaname = current_schema() AND tablename = 'products')");
}

namespace {
const char* columns(bool with_ids) {
    return with_ids ? "id, name, price, category, stock, active, created_at" : "name, price, category, stock, active, created_at";
}
} // namespace

std::string Admin::content_digest(bool with_ids) const {
    const std::string cols = columns(with_ids);
    return exec("SET TIME ZONE 'UTC'; SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg(concat_ws('|', " + cols +
                "), E'\\n' ORDER BY " + cols + ")), '-') FROM products");
}

void Admin::snapshot(const std::string& name) const {
    exec("DROP TABLE IF EXISTS " + name + "; CREATE TABLE " + name +
         " AS SELECT id, name, price, category, stock, active, created_at FROM products");
}

std::string Admin::diff(const std::string& name, bool with_ids) const {
    const std::string cols = columns(with_ids);
    const std::string d = "(SELECT '+' AS side, " + cols + " FROM products EXCEPT ALL SELECT '+', " + cols + " FROM " + name +
                          ") UNION ALL (SELECT '-', " + cols + " FROM " + name + " EXCEPT ALL SELECT '-', " + cols + " FROM products)";
    return exec("SET TIME ZONE 'UTC'; WITH d AS (" + d + ") SELECT (SELECT count(*) FROM d) || ' rows differ; e.g. ' || "
                "coalesce((SELECT string_agg(concat_ws(' ', side, " + cols + "), '; ') FROM (SELECT * FROM d ORDER BY " + cols +
                ", side LIMIT 6) e), '')");
}

long long Admin::ids_moved(const std::string& name) const {
    return std::stoll(exec("SELECT count(*) FROM products p JOIN " + name + " s USING (id) WHERE p.name <> s.name"));
}

void Admin::settle() const {
    exec("ANALYZE products");
    exec("CHECKPOINT");
}

double postgres_cpu_s() {
    unsigned long long ticks = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        if (stat.compare(open + 1, close - open - 1, "postgres") != 0) continue;
        // After ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17). cutime and
        // cstime hold the postmaster's reaped children: backends that exited during the run.
        std::istringstream rest(stat.substr(close + 2));
        std::string field;
        for (int i = 3; i <= 13 && rest >> field; ++i) {
        }
        unsigned long long utime = 0, stime = 0;
        long long cutime = 0, cstime = 0;
        rest >> utime >> stime >> cutime >> cstime;
        ticks += utime + stime + static_cast<unsigned long long>(cutime + cstime);
    }
    return ticks_to_s(ticks);
}

long current_rss_kb() {
    std::ifstream in("/proc/self/statm");
    long size = 0, resident = 0;
    in >> size >> resident;
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

Usage run_psql(const std::string& url, const fs::path& script) {
    const fs::path err = script.string() + ".err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string url_arg = url, script_arg = script.string();
    char psql[] = "psql", x[] = "-X", q[] = "-q", v[] = "-v", stop[] = "ON_ERROR_STOP=1", d[] = "-d", f[] = "-f";
    char* argv[] = {psql, x, q, v, stop, d, url_arg.data(), f, script_arg.data(), nullptr};

    Usage u;
    const double server0 = postgres_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, "psql", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error(std::string("cannot start psql: ") + std::strerror(rc));
    int status = 0;
    rusage ru{};
    ::wait4(pid, &status, 0, &ru);
    u.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the postmaster reap the backend
    u.server_cpu_s = postgres_cpu_s() - server0;
    u.client_cpu_s = seconds(ru.ru_utime) + seconds(ru.ru_stime);
    u.peak_rss_kb = ru.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::ifstream in(err);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        throw std::runtime_error("psql -f " + script.string() + " failed: " + text);
    }
    return u;
}

} // namespace bench
