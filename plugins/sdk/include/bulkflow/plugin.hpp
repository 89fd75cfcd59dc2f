#pragma once
/// @file plugin.hpp
/// Everything a plugin needs: the Registrar and the BULKFLOW_PLUGIN_ENTRY macro. A plugin is a
/// shared library exporting `extern "C" const bulkflow::PluginInfo* bulkflow_plugin_entry()`.
///
/// The engine reads `abi_version` first and nothing else until it matches kPluginAbi; then it
/// checks the engine version (C++ types cross the boundary, so it must match exactly) and only
/// then calls `register_all`.

#include <bulkflow/node.hpp>
#include <bulkflow/version.hpp>

#include <cstdint>
#include <memory>

namespace bulkflow {

/// Bump on any change to a plugin-visible header. 2: Param holds its JSON by shared pointer.
/// 3: RecordStream::fingerprint() (resumable loads); record cells may be exact numbers
/// (json_number.hpp) or marked empty unquoted (record.hpp); ErrorCode::in_doubt and NodeFailure
/// (a failed node's partial result); ParamSpec carries choices, minimum/maximum and a check;
/// ErrorCode::resource_exhausted (appended: existing codes keep their values).
inline constexpr std::uint32_t kPluginAbi = 3;

/// Receives a plugin's node types. Registering a type twice (here or across plugins) is an error.
class Registrar {
public:
    virtual ~Registrar() = default;
    virtual void add_node(std::shared_ptr<const NodeFactory> factory) = 0;
    virtual void add_pattern(PatternResolver resolver) = 0;
};

struct PluginInfo {
    std::uint32_t abi_version;  ///< stays the FIRST member in every ABI version
    const char* name;
    const char* version;
    const char* engine_version; ///< BULKFLOW_VERSION_STRING at plugin build time
    void (*register_all)(Registrar&);
};

} // namespace bulkflow

#if defined(_WIN32)
#define BULKFLOW_PLUGIN_EXPORT __declspec(dllexport)
#else
#define BULKFLOW_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/// Defines the plugin entry point. NAME and VERSION are string literals; FN is
/// `void FN(bulkflow::Registrar&)`.
#define BULKFLOW_PLUGIN_ENTRY(NAME, VERSION, FN)                                                   \
    extern "C" BULKFLOW_PLUGIN_EXPORT const ::bulkflow::PluginInfo* bulkflow_plugin_entry() {      \
        static const ::bulkflow::PluginInfo info{::bulkflow::kPluginAbi, NAME, VERSION,            \
                                                 BULKFLOW_VERSION_STRING, &FN};                    \
        return &info;                                                                              \
    }
