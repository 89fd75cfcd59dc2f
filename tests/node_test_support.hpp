#pragma once
// Helpers shared by the node families' unit tests: reading a record stream whole, and catching
// the bulkflow::Error a call throws.

#include <catch2/catch.hpp>

#include <bulkflow/context.hpp>
#include <bulkflow/error.hpp>
#include <bulkflow/params.hpp>
#include <bulkflow/record.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace nodetest {

/// A Context for node `id` of a workflow with these `models:` on an in-memory SQLite database;
/// keeps the node's log lines, and `cancel` makes cancelled() true.
class TestContext : public bulkflow::Context {
public:
    explicit TestContext(std::string id = "test_node", boost::json::object models = {})
        : id_(std::move(id)), models_(std::move(models)) {}

    [[nodiscard]] const std::string& node_id() const override { return id_; }
    [[nodiscard]] const std::string& run_id() const override { return run_; }
    void log(bulkflow::LogLevel, std::string_view message) override { logs.emplace_back(message); }
    void progress(std::size_t, std::optional<std::size_t>, std::size_t) override {}
    [[nodiscard]] bool cancelled() const override { return cancel.load(); }
    [[nodiscard]] const std::string& database_url() const override { return url_; }
    [[nodiscard]] const boost::json::object& models() const override { return models_; }
    bool confirm(std::string_view) override { return false; }

    std::vector<std::string> logs;
    std::atomic<bool> cancel{false};

private:
    std::string id_;
    std::string run_ = "00000000-0000-0000-0000-000000000000";
    std::string url_ = "sqlite:///:memory:";
    boost::json::object models_;
};

/// Params from a JSON object (every key a JSON parameter).
inline bulkflow::Params make_params(const boost::json::object& o) {
    bulkflow::Params p;
    for (const auto& kv : o) p.set(std::string(kv.key()), bulkflow::Param(kv.value()));
    return p;
}

/// Every record of a fresh cursor, as JSON objects (absent cells omitted).
inline std::vector<boost::json::object> read_all(const bulkflow::RecordStream& s, std::size_t batch = 1000) {
    std::vector<boost::json::object> out;
    auto cur = s.open();
    bulkflow::RecordBatch b;
    while (cur->next(b, batch))
        for (std::size_t r = 0; r < b.size(); ++r) out.push_back(b.row(r));
    return out;
}

/// The bulkflow::Error thrown by `f` (fails the test when nothing or something else is thrown).
inline bulkflow::Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const bulkflow::Error& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("expected bulkflow::Error, got std::exception: " << e.what());
    }
    FAIL("expected bulkflow::Error, nothing was thrown");
    return bulkflow::Error(bulkflow::ErrorCode::internal, "unreachable");
}

} // namespace nodetest
