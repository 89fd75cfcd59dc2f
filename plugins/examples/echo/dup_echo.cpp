// Test fixture: registers a node type that the echo plugin already registers.
#include <bulkflow/plugin.hpp>

namespace {
class Dup final : public bulkflow::Node {
public:
    bulkflow::NodeOutput run(bulkflow::Context&, const bulkflow::Params&) override { return {}; }
};
void register_dup(bulkflow::Registrar& r) {
    r.add_node(std::make_shared<bulkflow::SimpleNodeFactory<Dup>>(bulkflow::NodeSpec{"EchoNode", "duplicate", {}}));
}
} // namespace

BULKFLOW_PLUGIN_ENTRY("dup_echo", "0", register_dup)
