#pragma once
/// @file params.hpp
/// A node's resolved parameters (Params) and its output (NodeOutput). A parameter is JSON or a
/// RecordStream: a template that names a stream hands the stream itself over, nothing is copied.
/// JSON is shared too: a parameter without templates is the workflow's own value, so a large
/// in-memory array reaches the node (and the ArrayStream made from it) without a copy.

#include <bulkflow/error.hpp>
#include <bulkflow/record.hpp>

#include <boost/json.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace bulkflow {

using StreamPtr = std::shared_ptr<const RecordStream>;
/// Immutable JSON shared between the workflow, resolved parameters and streams made from them.
using JsonPtr = std::shared_ptr<const boost::json::value>;

/// One resolved parameter value: JSON or a record stream. Copies share the value.
class Param {
public:
    Param() = default;  ///< JSON null
    Param(boost::json::value v)                         // NOLINT: implicit by design
        : v_(JsonPtr(std::make_shared<boost::json::value>(std::move(v)))) {}
    /// Shares `v` (e.g. an aliasing pointer into the workflow's parameters); null means JSON null.
    Param(JsonPtr v) : v_(std::move(v)) {}              // NOLINT: implicit by design
    Param(StreamPtr s) : v_(std::move(s)) {}            // NOLINT: implicit by design

    [[nodiscard]] bool is_stream() const noexcept { return std::holds_alternative<StreamPtr>(v_); }
    /// The JSON value; throws std::bad_variant_access for a stream.
    [[nodiscard]] const boost::json::value& json() const {
        static const boost::json::value null;
        const auto& p = std::get<JsonPtr>(v_);
        return p ? *p : null;
    }
    /// The JSON value as a shared pointer (null for JSON null); throws for a stream.
    [[nodiscard]] const JsonPtr& shared_json() const { return std::get<JsonPtr>(v_); }
    [[nodiscard]] const StreamPtr& stream() const { return std::get<StreamPtr>(v_); }

private:
    std::variant<JsonPtr, StreamPtr> v_;
};

/// A node's parameters after templates are resolved and defaults applied. Typed getters throw
/// Error(invalid_parameter) naming the parameter when the value has the wrong type.
class Params {
public:
    void set(std::string name, Param p) { values_[std::move(name)] = std::move(p); }
    [[nodiscard]] bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
    [[nodiscard]] const Param* find(std::string_view name) const {
        auto it = values_.find(name);
        return it == values_.end() ? nullptr : &it->second;
    }
    /// JSON value of a parameter, nullptr when absent or null.
    [[nodiscard]] const boost::json::value* json(std::string_view name) const {
        const Param* p = find(name);
        if (!p) return nullptr;
        if (p->is_stream()) fail(name, "is a record stream, expected a JSON value");
        return p->json().is_null() ? nullptr : &p->json();
    }
    [[nodiscard]] std::string get_string(std::string_view name, std::string def = {}) const {
        const auto* v = json(name);
        if (!v) return def;
        if (!v->is_string()) fail(name, "must be a string");
        return std::string(v->get_string());
    }
    [[nodiscard]] std::int64_t get_int(std::string_view name, std::int64_t def = 0) const {
        const auto* v = json(name);
        if (!v) return def;
        if (v->is_int64()) return v->get_int64();
        if (v->is_uint64()) {
            if (v->get_uint64() <= INT64_MAX) return static_cast<std::int64_t>(v->get_uint64());
            fail(name, "is out of the 64-bit integer range");
        }
        if (v->is_double()) {
            // Check the range before the cast: converting NaN, an infinity or 1e30 is undefined.
            const double d = v->get_double();
            if (!std::isfinite(d)) fail(name, "must be a finite integer, got NaN or an infinity");
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
                fail(name, "is out of the 64-bit integer range");
            if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
        }
        fail(name, "must be an integer");
    }
    [[nodiscard]] double get_double(std::string_view name, double def = 0) const {
        const auto* v = json(name);
        if (!v) return def;
        if (v->is_number()) return v->to_number<double>();
        fail(name, "must be a number");
    }
    [[nodiscard]] bool get_bool(std::string_view name, bool def = false) const {
        const auto* v = json(name);
        if (!v) return def;
        if (!v->is_bool()) fail(name, "must be true or false");
        return v->get_bool();
    }
    /// A record stream from a stream parameter or a JSON array of objects; nullptr when absent.
    /// An array is not copied: the ArrayStream shares it with this parameter.
    [[nodiscard]] StreamPtr records(std::string_view name) const {
        const Param* p = find(name);
        if (!p) return nullptr;
        if (p->is_stream()) return p->stream();
        if (p->json().is_null()) return nullptr;
        if (!p->json().is_array()) fail(name, "must be a list of records or a record stream");
        const JsonPtr& v = p->shared_json();
        return std::make_shared<ArrayStream>(std::shared_ptr<const boost::json::array>(v, &v->get_array()));
    }
    [[nodiscard]] const std::map<std::string, Param, std::less<>>& all() const noexcept { return values_; }

    [[noreturn]] static void fail(std::string_view name, std::string_view what) {
        throw Error(ErrorCode::invalid_parameter,
                    "parameter '" + std::string(name) + "' " + std::string(what));
    }

private:
    std::map<std::string, Param, std::less<>> values_;
};

/// What a node returns: a JSON object plus named record streams. In the printed result a stream
/// appears as {"stream": true, "records_read": N}; a template `<<node.KEY>>` naming a stream
/// receives the stream itself.
struct NodeOutput {
    boost::json::object value;
    std::map<std::string, StreamPtr, std::less<>> streams;

    /// The JSON rendering used in printed results (streams summarised).
    [[nodiscard]] boost::json::object to_json() const {
        boost::json::object o = value;
        for (const auto& [k, s] : streams)
            o[k] = boost::json::object{{"stream", true}, {"records_read", static_cast<std::int64_t>(s->records_read())}};
        return o;
    }
};

} // namespace bulkflow
