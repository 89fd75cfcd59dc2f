// Bulk create, upsert, update by id and delete by ids of N Product rows on PostgreSQL, with
// bulkflow and with the hand-written psql equivalent, in the same run, and a table of ratios.
//
//   build/bin/bench_postgres_bulk [ROWS=1000000] [BATCH_SIZE=10000] [--url URL]
//                                 [--no-sweep] [--configs BATCHxPARALLEL,...] [--repeat N]
//                                 [--only create,array,upsert,update,delete] [--keep]
//
// URL defaults to $BULKFLOW_BENCH_PG_URL, else postgresql://bulkflow:bulkflow@127.0.0.1:5432/bulkflow_test.
// Everything is written to a database of its own, bulkflow_bench_<pid>, created on URL's server
// and dropped at the end, and to a temporary directory. Needs psql and a role that may CREATE
// DATABASE and CHECKPOINT (the test role is a superuser).
//
// Baselines (psql subprocesses, timed from start to exit):
//   create  \copy products (name, price, category, stock, active, created_at) FROM csv
//   upsert  temp staging table, \copy, INSERT ... SELECT ... ON CONFLICT (id) DO UPDATE
//   update  temp staging table, \copy, UPDATE products p SET price, stock ... FROM staging s
//   delete  temp staging table of ids, \copy, DELETE FROM products p USING staging s
// bulkflow runs go through LocalRuntime in a forked child each (bulkflow_runs.cpp), so that each
// reports its own peak RSS. Every measurement starts from a freshly created table (the DDL is
// checked against the table bulkflow creates itself), loaded if the scenario needs rows, then
// ANALYZE and CHECKPOINT; afterwards the table's content (every column but updated_at, and for
// a create but id) must equal the baseline's.

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

const char* const kDefaultUrl = "postgresql://bulkflow:bulkflow@127.0.0.1:5432/bulkflow_test";

struct Args {
    long rows = 1'000'000;
    long batch = 10'000;
    std::string url;
    bool sweep = true;
    int repeat = 1;
    bool keep = false;
    std::vector<std::string> only;
    std::vector<BulkConfig> configs;  // --configs: replaces the defaults + sweep list
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
    const char* env = std::getenv("BULKFLOW_BENCH_PG_URL");
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
            for (const auto& c : split(value())) {  // BATCHxPARALLEL
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

/// One measured run, for the table of every run.
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
    std::string error;  // bulkflow failed (every configuration)
    bool defaults_ran = false;
};

class Bench {
public:
    Bench(Args a, fs::path dir, std::string bench_url)
        : args_(std::move(a)), dir_(std::move(dir)), admin_(std::move(bench_url)) {}

    void check_table_shape() {
        // bulkflow creates the table from the model with a 1-row run; ours must be the same.
        DataFiles one;
        one.create_jsonl = dir_ / "one.jsonl";
        std::ofstream(one.create_jsonl) << R"({"name":"x","price":"1.00","category":"books","stock":1,"active":true,)"
                                        << R"("created_at":"2024-01-01T00:00:00Z"})" << '\n';
        admin_.exec("DROP TABLE IF EXISTS products");
        const auto o = run_bulkflow(Scenario::create_jsonl, admin_.url(), one, 1, {});
        if (!o.ok || o.count != 1) throw std::runtime_error("bulkflow could not create the table with a 1-row run: " + o.error);
        const std::string theirs = admin_.table_signature();
        admin_.fresh_table();
        const std::string ours = admin_.table_signature();
        if (theirs != ours)
            throw std::runtime_error("the hand-written DDL does not match the table bulkflow creates.\nbulkflow:\n" + theirs +
                                     "\nbenchmark:\n" + ours);
        std::printf("table: same columns, defaults and indexes as bulkflow's own:\n  %s\n", indent(ours).c_str());
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
        script("create", "\\copy products (" + cols + ") FROM '" + files_.create_csv.string() + "' CSV HEADER\n");
        script("upsert",
               "CREATE TEMP TABLE staging (id BIGINT, name VARCHAR(200), price NUMERIC(10,2), category TEXT, stock BIGINT, "
               "active BOOLEAN, created_at TIMESTAMPTZ);\n"
               "\\copy staging FROM '" + files_.upsert_csv.string() + "' CSV HEADER\n"
               "INSERT INTO products (id, " + cols + ") SELECT id, " + cols + " FROM staging\n"
               "  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price, category = EXCLUDED.category,\n"
               "  stock = EXCLUDED.stock, active = EXCLUDED.active, updated_at = now();\n");
        script("update",
               "CREATE TEMP TABLE staging (id BIGINT, price NUMERIC(10,2), stock BIGINT);\n"
               "\\copy staging FROM '" + files_.update_csv.string() + "' CSV HEADER\n"
               "UPDATE products p SET price = s.price, stock = s.stock, updated_at = now() FROM staging s WHERE p.id = s.id;\n");
        script("delete",
               "CREATE TEMP TABLE staging (id BIGINT);\n"
               "\\copy staging FROM '" + files_.ids_csv.string() + "' CSV HEADER\n"
               "DELETE FROM products p USING staging s WHERE p.id = s.id;\n");
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
        // Streamed scenarios first; the in-memory ones run in their own child processes anyway.
        if (!args_.configs.empty()) configs = args_.configs;
        if (wanted("create")) scenario(Scenario::create_jsonl, "create", false, configs);
        if (wanted("upsert")) scenario(Scenario::upsert, "upsert", true, configs);
        if (wanted("update")) scenario(Scenario::update, "update", true, configs);
        if (wanted("delete")) {
            scenario(Scenario::delete_ids, "delete", true, {defaults});
            // If one node cannot take every id, measure the workaround: one node per 50,000 ids.
            if (!results_[Scenario::delete_ids].best && args_.rows > kDeleteChunk)
                scenario(Scenario::delete_chunks, "delete", true, {defaults});
        }
        if (wanted("array")) {
            // The defaults and the best configuration of the streamed create.
            std::vector<BulkConfig> array_configs{args_.configs.empty() ? defaults : args_.configs.front()};
            const auto it = results_.find(Scenario::create_jsonl);
            if (it != results_.end() && it->second.best && !same(it->second.best_cfg, array_configs.front()))
                array_configs.push_back(it->second.best_cfg);
            scenario(Scenario::create_array, "create", false, array_configs);
        }
    }

