// The MariaDB/MySQL side: setup and checks, and the LOAD DATA baselines, all through the
// `mariadb` command-line client (falling back to `mysql`), timed as subprocesses.

#include "bench.hpp"

#include <bulkflow/database_url.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace bench {

// What ensure_my_table (dialects/mysql/src/my_ddl.cpp) creates for kProductModel: a BIGINT
// AUTO_INCREMENT id, the declared fields (category is indexed, so VARCHAR(255) instead of
// LONGTEXT), the system created_at / updated_at, and the category index.
const char* const kProductDdl =
    "CREATE TABLE bench_products (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` VARCHAR(200) NOT NULL, "
    "`price` DECIMAL(10,2), `category` VARCHAR(255), `stock` BIGINT, `active` BOOLEAN, "
    "`created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
    "KEY `idx_bench_products_category` (`category`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

namespace {

const char* const kCounters[] = {"Com_load",        "Com_insert",      "Com_insert_select", "Com_update", "Com_update_multi",
                                 "Com_delete",      "Com_delete_multi", "Com_stmt_execute", "Com_commit",
                                 "Com_rollback_to_savepoint"};

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const char* client_program() {
    static const char* name = [] {
        for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"})
            if (::access((std::string(dir) + "mariadb").c_str(), X_OK) == 0) return "mariadb";
        return "mysql";
    }();
    return name;
}

struct Spawned {
    int status = 0;
    rusage ru{};
    double wall_s = 0;
    std::string out, err;
};

/// Runs the client with `extra` arguments, stdin from `in` (or /dev/null), stdout and stderr
/// captured (stdout to /dev/null when !capture). The password goes through MYSQL_PWD.
Spawned spawn_client(const Admin& a, const std::vector<std::string>& extra, const fs::path& in, bool capture) {
    static int seq = 0;
    const fs::path base = fs::temp_directory_path() / ("bench-mysql-" + std::to_string(::getpid()) + "-" + std::to_string(++seq));
    const fs::path out = base.string() + ".out", err = base.string() + ".err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.empty() ? "/dev/null" : in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, capture ? out.c_str() : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> args{client_program(), "--no-defaults"};
    args.insert(args.end(), a.client_args().begin(), a.client_args().end());
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "MYSQL_PWD=", 10) != 0) env_s.emplace_back(*e);
    env_s.push_back("MYSQL_PWD=" + a.password());
    std::vector<char*> envp;
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);

    Spawned r;
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error(std::string("cannot start ") + args[0] + ": " + std::strerror(rc));
    ::wait4(pid, &r.status, 0, &r.ru);
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (capture) r.out = slurp(out);
    r.err = slurp(err);
    std::error_code ec;
    fs::remove(out, ec);
    fs::remove(err, ec);
    return r;
}

bool failed(const Spawned& s) { return !WIFEXITED(s.status) || WEXITSTATUS(s.status) != 0; }

std::string cols(bool with_ids) {
    return with_ids ? "id, name, price, category, stock, active, created_at" : "name, price, category, stock, active, created_at";
}

} // namespace

Admin::Admin(std::string url) : url_(std::move(url)) {
    const auto u = bulkflow::DatabaseUrl::parse(url_);
    if (u.kind != bulkflow::DatabaseKind::mysql) throw std::runtime_error("not a mysql:// URL: " + u.redacted());
    database_ = u.database;
    password_ = u.password;
    args_ = {"--protocol=TCP", "-h", u.host.empty() ? "127.0.0.1" : u.host, "-P", std::to_string(u.port ? u.port : 3306),
             "-u", u.user, "--batch", "--skip-column-names", "--default-character-set=utf8mb4"};
    if (!database_.empty()) {
        args_.push_back("-D");
        args_.push_back(database_);
    }
}

Admin Admin::with_database(const std::string& db) const {
    auto u = bulkflow::DatabaseUrl::parse(url_);
    std::string url = "mysql://" + u.user + (u.password.empty() ? "" : ":" + u.password) + "@" + u.host + ":" +
                      std::to_string(u.port ? u.port : 3306) + "/" + db;
    return Admin(url);
}

