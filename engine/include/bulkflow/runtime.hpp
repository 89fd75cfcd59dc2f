#pragma once
/// @file runtime.hpp
/// LocalRuntime: validates and executes a Workflow on a oneTBB task pool. Independent nodes run
/// concurrently; outputs pass by reference (a record stream is never copied); after a failure
/// nothing new is scheduled.

#include <bulkflow/error.hpp>
#include <bulkflow/params.hpp>
#include <bulkflow/registry.hpp>
#include <bulkflow/workflow.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bulkflow {

/// A database selection: a URL (CONTRACT section 3). Empty means "use the precedence rules".
struct Database {
    Database() = default;
    explicit Database(std::string url_) : url(std::move(url_)) {}
    std::string url;
};

/// Results of finished nodes by id.
class Results {
public:
    /// JSON rendering of a node's result (streams summarised); throws std::out_of_range.
    [[nodiscard]] const boost::json::object& operator[](std::string_view id) const;
    [[nodiscard]] const NodeOutput& output(std::string_view id) const;
    [[nodiscard]] bool contains(std::string_view id) const;
    [[nodiscard]] boost::json::object to_json() const;
    [[nodiscard]] std::size_t size() const noexcept { return outputs_.size(); }

    void add(const std::string& id, NodeOutput out);

private:
    std::map<std::string, NodeOutput, std::less<>> outputs_;
    mutable std::map<std::string, boost::json::object, std::less<>> rendered_;
};

struct ExecutionResult {
    Results results;
    std::string run_id;
};

/// A node failed at run time. Carries the finished nodes' results and the failing node.
class RunError : public Error {
public:
    RunError(const Error& cause, Results partial, std::string run_id);
    [[nodiscard]] const Results& results() const noexcept { return results_; }
    [[nodiscard]] const std::string& run_id() const noexcept { return run_id_; }

private:
    Results results_;
    std::string run_id_;
};

/// Progress and lifecycle events for display (CLI bars, JSON lines).
struct ProgressEvent {
    enum class Kind { node_started, progress, node_finished } kind;
    std::string node;
    std::size_t processed = 0;
    std::optional<std::size_t> total;
    std::size_t failed = 0;
    double elapsed_s = 0;
    bool ok = true;  ///< node_finished: success?
};

struct RuntimeOptions {
    std::vector<std::filesystem::path> plugin_dirs;   ///< --plugin-dir
    std::vector<std::string> plugins;                 ///< extra plugins to load always
    boost::json::object inputs;                       ///< override workflow input defaults
    std::function<void(const ProgressEvent&)> on_progress;   ///< called from worker threads
    std::function<bool(const std::string& node, const std::string& question)> confirm;
    std::size_t max_concurrency = 0;                  ///< 0: oneTBB default
};

class LocalRuntime {
public:
    explicit LocalRuntime(Database db = {}, RuntimeOptions options = {});
    ~LocalRuntime();
    LocalRuntime(const LocalRuntime&) = delete;
    LocalRuntime& operator=(const LocalRuntime&) = delete;
    LocalRuntime(LocalRuntime&&) noexcept;
    LocalRuntime& operator=(LocalRuntime&&) noexcept;

    /// Loads the workflow's plugins and checks node types, parameters (unknown with "did you
    /// mean", missing required, wrong type), input references and the database URL. Nothing is
    /// run or written. Throws ValidationError / Error with an input ErrorCode.
    void validate(const Workflow& wf);
    /// Validates, then runs. Throws RunError when a node fails.
    ExecutionResult execute(const Workflow& wf);

    /// The registry (plugins loaded so far); load_plugin adds to it.
    [[nodiscard]] const NodeRegistry& registry() const noexcept;
    void load_plugin(const std::string& name_or_path);
    /// Registers a node type defined in the calling program (no plugin needed).
    void add_node_type(std::shared_ptr<const NodeFactory> factory);
    /// The URL this runtime uses for `wf` (CONTRACT section 3 precedence).
    [[nodiscard]] std::string database_url(const Workflow& wf) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The plugins loaded into every runtime (node families shipped with bulkflow).
const std::vector<std::string>& default_plugins();

} // namespace bulkflow
