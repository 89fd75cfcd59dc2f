// The cursors of MapStream and FilterStream.
#include "transform_stream.hpp"

#include <cstdint>
#include <vector>

namespace bulkflow::io::detail {

namespace {

class MapCursor final : public RecordCursor {
public:
    MapCursor(std::unique_ptr<RecordCursor> input, std::shared_ptr<const ExprProgram> program,
              const MapStream* owner)
        : input_(std::move(input)), eval_(program), program_(std::move(program)), owner_(owner) {}

    bool next(RecordBatch& out, std::size_t max_rows) override {
        if (!input_->next(out, max_rows)) {
            out.clear();
            return false;
        }
        eval_.bind(out);
        const std::size_t rows = out.size();
        const std::size_t n = program_->size();
        // Every expression reads the input record: all results first, then the stores.
        results_.resize(n);
        for (auto& r : results_) {
            r.clear();
            r.reserve(rows);
        }
        for (std::size_t row = 0; row < rows; ++row) {
            eval_.load_row(out, row);
            for (std::size_t i = 0; i < n; ++i) results_[i].push_back(eval_.value(i));
        }
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t col = out.add_column(program_->targets()[i]);
            for (std::size_t row = 0; row < rows; ++row)
                out.set(col, row, std::move(results_[i][row]));
        }
        owner_->add_read(rows);
        return true;
    }

private:
    std::unique_ptr<RecordCursor> input_;
    ExprEvaluator eval_;
    std::shared_ptr<const ExprProgram> program_;
    const MapStream* owner_;
    std::vector<std::vector<boost::json::value>> results_;
};

class FilterCursor final : public RecordCursor {
public:
    FilterCursor(std::unique_ptr<RecordCursor> input, std::shared_ptr<const ExprProgram> program,
                 const FilterStream* owner)
        : input_(std::move(input)), eval_(std::move(program)), owner_(owner) {}

    bool next(RecordBatch& out, std::size_t max_rows) override {
        out.clear();
        out.first_index = emitted_;
        to_out_.assign(in_.column_count(), kNone);
        while (out.size() < max_rows) {
            if (pos_ >= in_.size()) {
                if (done_ || !input_->next(in_, max_rows)) {
                    done_ = true;
                    in_.clear();
                    pos_ = 0;
                    break;
                }
                pos_ = 0;
                eval_.bind(in_);
                to_out_.assign(in_.column_count(), kNone);
            }
            for (; pos_ < in_.size() && out.size() < max_rows; ++pos_) {
                eval_.load_row(in_, pos_);
                if (eval_.holds()) move_row(out, pos_);
            }
        }
        emitted_ += out.size();
        owner_->add_read(out.size());
        return !out.empty();
    }

private:
    static constexpr std::size_t kNone = SIZE_MAX;

    /// Moves the present cells of input row `row` into a new row of `out`; a column appears in
    /// `out` only once a kept record has a value in it.
    void move_row(RecordBatch& out, std::size_t row) {
        const std::size_t o = out.add_row();
        for (std::size_t c = 0; c < in_.column_count(); ++c) {
            auto* cell = in_.get(c, row);
            if (!cell) continue;
            if (to_out_[c] == kNone) to_out_[c] = out.add_column(in_.names()[c]);
            if (in_.is_empty_unquoted(c, row)) out.set_empty_unquoted(to_out_[c], o);
            else out.set(to_out_[c], o, std::move(*cell));
        }
    }

    std::unique_ptr<RecordCursor> input_;
    ExprEvaluator eval_;
    const FilterStream* owner_;
    RecordBatch in_;      ///< the current input batch
    std::size_t pos_ = 0; ///< next unread row of in_
    bool done_ = false;
    std::size_t emitted_ = 0;
    std::vector<std::size_t> to_out_; ///< in_ column -> out column, for the current call
};

} // namespace

std::unique_ptr<RecordCursor> MapStream::open() const {
    return std::make_unique<MapCursor>(input_->open(), program_, this);
}

std::unique_ptr<RecordCursor> FilterStream::open() const {
    return std::make_unique<FilterCursor>(input_->open(), program_, this);
}

} // namespace bulkflow::io::detail
