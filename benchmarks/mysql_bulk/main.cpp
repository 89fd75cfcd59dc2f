// Bulk create, upsert, update by id and delete by ids of N Product rows on MariaDB/MySQL, with
// bulkflow and with the hand-written LOAD DATA equivalent, in the same run, and a table of ratios.
//
//   build/bin/bench_mysql_bulk [ROWS=1000000] [BATCH_SIZE=10000] [--url URL] [--no-sweep]
//                              [--configs BATCHxPARALLEL,...] [--repeat N]
//                              [--only create,upsert,update,delete] [--keep]
//
// URL defaults to $BULKFLOW_BENCH_MY_URL, else mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test.
// It works in a database of its own (bulkflow_bench_<pid>, dropped at the end) when the user may
// create one, else in URL's database with tables of its own (bench_products, bench_expected_*,
// dropped at the end). Needs the `mariadb` (or `mysql`) client and local_infile on the server.
//
// Baselines (client subprocesses fed a script, timed from start to exit):
//   create  LOAD DATA LOCAL INFILE csv INTO TABLE bench_products (name, ...)
//   upsert  temporary staging table, LOAD DATA, INSERT ... SELECT ... ON DUPLICATE KEY UPDATE
//   update  temporary staging table, LOAD DATA, UPDATE bench_products p JOIN staging s ... SET
//   delete  temporary staging table of ids, LOAD DATA, DELETE p FROM bench_products p JOIN staging s
// bulkflow runs go through LocalRuntime (mysql:// URL) in a forked child each. Every measurement
// starts from a freshly created table (its DDL is checked against the one bulkflow creates),
// loaded by the create baseline if the scenario needs rows, then ANALYZE TABLE and a wait for
// InnoDB's dirty pages and purge; afterwards the table's content (every column but updated_at,
// and for a create but id) must equal the baseline's, and the result counters the row count.
// The server's global Com_* counters before and after each run show the statements it ran
// (LOAD DATA or INSERT: the path a create took).

#include "bench.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace bench;

const char* const kDefaultUrl = "mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test";

struct Args {
    long rows = 1'000'000;
    long batch = 10'000;
    std::string url;
    bool sweep = true;
    int repeat = 1;
    bool keep = false;
    std::vector<std::string> only;
    std::vector<BulkConfig> configs;
};

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t b = 0, e; b <= list.size(); b = e + 1) {
        e = std::min(list.find(',', b), list.size());
        if (e > b) out.push_back(list.substr(b, e - b));
    }
    return out;
}

Args parse_args(int argc, char** argv) {
    Args a;
    const char* env = std::getenv("BULKFLOW_BENCH_MY_URL");
    a.url = env && *env ? env : kDefaultUrl;
    int positional = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(s + " needs a value");
            return argv[++i];
        };
        if (s == "--url") a.url = value();
        else if (s == "--no-sweep") a.sweep = false;
        else if (s == "--repeat") a.repeat = std::max(1, std::atoi(value().c_str()));
        else if (s == "--keep") a.keep = true;
        else if (s == "--only") a.only = split(value());
        else if (s == "--configs") {
            for (const auto& c : split(value())) {
                const auto x = c.find('x');
                if (x == std::string::npos) throw std::runtime_error("--configs takes BATCHxPARALLEL,..., e.g. 10000x1,50000x2");
                a.configs.push_back({std::atol(c.substr(0, x).c_str()), std::atol(c.substr(x + 1).c_str())});
            }
        } else if (!s.empty() && s[0] != '-' && positional == 0) {
            a.rows = std::atol(s.c_str());
            ++positional;
        } else if (!s.empty() && s[0] != '-' && positional == 1) {
            a.batch = std::atol(s.c_str());
            ++positional;
        } else {
            throw std::runtime_error("unknown argument '" + s + "'");
        }
    }
    if (a.rows < 1 || a.batch < 1) throw std::runtime_error("ROWS and BATCH_SIZE must be positive");
    return a;
}

bool same(BulkConfig a, BulkConfig b) { return a.batch_size == b.batch_size && a.parallel_batches == b.parallel_batches; }

double mb(long kb) { return static_cast<double>(kb) / 1024.0; }

std::string cfg_text(BulkConfig c) {
    return "batch " + std::to_string(c.batch_size) + ", parallel " + std::to_string(c.parallel_batches);
}

