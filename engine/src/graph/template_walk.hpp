#pragma once
// Visits every template reference inside a raw parameter value (strings nested in objects and
// arrays included). Internal to the engine.

#include <bulkflow/template.hpp>

#include <boost/json.hpp>

#include <string>

namespace bulkflow::detail {

/// Calls fn(const Reference&) for each reference in `v`; throws on malformed templates, naming
/// `where` (e.g. "node 'load' parameter 'data'").
template <class Fn>
void for_each_reference(const boost::json::value& v, const std::string& where, Fn&& fn) {
    if (v.is_string()) {
        if (Template::is_plain(v.get_string())) return;
        auto t = Template::parse(v.get_string(), where);
        for (const auto& r : t.references()) fn(r);
    } else if (v.is_array()) {
        for (const auto& e : v.get_array()) for_each_reference(e, where, fn);
    } else if (v.is_object()) {
        for (const auto& kv : v.get_object()) for_each_reference(kv.value(), where, fn);
    }
}

} // namespace bulkflow::detail
