// The fingerprints of the file readers' streams (RecordStream::fingerprint): what a resumable
// load keys its ledger row by (docs/bulk-nodes.md, "Resumable loads"). A file is identified by
// its absolute path, size and modification time; the reader's options are part of it, since
// the same file read with another delimiter yields other records.

#include <bulkflow/io/csv_stream.hpp>
#include <bulkflow/io/json_stream.hpp>

#include <sys/stat.h>

#include <filesystem>

namespace bulkflow::io {
namespace {

// "" when the file cannot be read: the load then fails when it opens the file anyway.
std::string file_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    const long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    return (ec ? path : absolute.lexically_normal().string()) + "|size=" + std::to_string(st.st_size) +
           "|mtime_ns=" + std::to_string(mtime_ns);
}

} // namespace

std::string CsvStream::fingerprint() const {
    const auto& o = *options_;
    std::string id = file_identity(o.path);
    if (id.empty()) return {};
    std::string s = "csv:" + id + "|delimiter=" + std::string(1, o.delimiter) + "|header=" + (o.header ? "1" : "0");
    if (o.columns)
        for (const auto& c : *o.columns) s += "|column=" + c;
    for (const auto& n : o.null_values) s += "|null=" + n;
    return s;
}

std::string JsonStream::fingerprint() const {
    std::string id = file_identity(options_->path);
    if (id.empty()) return {};
    return "json:" + id + "|format=" + std::string(to_string(options_->format));
}

} // namespace bulkflow::io
