// Test fixture: claims a future plugin ABI, so the loader must refuse it before registering.
#include <bulkflow/plugin.hpp>

namespace {
void register_nothing(bulkflow::Registrar&) {}
} // namespace

extern "C" BULKFLOW_PLUGIN_EXPORT const bulkflow::PluginInfo* bulkflow_plugin_entry() {
    static const bulkflow::PluginInfo info{bulkflow::kPluginAbi + 1, "bad_abi", "0", BULKFLOW_VERSION_STRING,
                                           &register_nothing};
    return &info;
}