std::vector<std::string> Admin::lines(const std::string& sql) const {
    const auto r = spawn_client(*this, {"-e", "SET time_zone = '+00:00'; " + sql}, {}, true);
    if (failed(r)) throw std::runtime_error("SQL failed: " + sql.substr(0, 200) + ": " + r.err);
    std::vector<std::string> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::string Admin::exec(const std::string& sql) const {
    const auto l = lines(sql);
    if (l.empty()) return {};
    return l.back().substr(0, l.back().find('\t'));
}

void Admin::fresh_table() const { exec(std::string("DROP TABLE IF EXISTS ") + kTable + "; " + kProductDdl); }

std::string Admin::table_signature() const {
    const auto l = lines(std::string("SHOW CREATE TABLE ") + kTable);
    std::string text;
    for (const auto& s : l) text += s.substr(s.find('\t') + 1) + "\n";
    // --batch escapes the line breaks as \n; drop the counter, which depends on the rows written.
    for (auto p = text.find(" AUTO_INCREMENT="); p != std::string::npos; p = text.find(" AUTO_INCREMENT=")) {
        auto e = p + 16;
        while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
        text.erase(p, e - p);
    }
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
            out += '\n';
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string Admin::content_digest(bool with_ids) const {
    return exec("SELECT CONCAT(COUNT(*), ' rows, crc32 sum ', COALESCE(SUM(CRC32(x)), 0), ', md5 xor ', "
                "COALESCE(BIT_XOR(CAST(CONV(LEFT(MD5(x), 16), 16, 10) AS UNSIGNED)), 0)) FROM (SELECT CONCAT_WS('|', " +
                cols(with_ids) + ") AS x FROM " + kTable + ") t");
}

void Admin::snapshot(const std::string& name) const {
    exec("DROP TABLE IF EXISTS " + name + "; CREATE TABLE " + name + " (PRIMARY KEY (name)) AS SELECT " + cols(true) +
         " FROM " + kTable);
}

std::string Admin::diff(const std::string& name, bool with_ids) const {
    const std::string same = std::string("p.price <=> e.price AND p.category <=> e.category AND p.stock <=> e.stock AND ") +
                             "p.active <=> e.active AND p.created_at <=> e.created_at" + (with_ids ? " AND p.id = e.id" : "");
    const std::string missing = exec("SELECT COUNT(*) FROM " + name + " e LEFT JOIN " + kTable +
                                     " p ON p.name = e.name WHERE p.name IS NULL");
    const std::string extra = exec("SELECT COUNT(*) FROM " + std::string(kTable) + " p LEFT JOIN " + name +
                                   " e ON p.name = e.name WHERE e.name IS NULL");
    const std::string changed = exec("SELECT COUNT(*) FROM " + std::string(kTable) + " p JOIN " + name +
                                     " e ON p.name = e.name WHERE NOT (" + same + ")");
    const auto examples = lines("SELECT CONCAT_WS(' ', '-', " + std::string("e.id, e.name, e.price, e.category, e.stock, e.active, e.created_at") +
                                "), CONCAT_WS(' ', '+', p.id, p.name, p.price, p.category, p.stock, p.active, p.created_at) FROM " +
                                kTable + " p JOIN " + name + " e ON p.name = e.name WHERE NOT (" + same + ") LIMIT 3");
    std::string out = missing + " rows missing, " + extra + " extra, " + changed + " differ";
    for (const auto& e : examples) out += "; " + e;
    return out;
}

long long Admin::ids_moved(const std::string& name) const {
    return std::stoll(exec("SELECT COUNT(*) FROM " + std::string(kTable) + " p JOIN " + name + " e ON p.name = e.name WHERE p.id <> e.id"));
}

std::string Admin::settle() const {
    exec(std::string("ANALYZE TABLE ") + kTable);
    const auto t0 = std::chrono::steady_clock::now();
    long long last_dirty = -1;
    int flat = 0;
    for (;;) {
        long long dirty = 0, history = 0;
        for (const auto& l : lines("SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', "
                                   "'Innodb_history_list_length')")) {
            const auto tab = l.find('\t');
            const long long v = std::stoll(l.substr(tab + 1));
            (l.starts_with("Innodb_buffer_pool_pages_dirty") ? dirty : history) = v;
        }
        const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        flat = last_dirty >= 0 && dirty >= last_dirty ? flat + 1 : 0;
        if ((dirty < 500 && history < 1000) || flat >= 4 || waited > 60) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "%.1f s, %lld dirty pages, history %lld", waited, dirty, history);
            return buf;
        }
        last_dirty = dirty;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

std::map<std::string, long long> Admin::statement_counters() const {
    std::string in;
    for (const char* c : kCounters) in += std::string(in.empty() ? "'" : ", '") + c + "'";
    std::map<std::string, long long> out;
    for (const auto& l : lines("SHOW GLOBAL STATUS WHERE Variable_name IN (" + in + ")")) {
        const auto tab = l.find('\t');
        std::string key = l.substr(0, tab);
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out[key.substr(4)] = std::stoll(l.substr(tab + 1));  // without "com_"
    }
    return out;
}

double server_cpu_s() {
    unsigned long long ticks = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        const std::string comm = stat.substr(open + 1, close - open - 1);
        if (comm != "mariadbd" && comm != "mysqld") continue;
        std::istringstream rest(stat.substr(close + 2));
        std::string field;
        for (int i = 3; i <= 13 && rest >> field; ++i) {
        }
        unsigned long long utime = 0, stime = 0;
        rest >> utime >> stime;
        ticks += utime + stime;
    }
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long current_rss_kb() {
    std::ifstream in("/proc/self/statm");
    long size = 0, resident = 0;
    in >> size >> resident;
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

Usage run_client(const Admin& admin, const fs::path& script) {
    const auto before = admin.statement_counters();
    const double server0 = server_cpu_s();
    const auto r = spawn_client(admin, {"--local-infile=1"}, script, false);
    const double server1 = server_cpu_s();
    if (failed(r)) throw std::runtime_error(std::string(client_program()) + " < " + script.string() + " failed: " + r.err);
    Usage u;
    u.wall_s = r.wall_s;
    u.server_cpu_s = server1 - server0;
    u.client_cpu_s = seconds(r.ru.ru_utime) + seconds(r.ru.ru_stime);
    u.peak_rss_kb = r.ru.ru_maxrss;
    for (const auto& [k, v] : admin.statement_counters()) u.statements[k] = v - before.at(k);
    return u;
}

} // namespace bench
