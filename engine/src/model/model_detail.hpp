#pragma once
/// @file model_detail.hpp
/// Helpers shared by the model sources (private to engine/src/model).

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulkflow::model_detail {

/// An ISO 8601 text split into its written parts (before the offset is applied).
struct IsoParts {
    std::int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    bool has_time = false;
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    std::int64_t micros = 0;     ///< fraction of the second, digits beyond 6 truncated
    bool has_zone = false;       ///< Z or an offset was written
    std::int32_t offset_seconds = 0;
};

/// Parses exactly: YYYY-MM-DD[(T|t| )HH:MM[:SS[.f{1,9}]][Z|z|(+|-)HH[[:]MM]]], with range checks.
std::optional<IsoParts> parse_iso_parts(std::string_view s) noexcept;

/// "a string", "a number", "a boolean", "an object", "an array", "null".
std::string_view json_kind(const boost::json::value& v) noexcept;

/// `'text'` for messages: truncated to 60 code points (with "..."), invalid UTF-8 shown as U+FFFD.
std::string quoted(std::string_view s);

/// Byte offset of the first invalid UTF-8 sequence, or npos; counts code points in `*count`.
std::size_t utf8_invalid_at(std::string_view s, std::size_t* count) noexcept;

} // namespace bulkflow::model_detail
