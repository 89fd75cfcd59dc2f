#include "progress_display.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <string>

namespace bulkflow::cli {
namespace {

double rate(const ProgressEvent& e) { return e.elapsed_s > 0 ? static_cast<double>(e.processed) / e.elapsed_s : 0.0; }

std::string format_eta(const ProgressEvent& e) {
    if (!e.total || e.processed == 0 || *e.total <= e.processed) return "--";
    double secs = static_cast<double>(*e.total - e.processed) / rate(e);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(secs) / 60, static_cast<int>(secs) % 60);
    return buf;
}

} // namespace

void ProgressDisplay::on_event(const ProgressEvent& e) {
    if (mode_ == ProgressMode::none) return;
    std::lock_guard lock(mutex_);
    if (mode_ == ProgressMode::json) {
        json_line(e);
        return;
    }
    auto& st = nodes_[e.node];
    if (e.kind == ProgressEvent::Kind::progress) {
        st.processed = e.processed;
        auto now = std::chrono::steady_clock::now();
        if (now - st.last_draw < std::chrono::milliseconds(100)) return;  // limit redraws
        st.last_draw = now;
        draw_bar(e, false);
    } else if (e.kind == ProgressEvent::Kind::node_finished) {
        ProgressEvent done = e;
        done.processed = st.processed;
        draw_bar(done, true);
    }
}

void ProgressDisplay::json_line(const ProgressEvent& e) {
    boost::json::object o;
    switch (e.kind) {
    case ProgressEvent::Kind::node_started: o["event"] = "node_started"; o["node"] = e.node; break;
    case ProgressEvent::Kind::node_finished:
        o["event"] = "node_finished";
        o["node"] = e.node;
        o["status"] = e.ok ? "completed" : "failed";
        o["elapsed_s"] = e.elapsed_s;
        break;
    case ProgressEvent::Kind::progress:
        o["event"] = "progress";
        o["node"] = e.node;
        o["processed"] = e.processed;
        o["total"] = e.total ? boost::json::value(*e.total) : boost::json::value(nullptr);
        o["failed"] = e.failed;
        o["rows_per_s"] = rate(e);
        o["elapsed_s"] = e.elapsed_s;
        break;
    }
    std::fprintf(stderr, "%s\n", boost::json::serialize(o).c_str());
    std::fflush(stderr);
}

void ProgressDisplay::draw_bar(const ProgressEvent& e, bool final) {
    constexpr int width = 30;
    std::string bar;
    if (e.total && *e.total > 0) {
        double frac = std::min(1.0, static_cast<double>(e.processed) / static_cast<double>(*e.total));
        int fill = static_cast<int>(frac * width);
        bar = "[" + std::string(fill, '#') + std::string(width - fill, '.') + "] " +
              std::to_string(static_cast<int>(frac * 100)) + "%";
    }
    std::fprintf(stderr, "\r\033[K%-20s %s %zu records  %.0f rows/s  ETA %s%s", e.node.c_str(), bar.c_str(),
                 e.processed, rate(e), final ? "0s" : format_eta(e).c_str(),
                 final ? (e.ok ? "  done\n" : "  FAILED\n") : "");
    std::fflush(stderr);
}

} // namespace bulkflow::cli
