#pragma once
// Runs bulk workflows through the public C++ API against a fresh SQLite file and reads the
// resulting table state back with the sqlite3 C API (never through bulkflow's own code).

#include <bulkflow/builder.hpp>
#include <bulkflow/runtime.hpp>

#include <boost/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bulkflow::test {

using Cell = std::optional<std::string>;  // nullopt = SQL NULL
using Rows = std::vector<std::vector<Cell>>;

inline const char* kProductModel = R"({
  "fields": {
    "name": {"type": "str", "required": true, "max_length": 200},
    "price": {"type": "decimal", "precision": 10, "scale": 2},
    "category": {"type": "str", "index": true},
    "stock": {"type": "int", "default": 0},
    "active": {"type": "bool", "default": true},
    "created": "datetime",
    "metadata": "json"
  }
})";

class BulkDb {
public:
    explicit BulkDb(const std::string& name) {
        dir_ = std::filesystem::temp_directory_path() / ("bulkflow-bulk-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        path_ = dir_ / (name + ".db");
        for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + ext);
    }
    [[nodiscard]] std::string url() const { return "sqlite:///" + path_.string(); }
    [[nodiscard]] std::filesystem::path file(const std::string& name) const { return dir_ / name; }

    /// Runs a workflow with the Product model (plus `models`), returns the results.
    ExecutionResult run(WorkflowBuilder b, RuntimeOptions opts = {}) {
        if (!with_models_) b.add_model("Product", boost::json::parse(kProductModel));
        LocalRuntime rt(Database{url()}, std::move(opts));
        return rt.execute(b.build());
    }
    /// Runs one node and returns its result's "data".
    boost::json::object run_node(const std::string& type, boost::json::object params, RuntimeOptions opts = {}) {
        WorkflowBuilder b;
        for (const auto& [name, def] : models_) b.add_model(name, def);
        b.add_node(type, "op", std::move(params));
        auto res = run(std::move(b), std::move(opts));
        return res.results["op"].at("data").as_object();
    }
    /// Adds a model used by run_node (Product is always there).
    void add_model(const std::string& name, const std::string& json) { models_.emplace_back(name, boost::json::parse(json)); }

    Rows query(const std::string& sql) const {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot open test db");
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            std::string msg = sqlite3_errmsg(db);
            sqlite3_close(db);
            throw std::runtime_error("bad test query: " + msg);
        }
        Rows rows;
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<Cell> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                if (sqlite3_column_type(st, i) == SQLITE_NULL) row.emplace_back(std::nullopt);
                else row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                                                  static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
            }
            rows.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        return rows;
    }
    std::string scalar(const std::string& sql) const { return query(sql).at(0).at(0).value_or("NULL"); }
    long long count(const std::string& table = "products", const std::string& where = "") const {
        return std::stoll(scalar("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where)));
    }

private:
    std::filesystem::path dir_, path_;
    bool with_models_ = false;
    std::vector<std::pair<std::string, boost::json::value>> models_;
};

inline boost::json::array products(int n, const std::string& category = "test") {
    boost::json::array a;
    for (int i = 1; i <= n; ++i)
        a.push_back({{"name", "Product " + std::to_string(i)}, {"price", std::to_string(i * 10) + ".50"},
                     {"category", category}, {"stock", i}});
    return a;
}

/// The error a node failure raised (RunError), or fails the test.
inline RunError run_error(BulkDb& db, const std::string& type, boost::json::object params) {
    try {
        db.run_node(type, std::move(params));
    } catch (const RunError& e) {
        return e;
    }
    throw std::runtime_error("expected the node to fail");
}

} // namespace bulkflow::test
