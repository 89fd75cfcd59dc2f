#pragma once
// Internal: a file read in fixed-size chunks, plus helpers shared by the readers.

#include <bulkflow/error.hpp>

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace bulkflow::io::detail {

/// Reads a file chunk by chunk into one fixed buffer. The parser owns the position:
/// data()[pos() .. end()) is the unread part of the current chunk.
class ChunkReader {
public:
    static constexpr std::size_t kChunkSize = 64 * 1024;

    /// Opens `path`; throws Error(invalid_data, "cannot open 'PATH': REASON").
    explicit ChunkReader(const std::string& path, std::size_t chunk_size = kChunkSize);

    [[nodiscard]] const char* data() const noexcept { return buf_.get(); }
    [[nodiscard]] std::size_t end() const noexcept { return end_; }
    std::size_t pos = 0;

    /// True when at least one unread byte is available, reading the next chunk if needed (the
    /// previous chunk's bytes are gone). False at end of file. Throws Error(invalid_data) on a
    /// read error.
    bool available() {
        if (pos < end_) return true;
        return refill();
    }
    [[nodiscard]] char peek() const noexcept { return buf_[pos]; }

    /// Skips a UTF-8 byte order mark at the start of the file.
    void skip_bom();

private:
    bool refill();
    struct Closer {
        void operator()(std::FILE* f) const noexcept { std::fclose(f); }
    };
    std::string path_;
    std::unique_ptr<std::FILE, Closer> file_;
    std::unique_ptr<char[]> buf_;
    std::size_t cap_;
    std::size_t end_ = 0;
    bool eof_ = false;
};

/// Error(invalid_data, "PATH:LINE: MESSAGE").
[[nodiscard]] Error data_error(const std::string& path, std::size_t line, std::string_view message);

/// data_error for a record over the reader's `max_record_bytes` parameter.
[[nodiscard]] Error record_too_long(const std::string& path, std::size_t line, std::size_t limit);

/// Index of the first byte of `s` that starts an invalid UTF-8 sequence, or npos.
[[nodiscard]] std::size_t invalid_utf8_at(std::string_view s) noexcept;

} // namespace bulkflow::io::detail
