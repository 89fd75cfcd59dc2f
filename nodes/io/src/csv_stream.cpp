// CsvStream: a chunked RFC 4180 parser (hand-written state machine) feeding RecordBatches.
#include <bulkflow/io/csv_stream.hpp>

#include "file_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <unordered_set>

namespace bulkflow::io {

char parse_delimiter(std::string_view text) {
    if (text == "\\t" || text == "\t") return '\t';
    if (text.size() != 1)
        throw Error(ErrorCode::invalid_parameter,
                    "parameter 'delimiter' must be a single character (or \"\\t\" for a tab), got '" +
                        std::string(text) + "'");
    const char c = text[0];
    if (c == '"' || c == '\r' || c == '\n' || static_cast<unsigned char>(c) >= 0x80)
        throw Error(ErrorCode::invalid_parameter,
                    "parameter 'delimiter' cannot be a quote, a line break or a non-ASCII character");
    return c;
}

namespace {

using detail::data_error;

/// Reads one CSV record at a time. Field bytes are copied into one reusable buffer, so a record
/// costs no allocation once the buffers have grown to the largest record.
class CsvParser {
public:
    CsvParser(const std::string& path, char delimiter, std::size_t max_record_bytes)
        : path_(path), in_(path), delim_(delimiter), max_bytes_(max_record_bytes) {
        special_.fill(false);
        special_[static_cast<unsigned char>(delimiter)] = true;
        special_[static_cast<unsigned char>('"')] = true;
        special_[static_cast<unsigned char>('\r')] = true;
        special_[static_cast<unsigned char>('\n')] = true;
        in_.skip_bom();
    }

    /// Reads the next record; false at end of file. Blank lines are skipped.
    bool next();

    [[nodiscard]] std::size_t field_count() const noexcept { return ends_.size(); }
    /// True if field i was written in quotes (so `""` is an empty string, a bare empty cell NULL).
    [[nodiscard]] bool quoted(std::size_t i) const noexcept { return quoted_[i] != 0; }
    [[nodiscard]] std::string_view field(std::size_t i) const noexcept {
        const std::size_t b = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(data_).substr(b, ends_[i] - b);
    }
    /// 1-based line where the last record read starts.
    [[nodiscard]] std::size_t record_line() const noexcept { return record_line_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    enum class State { field_start, unquoted, quoted, after_quote };

    /// Consumes the line break at the current position ("\n", "\r\n" or a lone "\r").
    void consume_line_break() {
        const char c = in_.peek();
        ++in_.pos;
        ++line_;
        if (c == '\r' && in_.available() && in_.peek() == '\n') ++in_.pos;
    }
    // Bytes buffered for the record: cell bytes plus one per field end, so a line of only
    // delimiters is bounded too.
    void check_size() const {
        if (data_.size() + ends_.size() > max_bytes_) throw detail::record_too_long(path_, record_line_, max_bytes_);
    }
    void end_field() {
        check_size();
        ends_.push_back(data_.size());
        quoted_.push_back(field_quoted_);
        field_quoted_ = 0;
    }
    [[noreturn]] void fail(std::size_t line, std::string_view message) const {
        throw data_error(path_, line, message);
    }

    const std::string& path_;
    detail::ChunkReader in_;
    char delim_;
    std::size_t max_bytes_;
    std::array<bool, 256> special_{};
    std::string data_;
    std::vector<std::size_t> ends_;
    std::vector<std::uint8_t> quoted_;
    std::uint8_t field_quoted_ = 0;
    std::size_t line_ = 1;
    std::size_t record_line_ = 0;
};

bool CsvParser::next() {
    data_.clear();
    ends_.clear();
    quoted_.clear();
    field_quoted_ = 0;
    // Skip blank lines (they hold no record); stop at end of file.
    for (;;) {
        if (!in_.available()) return false;
        const char c = in_.peek();
        if (c != '\n' && c != '\r') break;
        consume_line_break();
    }
    record_line_ = line_;
    std::size_t quote_line = 0;
    State st = State::field_start;
    for (;;) {
        if (!in_.available()) {
            if (st == State::quoted) fail(quote_line, "unclosed quoted field (missing closing '\"')");
            end_field();
            break;
        }
        const char* const buf = in_.data();
        const char* const b = buf + in_.pos;
        const char* const e = buf + in_.end();
        switch (st) {
        case State::field_start:
            if (*b == '"') {
                quote_line = line_;
                field_quoted_ = 1;
                ++in_.pos;
                st = State::quoted;
                continue;
            }
            st = State::unquoted;
            [[fallthrough]];
        case State::unquoted: {
            const char* p = b;
            while (p < e && !special_[static_cast<unsigned char>(*p)]) ++p;
            data_.append(b, p);
            check_size();
            in_.pos = static_cast<std::size_t>(p - buf);
            if (p == e) continue; // the field goes on in the next chunk
            const char c = *p;
            if (c == delim_) {
                end_field();
                ++in_.pos;
                st = State::field_start;
                continue;
            }
            if (c == '"')
                fail(line_, "unexpected '\"' in an unquoted field (a field containing quotes must be "
                            "quoted, with each quote doubled)");
            end_field();
            consume_line_break();
            goto done;
        }
        case State::quoted: {
            const auto* q = static_cast<const char*>(std::memchr(b, '"', static_cast<std::size_t>(e - b)));
            const char* stop = q ? q : e;
            line_ += static_cast<std::size_t>(std::count(b, stop, '\n'));
            data_.append(b, stop);
            check_size();
            in_.pos = static_cast<std::size_t>(stop - buf) + (q ? 1 : 0);
            if (q) st = State::after_quote;
            continue;
        }
        case State::after_quote: {
            const char c = *b;
            if (c == '"') { // "" inside a quoted field
                data_.push_back('"');
                ++in_.pos;
                st = State::quoted;
                continue;
            }
            if (c == delim_) {
                end_field();
                ++in_.pos;
                st = State::field_start;
                continue;
            }
            if (c == '\n' || c == '\r') {
                end_field();
                consume_line_break();
                goto done;
            }
            fail(line_, "unexpected character after a closing quote (expected a delimiter or the "
                        "end of the line)");
        }
        }
    }
done:
    if (const auto bad = detail::invalid_utf8_at(data_); bad != std::string_view::npos)
        fail(record_line_, "invalid UTF-8 (the file must be UTF-8 encoded)");
    return true;
}

/// Column names for a cursor: from the header, `columns`, or column_1..N.
struct Layout {
    std::vector<std::string> names;
    bool pending_record = false; // the parser holds a data record not handed out yet
};

Layout read_layout(CsvParser& parser, const CsvOptions& o) {
    Layout l;
    if (o.header) {
        if (!parser.next()) {
            if (o.columns) l.names = *o.columns;
            return l;
        }
        if (o.columns) {
            if (o.columns->size() != parser.field_count())
                throw data_error(o.path, parser.record_line(),
                                 "parameter 'columns' names " + std::to_string(o.columns->size()) +
                                     " columns but the header has " +
                                     std::to_string(parser.field_count()) + " fields");
            l.names = *o.columns;
        } else {
            l.names.reserve(parser.field_count());
            for (std::size_t i = 0; i < parser.field_count(); ++i)
                l.names.emplace_back(parser.field(i));
        }
    } else if (o.columns) {
        l.names = *o.columns;
    } else {
        if (!parser.next()) return l;
        l.pending_record = true;
        for (std::size_t i = 1; i <= parser.field_count(); ++i)
            l.names.push_back("column_" + std::to_string(i));
    }
    std::unordered_set<std::string_view> seen;
    for (const auto& n : l.names) {
        if (seen.insert(n).second) continue;
        if (o.columns)
            throw Error(ErrorCode::invalid_parameter,
                        "parameter 'columns' names column '" + n + "' twice");
        throw data_error(o.path, parser.record_line(), "duplicate column name '" + n + "' in the header");
    }
    return l;
}

class CsvCursor final : public RecordCursor {
public:
    CsvCursor(std::shared_ptr<const CsvOptions> options, const CsvStream* owner)
        : options_(std::move(options)), owner_(owner),
          parser_(options_->path, options_->delimiter, options_->max_record_bytes), layout_(read_layout(parser_, *options_)),
          pending_(layout_.pending_record) {}

