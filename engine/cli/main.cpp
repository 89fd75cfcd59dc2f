// bulkflow command line (CONTRACT section 2). stdout carries exactly one JSON object for `run`;
// logs and progress go to stderr. Exit: 0 completed, 1 a node failed, 2 invalid input.

#include "node_listing.hpp"
#include "progress_display.hpp"

#include <bulkflow/database_url.hpp>
#include <bulkflow/json_text.hpp>
#include <bulkflow/output_file.hpp>
#include <bulkflow/runtime.hpp>
#include <bulkflow/validation.hpp>
#include <bulkflow/version.hpp>
#include <bulkflow/workflow_file.hpp>

#include <CLI/CLI.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string_view>

namespace bf = bulkflow;

namespace {

constexpr int kExitOk = 0, kExitFailed = 1, kExitInvalid = 2;

struct RunOptions {
    std::string workflow, database, progress = "auto", output, log_level = "info";
    std::vector<std::string> sets, inputs, plugin_dirs;
    bool yes = false;
};

boost::json::value parse_cli_value(const std::string& text) {
    boost::system::error_code ec;
    auto v = bf::parse_json(text, ec);  // numbers kept exact
    if (ec) return boost::json::value(text);
    return v;
}

std::pair<std::string, std::string> split_once(const std::string& s, char sep) {
    auto pos = s.find(sep);
    if (pos == std::string::npos) return {s, ""};
    return {s.substr(0, pos), s.substr(pos + 1)};
}

[[noreturn]] void usage_error(const std::string& msg) { throw bf::Error(bf::ErrorCode::invalid_parameter, msg); }

bf::Workflow load(const std::string& path, const std::vector<std::string>& sets) {
    auto builder = bf::load_workflow_file(path);
    for (const auto& s : sets) {
        auto [lhs, value] = split_once(s, '=');
        auto [node, param] = split_once(lhs, '.');
        if (node.empty() || param.empty() || s.find('=') == std::string::npos)
            usage_error("--set expects NODE.PARAM=VALUE, got '" + s + "'");
        builder.set_param(node, param, parse_cli_value(value));
    }
    auto wf = builder.build();
    // Relative plugin paths are relative to the workflow file.
    auto dir = std::filesystem::path(path).parent_path();
    for (auto& p : wf.plugins)
        if (p.find('/') != std::string::npos && std::filesystem::path(p).is_relative()) p = (dir / p).string();
    return wf;
}

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("bulkflow");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%H:%M:%S.%e %^%l%$ %v");
    auto lvl = spdlog::level::from_str(level);
    spdlog::set_level(lvl);
}

bf::RuntimeOptions runtime_options(const RunOptions& o) {
    bf::RuntimeOptions opts;
    for (const auto& d : o.plugin_dirs) opts.plugin_dirs.emplace_back(d);
    for (const auto& in : o.inputs) {
        auto [name, value] = split_once(in, '=');
        if (name.empty() || in.find('=') == std::string::npos) usage_error("--input expects NAME=VALUE, got '" + in + "'");
        opts.inputs[name] = parse_cli_value(value);
    }
    bool yes = o.yes;
    opts.confirm = [yes](const std::string& node, const std::string& question) {
        if (yes) return true;
        if (!isatty(STDIN_FILENO)) {
            spdlog::error("[{}] {} -- refusing without confirmation: pass --yes to confirm non-interactively", node, question);
            return false;
        }
        std::cerr << "[" << node << "] " << question << " [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        return answer == "y" || answer == "Y" || answer == "yes";
    };
    return opts;
}

// The exception being handled, when it is not a bulkflow::Error (docs/getting-started.md, "Exit
// status"): out of memory is resource_exhausted, anything else (of any type) internal.
bf::Error current_error() {
    try {
        throw;
    } catch (const bf::Error& e) {
        return e;
    } catch (const std::bad_alloc&) {
        return bf::Error(bf::ErrorCode::resource_exhausted, "out of memory (std::bad_alloc)");
    } catch (const std::exception& e) {
        return bf::Error(bf::ErrorCode::internal, e.what());
    } catch (...) {
        return bf::Error(bf::ErrorCode::internal, "a non-standard exception");
    }
}

boost::json::object error_json(const bf::Error& e) {
    return {{"node", e.node().empty() ? boost::json::value(nullptr) : boost::json::value(e.node())},
            {"kind", e.kind()},
            {"message", bf::redact_passwords(e.what())}};
}

