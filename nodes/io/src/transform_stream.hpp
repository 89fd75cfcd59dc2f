#pragma once
// Internal: the record streams of MapNode and FilterNode. Each wraps its input stream; a cursor
// pulls one input batch at a time and transforms it, so memory stays bounded by the batch size
// whatever the input size.

#include "record_exprs.hpp"

#include <bulkflow/params.hpp>
#include <bulkflow/record.hpp>

#include <memory>
#include <optional>

namespace bulkflow::io::detail {

/// Every input record with each target key set to its expression's value (evaluated on the input
/// record; new keys are added, existing ones replaced, the others kept). Batches keep their size
/// and their records' indices.
class MapStream final : public RecordStream {
public:
    MapStream(StreamPtr input, std::shared_ptr<const ExprProgram> program)
        : input_(std::move(input)), program_(std::move(program)) {}

    [[nodiscard]] std::unique_ptr<RecordCursor> open() const override;
    [[nodiscard]] std::optional<std::size_t> size_hint() const override {
        return input_->size_hint();
    }

private:
    StreamPtr input_;
    std::shared_ptr<const ExprProgram> program_;
};

/// The input records for which the predicate is true (NULL drops the record). Output batches are
/// filled up to the requested size from as many input batches as needed; a partly used input
/// batch is kept for the next call. Output indices count output records; errors name the input
/// record's index.
class FilterStream final : public RecordStream {
public:
    FilterStream(StreamPtr input, std::shared_ptr<const ExprProgram> program)
        : input_(std::move(input)), program_(std::move(program)) {}

    [[nodiscard]] std::unique_ptr<RecordCursor> open() const override;

private:
    StreamPtr input_;
    std::shared_ptr<const ExprProgram> program_;
};

} // namespace bulkflow::io::detail
