#include <bulkflow/plugin.hpp>
#include <bulkflow/plugin_loader.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <sstream>

namespace bulkflow {
namespace {

// Collects one plugin's registrations so they can be committed all-or-nothing.
class StagedRegistrar final : public Registrar {
public:
    void add_node(std::shared_ptr<const NodeFactory> f) override { nodes.push_back(std::move(f)); }
    void add_pattern(PatternResolver r) override { patterns.push_back(std::move(r)); }
    std::vector<std::shared_ptr<const NodeFactory>> nodes;
    std::vector<PatternResolver> patterns;
};

bool looks_like_path(const std::string& s) {
    return s.find('/') != std::string::npos ||
           (s.size() > 3 && s.compare(s.size() - 3, 3, ".so") == 0);
}

} // namespace

std::filesystem::path PluginLoader::default_plugin_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&PluginLoader::default_plugin_dir), &info) && info.dli_fname)
        return std::filesystem::path(info.dli_fname).parent_path() / BULKFLOW_PLUGIN_RELDIR;
    return {};
}

PluginLoader::PluginLoader(std::vector<std::filesystem::path> extra_dirs) : dirs_(std::move(extra_dirs)) {
    if (const char* env = std::getenv("BULKFLOW_PLUGIN_PATH")) {
        std::stringstream ss(env);
        std::string part;
        while (std::getline(ss, part, ':'))
            if (!part.empty()) dirs_.emplace_back(part);
    }
    if (auto d = default_plugin_dir(); !d.empty()) dirs_.push_back(d);
}

std::filesystem::path PluginLoader::locate(const std::string& name) const {
    namespace fs = std::filesystem;
    if (looks_like_path(name)) {
        std::error_code ec;
        if (fs::is_regular_file(name, ec)) return fs::weakly_canonical(name);
        throw Error(ErrorCode::plugin_missing, "plugin '" + name + "' not found: no such file");
    }
    std::string searched;
    for (const auto& dir : dirs_) {
        for (const auto& file : {"bulkflow_" + name + ".so", "lib" + name + ".so", name + ".so"}) {
            std::error_code ec;
            if (fs::is_regular_file(dir / file, ec)) return fs::weakly_canonical(dir / file);
        }
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    throw Error(ErrorCode::plugin_missing,
                "plugin '" + name + "' not found (looked for bulkflow_" + name + ".so in: " +
                    (searched.empty() ? std::string("no directories") : searched) +
                    "; add --plugin-dir or BULKFLOW_PLUGIN_PATH)");
}

void PluginLoader::load(const std::string& name_or_path, NodeRegistry& registry) {
    auto path = locate(name_or_path);
    if (loaded_.count(path)) return;
    const std::string where = "plugin '" + name_or_path + "' (" + path.string() + ")";

    // RTLD_NODELETE: a plugin's code stays mapped for the life of the process, because objects
    // it created (record streams in results, factories) may outlive the runtime that loaded it.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) throw Error(ErrorCode::plugin_init, where + ": cannot load: " + dlerror());
    std::shared_ptr<void> lib(handle, [](void* h) { dlclose(h); });

    using EntryFn = const PluginInfo* (*)();
    auto entry = reinterpret_cast<EntryFn>(dlsym(handle, "bulkflow_plugin_entry"));
    if (!entry)
        throw Error(ErrorCode::plugin_abi, where + ": not a bulkflow plugin (no bulkflow_plugin_entry symbol)");
    const PluginInfo* info = entry();
    if (!info) throw Error(ErrorCode::plugin_abi, where + ": bulkflow_plugin_entry returned null");
    if (info->abi_version != kPluginAbi)  // read nothing else until this passes
        throw Error(ErrorCode::plugin_abi, where + ": plugin ABI " + std::to_string(info->abi_version) +
                                               ", engine ABI " + std::to_string(kPluginAbi) +
                                               "; rebuild the plugin against this bulkflow");
    if (!info->engine_version || std::string_view(info->engine_version) != BULKFLOW_VERSION_STRING)
        throw Error(ErrorCode::plugin_abi, where + ": built for bulkflow " +
                                               std::string(info->engine_version ? info->engine_version : "?") +
                                               ", this is " + BULKFLOW_VERSION_STRING);
    StagedRegistrar staged;
    try {
        info->register_all(staged);
    } catch (const std::exception& e) {
        throw Error(ErrorCode::plugin_init, where + ": registration failed: " + e.what());
    } catch (...) {
        throw Error(ErrorCode::plugin_init, where + ": registration failed: a non-standard exception");
    }
    // All-or-nothing: check every name before adding any.
    const std::string origin = "plugin '" + std::string(info->name ? info->name : name_or_path) + "'";
    static const boost::json::object no_models;
    for (std::size_t i = 0; i < staged.nodes.size(); ++i) {
        const auto& type = staged.nodes[i]->spec().type;
        if (registry.find(type, no_models))
            throw Error(ErrorCode::plugin_init, "node type '" + type + "' from " + where +
                                                    " is already registered by " + registry.origin(type, no_models));
        for (std::size_t j = 0; j < i; ++j)
            if (staged.nodes[j]->spec().type == type)
                throw Error(ErrorCode::plugin_init, where + " registers node type '" + type + "' twice");
    }
    for (auto& f : staged.nodes) registry.add(std::move(f), lib, origin);
    for (auto& p : staged.patterns) registry.add_pattern(std::move(p), lib, origin);
    loaded_.insert(path);
}

} // namespace bulkflow
