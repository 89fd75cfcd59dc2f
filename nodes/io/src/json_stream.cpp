// JsonStream: JSON lines and top-level arrays, read in chunks and parsed one record at a time.
#include <bulkflow/io/json_stream.hpp>

#include "file_reader.hpp"

#include <bulkflow/json_text.hpp>

#include <algorithm>
#include <cstring>

namespace bulkflow::io {

std::string_view to_string(JsonFormat f) noexcept {
    switch (f) {
    case JsonFormat::automatic: return "auto";
    case JsonFormat::array: return "array";
    case JsonFormat::lines: return "lines";
    }
    return "auto";
}

JsonFormat parse_json_format(std::string_view text) {
    if (text == "auto") return JsonFormat::automatic;
    if (text == "array") return JsonFormat::array;
    if (text == "lines") return JsonFormat::lines;
    throw Error(ErrorCode::invalid_parameter,
                "parameter 'format' must be \"array\", \"lines\" or \"auto\", got '" + std::string(text) + "'");
}

namespace {

using detail::data_error;

constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view kind_of(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::object: return "an object";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::null: return "null";
    default: return "a number";
    }
}

/// State shared by both formats: the file, the current line and the record index.
class JsonCursorBase : public RecordCursor {
public:
    JsonCursorBase(std::shared_ptr<const JsonOptions> options, const JsonStream* owner)
        : options_(std::move(options)), owner_(owner), in_(options_->path),
          parser_(1024) { // the parser is not recursive; 32 (Boost's default) is too few
        in_.skip_bom();
    }

    /// Skips whitespace (counting lines); false at end of file.
    bool skip_ws() {
        while (in_.available()) {
            const char* const buf = in_.data();
            const char* p = buf + in_.pos;
            const char* const e = buf + in_.end();
            while (p < e && is_ws(*p)) {
                if (*p == '\n') ++line_;
                ++p;
            }
            in_.pos = static_cast<std::size_t>(p - buf);
            if (p < e) return true;
        }
        return false;
    }

    bool next(RecordBatch& out, std::size_t max_rows) final {
        out.clear();
        out.first_index = index_;
        if (done_ || max_rows == 0) return false;
        while (out.size() < max_rows) {
            if (!next_record()) {
                done_ = true;
                break;
            }
            out.append(record_.get_object());
            ++index_;
        }
        owner_->add_read(out.size());
        return !out.empty();
    }

protected:
    /// Reads the next record into record_ (an object); false at the end.
    virtual bool next_record() = 0;

    /// Parses `text` into record_; throws "PATH:LINE: record N: message" unless it is an object.
    /// `starts_line`: the text starts at column 1 of `line` (then columns are exact).
    void parse_record(std::string_view text, std::size_t line, bool starts_line) {
        boost::json::error_code ec;
        std::size_t used = 0;
        record_ = parser_.parse(text, ec, &used);
        if (ec) {
            std::string msg = "record " + std::to_string(index_) + ": invalid JSON: " + ec.message();
            if (ec != boost::json::error::incomplete) {
                // Locate the error: its line, and its column when known.
                std::size_t col = 1;
                bool exact = starts_line;
                for (std::size_t i = 0; i < used && i < text.size(); ++i) {
                    if (text[i] == '\n') {
                        ++line;
                        col = 1;
                        exact = true;
                    } else {
                        ++col;
                    }
                }
                if (exact) msg += " at column " + std::to_string(col);
            }
            throw data_error(options_->path, line, msg);
        }
        if (!record_.is_object())
            throw data_error(options_->path, line,
                             "record " + std::to_string(index_) + ": expected a JSON object, found " +
                                 std::string(kind_of(record_)));
    }

    std::shared_ptr<const JsonOptions> options_;
    const JsonStream* owner_;
    detail::ChunkReader in_;
    JsonReader parser_; ///< keeps numbers exact (docs/workflow-format.md, "Numbers")
    boost::json::value record_;
    std::size_t line_ = 1;
    std::size_t index_ = 0;
    bool done_ = false;
};

/// One object per line; blank lines skipped.
class LinesCursor final : public JsonCursorBase {
public:
    using JsonCursorBase::JsonCursorBase;

private:
    bool next_record() override {
        for (;;) {
            std::string_view text;
            if (!read_line(text)) return false;
            const std::size_t line = line_++;
            if (std::all_of(text.begin(), text.end(), is_ws)) continue;
            parse_record(text, line, true);
            return true;
        }
    }

    /// The next line without its line break; false at end of file. The view is valid until the
    /// next call (it points into the chunk when the line fits in it, else into line_buf_).
    bool read_line(std::string_view& text) {
        line_buf_.clear();
        bool any = false;
        while (in_.available()) {
            any = true;
            const char* const buf = in_.data();
            const char* const b = buf + in_.pos;
            const std::size_t avail = in_.end() - in_.pos;
            const auto* nl = static_cast<const char*>(std::memchr(b, '\n', avail));
            if (!nl) {
                line_buf_.append(b, avail);
                in_.pos = in_.end();
                if (line_buf_.size() > options_->max_record_bytes)
                    throw detail::record_too_long(options_->path, line_, options_->max_record_bytes);
                continue;
            }
            if (line_buf_.size() + static_cast<std::size_t>(nl - b) > options_->max_record_bytes)
                throw detail::record_too_long(options_->path, line_, options_->max_record_bytes);
            in_.pos = static_cast<std::size_t>(nl - buf) + 1;
            if (line_buf_.empty()) {
                text = std::string_view(b, static_cast<std::size_t>(nl - b));
            } else {
                line_buf_.append(b, nl);
                text = line_buf_;
            }
            strip_cr(text);
            return true;
        }
        if (!any) return false;
        text = line_buf_;
        strip_cr(text);
        return true;
    }

