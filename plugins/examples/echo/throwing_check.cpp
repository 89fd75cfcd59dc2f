// Test fixture: a node type whose static check throws a plain std::exception, as a careless
// plugin might; validation must report it as a problem of the node, never terminate.
#include <bulkflow/plugin.hpp>

#include <stdexcept>

namespace {

class Quiet final : public bulkflow::Node {
public:
    bulkflow::NodeOutput run(bulkflow::Context&, const bulkflow::Params&) override { return {}; }
};

class ThrowingFactory final : public bulkflow::NodeFactory {
public:
    [[nodiscard]] const bulkflow::NodeSpec& spec() const override { return spec_; }
    [[nodiscard]] std::unique_ptr<bulkflow::Node> create() const override { return std::make_unique<Quiet>(); }
    void check(const boost::json::object&) const override { throw std::runtime_error("check exploded"); }

private:
    bulkflow::NodeSpec spec_{"ThrowingCheckNode", "Its check() throws std::runtime_error (tests only).", {}};
};

void register_throwing(bulkflow::Registrar& r) { r.add_node(std::make_shared<ThrowingFactory>()); }

} // namespace

BULKFLOW_PLUGIN_ENTRY("throwing_check", "0", register_throwing)
