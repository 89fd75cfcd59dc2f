#include "exec/resolve.hpp"
#include "exec/static_check.hpp"

#include <bulkflow/database_url.hpp>
#include <bulkflow/node_failure.hpp>
#include <bulkflow/plugin_loader.hpp>
#include <bulkflow/runtime.hpp>
#include <bulkflow/validation.hpp>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <spdlog/spdlog.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <new>

namespace bulkflow {
namespace {

using Clock = std::chrono::steady_clock;

std::string new_run_id() {
    static std::mutex m;
    static boost::uuids::random_generator gen;
    std::lock_guard lock(m);
    return boost::uuids::to_string(gen());
}

spdlog::level::level_enum to_spd(LogLevel l) {
    switch (l) {
    case LogLevel::trace: return spdlog::level::trace;
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

struct RunState {
    std::mutex mutex;
    Results results;
    std::map<std::string, int> waiting;  // unfinished dependencies per node
    std::map<std::string, std::vector<std::string>> dependents;
    std::optional<Error> first_error;
    std::atomic<bool> cancelled{false};
};

class NodeContext final : public Context {
public:
    NodeContext(std::string node, const std::string& run_id, const std::string& url,
                const boost::json::object& models, const RuntimeOptions& opts, RunState& state)
        : node_(std::move(node)), run_id_(run_id), url_(url), models_(models), opts_(opts), state_(state),
          started_(Clock::now()) {}
    const std::string& node_id() const override { return node_; }
    const std::string& run_id() const override { return run_id_; }
    void log(LogLevel level, std::string_view message) override {
        spdlog::log(to_spd(level), "[{}] {}", node_, redact_passwords(message));
    }
    void progress(std::size_t processed, std::optional<std::size_t> total, std::size_t failed) override {
        if (!opts_.on_progress) return;
        ProgressEvent e{ProgressEvent::Kind::progress, node_, processed, total, failed, elapsed(), true};
        opts_.on_progress(e);
    }
    bool cancelled() const override { return state_.cancelled.load(); }
    const std::string& database_url() const override { return url_; }
    const boost::json::object& models() const override { return models_; }
    bool confirm(std::string_view question) override {
        if (!opts_.confirm) return false;
        return opts_.confirm(node_, std::string(question));
    }
    double elapsed() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

private:
    std::string node_;
    const std::string& run_id_;
    const std::string& url_;
    const boost::json::object& models_;
    const RuntimeOptions& opts_;
    RunState& state_;
    Clock::time_point started_;
};

} // namespace

const std::vector<std::string>& default_plugins() {
    static const std::vector<std::string> plugins = {"io", "bulk", "http"};
    return plugins;
}

struct LocalRuntime::Impl {
    Database db;
    RuntimeOptions opts;
    NodeRegistry registry;
    PluginLoader loader;

    Impl(Database d, RuntimeOptions o) : db(std::move(d)), opts(std::move(o)), loader(opts.plugin_dirs) {}

    boost::json::object inputs_for(const Workflow& wf) const {
        boost::json::object in = wf.inputs;
        for (const auto& kv : opts.inputs) in[kv.key()] = kv.value();
        return in;
    }
};

LocalRuntime::LocalRuntime(Database db, RuntimeOptions options)
    : impl_(std::make_unique<Impl>(std::move(db), std::move(options))) {
    for (const auto& p : default_plugins()) impl_->loader.load(p, impl_->registry);
    for (const auto& p : impl_->opts.plugins) impl_->loader.load(p, impl_->registry);
}

LocalRuntime::~LocalRuntime() = default;
LocalRuntime::LocalRuntime(LocalRuntime&&) noexcept = default;
LocalRuntime& LocalRuntime::operator=(LocalRuntime&&) noexcept = default;

const NodeRegistry& LocalRuntime::registry() const noexcept { return impl_->registry; }

void LocalRuntime::load_plugin(const std::string& name_or_path) { impl_->loader.load(name_or_path, impl_->registry); }

void LocalRuntime::add_node_type(std::shared_ptr<const NodeFactory> factory) {
    impl_->registry.add(std::move(factory), {}, "program");
}

std::string LocalRuntime::database_url(const Workflow& wf) const {
    return choose_database_url(impl_->db.url, wf.database);
}

void LocalRuntime::validate(const Workflow& wf) {
    ProblemList problems;
    for (const auto& p : wf.plugins) {
        try {
            load_plugin(p);
        } catch (const Error& e) {
            problems.add(e);
        }
    }
    try {
        (void)DatabaseUrl::parse(database_url(wf));
    } catch (const Error& e) {
        problems.add(e);
    }
    detail::check_models(wf.models, problems);
    const auto inputs = impl_->inputs_for(wf);
    for (const auto& n : wf.nodes) detail::check_node(impl_->registry, wf, n, inputs, problems);
    problems.throw_if_any();
}

ExecutionResult LocalRuntime::execute(const Workflow& wf) {
    validate(wf);
    const std::string run_id = new_run_id();
    const std::string url = database_url(wf);
    const auto inputs = impl_->inputs_for(wf);
    const RuntimeOptions& opts = impl_->opts;
    RunState state;
    for (const auto& n : wf.nodes) {
        auto deps = wf.dependencies(n.id);
        state.waiting[n.id] = static_cast<int>(deps.size());
        for (const auto& d : deps) state.dependents[d].push_back(n.id);
    }
    spdlog::debug("run {}: {} nodes on {}", run_id, wf.nodes.size(), redact_passwords(url));

    tbb::task_group group;
    std::function<void(const NodeDecl*)> launch;
    auto run_node = [&](const NodeDecl* n) {
        if (state.cancelled) return;
        auto factory = impl_->registry.find(n->type, wf.models);
        NodeContext ctx(n->id, run_id, url, wf.models, opts, state);
        if (opts.on_progress) opts.on_progress({ProgressEvent::Kind::node_started, n->id, 0, std::nullopt, 0, 0, true});
        std::optional<Error> failure;
        NodeOutput out;
        try {
            Params params;
            {
                std::lock_guard lock(state.mutex);
                params = detail::resolve_params(n->id, factory->spec(), n->params, inputs,
                                                [&](const std::string& id) -> const NodeOutput* {
                                                    return state.results.contains(id) ? &state.results.output(id) : nullptr;
                                                });
            }
            out = factory->create()->run(ctx, params);
        } catch (const NodeFailure& e) {  // failed after committing: its partial result is kept
            failure = e.in_node(n->id);
            out = {};
            out.value = e.result();
        } catch (const Error& e) {
            failure = e.in_node(n->id);
        } catch (const std::bad_alloc&) {
            failure = Error(ErrorCode::resource_exhausted, "out of memory (std::bad_alloc)", n->id);
        } catch (const std::exception& e) {
            failure = Error(ErrorCode::internal, e.what(), n->id);
        } catch (...) {  // a plugin may throw anything; it must not escape the task
            failure = Error(ErrorCode::internal, "the node threw a non-standard exception", n->id);
        }
        if (opts.on_progress) {
            ProgressEvent e{ProgressEvent::Kind::node_finished, n->id, 0, std::nullopt, 0, ctx.elapsed(), !failure};
            opts.on_progress(e);
        }
        std::vector<const NodeDecl*> ready;
        {
            std::lock_guard lock(state.mutex);
            if (failure) {
                spdlog::error("[{}] {}", n->id, redact_passwords(failure->what()));
                if (!state.first_error) state.first_error = *failure;
                state.cancelled = true;
                if (!out.value.empty()) state.results.add(n->id, std::move(out));
                return;
            }
            state.results.add(n->id, std::move(out));
            if (state.cancelled) return;
            for (const auto& d : state.dependents[n->id])
                if (--state.waiting[d] == 0) ready.push_back(wf.find(d));
        }
        for (const auto* r : ready) launch(r);
    };
    launch = [&](const NodeDecl* n) { group.run([&, n] { run_node(n); }); };

    // The roots are chosen before any node starts: a finished node launches its own ready
    // dependents, so checking `waiting` while launching could start a node twice.
    std::vector<const NodeDecl*> roots;
    for (const auto& n : wf.nodes)
        if (state.waiting[n.id] == 0) roots.push_back(&n);
    auto start = [&] {
        for (const auto* n : roots) launch(n);
        group.wait();
    };
    if (opts.max_concurrency > 0) {
        tbb::task_arena arena(static_cast<int>(opts.max_concurrency));
        arena.execute(start);
    } else {
        start();
    }
    if (state.first_error) throw RunError(*state.first_error, std::move(state.results), run_id);
    return {std::move(state.results), run_id};
}

} // namespace bulkflow
