#pragma once
// Small node types defined in the tests (registered with LocalRuntime::add_node_type).

#include <bulkflow/node.hpp>

#include <atomic>
#include <chrono>
#include <thread>

namespace bulkflow::test {

/// Returns its `value` parameter as output "value" (and `items` as a stream when given).
class ValueNode final : public Node {
public:
    NodeOutput run(Context&, const Params& p) override {
        NodeOutput out;
        if (const auto* v = p.find("value")) {
            if (v->is_stream()) out.streams["value"] = v->stream();
            else out.value["value"] = v->json();
        }
        if (auto s = p.records("items")) out.streams["records"] = s;
        return out;
    }
};

inline std::shared_ptr<const NodeFactory> value_node_factory() {
    return std::make_shared<SimpleNodeFactory<ValueNode>>(NodeSpec{
        "ValueNode", "test: echoes value",
        {{"value", ParamType::any, false, std::nullopt, "value"}, {"items", ParamType::records, false, std::nullopt, "records"}},
        {"value", "records (stream)"}});
}

/// Waits until `expected` nodes of this kind are running at once (or times out and fails).
struct Rendezvous {
    static inline std::atomic<int> arrived{0};
};
class RendezvousNode final : public Node {
public:
    NodeOutput run(Context&, const Params& p) override {
        int expected = static_cast<int>(p.get_int("expected", 2));
        Rendezvous::arrived.fetch_add(1);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (Rendezvous::arrived.load() < expected) {
            if (std::chrono::steady_clock::now() > deadline)
                throw Error(ErrorCode::internal, "independent nodes did not run concurrently");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        NodeOutput out;
        out.value["ok"] = true;
        return out;
    }
};

inline std::shared_ptr<const NodeFactory> rendezvous_factory() {
    return std::make_shared<SimpleNodeFactory<RendezvousNode>>(NodeSpec{
        "RendezvousNode", "test: waits for peers", {{"expected", ParamType::integer, false, boost::json::value(2), "peers"}}, {"ok"}});
}

/// Fails with invalid_data when `fail` is true; counts its runs.
struct Counter {
    static inline std::atomic<int> runs{0};
};
class MaybeFailNode final : public Node {
public:
    NodeOutput run(Context&, const Params& p) override {
        Counter::runs.fetch_add(1);
        if (p.get_bool("fail")) throw Error(ErrorCode::invalid_data, "asked to fail");
        NodeOutput out;
        out.value["ran"] = true;
        return out;
    }
};

inline std::shared_ptr<const NodeFactory> maybe_fail_factory() {
    return std::make_shared<SimpleNodeFactory<MaybeFailNode>>(NodeSpec{
        "MaybeFailNode", "test: fails on request",
        {{"fail", ParamType::boolean, false, boost::json::value(false), "fail?"},
         {"label", ParamType::string, false, std::nullopt, "a label"},
         {"count", ParamType::integer, true, std::nullopt, "required count"}},
        {"ran"}});
}

} // namespace bulkflow::test
