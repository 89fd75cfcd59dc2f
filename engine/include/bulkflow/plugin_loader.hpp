#pragma once
/// @file plugin_loader.hpp
/// Loads plugin shared libraries into a NodeRegistry (CONTRACT section 9). Libraries are never
/// unloaded: results (record streams) created by a plugin's nodes may outlive the runtime.

#include <bulkflow/registry.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace bulkflow {

class PluginLoader {
public:
    /// Search directories in order: `extra_dirs` (--plugin-dir), BULKFLOW_PLUGIN_PATH, then the
    /// installed plugin directory (next to the engine library: ../lib/bulkflow/plugins).
    explicit PluginLoader(std::vector<std::filesystem::path> extra_dirs = {});

    /// Loads `name_or_path` once (later calls with the same resolved file are no-ops). A path
    /// (contains '/' or ends in ".so") is used as is; a name N is looked up as bulkflow_N.so,
    /// libN.so, N.so in the search directories. Registration is all-or-nothing.
    /// Throws Error(plugin_missing | plugin_abi | plugin_init).
    void load(const std::string& name_or_path, NodeRegistry& registry);

    [[nodiscard]] std::vector<std::filesystem::path> search_dirs() const { return dirs_; }
    /// The installed plugin directory derived from the engine library's location.
    static std::filesystem::path default_plugin_dir();

private:
    std::filesystem::path locate(const std::string& name_or_path) const;
    std::vector<std::filesystem::path> dirs_;
    std::set<std::filesystem::path> loaded_;
};

} // namespace bulkflow