/// The statements a run made the server execute (global Com_* deltas, so other sessions count too).
std::string statements(const Usage& u) {
    static const std::pair<const char*, const char*> names[] = {
        {"load", "LOAD DATA"},         {"insert", "INSERT"},          {"insert_select", "INSERT..SELECT"},
        {"update", "UPDATE"},          {"update_multi", "UPDATE join"}, {"delete", "DELETE"},
        {"delete_multi", "DELETE join"}, {"rollback_to_savepoint", "ROLLBACK TO SAVEPOINT"}, {"commit", "COMMIT"},
        {"stmt_execute", "prepared executions"}};
    std::string out;
    for (const auto& [key, label] : names) {
        const auto it = u.statements.find(key);
        if (it == u.statements.end() || it->second == 0) continue;
        out += (out.empty() ? "" : ", ") + std::string(label) + " " + std::to_string(it->second);
    }
    return out.empty() ? "-" : out;
}

/// The write path, from the statement counts. The Com_* counters are server-wide, so statements
/// of other sessions may add to them: a kind counts only when there are at least as many as the
/// run had batches.
std::string path(const Usage& u) {
    auto n = [&](const char* k) {
        const auto it = u.statements.find(k);
        return it == u.statements.end() ? 0LL : it->second;
    };
    const long long floor = std::max(1LL, u.batches);
    std::string p;
    auto add = [&](const char* label, long long count) {
        if (count >= floor) p += (p.empty() ? "" : " + ") + std::string(label) + " x" + std::to_string(count);
    };
    add("LOAD DATA", n("load"));
    add("INSERT", n("insert"));
    add("UPDATE", n("update") + n("update_multi"));
    add("DELETE", n("delete") + n("delete_multi"));
    return p.empty() ? "?" : p;
}

struct Run {
    std::string scenario, who, config;
    Usage usage;
    bool ok = true;
    std::string note;
};

struct Best {
    std::optional<Usage> baseline;
    std::optional<Usage> best, defaults;
    BulkConfig best_cfg;
    std::string error;
    bool defaults_ran = false;
};

class Bench {
public:
    Bench(Args a, fs::path dir, Admin admin) : args_(std::move(a)), dir_(std::move(dir)), admin_(std::move(admin)) {}

    void check_table_shape() {
        DataFiles one;
        one.create_jsonl = dir_ / "one.jsonl";
        std::ofstream(one.create_jsonl) << R"({"name":"x","price":"1.00","category":"books","stock":1,"active":true,)"
                                        << R"("created_at":"2024-01-01T00:00:00Z"})" << '\n';
        admin_.exec(std::string("DROP TABLE IF EXISTS ") + kTable);
        const auto o = run_bulkflow(Scenario::create_jsonl, admin_, one, 1, {});
        if (!o.ok || o.count != 1) throw std::runtime_error("bulkflow could not create the table with a 1-row run: " + o.error);
        const std::string theirs = admin_.table_signature();
        admin_.fresh_table();
        const std::string ours = admin_.table_signature();
        if (theirs != ours)
            throw std::runtime_error("the hand-written DDL does not match the table bulkflow creates.\nbulkflow:\n" + theirs +
                                     "\nbenchmark:\n" + ours);
        std::printf("table: the same SHOW CREATE TABLE as bulkflow's own (AUTO_INCREMENT counter aside):\n  %s\n", indent(ours).c_str());
        std::fflush(stdout);
    }

    void write_files() {
        const auto t0 = std::chrono::steady_clock::now();
        files_ = write_data(dir_, args_.rows);
        std::printf("data: %ld rows written in %.1f s (create.csv %.0f MB, create.jsonl %.0f MB) to %s\n", args_.rows,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                    static_cast<double>(fs::file_size(files_.create_csv)) / 1e6,
                    static_cast<double>(fs::file_size(files_.create_jsonl)) / 1e6, dir_.c_str());
        std::fflush(stdout);
        const std::string cols = "name, price, category, stock, active, created_at";
        const std::string t = kTable;
        auto load = [](const fs::path& csv, const std::string& into) {
            return "LOAD DATA LOCAL INFILE '" + csv.string() + "' INTO TABLE " + into +
                   " CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' IGNORE 1 LINES";
        };
        const std::string head = "SET time_zone = '+00:00';\n";
        script("create", head + load(files_.create_csv, t) + " (" + cols + ");\n");
        script("upsert", head +
                             "CREATE TEMPORARY TABLE staging (id BIGINT, name VARCHAR(200), price DECIMAL(10,2), category VARCHAR(255), "
                             "stock BIGINT, active BOOLEAN, created_at DATETIME(6));\n" +
                             load(files_.upsert_csv, "staging") + ";\n" + "INSERT INTO " + t + " (id, " + cols + ") SELECT id, " +
                             cols + " FROM staging\n  ON DUPLICATE KEY UPDATE name = VALUES(name), price = VALUES(price), "
                                    "category = VALUES(category), stock = VALUES(stock), active = VALUES(active), "
                                    "updated_at = UTC_TIMESTAMP(6);\n");
        script("update", head + "CREATE TEMPORARY TABLE staging (id BIGINT, price DECIMAL(10,2), stock BIGINT);\n" +
                             load(files_.update_csv, "staging") + ";\n" + "UPDATE " + t +
                             " p JOIN staging s ON p.id = s.id SET p.price = s.price, p.stock = s.stock, "
                             "p.updated_at = UTC_TIMESTAMP(6);\n");
        script("delete", head + "CREATE TEMPORARY TABLE staging (id BIGINT);\n" + load(files_.ids_csv, "staging") + ";\n" +
                             "DELETE p FROM " + t + " p JOIN staging s ON p.id = s.id;\n");
    }

