// The bulkflow side: each scenario is one workflow run through LocalRuntime, in a forked child
// process, so that the peak RSS reported is that scenario's alone (ru_maxrss never goes down).

#include "bench.hpp"

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bench {

const char* const kProductModel = R"({"table": "bench_products", "fields": {
  "name": {"type": "str", "required": true, "max_length": 200},
  "price": {"type": "decimal", "precision": 10, "scale": 2},
  "category": {"type": "str", "index": true},
  "stock": {"type": "int", "default": 0},
  "active": {"type": "bool", "default": true},
  "created_at": "datetime"}})";

const char* to_string(Scenario s) {
    switch (s) {
    case Scenario::create_jsonl: return "create (JSON lines)";
    case Scenario::create_gaps: return "create, allow_id_gaps";
    case Scenario::upsert: return "upsert (all conflicts)";
    case Scenario::update: return "update by id";
    case Scenario::delete_ids: return "delete by ids";
    }
    return "?";
}

namespace {

double cpu_s() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

long peak_rss_kb() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

boost::json::object reader(const fs::path& path) { return {{"path", path.string()}, {"format", "lines"}}; }

bulkflow::Workflow workflow(Scenario s, const DataFiles& files, long rows, BulkConfig cfg) {
    bulkflow::WorkflowBuilder b;
    b.add_model("Product", boost::json::parse(kProductModel));
    boost::json::object params{{"batch_size", cfg.batch_size}, {"parallel_batches", cfg.parallel_batches}};
    switch (s) {
    case Scenario::create_jsonl:
    case Scenario::create_gaps:
        b.add_node("JSONReaderNode", "read", reader(files.create_jsonl));
        params["data"] = "<<read.records>>";
        if (s == Scenario::create_gaps) params["mysql_options"] = boost::json::object{{"allow_id_gaps", true}};
        b.add_node("ProductBulkCreateNode", "node", std::move(params));
        break;
    case Scenario::upsert:
        b.add_node("JSONReaderNode", "read", reader(files.upsert_jsonl));
        params["data"] = "<<read.records>>";
        params["conflict_resolution"] = "update";
        b.add_node("ProductBulkUpsertNode", "node", std::move(params));
        break;
    case Scenario::update:
        b.add_node("JSONReaderNode", "read", reader(files.update_jsonl));
        params["fields"] = "<<read.records>>";
        b.add_node("ProductBulkUpdateNode", "node", std::move(params));
        break;
    case Scenario::delete_ids:
        params["ids"] = id_array(1, rows);
        params["hard_delete"] = true;
        b.add_node("ProductBulkDeleteNode", "node", std::move(params));
        break;
    }
    return b.build();
}

long long counter(const boost::json::object& data, const char* key) {
    const auto* v = data.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : v && v->is_uint64() ? static_cast<long long>(v->as_uint64()) : -1;
}

boost::json::object child(Scenario s, const std::string& url, const DataFiles& files, long rows, BulkConfig cfg) {
    boost::json::object report;
    try {
        bulkflow::LocalRuntime rt(bulkflow::Database{url});
        const auto wf = workflow(s, files, rows, cfg);
        const double cpu0 = cpu_s();
        const auto t0 = std::chrono::steady_clock::now();
        auto res = rt.execute(wf);
        report["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        report["client_cpu_s"] = cpu_s() - cpu0;
        const char* key = s == Scenario::update || s == Scenario::upsert ? "updated" : s == Scenario::delete_ids ? "deleted" : "inserted";
        long long count = 0, failures = 0;
        boost::json::object detail;
        for (const auto& [id, value] : res.results.to_json()) {
            if (!id.starts_with("node")) continue;
            const auto& data = value.as_object().at("data").as_object();
            count += counter(data, key);
            failures += counter(data, "failure_count");
            for (const char* k : {"inserted", "updated", "skipped", "deleted", "failure_count", "batches"})
                if (const auto* v = data.if_contains(k); v && v->is_number()) detail[k] = v->to_number<long long>();
        }
        report["count"] = count;
        report["failures"] = failures;
        report["detail"] = boost::json::serialize(detail);
        report["ok"] = true;
    } catch (const std::exception& e) {
        report["ok"] = false;
        report["error"] = e.what();
    }
    report["peak_rss_kb"] = peak_rss_kb();
    return report;
}

} // namespace

Outcome run_bulkflow(Scenario s, const Admin& admin, const DataFiles& files, long rows, BulkConfig cfg) {
    const auto counters0 = admin.statement_counters();
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const double server0 = server_cpu_s();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::close(fds[0]);
        const std::string text = boost::json::serialize(child(s, admin.url(), files, rows, cfg));
        std::size_t off = 0;
        while (off < text.size()) {
            const auto n = ::write(fds[1], text.data() + off, text.size() - off);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const double server1 = server_cpu_s();

    Outcome out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
        out.error = "the child process died (status " + std::to_string(status) + ")";
        return out;
    }
    const auto report = boost::json::parse(text).as_object();
    out.ok = report.at("ok").as_bool();
    if (!out.ok) out.error = report.at("error").as_string().c_str();
    out.usage.peak_rss_kb = static_cast<long>(report.at("peak_rss_kb").as_int64());
    if (out.ok) {
        out.usage.wall_s = report.at("wall_s").as_double();
        out.usage.client_cpu_s = report.at("client_cpu_s").as_double();
        out.count = report.at("count").as_int64();
        out.failures = report.at("failures").as_int64();
        out.detail = report.at("detail").as_string().c_str();
        if (const auto* b = boost::json::parse(out.detail).as_object().if_contains("batches"); b && b->is_number())
            out.usage.batches = b->to_number<long long>();
        out.usage.server_cpu_s = server1 - server0;
        for (const auto& [k, v] : admin.statement_counters()) out.usage.statements[k] = v - counters0.at(k);
    }
    return out;
}

} // namespace bench
