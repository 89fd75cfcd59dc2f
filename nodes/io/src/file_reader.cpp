#include "file_reader.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

namespace bulkflow::io::detail {

ChunkReader::ChunkReader(const std::string& path, std::size_t chunk_size)
    : path_(path), cap_(chunk_size) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw Error(ErrorCode::invalid_data, "cannot open '" + path + "': " + std::strerror(EISDIR));
    errno = 0;
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) {
        const int err = errno;
        throw Error(ErrorCode::invalid_data, "cannot open '" + path + "': " +
                                                 (err ? std::strerror(err) : "unknown error"));
    }
    // Our own buffer is the only one: no stdio buffering on top of it.
    std::setvbuf(file_.get(), nullptr, _IONBF, 0);
    buf_ = std::make_unique<char[]>(cap_);
}

bool ChunkReader::refill() {
    pos = 0;
    end_ = 0;
    if (eof_) return false;
    while (end_ == 0) {
        errno = 0;
        const std::size_t n = std::fread(buf_.get(), 1, cap_, file_.get());
        end_ = n;
        if (n < cap_) {
            if (std::ferror(file_.get())) {
                const int err = errno;
                throw Error(ErrorCode::invalid_data, "cannot read '" + path_ + "': " +
                                                         (err ? std::strerror(err) : "read error"));
            }
            if (std::feof(file_.get())) {
                eof_ = true;
                break;
            }
        }
    }
    return end_ > 0;
}

void ChunkReader::skip_bom() {
    if (!available()) return;
    if (end_ - pos >= 3 && std::memcmp(buf_.get() + pos, "\xEF\xBB\xBF", 3) == 0) pos += 3;
}

Error data_error(const std::string& path, std::size_t line, std::string_view message) {
    std::string m;
    m.reserve(path.size() + message.size() + 24);
    m += path;
    m += ':';
    m += std::to_string(line);
    m += ": ";
    m += message;
    return Error(ErrorCode::invalid_data, m);
}

Error record_too_long(const std::string& path, std::size_t line, std::size_t limit) {
    return data_error(path, line, "the record starting here is longer than max_record_bytes (" + std::to_string(limit) +
                                      " bytes); raise the parameter if the file is trusted");
}

std::size_t invalid_utf8_at(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII fast path, 8 bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;      // no overlong forms
            else if (c == 0xED) hi = 0x9F; // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            else if (c == 0xF4) hi = 0x8F; // <= U+10FFFF
        } else {
            return i;
        }
        if (i + len > n) return i;
        if (p[i + 1] < lo || p[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
        i += len;
    }
    return std::string_view::npos;
}

} // namespace bulkflow::io::detail
