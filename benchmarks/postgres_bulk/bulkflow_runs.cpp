// The bulkflow side: each scenario is one workflow run through LocalRuntime, in a forked child
// process, so that the peak RSS reported is that scenario's alone (ru_maxrss is a process-wide
// high-water mark and never goes down).

#include "bench.hpp"

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bench {

const char* const kProductModel = R"({"fields": {
  "name": {"type": "str", "required": true, "max_length": 200},
  "price": {"type": "decimal", "precision": 10, "scale": 2},
  "category": {"type": "str", "index": true},
  "stock": {"type": "int", "default": 0},
  "active": {"type": "bool", "default": true},
  "created_at": "datetime"}})";

const char* to_string(Scenario s) {
    switch (s) {
    case Scenario::create_jsonl: return "create (JSON lines)";
    case Scenario::create_array: return "create (in-memory array)";
    case Scenario::upsert: return "upsert (all conflicts)";
    case Scenario::update: return "update by id";
    case Scenario::delete_ids: return "delete by ids";
    case Scenario::delete_chunks: return "delete by ids, 50k per node";
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

/// The workflow of scenario `s`; array inputs are built here, in the child, and moved in.
bulkflow::Workflow workflow(Scenario s, const DataFiles& files, long rows, BulkConfig cfg, Outcome& out) {
    bulkflow::WorkflowBuilder b;
    b.add_model("Product", boost::json::parse(kProductModel));
    boost::json::object params{{"batch_size", cfg.batch_size}, {"parallel_batches", cfg.parallel_batches}};
    switch (s) {
    case Scenario::create_jsonl:
        b.add_node("JSONReaderNode", "read", reader(files.create_jsonl));
        params["data"] = "<<read.records>>";
        b.add_node("ProductBulkCreateNode", "node", std::move(params));
        break;
    case Scenario::create_array:
        out.rss_before_input_kb = current_rss_kb();
        params["data"] = create_array(rows);
        out.rss_after_input_kb = current_rss_kb();
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
        out.rss_before_input_kb = current_rss_kb();
        params["ids"] = id_array(1, rows);
        out.rss_after_input_kb = current_rss_kb();
        params["hard_delete"] = true;
        b.add_node("ProductBulkDeleteNode", "node", std::move(params));
        break;
    case Scenario::delete_chunks:
        // The workaround while one node cannot take more ids than PostgreSQL takes parameters:
        // one node per chunk, one after the other.
        out.rss_before_input_kb = current_rss_kb();
        for (long first = 1, k = 0; first <= rows; first += kDeleteChunk, ++k) {
            boost::json::object chunk = params;
            chunk["ids"] = id_array(first, std::min(rows, first + kDeleteChunk - 1));
            chunk["hard_delete"] = true;
            const std::string id = "node_" + std::to_string(k);
            b.add_node("ProductBulkDeleteNode", id, std::move(chunk));
            if (k > 0) b.add_dependency(id, "node_" + std::to_string(k - 1));
        }
        out.rss_after_input_kb = current_rss_kb();
        break;
    }
    return b.build();
}

long long counter(const boost::json::object& data, const char* key) {
    const auto* v = data.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : v && v->is_uint64() ? static_cast<long long>(v->as_uint64()) : -1;
}

/// Runs in the child: everything the scenario needs, the measurement, and the result as JSON.
boost::json::object child(Scenario s, const std::string& url, const DataFiles& files, long rows, BulkConfig cfg) {
    Outcome out;
    boost::json::object report;
    try {
        bulkflow::LocalRuntime rt(bulkflow::Database{url});
        const auto wf = workflow(s, files, rows, cfg, out);
        const double cpu0 = cpu_s();
        const auto t0 = std::chrono::steady_clock::now();
        auto res = rt.execute(wf);
        report["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        report["client_cpu_s"] = cpu_s() - cpu0;
        // Counters summed over the scenario's bulk nodes ("node", or "node_<k>" for chunks).
        const char* key = s == Scenario::update || s == Scenario::upsert ? "updated"
                          : s == Scenario::delete_ids || s == Scenario::delete_chunks ? "deleted"
                                                                                        : "inserted";
        long long count = 0, failures = 0;
        boost::json::object detail;
        for (const auto& [id, value] : res.results.to_json()) {
            if (!id.starts_with("node")) continue;
            const auto& data = value.as_object().at("data").as_object();
            count += counter(data, key);
            failures += counter(data, "failure_count");
            for (const char* k : {"inserted", "updated", "skipped", "deleted", "failure_count", "batches"})
                if (const auto* v = data.if_contains(k); v && v->is_number())
                    detail[k] = (detail.contains(k) ? detail[k].to_number<long long>() : 0) + v->to_number<long long>();
        }
        report["count"] = count;
        report["failures"] = failures;
        report["detail"] = boost::json::serialize(detail);
        report["ok"] = true;
    } catch (const std::exception& e) {
        report["ok"] = false;
        report["error"] = e.what();
    }
    report["rss_before_input_kb"] = out.rss_before_input_kb;
    report["rss_after_input_kb"] = out.rss_after_input_kb;
    report["peak_rss_kb"] = peak_rss_kb();
    return report;
}

} // namespace

Outcome run_bulkflow(Scenario s, const std::string& url, const DataFiles& files, long rows, BulkConfig cfg) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const double server0 = postgres_cpu_s();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::close(fds[0]);
        const std::string text = boost::json::serialize(child(s, url, files, rows, cfg));
        std::size_t off = 0;
        while (off < text.size()) {
            const auto n = ::write(fds[1], text.data() + off, text.size() - off);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
        ::_exit(0);  // no destructors or atexit handlers of the parent's state
    }
    ::close(fds[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);

    Outcome out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
        out.error = "the child process died (status " + std::to_string(status) + ")";
        return out;
    }
    const auto report = boost::json::parse(text).as_object();
    out.ok = report.at("ok").as_bool();
    if (!out.ok) out.error = report.at("error").as_string().c_str();
    out.rss_before_input_kb = static_cast<long>(report.at("rss_before_input_kb").as_int64());
    out.rss_after_input_kb = static_cast<long>(report.at("rss_after_input_kb").as_int64());
    out.usage.peak_rss_kb = static_cast<long>(report.at("peak_rss_kb").as_int64());
    if (out.ok) {
        out.usage.wall_s = report.at("wall_s").as_double();
        out.usage.client_cpu_s = report.at("client_cpu_s").as_double();
        out.count = report.at("count").as_int64();
        out.failures = report.at("failures").as_int64();
        out.detail = report.at("detail").as_string().c_str();
        // The server's CPU from before the fork to after the child's backend exited: the child did
        // nothing with the database outside execute() but open and close its connection.
        ::usleep(200'000);
        out.usage.server_cpu_s = postgres_cpu_s() - server0;
    }
    return out;
}

} // namespace bench
