#include <bulkflow/builder.hpp>
#include <bulkflow/plugin.hpp>
#include <bulkflow/plugin_loader.hpp>
#include <bulkflow/runtime.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

using namespace bulkflow;
using Catch::Matchers::Contains;

namespace {
const std::filesystem::path kPluginDir = BULKFLOW_PLUGIN_BUILD_DIR;
const std::filesystem::path kTestPlugins = std::filesystem::path(BULKFLOW_BINARY_DIR) / "test-plugins";
const boost::json::object kNoModels;

ErrorCode load_error(PluginLoader& loader, NodeRegistry& reg, const std::string& what, std::string& message) {
    try {
        loader.load(what, reg);
    } catch (const Error& e) {
        message = e.what();
        return e.code();
    }
    FAIL("expected the plugin load to fail");
    return ErrorCode::internal;
}
} // namespace

TEST_CASE("the default plugin dir is next to the engine library", "[plugins]") {
    CHECK(std::filesystem::equivalent(PluginLoader::default_plugin_dir(), kPluginDir));
}

TEST_CASE("a plugin loads by name from the plugin dir and by path", "[plugins]") {
    NodeRegistry reg;
    PluginLoader loader;
    loader.load("echo", reg);
    REQUIRE(reg.find("EchoNode", kNoModels));
    CHECK(reg.origin("EchoNode", kNoModels) == "plugin 'echo'");
    loader.load((kPluginDir / "bulkflow_echo.so").string(), reg);  // same file: no-op, no duplicate error
    CHECK(reg.type_names(kNoModels) == std::vector<std::string>{"EchoNode"});
}

TEST_CASE("a missing plugin is a clear error", "[plugins]") {
    NodeRegistry reg;
    PluginLoader loader;
    std::string msg;
    CHECK(load_error(loader, reg, "nosuchplugin", msg) == ErrorCode::plugin_missing);
    CHECK_THAT(msg, Contains("plugin 'nosuchplugin' not found") && Contains("bulkflow_nosuchplugin.so"));
    CHECK(load_error(loader, reg, "/no/such/file.so", msg) == ErrorCode::plugin_missing);
}

TEST_CASE("a plugin with the wrong ABI is refused before it registers anything", "[plugins]") {
    NodeRegistry reg;
    PluginLoader loader({kTestPlugins});
    std::string msg;
    CHECK(load_error(loader, reg, "bad_abi", msg) == ErrorCode::plugin_abi);
    CHECK_THAT(msg, Contains("plugin ABI " + std::to_string(kPluginAbi + 1) + ", engine ABI " +
                             std::to_string(kPluginAbi)));
    CHECK(reg.type_names(kNoModels).empty());
}

TEST_CASE("two plugins registering one node type is an error", "[plugins]") {
    NodeRegistry reg;
    PluginLoader loader({kTestPlugins});
    loader.load("echo", reg);
    std::string msg;
    CHECK(load_error(loader, reg, "dup_echo", msg) == ErrorCode::plugin_init);
    CHECK_THAT(msg, Contains("'EchoNode'") && Contains("already registered by plugin 'echo'"));
}

TEST_CASE("a library that is not a plugin is refused", "[plugins]") {
    NodeRegistry reg;
    PluginLoader loader;
    std::string msg;
    auto engine_lib = kPluginDir.parent_path().parent_path() / "libbulkflow.so";
    CHECK(load_error(loader, reg, engine_lib.string(), msg) == ErrorCode::plugin_abi);
    CHECK_THAT(msg, Contains("no bulkflow_plugin_entry"));
}

TEST_CASE("BULKFLOW_PLUGIN_PATH is searched", "[plugins]") {
    setenv("BULKFLOW_PLUGIN_PATH", ("/nonexistent:" + kTestPlugins.string()).c_str(), 1);
    PluginLoader loader;
    unsetenv("BULKFLOW_PLUGIN_PATH");
    auto dirs = loader.search_dirs();
    REQUIRE(dirs.size() == 3);
    CHECK(dirs[1] == kTestPlugins);
}

TEST_CASE("a workflow runs a node from a plugin it names", "[plugins]") {
    WorkflowBuilder b;
    b.add_plugin("echo");
    b.add_node("EchoNode", "say", {{"message", "ab"}, {"repeat", 3}});
    LocalRuntime rt(Database{"sqlite:///:memory:"});
    auto res = rt.execute(b.build());
    CHECK(res.results["say"].at("echo").as_string() == "ababab");
    CHECK(res.results["say"].at("length").as_int64() == 6);
}

TEST_CASE("results from plugin nodes outlive the runtime that loaded the plugin", "[plugins]") {
    // Regression (found by AddressSanitizer): destroying the runtime unloaded the io plugin, and
    // destroying or reading a CSV stream from the results afterwards ran unmapped code.
    auto dir = std::filesystem::temp_directory_path() / ("bulkflow-outlive-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "r.csv") << "a,b\n1,2\n3,4\n";
    std::optional<ExecutionResult> kept;
    {
        LocalRuntime rt(Database{"sqlite:///:memory:"});
        WorkflowBuilder b;
        b.add_node("CSVReaderNode", "read", {{"path", (dir / "r.csv").string()}});
        kept = rt.execute(b.build());
    }
    auto stream = kept->results.output("read").streams.at("records");
    auto cursor = stream->open();
    RecordBatch batch;
    REQUIRE(cursor->next(batch, 10));
    CHECK(batch.size() == 2);
    kept.reset();
    cursor.reset();
    stream.reset();
    std::filesystem::remove_all(dir);
}