    void print() const {
        std::printf("\nEvery run (client = the psql process or the bulkflow child; server = all postgres processes)\n");
        std::printf("%-28s %-9s %-24s %8s %11s %8s %8s %8s  %s\n", "scenario", "who", "config", "wall s", "rows/s", "client", "server",
                    "peak RSS", "");
        std::printf("%-28s %-9s %-24s %8s %11s %8s %8s %8s\n", "", "", "", "", "", "CPU s", "CPU s", "MB");
        for (const auto& r : runs_) {
            if (!r.ok) {
                std::printf("%-28s %-9s %-24s %8s %11s %8s %8s %8.0f  %s\n", r.scenario.c_str(), r.who.c_str(), r.config.c_str(), "failed",
                            "", "", "", mb(r.usage.peak_rss_kb), r.note.c_str());
                continue;
            }
            std::printf("%-28s %-9s %-24s %8.2f %11.0f %8.2f %8.2f %8.0f  %s\n", r.scenario.c_str(), r.who.c_str(), r.config.c_str(),
                        r.usage.wall_s, rate(r.usage), r.usage.client_cpu_s, r.usage.server_cpu_s, mb(r.usage.peak_rss_kb),
                        r.note.c_str());
        }

        std::printf("\nSummary: %ld rows; ratio = baseline time / bulkflow time\n", args_.rows);
        std::printf("%-28s %-34s %10s %10s %11s %11s %8s %7s %9s\n", "scenario", "bulkflow config", "baseline s", "bulkflow s",
                    "baseline/s", "bulkflow/s", "ratio", "target", "RSS MB");
        for (const auto& [s, b] : results_) {
            const bool has_target = s != Scenario::delete_ids && s != Scenario::delete_chunks;
            auto line = [&](const char* label, const std::optional<Usage>& u, const std::string& cfg) {
                if (!b.baseline) return;
                if (!u) {
                    std::printf("%-28s %-34s %10.2f %10s %11.0f %11s %8s %7s %9s  %s\n", label, cfg.c_str(), b.baseline->wall_s, "failed",
                                rate(*b.baseline), "", "", has_target ? ">= 90%" : "", "", b.error.c_str());
                    return;
                }
                std::printf("%-28s %-34s %10.2f %10.2f %11.0f %11.0f %7.1f%% %7s %9.0f\n", label, cfg.c_str(), b.baseline->wall_s, u->wall_s,
                            rate(*b.baseline), rate(*u), 100.0 * b.baseline->wall_s / u->wall_s, has_target ? ">= 90%" : "",
                            mb(u->peak_rss_kb));
            };
            const bool best_is_default = same(b.best_cfg, BulkConfig{});
            line(to_string(s), b.best, b.best ? cfg_text(b.best_cfg) + (best_is_default ? " (defaults, best)" : " (best)") : "");
            // The defaults line only when they ran (--configs may leave them out).
            if (b.best && !best_is_default && (b.defaults || b.defaults_ran)) line("", b.defaults, cfg_text({}) + " (defaults)");
        }
        for (const auto& n : notes_) std::printf("%s\n", n.c_str());
    }

    [[nodiscard]] int failures() const noexcept { return failures_; }

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

    void script(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / (name + ".sql")) << text;
    }

    /// A fresh table, loaded with the create rows when `loaded`, analyzed and checkpointed.
    void prepare(bool loaded) {
        admin_.fresh_table();
        if (loaded) run_psql(admin_.url(), dir_ / "create.sql");
        admin_.settle();
    }

