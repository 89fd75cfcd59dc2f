#pragma once
/// @file json_number.hpp
/// Exact JSON numbers. Boost.JSON holds a number as int64, uint64 or double; a double cannot
/// hold every decimal (9007199254740993.0, 123456789012345678.01, 1e-400). bulkflow's JSON
/// readers therefore keep a number as a double only when the double is faithful: its magnitude
/// is within the normal double range and the double's shortest representation is the same
/// decimal (always so for at most 15 significant digits; 0.30000000000000004 is faithful too).
/// Any other number that is not an integer Boost.JSON holds exactly is kept as its text, in a
/// one-key object `{"$number": "<text>"}` (the MongoDB extended-JSON style). Model fields convert such a cell
/// from its text (docs/workflow-format.md, "Numbers"); bulkflow prints it as the bare number.
///
/// A plugin that reads record cells should test for a number with is_number_cell() rather than
/// value::is_number(), and read an exact number's text with exact_number_text().

#include <boost/json.hpp>

#include <string_view>

namespace bulkflow {

/// The key of an exact number's one-key object.
inline constexpr std::string_view kExactNumberKey = "$number";

/// True if `s` is a number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
[[nodiscard]] inline bool is_json_number_text(std::string_view s) noexcept {
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t from = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i - from;
    };
    if (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == '0') ++i;
    else if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (digits() == 0) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == s.size();
}

/// The text of an exact number cell `{"$number": "<JSON number>"}`, or nullptr for any other
/// value (including such an object whose text is not a JSON number).
[[nodiscard]] inline const boost::json::string* exact_number_text(const boost::json::value& v) noexcept {
    const auto* o = v.if_object();
    if (!o || o->size() != 1) return nullptr;
    const auto& kv = *o->begin();
    if (kv.key() != kExactNumberKey || !kv.value().is_string()) return nullptr;
    const auto& s = kv.value().get_string();
    return is_json_number_text(s) ? &s : nullptr;
}

/// True for a JSON number and for an exact number cell.
[[nodiscard]] inline bool is_number_cell(const boost::json::value& v) noexcept {
    return v.is_number() || exact_number_text(v) != nullptr;
}

/// An exact number cell holding `text` (which the caller has checked is a JSON number).
[[nodiscard]] inline boost::json::value make_exact_number(std::string_view text,
                                                          boost::json::storage_ptr sp = {}) {
    boost::json::object o(sp);
    o.emplace(kExactNumberKey, boost::json::string(text, sp));
    return o;
}

} // namespace bulkflow
