// The bulk node family: <Model>Bulk{Create,Update,Delete,Upsert}Node and <Model>ListNode for
// every model of the workflow, resolved by pattern against the workflow's models.

#include "nodes.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/plugin.hpp>

#include <regex>

namespace bulkflow::bulk {
namespace {

// A factory per (model, operation) of one workflow: it keeps the workflow's models for check().
class BulkNodeFactory final : public NodeFactory {
public:
    BulkNodeFactory(std::string model, Operation op, boost::json::object models)
        : model_(std::move(model)), op_(op), spec_(bulk_spec(model_, op)), models_(std::move(models)) {}
    const NodeSpec& spec() const override { return spec_; }
    std::unique_ptr<Node> create() const override {
        switch (op_) {
        case Operation::create:
        case Operation::upsert: return make_ingest_node(model_, op_);
        case Operation::update: return make_update_node(model_);
        case Operation::remove: return make_delete_node(model_);
        }
        return nullptr;
    }
    void check(const boost::json::object& params) const override { check_bulk_params(model_, op_, models_, params); }

private:
    std::string model_;
    Operation op_;
    NodeSpec spec_;
    boost::json::object models_;
};

PatternResolver bulk_pattern() {
    PatternResolver r;
    r.pattern = "<Model>BulkCreateNode, <Model>BulkUpdateNode, <Model>BulkDeleteNode, <Model>BulkUpsertNode";
    r.resolve = [](std::string_view type, const boost::json::object& models) -> std::shared_ptr<const NodeFactory> {
        static const std::regex re("^([A-Za-z_][A-Za-z0-9_]*)Bulk(Create|Update|Delete|Upsert)Node$");
        std::match_results<std::string_view::const_iterator> mt;
        if (!std::regex_match(type.begin(), type.end(), mt, re)) return nullptr;
        const std::string model = mt[1].str();
        if (!models.contains(model)) return nullptr;
        const std::string op = mt[2].str();
        Operation o = op == "Create" ? Operation::create : op == "Update" ? Operation::update
                    : op == "Delete" ? Operation::remove : Operation::upsert;
        return std::make_shared<BulkNodeFactory>(model, o, models);
    };
    r.enumerate = [](const boost::json::object& models) {
        std::vector<std::string> names;
        for (const auto& kv : models)
            for (const char* op : {"Create", "Update", "Delete", "Upsert"})
                names.push_back(std::string(kv.key()) + "Bulk" + op + "Node");
        return names;
    };
    return r;
}

class ListNodeFactory final : public NodeFactory {
public:
    ListNodeFactory(std::string model, boost::json::object models)
        : model_(std::move(model)), spec_(list_spec(model_)), models_(std::move(models)) {}
    const NodeSpec& spec() const override { return spec_; }
    std::unique_ptr<Node> create() const override { return make_list_node(model_); }
    void check(const boost::json::object& params) const override { check_list_params(model_, models_, params); }

private:
    std::string model_;
    NodeSpec spec_;
    boost::json::object models_;
};

PatternResolver list_pattern() {
    PatternResolver r;
    r.pattern = "<Model>ListNode";
    r.resolve = [](std::string_view type, const boost::json::object& models) -> std::shared_ptr<const NodeFactory> {
        constexpr std::string_view suffix = "ListNode";
        if (type.size() <= suffix.size() || type.substr(type.size() - suffix.size()) != suffix) return nullptr;
        const std::string model(type.substr(0, type.size() - suffix.size()));
        if (!models.contains(model)) return nullptr;
        return std::make_shared<ListNodeFactory>(model, models);
    };
    r.enumerate = [](const boost::json::object& models) {
        std::vector<std::string> names;
        for (const auto& kv : models) names.push_back(std::string(kv.key()) + "ListNode");
        return names;
    };
    return r;
}

void register_bulk(Registrar& r) {
    r.add_pattern(bulk_pattern());
    r.add_pattern(list_pattern());
}

} // namespace
} // namespace bulkflow::bulk

BULKFLOW_PLUGIN_ENTRY("bulk", BULKFLOW_VERSION_STRING, bulkflow::bulk::register_bulk)