    void run_all() {
        const BulkConfig defaults{};
        std::vector<BulkConfig> configs{defaults};
        if (args_.sweep) {
            for (BulkConfig c : {BulkConfig{args_.batch, 1}, BulkConfig{args_.batch, 2}, BulkConfig{args_.batch * 5, 2}})
                if (!same(c, defaults)) configs.push_back(c);
        } else if (args_.batch != defaults.batch_size) {
            configs.push_back({args_.batch, 2});
        }
        if (!args_.configs.empty()) configs = args_.configs;
        if (wanted("create")) {
            scenario(Scenario::create_jsonl, "create", false, configs);
            scenario(Scenario::create_gaps, "create", false, configs);
        }
        if (wanted("upsert")) scenario(Scenario::upsert, "upsert", true, configs);
        if (wanted("update")) scenario(Scenario::update, "update", true, configs);
        if (wanted("delete")) scenario(Scenario::delete_ids, "delete", true, {args_.configs.empty() ? defaults : args_.configs.front()});
    }

    void print() const {
        std::printf("\nEvery run (client = the mariadb client or the bulkflow child; server = the mariadbd process;\n"
                    "statements = the server's global Com_* deltas: other sessions' statements count too)\n");
        std::printf("%-24s %-8s %-24s %7s %9s %7s %7s %6s  %s\n", "scenario", "who", "config", "wall s", "rows/s", "client", "server",
                    "RSS", "statements; notes");
        std::printf("%-24s %-8s %-24s %7s %9s %7s %7s %6s\n", "", "", "", "", "", "CPU s", "CPU s", "MB");
        for (const auto& r : runs_) {
            if (!r.ok) {
                std::printf("%-24s %-8s %-24s %7s %9s %7s %7s %6.0f  %s\n", r.scenario.c_str(), r.who.c_str(), r.config.c_str(), "failed", "",
                            "", "", mb(r.usage.peak_rss_kb), r.note.c_str());
                continue;
            }
            std::printf("%-24s %-8s %-24s %7.2f %9.0f %7.2f %7.2f %6.0f  %s%s%s\n", r.scenario.c_str(), r.who.c_str(), r.config.c_str(),
                        r.usage.wall_s, rate(r.usage), r.usage.client_cpu_s, r.usage.server_cpu_s, mb(r.usage.peak_rss_kb),
                        statements(r.usage).c_str(), r.note.empty() ? "" : "; ", r.note.c_str());
        }

        std::printf("\nSummary: %ld rows; ratio = baseline time / bulkflow time; baseline = LOAD DATA LOCAL (+ staging SQL)\n", args_.rows);
        std::printf("%-24s %-34s %10s %10s %10s %10s %7s %7s %6s  %s\n", "scenario", "bulkflow config", "baseline s", "bulkflow s",
                    "baseline/s", "bulkflow/s", "ratio", "target", "RSS MB", "bulkflow path");
        for (const auto& [s, b] : results_) {
            const bool has_target = s != Scenario::delete_ids;
            auto line = [&](const char* label, const std::optional<Usage>& u, const std::string& cfg) {
                if (!b.baseline) return;
                if (!u) {
                    std::printf("%-24s %-34s %10.2f %10s %10.0f %10s %7s %7s %6s  %s\n", label, cfg.c_str(), b.baseline->wall_s, "failed",
                                rate(*b.baseline), "", "", has_target ? ">= 90%" : "", "", b.error.c_str());
                    return;
                }
                std::printf("%-24s %-34s %10.2f %10.2f %10.0f %10.0f %6.1f%% %7s %6.0f  %s\n", label, cfg.c_str(), b.baseline->wall_s,
                            u->wall_s, rate(*b.baseline), rate(*u), 100.0 * b.baseline->wall_s / u->wall_s, has_target ? ">= 90%" : "",
                            mb(u->peak_rss_kb), path(*u).c_str());
            };
            const bool best_is_default = same(b.best_cfg, BulkConfig{});
            line(to_string(s), b.best, b.best ? cfg_text(b.best_cfg) + (best_is_default ? " (defaults, best)" : " (best)") : "");
            if (b.best && !best_is_default && (b.defaults || b.defaults_ran)) line("", b.defaults, cfg_text({}) + " (defaults)");
        }
        for (const auto& n : notes_) std::printf("%s\n", n.c_str());
    }