    const std::vector<std::string>& names() const noexcept { return layout_.names; }

    bool next(RecordBatch& out, std::size_t max_rows) override {
        out.clear();
        out.first_index = produced_;
        if (done_ || max_rows == 0) return false;
        const auto& names = layout_.names;
        for (const auto& n : names) out.add_column(n);
        out.reserve(std::min<std::size_t>(max_rows, 4096));
        const auto& nulls = options_->null_values;
        while (out.size() < max_rows) {
            if (!pending_ && !parser_.next()) {
                done_ = true;
                break;
            }
            pending_ = false;
            if (parser_.field_count() != names.size())
                throw data_error(options_->path, parser_.record_line(),
                                 "expected " + std::to_string(names.size()) + " fields, found " +
                                     std::to_string(parser_.field_count()));
            const std::size_t row = out.add_row();
            for (std::size_t c = 0; c < names.size(); ++c) {
                const std::string_view cell = parser_.field(c);
                if (!nulls.empty() && std::find(nulls.begin(), nulls.end(), cell) != nulls.end())
                    out.set(c, row, nullptr);
                else if (cell.empty() && !parser_.quoted(c))
                    out.set_empty_unquoted(c, row); // NULL unless the field is a string
                else
                    out.set(c, row, boost::json::value(boost::json::string_view(cell.data(), cell.size())));
            }
        }
        const std::size_t n = out.size();
        produced_ += n;
        owner_->add_read(n);
        if (n == 0) {
            out.clear();
            out.first_index = produced_;
            return false;
        }
        return true;
    }

private:
    std::shared_ptr<const CsvOptions> options_;
    const CsvStream* owner_;
    CsvParser parser_;
    Layout layout_;
    bool pending_;
    bool done_ = false;
    std::size_t produced_ = 0;
};

} // namespace

CsvStream::CsvStream(CsvOptions options)
    : options_(std::make_shared<const CsvOptions>(std::move(options))) {
    (void)parse_delimiter(std::string_view(&options_->delimiter, 1));
}

std::unique_ptr<RecordCursor> CsvStream::open() const {
    return std::make_unique<CsvCursor>(options_, this);
}

std::vector<std::string> CsvStream::probe_columns() const {
    CsvCursor cursor(options_, this);
    return cursor.names();
}

} // namespace bulkflow::io
