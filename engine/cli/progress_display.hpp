#pragma once
// Progress display for `bulkflow run`: a live bar per node on a terminal, JSON lines, or nothing.
// Everything goes to stderr; stdout carries only the result JSON.

#include <bulkflow/runtime.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace bulkflow::cli {

enum class ProgressMode { bar, json, none };

class ProgressDisplay {
public:
    explicit ProgressDisplay(ProgressMode mode) : mode_(mode) {}
    /// Thread-safe; called from worker threads.
    void on_event(const ProgressEvent& e);

private:
    struct NodeState {
        std::size_t processed = 0;
        std::chrono::steady_clock::time_point last_draw{};
    };
    void json_line(const ProgressEvent& e);
    void draw_bar(const ProgressEvent& e, bool final);
    ProgressMode mode_;
    std::mutex mutex_;
    std::map<std::string, NodeState> nodes_;
};

} // namespace bulkflow::cli