// Writes the result to stdout or --output. False (error on stderr) when the file write fails:
// the result must never go nowhere silently.
bool emit(const RunOptions& o, const boost::json::object& result) {
    std::string text = bf::to_json_text(result);  // plain numbers: 0.0123, not 1.23E-2
    if (o.output.empty()) {
        std::cout << text << std::endl;
        return true;
    }
    try {
        bf::write_whole_file("--output", o.output, text + "\n");
        return true;
    } catch (const bf::Error& e) {
        spdlog::error("{}", e.what());
        return false;
    }
}

std::string fresh_run_id() { return boost::uuids::to_string(boost::uuids::random_generator()()); }

int cmd_run(const RunOptions& o) {
    bf::cli::ProgressMode mode = bf::cli::ProgressMode::none;
    if (o.progress == "json") mode = bf::cli::ProgressMode::json;
    else if (o.progress == "bar" || (o.progress == "auto" && isatty(STDERR_FILENO))) mode = bf::cli::ProgressMode::bar;
    bf::cli::ProgressDisplay display(mode);
    boost::json::object result{{"run_id", nullptr}, {"status", "failed"}, {"results", boost::json::object{}}, {"error", nullptr}};
    if (!o.output.empty()) {
        if (auto why = bf::unwritable_reason(o.output); !why.empty()) {
            // Checked before the run; the result goes to stdout since the file cannot take it.
            const std::string msg = "--output '" + o.output + "' " + why;
            spdlog::error("{}", msg);
            result["run_id"] = fresh_run_id();
            result["error"] = error_json(bf::Error(bf::ErrorCode::invalid_parameter, msg));
            std::cout << boost::json::serialize(result) << std::endl;
            return kExitInvalid;
        }
    }
    auto finish = [&](int rc) { return emit(o, result) ? rc : std::max(rc, kExitFailed); };
    std::atomic<bool> started{false};  // a node started: an unexpected error is exit 1, not 2
    try {
        auto opts = runtime_options(o);
        opts.on_progress = [&display, &started](const bf::ProgressEvent& e) {
            if (e.kind == bf::ProgressEvent::Kind::node_started) started = true;
            display.on_event(e);
        };
        auto wf = load(o.workflow, o.sets);
        bf::LocalRuntime runtime(bf::Database{o.database}, std::move(opts));
        auto [results, run_id] = runtime.execute(wf);
        result["run_id"] = run_id;
        result["status"] = "completed";
        result["results"] = results.to_json();
        return finish(kExitOk);
    } catch (const bf::RunError& e) {
        result["run_id"] = e.run_id();
        result["results"] = e.results().to_json();
        result["error"] = error_json(e);
        return finish(kExitFailed);
    } catch (const bf::Error& e) {
        spdlog::error("{}", bf::redact_passwords(e.what()));
        result["run_id"] = fresh_run_id();
        result["error"] = error_json(e);
        return finish(bf::is_input_error(e.code()) ? kExitInvalid : kExitFailed);
    } catch (...) {
        const bf::Error e = current_error();
        spdlog::error("{}", bf::redact_passwords(e.what()));
        result["run_id"] = fresh_run_id();
        result["error"] = error_json(e);
        return finish(started ? kExitFailed : kExitInvalid);
    }
}

int cmd_validate(const RunOptions& o) {
    boost::json::array problems;
    try {
        auto opts = runtime_options(o);
        auto wf = load(o.workflow, o.sets);
        bf::LocalRuntime runtime(bf::Database{o.database}, std::move(opts));
        runtime.validate(wf);
        std::cout << boost::json::serialize(boost::json::object{{"valid", true}, {"nodes", wf.nodes.size()}, {"problems", problems}})
                  << std::endl;
        return kExitOk;
    } catch (const bf::ValidationError& e) {
        for (const auto& p : e.problems())
            problems.push_back({{"node", p.node}, {"kind", bf::to_string(p.code)}, {"message", bf::redact_passwords(p.message)}});
    } catch (...) {
        problems.push_back(error_json(current_error()));
    }
    for (const auto& p : problems) std::cerr << p.at("message").as_string().c_str() << "\n";
    std::cout << boost::json::serialize(boost::json::object{{"valid", false}, {"problems", problems}}) << std::endl;
    return kExitInvalid;
}

int cmd_nodes(const std::string& type, const std::string& workflow, const std::vector<std::string>& plugin_dirs) {
    try {
        bf::RuntimeOptions opts;
        for (const auto& d : plugin_dirs) opts.plugin_dirs.emplace_back(d);
        bf::LocalRuntime runtime(bf::Database{}, std::move(opts));
        boost::json::object models;
        if (!workflow.empty()) {
            auto wf = load(workflow, {});
            for (const auto& p : wf.plugins) runtime.load_plugin(p);
            models = wf.models;
        }
        return bf::cli::print_nodes(std::cout, runtime.registry(), models, type) ? kExitOk : kExitInvalid;
    } catch (...) {
        std::cerr << bf::redact_passwords(current_error().what()) << "\n";
        return kExitInvalid;
    }
}

} // namespace

