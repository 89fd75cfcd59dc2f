#include "exec/resolve.hpp"
#include "graph/template_walk.hpp"

#include <bulkflow/error.hpp>

#include <optional>
#include <string_view>

namespace bulkflow::detail {
namespace {

[[noreturn]] void missing(const Reference& ref, const std::string& why) {
    throw Error(ErrorCode::template_resolution, "template '" + ref.text + "': " + why);
}

std::string keys_of(const boost::json::object& o, const std::map<std::string, StreamPtr, std::less<>>* streams = nullptr) {
    std::string s;
    for (const auto& kv : o) s += (s.empty() ? "" : ", ") + std::string(kv.key());
    if (streams)
        for (const auto& [k, _] : *streams) s += (s.empty() ? "" : ", ") + k;
    return s.empty() ? "none" : s;
}

const boost::json::value& walk(const Reference& ref, const boost::json::value& start, std::size_t from) {
    const boost::json::value* v = &start;
    std::string at = ref.source;
    for (std::size_t i = 0; i < from; ++i) {
        const auto& seg = ref.path[i];
        at += std::holds_alternative<std::string>(seg) ? "." + std::get<std::string>(seg)
                                                       : "[" + std::to_string(std::get<std::size_t>(seg)) + "]";
    }
    for (std::size_t i = from; i < ref.path.size(); ++i) {
        const auto& seg = ref.path[i];
        if (const auto* key = std::get_if<std::string>(&seg)) {
            if (!v->is_object()) missing(ref, "'" + at + "' is not an object, cannot take key '" + *key + "'");
            const auto* next = v->get_object().if_contains(*key);
            if (!next) missing(ref, "'" + at + "' has no key '" + *key + "' (keys: " + keys_of(v->get_object()) + ")");
            v = next;
            at += "." + *key;
        } else {
            std::size_t idx = std::get<std::size_t>(seg);
            if (!v->is_array()) missing(ref, "'" + at + "' is not a list, cannot take index " + std::to_string(idx));
            if (idx >= v->get_array().size())
                missing(ref, "index " + std::to_string(idx) + " is out of range for '" + at + "' (size " +
                                 std::to_string(v->get_array().size()) + ")");
            v = &v->get_array()[idx];
            at += "[" + std::to_string(idx) + "]";
        }
    }
    return *v;
}

// Resolves one string; nullopt when it is plain text (no template, no escape) and stays as is.
// Only a whole parameter (`top`) may be a record stream.
std::optional<Param> resolve_string(std::string_view raw, const std::string& where, const boost::json::object& inputs,
                                    const OutputLookup& outputs, bool top) {
    if (Template::is_plain(raw)) return std::nullopt;
    auto t = Template::parse(raw, where);
    if (t.is_literal()) return Param(boost::json::value(t.literal()));
    if (t.is_whole_reference()) {
        Param p = resolve_reference(t.references().front(), inputs, outputs);
        if (p.is_stream() && !top)
            throw Error(ErrorCode::template_resolution,
                        where + ": template '" + t.references().front().text +
                            "' is a record stream; a stream can only be a whole parameter value");
        return p;
    }
    return Param(boost::json::value(t.interpolate([&](const Reference& r) -> std::string {
        Param p = resolve_reference(r, inputs, outputs);
        if (p.is_stream())
            throw Error(ErrorCode::template_resolution,
                        where + ": template '" + r.text + "' is a record stream and cannot be embedded in text");
        const auto& v = p.json();
        if (v.is_string()) return std::string(v.get_string());
        return boost::json::serialize(v);
    })));
}

// Resolves the templates nested in `raw`; nullopt when there are none, so that the caller keeps
// `raw` itself. A container is rebuilt only from its first element that changes.
std::optional<boost::json::value> resolve_value(const boost::json::value& raw, const std::string& where,
                                                const boost::json::object& inputs, const OutputLookup& outputs) {
    if (raw.is_string()) {
        auto p = resolve_string(raw.get_string(), where, inputs, outputs, false);
        if (!p) return std::nullopt;
        return p->json();
    }
    if (raw.is_array()) {
        const auto& in = raw.get_array();
        std::optional<boost::json::array> out;
        for (std::size_t i = 0; i < in.size(); ++i) {
            auto v = resolve_value(in[i], where, inputs, outputs);
            if (!v && !out) continue;
            if (!out) {
                out.emplace();
                out->reserve(in.size());
                for (std::size_t j = 0; j < i; ++j) out->push_back(in[j]);
            }
            if (v) out->push_back(std::move(*v));
            else out->push_back(in[i]);
        }
        if (!out) return std::nullopt;
        return boost::json::value(std::move(*out));
    }
    if (raw.is_object()) {
        const auto& in = raw.get_object();
        std::optional<boost::json::object> out;
        for (auto it = in.begin(); it != in.end(); ++it) {
            auto v = resolve_value(it->value(), where, inputs, outputs);
            if (!v && !out) continue;
            if (!out) {
                out.emplace(in.size());
                for (auto j = in.begin(); j != it; ++j) out->emplace(j->key(), j->value());
            }
            if (v) out->emplace(it->key(), std::move(*v));
            else out->emplace(it->key(), it->value());
        }
        if (!out) return std::nullopt;
        return boost::json::value(std::move(*out));
    }
    return std::nullopt;
}

} // namespace

Param resolve_reference(const Reference& ref, const boost::json::object& inputs, const OutputLookup& outputs) {
    if (ref.source == "inputs") {
        if (ref.path.empty() || !std::holds_alternative<std::string>(ref.path.front()))
            missing(ref, "must name an input, as <<inputs.NAME>>");
        const auto& name = std::get<std::string>(ref.path.front());
        const auto* v = inputs.if_contains(name);
        if (!v) missing(ref, "no input named '" + name + "' (inputs: " + keys_of(inputs) + "; pass --input " + name + "=VALUE)");
        return walk(ref, *v, 1);
    }
    const NodeOutput* out = outputs(ref.source);
    if (!out) missing(ref, "node '" + ref.source + "' has not produced a result");
    if (ref.path.empty()) {
        if (!out->streams.empty())
            missing(ref, "name one output of node '" + ref.source + "' (outputs: " + keys_of(out->value, &out->streams) + ")");
        return boost::json::value(out->value);
    }
    const auto* key = std::get_if<std::string>(&ref.path.front());
    if (!key) missing(ref, "the result of node '" + ref.source + "' is an object; start the path with a key");
    if (auto it = out->streams.find(*key); it != out->streams.end()) {
        if (ref.path.size() > 1) missing(ref, "'" + ref.source + "." + *key + "' is a record stream; it has no keys or indices");
        return it->second;
    }
    const auto* first = out->value.if_contains(*key);
    if (!first)
        missing(ref, "node '" + ref.source + "' has no output '" + *key + "' (outputs: " +
                         keys_of(out->value, &out->streams) + ")");
    return walk(ref, *first, 1);
}

Params resolve_params(const std::string& node_id, const NodeSpec& spec,
                      const std::shared_ptr<const boost::json::object>& raw,
                      const boost::json::object& inputs, const OutputLookup& outputs) {
    Params params;
    for (const auto& kv : *raw) {
        std::string where = "node '" + node_id + "' parameter '" + std::string(kv.key()) + "'";
        const boost::json::value& v = kv.value();
        std::optional<Param> resolved;
        if (v.is_string()) resolved = resolve_string(v.get_string(), where, inputs, outputs, true);
        else if (auto r = resolve_value(v, where, inputs, outputs)) resolved = Param(std::move(*r));
        // Without templates the node gets the workflow's own value: an alias into `raw`, no copy.
        params.set(std::string(kv.key()), resolved ? std::move(*resolved) : Param(JsonPtr(raw, &v)));
    }
    for (const auto& p : spec.params)
        if (!params.has(p.name) && p.default_value) params.set(p.name, *p.default_value);
    // The spec's rules again, now that templates have values (a path known only at run time is
    // checked before the node writes anything).
    for (const auto& [name, value] : params.all()) {
        const ParamSpec* ps = spec.find(name);
        if (!ps || value.is_stream()) continue;
        try {
            check_param_value(*ps, value.json());
        } catch (const Error& e) {
            throw Error(e.code(), "node '" + node_id + "': " + e.what());
        }
    }
    return params;
}

std::optional<Param> resolve_static(const std::shared_ptr<const boost::json::object>& raw, const boost::json::value& v,
                                    const std::string& where, const boost::json::object& inputs) {
    const OutputLookup none = [](const std::string&) -> const NodeOutput* { return nullptr; };
    bool needs_output = false;
    for_each_reference(v, where, [&](const Reference& r) {
        if (r.source == "inputs") (void)resolve_reference(r, inputs, none);
        else needs_output = true;
    });
    if (needs_output) return std::nullopt;
    std::optional<Param> resolved;
    if (v.is_string()) resolved = resolve_string(v.get_string(), where, inputs, none, true);
    else if (auto r = resolve_value(v, where, inputs, none)) resolved = Param(std::move(*r));
    return resolved ? std::move(*resolved) : Param(JsonPtr(raw, &v));
}

bool value_fits(ParamType type, const boost::json::value& v) {
    if (v.is_null()) return true;
    switch (type) {
    case ParamType::any: return true;
    case ParamType::string: return v.is_string();
    case ParamType::integer:
        return v.is_int64() || v.is_uint64() || (v.is_double() && v.get_double() == static_cast<double>(static_cast<long long>(v.get_double())));
    case ParamType::number: return v.is_number();
    case ParamType::boolean: return v.is_bool();
    case ParamType::object: return v.is_object();
    case ParamType::array: return v.is_array();
    case ParamType::records: return v.is_array();
    case ParamType::string_or_list: return v.is_string() || v.is_array();
    }
    return true;
}

} // namespace bulkflow::detail
