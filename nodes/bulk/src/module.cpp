// The bulk node family: <Model>Bulk{Create,Update,Delete,Upsert}Node and <Model>ListNode for
// every model of the workflow, resolved by pattern against the workflow's models.

#include "nodes.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/plugin.hpp>

#include <regex>

namespace bulkflow::bulk {
namespace {

class BulkNodeFactory final : public NodeFactory {
public:
    BulkNodeFactory(std::string model, Operation op) : model_(std::move(model)), op_(op), spec_(bulk_spec(model_, op)) {}
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
    void check(const boost::json::object& params) const override {
        if (op_ == Operation::upsert && params.contains("unique_fields"))
            throw Error(ErrorCode::invalid_parameter, "parameter 'unique_fields' " + unique_fields_removed());
        if (const auto* cr = params.if_contains("conflict_resolution"); cr && cr->is_string()) {
            std::string v(cr->get_string());
            bool ok = v == "update" || v == "skip" || v == "ignore" || (v == "error" && op_ == Operation::create);
            if (!ok && v.find("<<") == std::string::npos)
                throw Error(ErrorCode::invalid_parameter, "parameter 'conflict_resolution' must be " +
                                                              std::string(op_ == Operation::create ? "error, skip, ignore or update" : "update, skip or ignore") +
                                                              ", not '" + v + "'");
        }
        if (const auto* es = params.if_contains("error_strategy"); es && es->is_string()) {
            std::string v(es->get_string());
            if (v != "stop" && v != "continue" && v != "retry_batch" && v.find("<<") == std::string::npos)
                throw Error(ErrorCode::invalid_parameter, "parameter 'error_strategy' must be stop, continue or retry_batch, not '" + v + "'");
        }
    }

private:
    std::string model_;
    Operation op_;
    NodeSpec spec_;
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
        return std::make_shared<BulkNodeFactory>(model, o);
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
    explicit ListNodeFactory(std::string model) : model_(std::move(model)), spec_(list_spec(model_)) {}
    const NodeSpec& spec() const override { return spec_; }
    std::unique_ptr<Node> create() const override { return make_list_node(model_); }

private:
    std::string model_;
    NodeSpec spec_;
};

PatternResolver list_pattern() {
    PatternResolver r;
    r.pattern = "<Model>ListNode";
    r.resolve = [](std::string_view type, const boost::json::object& models) -> std::shared_ptr<const NodeFactory> {
        constexpr std::string_view suffix = "ListNode";
        if (type.size() <= suffix.size() || type.substr(type.size() - suffix.size()) != suffix) return nullptr;
        const std::string model(type.substr(0, type.size() - suffix.size()));
        if (!models.contains(model)) return nullptr;
        return std::make_shared<ListNodeFactory>(model);
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
