#pragma once
// Helpers shared by the io tests: a temp directory, a trivial Context, running nodes, reading
// streams.

#include "node_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/context.hpp>
#include <bulkflow/error.hpp>
#include <bulkflow/io/io_nodes.hpp>
#include <bulkflow/node.hpp>
#include <bulkflow/params.hpp>
#include <bulkflow/record.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace iotest {

namespace fs = std::filesystem;
namespace json = boost::json;

/// A fresh directory under the system temp dir, removed with its content on destruction.
class TempDir {
public:
    TempDir() {
        static std::atomic<unsigned> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = fs::temp_directory_path() /
                ("bulkflow_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(stamp) + "_" +
                 std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

    /// Writes `content` byte for byte into `name`; returns the full path as a string.
    std::string write(const std::string& name, const std::string& content) const {
        const fs::path p = path_ / name;
        std::ofstream f(p, std::ios::binary | std::ios::trunc);
        f.write(content.data(), static_cast<std::streamsize>(content.size()));
        f.close();
        REQUIRE(f.good());
        return p.string();
    }

private:
    fs::path path_;
};

class TestContext final : public bulkflow::Context {
public:
    TestContext() = default;
    /// A context for node `id` of a workflow with these `models:`.
    explicit TestContext(std::string id, json::object models = {}) : id_(std::move(id)), models_(std::move(models)) {}

    [[nodiscard]] const std::string& node_id() const override { return id_; }
    [[nodiscard]] const std::string& run_id() const override { return run_; }
    void log(bulkflow::LogLevel, std::string_view message) override { logs.emplace_back(message); }
    void progress(std::size_t, std::optional<std::size_t>, std::size_t) override {}
    [[nodiscard]] bool cancelled() const override { return false; }
    [[nodiscard]] const std::string& database_url() const override { return url_; }
    [[nodiscard]] const json::object& models() const override { return models_; }
    bool confirm(std::string_view) override { return false; }

    std::vector<std::string> logs;

private:
    std::string id_ = "test_node";
    std::string run_ = "00000000-0000-0000-0000-000000000000";
    std::string url_ = "sqlite:///:memory:";
    json::object models_;
};

/// Params from a JSON object (every key a JSON parameter).
inline bulkflow::Params make_params(const json::object& o) {
    bulkflow::Params p;
    for (const auto& kv : o) p.set(std::string(kv.key()), bulkflow::Param(kv.value()));
    return p;
}

inline bulkflow::NodeOutput run_node(const bulkflow::NodeFactory& factory, const json::object& params) {
    TestContext ctx;
    return factory.create()->run(ctx, make_params(params));
}

using nodetest::error_of;
using nodetest::read_all;

/// Error thrown while reading the whole stream.
inline bulkflow::Error read_error(const bulkflow::RecordStream& s, std::size_t batch = 1000) {
    return error_of([&] { (void)read_all(s, batch); });
}

} // namespace iotest