    void scenario(Scenario s, const std::string& baseline_script, bool loaded, const std::vector<BulkConfig>& configs) {
        Best& b = results_[s];
        const std::string name = to_string(s);
        std::string expected;
        const bool with_ids = loaded;  // a create's ids may follow the order batches were written in
        const auto it = baseline_digest_.find(baseline_script);
        if (it != baseline_digest_.end()) {
            expected = it->second;
            b.baseline = baseline_.at(baseline_script);
        } else {
            for (int k = 0; k < args_.repeat; ++k) {
                prepare(loaded);
                const Usage u = run_psql(admin_.url(), dir_ / (baseline_script + ".sql"));
                runs_.push_back({name, "psql", baseline_script + ".sql", u, true, ""});
                if (!b.baseline || u.wall_s < b.baseline->wall_s) b.baseline = u;
                expected = admin_.content_digest(with_ids);
            }
            admin_.snapshot("expected_" + baseline_script);
            baseline_digest_[baseline_script] = expected;
            baseline_[baseline_script] = *b.baseline;
            std::fprintf(stderr, "  %-28s psql      %.2f s\n", name.c_str(), b.baseline->wall_s);
        }
        for (const BulkConfig& c : configs) {
            for (int k = 0; k < args_.repeat; ++k) {
                prepare(loaded);
                const Outcome o = run_bulkflow(s, admin_.url(), files_, args_.rows, c);
                Run r{name, "bulkflow", cfg_text(c), o.usage, o.ok, ""};
                std::string problem;
                if (!o.ok) {
                    problem = o.error;
                } else {
                    const std::string got = admin_.content_digest(with_ids);
                    if (o.count != args_.rows || o.failures != 0)
                        problem = "result counters " + o.detail + ", expected " + std::to_string(args_.rows);
                    if (got != expected)
                        problem += (problem.empty() ? "" : "; ") + std::string("table content differs from psql's: ") +
                                   admin_.diff("expected_" + baseline_script, with_ids);
                    if (problem.empty() && !with_ids)
                        if (const auto moved = admin_.ids_moved("expected_" + baseline_script))
                            r.note = "same rows, but " + std::to_string(moved) + " ids not in input order";
                }
                if (o.rss_after_input_kb > 0) {
                    auto whole_mb = [](long kb) { return std::to_string(static_cast<long>(mb(kb))); };
                    r.note += std::string(r.note.empty() ? "" : "; ") + "input array " +
                              whole_mb(o.rss_after_input_kb - o.rss_before_input_kb) + " MB (RSS " +
                              whole_mb(o.rss_before_input_kb) + " -> " + whole_mb(o.rss_after_input_kb) + " MB)";
                }
                b.defaults_ran = b.defaults_ran || same(c, BulkConfig{});
                std::fprintf(stderr, "  %-28s bulkflow  %-24s %s\n", name.c_str(), cfg_text(c).c_str(),
                             problem.empty() ? (std::to_string(o.usage.wall_s) + " s").c_str() : problem.c_str());
                if (!problem.empty()) {
                    ++failures_;
                    r.note = (r.note.empty() ? "" : r.note + "; ") + problem.substr(0, 300);
                    notes_.push_back("FAILED " + name + " (" + cfg_text(c) + "): " + problem);
                    b.error = "see FAILED below";
                    runs_.push_back(r);
                    break;
                }
                runs_.push_back(r);
                const bool is_default = same(c, BulkConfig{});
                if (is_default && (!b.defaults || o.usage.wall_s < b.defaults->wall_s)) b.defaults = o.usage;
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
        std::fprintf(stderr, "bench_postgres_bulk: %s\nusage: %s [ROWS=1000000] [BATCH_SIZE=10000] [--url URL] [--no-sweep] "
                             "[--configs BATCHxPARALLEL,...] [--repeat N] [--only create,array,upsert,update,delete] [--keep]\n",
                     e.what(), argv[0]);
        return 2;
    }
    const std::string dbname = "bulkflow_bench_" + std::to_string(::getpid());
    const fs::path dir = fs::temp_directory_path() / ("bulkflow-pg-bench-" + std::to_string(::getpid()));
    Admin server(args.url);
    int rc = 0;
    try {
        fs::create_directories(dir);
        server.exec("CREATE DATABASE " + dbname);
        std::printf("bench_postgres_bulk: %ld rows, BATCH_SIZE %ld, %ld CPUs, load average %s\n", args.rows, args.batch,
                    ::sysconf(_SC_NPROCESSORS_ONLN), load_average().c_str());
        std::printf("server: %s, database %s\n", server.exec("SHOW server_version").c_str(), dbname.c_str());
        Bench bench(args, dir, with_database(args.url, dbname));
        bench.check_table_shape();
        bench.write_files();
        bench.run_all();
        bench.print();
        std::printf("load average at the end: %s\n", load_average().c_str());
        rc = bench.failures() ? 1 : 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_postgres_bulk: %s\n", e.what());
        rc = 1;
    }
    if (!args.keep) {
        try {
            server.exec("DROP DATABASE IF EXISTS " + dbname + " WITH (FORCE)");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_postgres_bulk: cleanup: %s\n", e.what());
        }
        std::error_code ec;
        fs::remove_all(dir, ec);
    } else {
        std::printf("kept: database %s, directory %s\n", dbname.c_str(), dir.c_str());
    }
    return rc;
}
