#include <bulkflow/error.hpp>
#include <bulkflow/output_file.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace bulkflow {

std::string unwritable_reason(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path p(path);
    if (path.empty()) return "is empty";
    if (fs::is_directory(p, ec)) return "is a directory";
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (!fs::is_directory(dir, ec)) return "its directory '" + dir.string() + "' does not exist";
    const bool exists = fs::exists(p, ec);
    if (exists ? ::access(path.c_str(), W_OK) != 0 : ::access(dir.c_str(), W_OK | X_OK) != 0)
        return std::string("is not writable: ") + std::strerror(errno);
    return {};
}

void check_writable(const std::string& param, const std::string& path) {
    if (auto why = unwritable_reason(path); !why.empty())
        throw Error(ErrorCode::invalid_parameter, "parameter '" + param + "': cannot write '" + path + "': " + why);
}

void write_whole_file(const std::string& param, const std::string& path, const std::string& text) {
    auto fail = [&](const char* what) {
        throw Error(ErrorCode::invalid_parameter,
                    "parameter '" + param + "': " + what + " '" + path + "' failed: " + std::strerror(errno));
    };
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) fail("opening");
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
    const int saved = errno;
    const bool closed = std::fclose(f) == 0;
    if (!written) {
        errno = saved;
        fail("writing");
    }
    if (!closed) fail("closing");
}

} // namespace bulkflow
