// Test fixture: node types that throw what a careless plugin might. ThrowingCheckNode's static
// check throws a plain std::exception; ThrowingNode {check, run} throws, from check() or run(),
// "std" (std::runtime_error), "bad_alloc" (std::bad_alloc) or "other" (an int). Validation and
// runs must report each as an error of the node, never terminate.
#include <bulkflow/plugin.hpp>

#include <new>
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

void throw_as(const std::string& how) {
    if (how == "std") throw std::runtime_error("plugin exploded");
    if (how == "bad_alloc") throw std::bad_alloc();
    if (how == "other") throw 42;
}

class Thrower final : public bulkflow::Node {
public:
    bulkflow::NodeOutput run(bulkflow::Context&, const bulkflow::Params& params) override {
        throw_as(params.get_string("run"));
        return {};
    }
};

class ThrowerFactory final : public bulkflow::NodeFactory {
public:
    explicit ThrowerFactory(bulkflow::NodeSpec spec) : spec_(std::move(spec)) {}
    [[nodiscard]] const bulkflow::NodeSpec& spec() const override { return spec_; }
    [[nodiscard]] std::unique_ptr<bulkflow::Node> create() const override { return std::make_unique<Thrower>(); }
    void check(const boost::json::object& params) const override {
        if (const auto* how = params.if_contains("check"); how && how->is_string()) throw_as(std::string(how->get_string()));
    }

private:
    bulkflow::NodeSpec spec_;
};

void register_throwing(bulkflow::Registrar& r) {
    using bulkflow::ParamType;
    r.add_node(std::make_shared<ThrowingFactory>());
    const std::vector<std::string> kinds{"none", "std", "bad_alloc", "other"};
    bulkflow::NodeSpec spec{"ThrowingNode", "Throws from check() or run() as asked (tests only).", {}};
    spec.params.push_back({"check", ParamType::string, false, boost::json::value("none"), "What check() throws."});
    spec.params.back().choices = kinds;
    spec.params.push_back({"run", ParamType::string, false, boost::json::value("none"), "What run() throws."});
    spec.params.back().choices = kinds;
    r.add_node(std::make_shared<ThrowerFactory>(std::move(spec)));
}

} // namespace

BULKFLOW_PLUGIN_ENTRY("throwing_check", "0", register_throwing)
