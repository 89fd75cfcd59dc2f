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

using nodetest::make_params;
using nodetest::TestContext;

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
