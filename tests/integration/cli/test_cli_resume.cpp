// A resumable load killed with SIGKILL mid-way and run again stores every record exactly once;
// the same workflow pointed at another file is a new load (docs/bulk-nodes.md, "Resumable loads").

#include "cli_runner.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <signal.h>

#include <chrono>
#include <thread>

using namespace bulkflow::test;

namespace {

long long count_rows(const std::filesystem::path& db, const std::string& table) {
    sqlite3* h = nullptr;
    long long n = -1;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(h, 2000);
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(h, ("SELECT COUNT(*) FROM " + table).c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

void write_lines(const std::filesystem::path& p, int n, const std::string& prefix) {
    std::ofstream out(p, std::ios::trunc);
    for (int i = 0; i < n; ++i) out << R"({"code": ")" << prefix << i << R"(", "qty": )" << i << "}\n";
}

const char* kWorkflow = R"(
models:
  Item:
    fields:
      code: {type: str, unique: true}
      qty: int
nodes:
  - id: read
    type: JSONReaderNode
    params: {path: "<<inputs.file>>", format: lines}
  - id: load
    type: ItemBulkCreateNode
    params: {data: "<<read.records>>", resumable: true, batch_size: 500}
)";

} // namespace

TEST_CASE("a resumable load killed with SIGKILL resumes exactly once; another file is a new load", "[cli][resume]") {
    auto dir = temp_dir("cli-resume-kill");
    const auto wf = write_file(dir / "wf.yaml", kWorkflow);
    const auto db = dir / "shop.db";
    const auto big = dir / "big.jsonl", other = dir / "other.jsonl";
    const int n = 300000;
    write_lines(big, n, "a");
    write_lines(other, 5000, "b");
    const std::string args = "run " + shell_quote(wf.string()) + " --database " + shell_quote("sqlite:///" + db.string()) +
                             " --progress none --input file=";

    // Start the load in the background and kill it once some batches are committed.
    const std::string cmd = shell_quote(BULKFLOW_CLI) + " " + args + shell_quote(big.string()) +
                            " >/dev/null 2>/dev/null </dev/null & echo $!";
    FILE* p = ::popen(cmd.c_str(), "r");
    long pid = 0;
    REQUIRE(std::fscanf(p, "%ld", &pid) == 1);
    ::pclose(p);
    long long at_kill = -1;
    for (int i = 0; i < 4000; ++i) {
        at_kill = count_rows(db, "items");
        if (at_kill > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const long long stored = count_rows(db, "items");
    if (stored == n) WARN("the load finished before it could be killed; the resume path was not exercised");

    auto again = run_cli(args + shell_quote(big.string()));
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    auto data = again.json().at("results").at("load").at("data");
    CHECK(count_rows(db, "items") == n);  // unique codes: a duplicate would have failed the run
    CHECK(data.at("resumed_from").as_int64() + data.at("inserted").as_int64() == n);

    auto other_run = run_cli(args + shell_quote(other.string()));
    INFO(other_run.err);
    REQUIRE(other_run.exit_code == 0);
    CHECK(other_run.json().at("results").at("load").at("data").at("inserted").as_int64() == 5000);
    CHECK(count_rows(db, "items") == n + 5000);

    auto done = run_cli(args + shell_quote(other.string()));
    REQUIRE(done.exit_code == 0);
    CHECK(done.json().at("results").at("load").at("data").at("already_loaded").as_bool());
    CHECK(count_rows(db, "items") == n + 5000);
}
