#pragma once
/// @file record.hpp
/// Records move between nodes as RecordStreams of columnar RecordBatches, never as one giant JSON
/// array. A stream is a re-openable description of the data (a file, an array, a query); each
/// consumer opens its own cursor and pulls batches of bounded size.

#include <boost/json.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow {

/// A batch of records stored by column. A cell is a JSON value; a cell can also be *absent*
/// (the record had no such key), which differs from JSON null (explicit NULL). A number cell is
/// a JSON number or an exact number `{"$number": "<text>"}` (bulkflow/json_number.hpp).
///
/// A present cell may carry one mark: *empty unquoted*, an empty string that a text source
/// (a CSV file) read from an empty unquoted cell (`a,,b`). Model conversion reads it as NULL for
/// every field type except str, where it is the empty string; a quoted `""` is never marked.
///
/// Not thread-safe; a batch is owned by one task at a time.
class RecordBatch {
public:
    /// Index, in the whole stream, of this batch's first record (for error messages).
    std::size_t first_index = 0;

    [[nodiscard]] std::size_t size() const noexcept { return rows_; }
    [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
    [[nodiscard]] std::size_t column_count() const noexcept { return names_.size(); }

    /// Column position of `name`, or nullopt.
    [[nodiscard]] std::optional<std::size_t> find_column(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < names_.size(); ++i)
            if (names_[i] == name) return i;
        return std::nullopt;
    }

    /// Adds a column (all cells absent) and returns its position; existing name -> its position.
    std::size_t add_column(std::string_view name) {
        if (auto i = find_column(name)) return *i;
        names_.emplace_back(name);
        cells_.emplace_back(rows_);
        present_.emplace_back(rows_, std::uint8_t{0});
        return names_.size() - 1;
    }

    /// Appends one empty row (every cell absent) and returns its position.
    std::size_t add_row() {
        for (auto& c : cells_) c.emplace_back();
        for (auto& p : present_) p.push_back(0);
        return rows_++;
    }

    /// Sets a cell (marks it present).
    void set(std::size_t column, std::size_t row, boost::json::value v) {
        cells_[column][row] = std::move(v);
        present_[column][row] = 1;
    }

    /// Sets a cell to the empty string marked *empty unquoted* (see the class comment).
    void set_empty_unquoted(std::size_t column, std::size_t row) {
        cells_[column][row] = boost::json::string();
        present_[column][row] = kEmptyUnquoted;
    }

    /// True if the cell was set by set_empty_unquoted() (and not replaced since).
    [[nodiscard]] bool is_empty_unquoted(std::size_t column, std::size_t row) const noexcept {
        return present_[column][row] == kEmptyUnquoted;
    }

    /// Appends a record given as a JSON object; keys become columns.
    void append(const boost::json::object& record) {
        std::size_t r = add_row();
        for (const auto& kv : record) set(add_column(kv.key()), r, kv.value());
    }

    /// The cell, or nullptr when absent.
    [[nodiscard]] const boost::json::value* get(std::size_t column, std::size_t row) const noexcept {
        return present_[column][row] ? &cells_[column][row] : nullptr;
    }
    [[nodiscard]] boost::json::value* get(std::size_t column, std::size_t row) noexcept {
        return present_[column][row] ? &cells_[column][row] : nullptr;
    }

    /// The record at `row` as a JSON object (absent cells omitted).
    [[nodiscard]] boost::json::object row(std::size_t row) const {
        boost::json::object o;
        for (std::size_t c = 0; c < names_.size(); ++c)
            if (present_[c][row]) o[names_[c]] = cells_[c][row];
        return o;
    }

    void clear() noexcept {
        names_.clear();
        cells_.clear();
        present_.clear();
        rows_ = 0;
        first_index = 0;
    }