    [[nodiscard]] int failures() const noexcept { return failures_; }

    void drop_tables() const {
        std::string sql = std::string("DROP TABLE IF EXISTS ") + kTable;
        for (const auto& [name, digest] : baseline_digest_) sql += ", bench_expected_" + name;
        admin_.exec(sql);
    }

private:
    static std::string indent(const std::string& s) {
        std::string out;
        for (char c : s) out += c == '\n' ? std::string("\n  ") : std::string(1, c);
        return out;
    }

    double rate(const Usage& u) const { return static_cast<double>(args_.rows) / u.wall_s; }

    bool wanted(const std::string& name) const {
        return args_.only.empty() || std::find(args_.only.begin(), args_.only.end(), name) != args_.only.end();
    }

    void script(const std::string& name, const std::string& text) { std::ofstream(dir_ / (name + ".sql")) << text; }

    void prepare(bool loaded) {
        admin_.fresh_table();
        if (loaded) run_client(admin_, dir_ / "create.sql");
        settled_ = admin_.settle();
    }

    void scenario(Scenario s, const std::string& baseline_script, bool loaded, const std::vector<BulkConfig>& configs) {
        Best& b = results_[s];
        const std::string name = to_string(s);
        std::string expected;
        const bool with_ids = loaded;
        const std::string snapshot = "bench_expected_" + baseline_script;
        const auto it = baseline_digest_.find(baseline_script);
        if (it != baseline_digest_.end()) {
            expected = it->second;
            b.baseline = baseline_.at(baseline_script);
        } else {
            for (int k = 0; k < args_.repeat; ++k) {
                prepare(loaded);
                const Usage u = run_client(admin_, dir_ / (baseline_script + ".sql"));
                runs_.push_back({name, "mariadb", baseline_script + ".sql", u, true, "settle " + settled_});
                if (!b.baseline || u.wall_s < b.baseline->wall_s) b.baseline = u;
                expected = admin_.content_digest(with_ids);
            }
            admin_.snapshot(snapshot);
            baseline_digest_[baseline_script] = expected;
            baseline_[baseline_script] = *b.baseline;
            std::fprintf(stderr, "  %-24s mariadb   %.2f s  (%s)\n", name.c_str(), b.baseline->wall_s, expected.c_str());
        }
        for (const BulkConfig& c : configs) {
            for (int k = 0; k < args_.repeat; ++k) {
                prepare(loaded);
                const Outcome o = run_bulkflow(s, admin_, files_, args_.rows, c);
                Run r{name, "bulkflow", cfg_text(c), o.usage, o.ok, ""};
                std::string problem;
                if (!o.ok) {
                    problem = o.error;
                } else {
                    const std::string got = admin_.content_digest(with_ids);
                    if (o.count != args_.rows || o.failures != 0)
                        problem = "result counters " + o.detail + ", expected " + std::to_string(args_.rows);
                    if (got != expected)
                        problem += (problem.empty() ? "" : "; ") + std::string("table content differs from the baseline's: ") +
                                   admin_.diff(snapshot, with_ids);
                    if (problem.empty() && !with_ids) {
                        if (const auto moved = admin_.ids_moved(snapshot))
                            r.note = "same rows, but " + std::to_string(moved) + " ids differ from LOAD DATA's (max id " +
                                     admin_.exec(std::string("SELECT MAX(id) FROM ") + kTable) + ")";
                    }
                    r.note += std::string(r.note.empty() ? "" : "; ") + "counters " + o.detail + "; settle " + settled_;
                }
                b.defaults_ran = b.defaults_ran || same(c, BulkConfig{});
                std::fprintf(stderr, "  %-24s bulkflow  %-24s %s  [%s]\n", name.c_str(), cfg_text(c).c_str(),
                             problem.empty() ? (std::to_string(o.usage.wall_s) + " s").c_str() : problem.c_str(),
                             statements(o.usage).c_str());
                if (!problem.empty()) {
                    ++failures_;
                    r.note = (r.note.empty() ? "" : r.note + "; ") + problem.substr(0, 300);
                    notes_.push_back("FAILED " + name + " (" + cfg_text(c) + "): " + problem);
                    b.error = "see FAILED below";
                    runs_.push_back(r);
                    break;
                }
                runs_.push_back(r);
                if (same(c, BulkConfig{}) && (!b.defaults || o.usage.wall_s < b.defaults->wall_s)) b.defaults = o.usage;
                if (!b.best || o.usage.wall_s < b.best->wall_s) {
                    b.best = o.usage;
                    b.best_cfg = c;
                }
            }
        }
    }