namespace {

/// glibc returns freed memory to the kernel eagerly (buffers above 128 KB are mmapped and
/// unmapped, the heap top is trimmed), so every batch's buffers were page-faulted in again:
/// about a fifth of a load's client CPU (docs/performance.md, "Whole process, as users measure
/// it"). Keep freed memory in the process instead; peak memory is unchanged. A user's own
/// GLIBC_TUNABLES malloc settings win.
void keep_freed_memory() {
#if defined(__GLIBC__)
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables && std::string_view(tunables).find("glibc.malloc.") != std::string_view::npos) return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest glibc accepts on 64-bit
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

} // namespace

static int cli_main(int argc, char** argv) {
    CLI::App app{"bulkflow: workflows that move data into SQL databases at the database's own speed"};
    app.require_subcommand(1);
    RunOptions ro;
    auto* run = app.add_subcommand("run", "Run a workflow; prints one JSON result object on stdout");
    run->add_option("workflow", ro.workflow, "Workflow file (YAML or JSON)")->required();
    run->add_option("--database", ro.database, "Database URL (overrides the workflow's)");
    run->add_option("--set", ro.sets, "Override a node parameter: NODE.PARAM=VALUE (VALUE is JSON or text)")->allow_extra_args(false);
    run->add_option("--input", ro.inputs, "Fill <<inputs.NAME>>: NAME=VALUE")->allow_extra_args(false);
    run->add_option("--plugin-dir", ro.plugin_dirs, "Extra plugin directory (repeatable)")->allow_extra_args(false);
    run->add_option("--progress", ro.progress, "Progress display")->check(CLI::IsMember({"auto", "bar", "json", "none"}));
    run->add_flag("--yes", ro.yes, "Confirm destructive operations (confirm_delete) non-interactively");
    run->add_option("--output", ro.output, "Write the result JSON to FILE instead of stdout");
    run->add_option("--log-level", ro.log_level, "Log level on stderr")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

    RunOptions vo;
    auto* validate = app.add_subcommand("validate", "Check a workflow without running it (everything run checks first)");
    validate->add_option("workflow", vo.workflow, "Workflow file")->required();
    validate->add_option("--database", vo.database, "Database URL");
    validate->add_option("--set", vo.sets, "Override a node parameter: NODE.PARAM=VALUE (VALUE is JSON or text)")->allow_extra_args(false);
    validate->add_option("--input", vo.inputs, "Fill <<inputs.NAME>>: NAME=VALUE")->allow_extra_args(false);
    validate->add_option("--plugin-dir", vo.plugin_dirs, "Extra plugin directory (repeatable)")->allow_extra_args(false);

    std::string n_type, n_workflow;
    std::vector<std::string> n_dirs;
    auto* nodes = app.add_subcommand("nodes", "List node types, or document one");
    nodes->add_option("type", n_type, "Node type to document");
    nodes->add_option("--workflow", n_workflow, "Workflow whose models generate node types");
    nodes->add_option("--plugin-dir", n_dirs, "Extra plugin directory (repeatable)")->allow_extra_args(false);

    auto* version = app.add_subcommand("version", "Print the version");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : kExitInvalid;
    }
    if (*run) {
        setup_logging(ro.log_level);
        return cmd_run(ro);
    }
    setup_logging("warn");
    if (*validate) return cmd_validate(vo);
    if (*nodes) return cmd_nodes(n_type, n_workflow, n_dirs);
    if (*version) {
        std::cout << "bulkflow " << BULKFLOW_VERSION_STRING << std::endl;
        return kExitOk;
    }
    return kExitInvalid;
}

// No abort, ever: whatever escapes the commands' own handlers (say, memory running out while the
// result is built) still ends in one JSON object, written without allocating.
int main(int argc, char** argv) {
    keep_freed_memory();
    try {
        return cli_main(argc, argv);
    } catch (const std::bad_alloc&) {
        std::fputs(R"j({"run_id":null,"status":"failed","results":{},"error":{"node":null,"kind":"resource_exhausted",)j"
                   R"j("message":"out of memory (std::bad_alloc)"}})j" "\n", stdout);
    } catch (...) {
        std::fputs(R"j({"run_id":null,"status":"failed","results":{},"error":{"node":null,"kind":"internal",)j"
                   R"j("message":"an unexpected exception reached the top level"}})j" "\n", stdout);
    }
    return kExitFailed;
}
