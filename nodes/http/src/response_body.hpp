#pragma once
// Turning a response's bytes into the node's `body`: JSON when the media type says so, else text.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace bulkflow::http::detail {

/// The media type of a Content-Type value, lower case, without parameters ("application/json").
[[nodiscard]] std::string media_type(std::string_view content_type);

/// application/json, text/json and every "+json" type (application/problem+json, ...).
[[nodiscard]] bool is_json_media_type(std::string_view media);

/// Parses a JSON body (a UTF-8 byte order mark is skipped). Returns false and sets `error` when
/// the body is not valid JSON.
[[nodiscard]] bool parse_json_body(std::string_view bytes, boost::json::value& out, std::string& error);

/// The body as UTF-8 text: ISO-8859-1 (charset=iso-8859-1 / latin1) is converted; otherwise the
/// bytes are taken as UTF-8 and invalid sequences become U+FFFD, so the result is valid JSON text.
[[nodiscard]] std::string body_text(std::string_view bytes, std::string_view content_type);

/// The first `max_chars` characters of `text` on one line (for error messages).
[[nodiscard]] std::string snippet(std::string_view text, std::size_t max_chars = 200);

} // namespace bulkflow::http::detail
