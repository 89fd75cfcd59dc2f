#pragma once
/// @file json_text.hpp
/// JSON text in and out without changing a number (docs/workflow-format.md, "Numbers").
///
/// In: JsonReader and parse_json keep an integer as int64/uint64, a number whose double is
/// faithful (magnitude within the normal double range, and the double's shortest text is the
/// same decimal: always so for at most 15 significant digits) as that double, correctly rounded, and any other number as an exact number cell
/// `{"$number": "<text>"}` (bulkflow/json_number.hpp). Ordinary numbers cost no allocation.
///
/// Out: to_json_text prints doubles as their shortest round-trip text in plain notation when the
/// decimal exponent is in [-6, 21), as JavaScript does (0.001986218, not 1.986218E-3), and an
/// exact number cell as its bare text, so what was read is written back unchanged.

#include <boost/json.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace bulkflow {

/// Parses complete JSON documents one at a time, keeping numbers exact. Reuses its memory
/// between documents; not thread-safe (one reader per cursor).
class JsonReader {
public:
    /// `max_depth`: deepest nesting accepted (the parser is not recursive).
    explicit JsonReader(std::size_t max_depth = 1024);
    ~JsonReader();
    JsonReader(const JsonReader&) = delete;
    JsonReader& operator=(const JsonReader&) = delete;

    /// Parses `text`, which must hold exactly one JSON value (surrounding whitespace allowed).
    /// On error sets `ec`, returns null and stores in `*used` how many bytes were consumed.
    boost::json::value parse(std::string_view text, boost::system::error_code& ec, std::size_t* used = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One document with a temporary JsonReader.
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec);

/// A number written as `text` (JSON number grammar; a leading '+' is allowed and dropped):
/// int64 or uint64 for an integer that fits, a faithful double, else an exact number cell.
/// Used for number scalars that do not come from a JSON parser (YAML). Throws
/// std::invalid_argument when `text` is not a number.
boost::json::value number_from_text(std::string_view text);

/// `v` as compact JSON with plain numbers (see the file comment); NaN and infinities, which
/// JSON cannot hold, print as null.
std::string to_json_text(const boost::json::value& v);
/// Appends to_json_text(v) to `out`.
void append_json_text(std::string& out, const boost::json::value& v);
/// The shortest round-trip text of `d` in the notation to_json_text uses ("0.1", "1e+21").
std::string double_text(double d);

} // namespace bulkflow
