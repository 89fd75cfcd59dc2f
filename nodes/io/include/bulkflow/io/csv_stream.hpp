#pragma once
/// @file csv_stream.hpp
/// A streamed RFC 4180 CSV reader: each cursor reads the file in fixed-size chunks, so memory stays
/// constant whatever the file size. Cells are JSON strings (or null, see null_values).

#include <bulkflow/record.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bulkflow::io {

struct CsvOptions {
    /// File path, as given by the user (used as is in error messages).
    std::string path;
    /// Field delimiter: one byte, not '"', '\r' or '\n'.
    char delimiter = ',';
    /// The first record holds the column names.
    bool header = true;
    /// Column names. With a header they replace the header's names (same count required);
    /// without one they name the columns. Absent and no header: column_1..column_N.
    std::optional<std::vector<std::string>> columns;
    /// Cells equal to one of these become JSON null.
    std::vector<std::string> null_values;
    /// Longest record (its cells' bytes plus delimiters) read; a longer one fails the read
    /// before more of it is buffered (docs/workflow-format.md, "Limits").
    std::size_t max_record_bytes = std::size_t{64} << 20;
};

/// Parses a `delimiter` parameter: one character, or the two characters `\t` meaning a tab.
/// Throws Error(invalid_parameter) otherwise.
[[nodiscard]] char parse_delimiter(std::string_view text);

/// A re-openable CSV file stream. open() opens the file (Error(invalid_data) "cannot open ...")
/// and reads the header; cursors throw Error(invalid_data) "PATH:LINE: message" on malformed
/// input, LINE being the 1-based line where the record starts.
class CsvStream final : public RecordStream {
public:
    explicit CsvStream(CsvOptions options);

    [[nodiscard]] std::unique_ptr<RecordCursor> open() const override;
    /// The file's absolute path, size and modification time, and the reader's options.
    [[nodiscard]] std::string fingerprint() const override;
    [[nodiscard]] const CsvOptions& options() const noexcept { return *options_; }

    /// Opens the file and returns the column names the cursors will use (reads the header, or the
    /// first record when there is no header and no `columns`). Empty for an empty file.
    [[nodiscard]] std::vector<std::string> probe_columns() const;

private:
    std::shared_ptr<const CsvOptions> options_;
};

} // namespace bulkflow::io
