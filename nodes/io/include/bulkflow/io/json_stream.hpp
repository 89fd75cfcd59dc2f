#pragma once
/// @file json_stream.hpp
/// A streamed JSON reader for a top-level array of objects or JSON lines (one object per line).
/// Cursors read the file in fixed-size chunks and parse one record at a time: memory stays
/// constant whatever the file size.

#include <bulkflow/record.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace bulkflow::io {

enum class JsonFormat {
    automatic, ///< first non-whitespace character '[' means array, else lines
    array,     ///< one JSON array of objects
    lines,     ///< one object per line, blank lines skipped
};

[[nodiscard]] std::string_view to_string(JsonFormat f) noexcept;
/// "auto" | "array" | "lines"; throws Error(invalid_parameter) otherwise.
[[nodiscard]] JsonFormat parse_json_format(std::string_view text);

struct JsonOptions {
    std::string path;
    JsonFormat format = JsonFormat::automatic;
    /// Longest line (lines) or array element (array) read; a longer one fails the read before
    /// more of it is buffered (docs/workflow-format.md, "Limits").
    std::size_t max_record_bytes = std::size_t{64} << 20;
};

/// A re-openable JSON file stream. open() opens the file (Error(invalid_data) "cannot open ...");
/// cursors throw Error(invalid_data) "PATH:LINE: record N: message" on malformed input
/// (N is the 0-based record index).
class JsonStream final : public RecordStream {
public:
    explicit JsonStream(JsonOptions options);

    [[nodiscard]] std::unique_ptr<RecordCursor> open() const override;
    /// The file's absolute path, size and modification time, and the reader's options.
    [[nodiscard]] std::string fingerprint() const override;
    [[nodiscard]] const JsonOptions& options() const noexcept { return *options_; }

    /// Opens the file and returns the format cursors will read (array or lines; `automatic` is
    /// resolved by looking at the first non-whitespace character).
    [[nodiscard]] JsonFormat detect_format() const;

private:
    std::shared_ptr<const JsonOptions> options_;
};

} // namespace bulkflow::io
