// A user's plugin, built outside the bulkflow tree against the installed package.
#include <bulkflow/plugin.hpp>

namespace {

class MyEchoNode final : public bulkflow::Node {
public:
    bulkflow::NodeOutput run(bulkflow::Context&, const bulkflow::Params& params) override {
        bulkflow::NodeOutput out;
        out.value["echo"] = params.get_string("message");
        return out;
    }
};

void register_nodes(bulkflow::Registrar& r) {
    r.add_node(std::make_shared<bulkflow::SimpleNodeFactory<MyEchoNode>>(bulkflow::NodeSpec{
        "MyEchoNode", "Echoes its message.", {{"message", bulkflow::ParamType::string, true, std::nullopt, "Text."}}, {"echo"}}));
}

} // namespace

BULKFLOW_PLUGIN_ENTRY("myecho", "1.0.0", register_nodes)