    Args args_;
    fs::path dir_;
    Admin admin_;
    DataFiles files_;
    std::string settled_;
    std::vector<Run> runs_;
    std::map<Scenario, Best> results_;
    std::map<std::string, std::string> baseline_digest_;
    std::map<std::string, Usage> baseline_;
    std::vector<std::string> notes_;
    int failures_ = 0;
};

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse_args(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_mysql_bulk: %s\nusage: %s [ROWS=1000000] [BATCH_SIZE=10000] [--url URL] [--no-sweep] "
                             "[--configs BATCHxPARALLEL,...] [--repeat N] [--only create,upsert,update,delete] [--keep]\n",
                     e.what(), argv[0]);
        return 2;
    }
    const std::string dbname = "bulkflow_bench_" + std::to_string(::getpid());
    const fs::path dir = fs::temp_directory_path() / ("bulkflow-my-bench-" + std::to_string(::getpid()));
    int rc = 0;
    std::optional<Admin> server, work;
    bool own_database = false;
    std::optional<Bench> bench;
    try {
        server.emplace(args.url);
        fs::create_directories(dir);
        try {
            server->exec("CREATE DATABASE " + dbname + " CHARACTER SET utf8mb4");
            own_database = true;
            work.emplace(server->with_database(dbname));
        } catch (const std::exception&) {
            work.emplace(*server);  // no CREATE privilege: tables of our own in URL's database
        }
        std::printf("bench_mysql_bulk: %ld rows, BATCH_SIZE %ld, %ld CPUs, load average %s\n", args.rows, args.batch,
                    ::sysconf(_SC_NPROCESSORS_ONLN), load_average().c_str());
        std::printf("server: %s; innodb_buffer_pool_size %s, innodb_flush_log_at_trx_commit %s, innodb_autoinc_lock_mode %s, "
                    "local_infile %s\n",
                    server->exec("SELECT VERSION()").c_str(), server->exec("SELECT @@innodb_buffer_pool_size").c_str(),
                    server->exec("SELECT @@innodb_flush_log_at_trx_commit").c_str(),
                    server->exec("SELECT @@innodb_autoinc_lock_mode").c_str(), server->exec("SELECT @@local_infile").c_str());
        std::printf("database: %s (%s), table %s\n", work->database().c_str(),
                    own_database ? "created for this run" : "cannot CREATE DATABASE; tables of the benchmark's own", kTable);
        bench.emplace(args, dir, *work);
        bench->check_table_shape();
        bench->write_files();
        bench->run_all();
        bench->print();
        std::printf("load average at the end: %s\n", load_average().c_str());
        rc = bench->failures() ? 1 : 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_mysql_bulk: %s\n", e.what());
        rc = 1;
    }
    if (!args.keep) {
        try {
            if (own_database) server->exec("DROP DATABASE IF EXISTS " + dbname);
            else if (bench) bench->drop_tables();
            else if (work) work->exec(std::string("DROP TABLE IF EXISTS ") + kTable);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_mysql_bulk: cleanup: %s\n", e.what());
        }
        std::error_code ec;
        fs::remove_all(dir, ec);
    } else {
        std::printf("kept: database %s (table %s and the bench_expected_* snapshots), directory %s\n",
                    work ? work->database().c_str() : "?", kTable, dir.c_str());
    }
    return rc;
}