    void reserve(std::size_t rows) {
        for (auto& c : cells_) c.reserve(rows);
        for (auto& p : present_) p.reserve(rows);
    }

private:
    /// present_ values: 0 absent, 1 present, kEmptyUnquoted present and marked.
    static constexpr std::uint8_t kEmptyUnquoted = 2;

    std::vector<std::string> names_;
    std::vector<std::vector<boost::json::value>> cells_;
    std::vector<std::vector<std::uint8_t>> present_;
    std::size_t rows_ = 0;
};

/// One pass over a stream. Not thread-safe; owned by one consumer.
class RecordCursor {
public:
    virtual ~RecordCursor() = default;
    /// Replaces `out` with up to `max_rows` next records; returns false (and leaves `out` empty)
    /// at the end. Throws bulkflow::Error(invalid_data) naming the line/record on malformed input.
    virtual bool next(RecordBatch& out, std::size_t max_rows) = 0;
};

/// A re-openable, lazily read sequence of records. Shared between nodes by shared_ptr; `open()`
/// may be called concurrently and gives each caller an independent cursor.
class RecordStream {
public:
    virtual ~RecordStream() = default;
    [[nodiscard]] virtual std::unique_ptr<RecordCursor> open() const = 0;
    /// Number of records when known without reading (arrays), else nullopt.
    [[nodiscard]] virtual std::optional<std::size_t> size_hint() const { return std::nullopt; }
    /// Identifies the records this stream yields, for resumable loads (docs/bulk-nodes.md,
    /// "Resumable loads"): two streams with the same non-empty fingerprint yield the same records.
    /// A file reader returns its path, size, modification time and options; empty (the default)
    /// means unknown, and a resumable load then hashes the records themselves.
    [[nodiscard]] virtual std::string fingerprint() const { return {}; }
    /// Records handed out by cursors so far (summed over cursors); shown in printed results.
    [[nodiscard]] std::size_t records_read() const noexcept { return read_.load(); }
    void add_read(std::size_t n) const noexcept { read_.fetch_add(n); }

private:
    mutable std::atomic<std::size_t> read_{0};
};

/// A stream over an in-memory JSON array of objects (what C++ callers pass as `data`).
class ArrayStream final : public RecordStream {
public:
    explicit ArrayStream(boost::json::array records)
        : records_(std::make_shared<const boost::json::array>(std::move(records))) {}
    /// Shares `records` (not null) instead of copying it; it must not change while the stream
    /// or one of its cursors exists.
    explicit ArrayStream(std::shared_ptr<const boost::json::array> records) : records_(std::move(records)) {}

    [[nodiscard]] std::unique_ptr<RecordCursor> open() const override {
        return std::make_unique<Cursor>(records_, this);
    }
    [[nodiscard]] std::optional<std::size_t> size_hint() const override { return records_->size(); }

private:
    class Cursor final : public RecordCursor {
    public:
        Cursor(std::shared_ptr<const boost::json::array> a, const ArrayStream* owner)
            : a_(std::move(a)), owner_(owner) {}
        bool next(RecordBatch& out, std::size_t max_rows) override {
            out.clear();
            out.first_index = pos_;
            while (pos_ < a_->size() && out.size() < max_rows) {
                const auto& v = (*a_)[pos_];
                if (!v.is_object())
                    throw_not_object(pos_);
                out.append(v.get_object());
                ++pos_;
            }
            owner_->add_read(out.size());
            return !out.empty();
        }

    private:
        [[noreturn]] static void throw_not_object(std::size_t index);
        std::shared_ptr<const boost::json::array> a_;
        const ArrayStream* owner_;
        std::size_t pos_ = 0;
    };
    std::shared_ptr<const boost::json::array> records_;
};

} // namespace bulkflow

#include <bulkflow/error.hpp>

inline void bulkflow::ArrayStream::Cursor::throw_not_object(std::size_t index) {
    throw Error(ErrorCode::invalid_data,
                "record " + std::to_string(index) + ": expected a JSON object");
}