    static void strip_cr(std::string_view& text) noexcept {
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    }

    std::string line_buf_;
};

/// A top-level array: a small scanner finds each element's bytes (tracking strings, escapes and
/// nesting) and each element is parsed on its own, so only one record is in memory at a time.
class ArrayCursor final : public JsonCursorBase {
public:
    ArrayCursor(std::shared_ptr<const JsonOptions> options, const JsonStream* owner)
        : JsonCursorBase(std::move(options), owner) {
        if (!skip_ws()) { // empty file: no records
            finished_ = true;
            return;
        }
        if (in_.peek() != '[')
            throw data_error(options_->path, line_, "expected '[' at the start of a JSON array");
        ++in_.pos;
    }

private:
    bool next_record() override {
        if (finished_) return false;
        if (!skip_ws()) fail_unclosed();
        char c = in_.peek();
        if (c == ']') {
            finish();
            return false;
        }
        if (!first_) {
            // scan_element() stops only at ',' or ']', so this is the ',' between two records
            ++in_.pos;
            if (!skip_ws()) fail_unclosed();
            c = in_.peek();
            if (c == ']') throw data_error(options_->path, line_, "trailing ',' before ']'");
        }
        first_ = false;
        if (c == ',')
            throw data_error(options_->path, line_,
                             "record " + std::to_string(index_) + ": expected a value, found ','");
        scan_element();
        parse_record(elem_, elem_line_, false);
        return true;
    }

    /// Copies the element starting at the current position into elem_, up to (not including) the
    /// ',' or ']' that ends it at nesting depth 0.
    void scan_element() {
        elem_.clear();
        elem_line_ = line_;
        std::size_t depth = 0;
        for (;;) {
            if (!in_.available())
                throw data_error(options_->path, elem_line_,
                                 "record " + std::to_string(index_) +
                                     ": unexpected end of file (the record or the array is not closed)");
            const char* const buf = in_.data();
            const char* const b = buf + in_.pos;
            const char* const e = buf + in_.end();
            const char* p = b;
            bool stop = false;
            for (; p < e; ++p) {
                const char ch = *p;
                if (in_string_) {
                    if (escape_) escape_ = false;
                    else if (ch == '\\') escape_ = true;
                    else if (ch == '"') in_string_ = false;
                    else if (ch == '\n') ++line_;
                    continue;
                }
                if (ch == '"') {
                    in_string_ = true;
                } else if (ch == '{' || ch == '[') {
                    ++depth;
                } else if (ch == '}' || ch == ']') {
                    if (depth == 0) {
                        if (ch == ']') {
                            stop = true;
                            break;
                        }
                        // a stray '}': keep it, the parser reports it
                    } else {
                        --depth;
                    }
                } else if (ch == ',') {
                    if (depth == 0) {
                        stop = true;
                        break;
                    }
                } else if (ch == '\n') {
                    ++line_;
                }
            }
            elem_.append(b, p);
            if (elem_.size() > options_->max_record_bytes)
                throw detail::record_too_long(options_->path, elem_line_, options_->max_record_bytes);
            in_.pos = static_cast<std::size_t>(p - buf);
            if (stop) return;
        }
    }

    void finish() {
        ++in_.pos; // ']'
        finished_ = true;
        if (skip_ws())
            throw data_error(options_->path, line_, "unexpected data after the closing ']' of the array");
    }

    [[noreturn]] void fail_unclosed() const {
        throw data_error(options_->path, line_,
                         "unexpected end of file: the array is not closed (missing ']')");
    }

    std::string elem_;
    std::size_t elem_line_ = 0;
    bool in_string_ = false;
    bool escape_ = false;
    bool finished_ = false;
    bool first_ = true;
};

/// Resolves `automatic` by looking at the first non-whitespace character.
JsonFormat detect(const std::string& path) {
    detail::ChunkReader in(path);
    in.skip_bom();
    while (in.available()) {
        const char c = in.peek();
        if (!is_ws(c)) return c == '[' ? JsonFormat::array : JsonFormat::lines;
        ++in.pos;
    }
    return JsonFormat::lines;
}

} // namespace

JsonStream::JsonStream(JsonOptions options)
    : options_(std::make_shared<const JsonOptions>(std::move(options))) {}

std::unique_ptr<RecordCursor> JsonStream::open() const {
    JsonFormat f = options_->format;
    if (f == JsonFormat::automatic) f = detect(options_->path);
    if (f == JsonFormat::array) return std::make_unique<ArrayCursor>(options_, this);
    return std::make_unique<LinesCursor>(options_, this);
}

JsonFormat JsonStream::detect_format() const {
    if (options_->format != JsonFormat::automatic) {
        detail::ChunkReader check(options_->path); // fails like open() when unreadable
        return options_->format;
    }
    return detect(options_->path);
}

} // namespace bulkflow::io
