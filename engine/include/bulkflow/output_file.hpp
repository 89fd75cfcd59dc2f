#pragma once
/// @file output_file.hpp
/// Files bulkflow is asked to write (failed_records_file, backup_location, report_file,
/// metrics_file, `--output`): checked before anything is written, and written so that a write
/// or flush error is never silent (docs/bulk-nodes.md "Files bulkflow writes").

#include <string>

namespace bulkflow {

/// Why `path` cannot be written, or empty when it can: a directory, a missing parent directory,
/// no permission. Probes only: the file is neither created nor truncated, so a device that
/// fails on write (/dev/full) passes here and fails when written.
std::string unwritable_reason(const std::string& path);

/// Throws Error(invalid_parameter) "parameter 'PARAM': cannot write 'PATH': REASON" when
/// unwritable_reason(path) is not empty.
void check_writable(const std::string& param, const std::string& path);

/// Replaces `path` with `text` and flushes it; throws Error(invalid_parameter) naming `param`,
/// the path and the system's reason on any open, write or flush error.
void write_whole_file(const std::string& param, const std::string& path, const std::string& text);

} // namespace bulkflow
