#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>
#include <iostream>
int main() {
    bulkflow::WorkflowBuilder wf;
    wf.add_node("ConstantNode", "c", {{"value", 42}});
    bulkflow::LocalRuntime rt{bulkflow::Database{"sqlite:///:memory:"}};
    auto [results, run_id] = rt.execute(wf.build());
    std::cout << results["c"].at("value").as_int64() << " " << run_id.size() << "\n";
}
