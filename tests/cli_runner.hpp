#pragma once
// Runs the real `bulkflow` binary for end-to-end tests: exit code, stdout, stderr.

#include <boost/json.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bulkflow::test {

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    /// stdout parsed as one JSON object (fails the parse loudly if it is not exactly that).
    [[nodiscard]] boost::json::object json() const { return boost::json::parse(out).as_object(); }
};

inline std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// Runs `bulkflow ARGS` with stdin from /dev/null (unless `stdin_text` is given).
inline CliResult run_cli(const std::string& args, const std::string& stdin_text = {}) {
    static int counter = 0;
    auto dir = std::filesystem::temp_directory_path() / ("bulkflow-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto err_path = dir / ("stderr-" + std::to_string(++counter));
    std::string input = "/dev/null";
    if (!stdin_text.empty()) {
        input = (dir / ("stdin-" + std::to_string(counter))).string();
        std::ofstream(input) << stdin_text;
    }
    std::string cmd = shell_quote(BULKFLOW_CLI) + " " + args + " <" + input + " 2>" + shell_quote(err_path.string());
    CliResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(err_path);
    std::stringstream ss;
    ss << e.rdbuf();
    r.err = ss.str();
    return r;
}

/// A fresh temp directory per test.
inline std::filesystem::path temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("bulkflow-test-" + std::to_string(::getpid())) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::filesystem::path write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p) << text;
    return p;
}

} // namespace bulkflow::test
