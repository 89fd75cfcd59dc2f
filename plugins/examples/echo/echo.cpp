// The smallest useful bulkflow plugin: a custom node users can copy.
//
// EchoNode {message (string, required), repeat (integer, default 1), fail (bool, default false)}
// returns {"message": ..., "echo": "<message repeated>", "length": N}. With fail: true it throws,
// which lets tests exercise failure handling through a real plugin.

#include <bulkflow/plugin.hpp>

namespace {

class EchoNode final : public bulkflow::Node {
public:
    bulkflow::NodeOutput run(bulkflow::Context& ctx, const bulkflow::Params& params) override {
        const std::string message = params.get_string("message");
        const auto repeat = params.get_int("repeat", 1);
        if (repeat < 0) bulkflow::Params::fail("repeat", "must be >= 0");
        if (params.get_bool("fail", false))
            throw bulkflow::Error(bulkflow::ErrorCode::invalid_data, "echo asked to fail: " + message);
        std::string echo;
        for (std::int64_t i = 0; i < repeat; ++i) echo += message;
        ctx.log(bulkflow::LogLevel::debug, "echoing " + std::to_string(repeat) + " time(s)");
        bulkflow::NodeOutput out;
        out.value["message"] = message;
        out.value["echo"] = echo;
        out.value["length"] = static_cast<std::int64_t>(echo.size());
        return out;
    }
};

void register_echo(bulkflow::Registrar& r) {
    using bulkflow::ParamType;
    r.add_node(std::make_shared<bulkflow::SimpleNodeFactory<EchoNode>>(bulkflow::NodeSpec{
        "EchoNode",
        "Returns its message, repeated; an example of a custom node plugin.",
        {
            {"message", ParamType::string, true, std::nullopt, "Text to echo."},
            {"repeat", ParamType::integer, false, boost::json::value(1), "How many times to repeat it."},
            {"fail", ParamType::boolean, false, boost::json::value(false), "Fail on purpose (for tests)."},
        },
        {"message", "echo", "length"}}));
}

} // namespace

BULKFLOW_PLUGIN_ENTRY("echo", "1.0.0", register_echo)
