#pragma once
/// @file row_batch.hpp
/// RowBatch: records converted to a model's types, ready for a dialect to write. Row-major
/// storage of SqlValue; each row remembers its record's index in the input stream.

#include <bulkflow/model.hpp>
#include <bulkflow/sql_value.hpp>

#include <cstddef>
#include <vector>

namespace bulkflow {

class RowBatch {
public:
    explicit RowBatch(std::vector<const Field*> columns = {}) : columns_(std::move(columns)) {}

    [[nodiscard]] const std::vector<const Field*>& columns() const noexcept { return columns_; }
    [[nodiscard]] std::size_t rows() const noexcept { return index_.size(); }
    [[nodiscard]] bool empty() const noexcept { return index_.empty(); }

    /// Reserves room for `rows` rows.
    void reserve(std::size_t rows) {
        values_.reserve(rows * columns_.size());
        index_.reserve(rows);
    }
    /// Appends a row (values in column order) for stream record `record_index`.
    void add_row(std::vector<SqlValue> values, std::size_t record_index) {
        for (auto& v : values) values_.push_back(std::move(v));
        index_.push_back(record_index);
    }
    [[nodiscard]] const SqlValue& at(std::size_t row, std::size_t column) const {
        return values_[row * columns_.size() + column];
    }
    [[nodiscard]] std::size_t record_index(std::size_t row) const { return index_[row]; }
    /// Position of the column named `name`, or columns().size() when absent.
    [[nodiscard]] std::size_t column_of(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < columns_.size(); ++i)
            if (columns_[i]->name == name) return i;
        return columns_.size();
    }
    /// A batch with the same columns holding rows [from, to).
    [[nodiscard]] RowBatch slice(std::size_t from, std::size_t to) const {
        RowBatch b(columns_);
        const std::size_t w = columns_.size();
        b.values_.assign(values_.begin() + static_cast<std::ptrdiff_t>(from * w),
                         values_.begin() + static_cast<std::ptrdiff_t>(to * w));
        b.index_.assign(index_.begin() + static_cast<std::ptrdiff_t>(from), index_.begin() + static_cast<std::ptrdiff_t>(to));
        return b;
    }

private:
    std::vector<const Field*> columns_;
    std::vector<SqlValue> values_;
    std::vector<std::size_t> index_;
};

} // namespace bulkflow
