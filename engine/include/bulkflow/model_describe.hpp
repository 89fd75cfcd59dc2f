#pragma once
/// @file model_describe.hpp
/// Models from C++ structs described with Boost.Describe: the C++ analogue of `@db.model`.
///
///     struct Product {
///         std::int64_t id;
///         std::string name;
///         bulkflow::Decimal price;
///         std::optional<std::string> category;
///         boost::json::value metadata;
///     };
///     BOOST_DESCRIBE_STRUCT(Product, (), (id, name, price, category, metadata))
///
///     bulkflow::Model m = bulkflow::model_from_struct<Product>();    // name "Product"
///     boost::json::object rec = bulkflow::to_record(product);
///
/// Member types: std::string -> str; integral types (not bool / char) -> int; float / double ->
/// float; bool -> bool; Decimal -> decimal; Timestamp -> datetime; Date -> date;
/// boost::json::value -> json. Plain members are required, std::optional<X> members are not.
/// A member `id` declares the id (integral: the default int64 auto-increment id; std::string: a
/// str id supplied by the records). Members named created_at / updated_at (Timestamp) are the
/// system timestamps and are not declared; a Timestamp member deleted_at turns on soft_delete.
///
/// `extra` adds the rest of the JSON form: `table`, `unique`, `soft_delete`, `relationships`, and
/// per-field options merged into the generated field ({"fields": {"name": {"max_length": 200}}}).
///
/// Header-only; include it only where structs are turned into models.

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>

#include <boost/core/type_name.hpp>
#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace bulkflow {

namespace describe_detail {

template <class T> struct optional_traits {
    using type = T;
    static constexpr bool is_optional = false;
};
template <class T> struct optional_traits<std::optional<T>> {
    using type = T;
    static constexpr bool is_optional = true;
};

template <class T> inline constexpr bool dependent_false = false;

template <class T> constexpr bool is_integer_member() {
    return std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
           !std::is_same_v<T, signed char> && !std::is_same_v<T, unsigned char> && !std::is_same_v<T, wchar_t> &&
           !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>;
}

/// The field type of a (non-optional) member type; a compile error names unsupported types.
template <class T> constexpr FieldType field_type_of() {
    if constexpr (std::is_same_v<T, std::string>) return FieldType::str;
    else if constexpr (std::is_same_v<T, bool>) return FieldType::boolean;
    else if constexpr (is_integer_member<T>()) return FieldType::integer;
    else if constexpr (std::is_floating_point_v<T>) return FieldType::floating;
    else if constexpr (std::is_same_v<T, Decimal>) return FieldType::decimal;
    else if constexpr (std::is_same_v<T, Timestamp>) return FieldType::datetime;
    else if constexpr (std::is_same_v<T, Date>) return FieldType::date;
    else if constexpr (std::is_same_v<T, boost::json::value>) return FieldType::json;
    else {
        static_assert(dependent_false<T>,
                      "bulkflow::model_from_struct: unsupported member type (use std::string, an integer, double, "
                      "bool, bulkflow::Decimal, Timestamp, Date, boost::json::value or std::optional of these)");
        return FieldType::str;
    }
}

template <class M> using member_type_t = std::remove_cvref_t<M>;

/// "ns::inner::Product" -> "Product" (only the part after the last "::" outside template args).
inline std::string unqualified_name(std::string full) {
    const auto angle = full.find('<');
    const auto head = full.substr(0, angle);
    const auto colons = head.rfind("::");
    return colons == std::string::npos ? full : full.substr(colons + 2);
}

inline bool is_system_timestamp(std::string_view n) noexcept { return n == "created_at" || n == "updated_at"; }

/// One member value -> JSON (nullopt for an empty std::optional).
template <class V> boost::json::value member_to_json(const V& v) {
    using T = std::remove_cvref_t<V>;
    if constexpr (optional_traits<T>::is_optional) {
        if (!v) return nullptr;
        return member_to_json(*v);
    } else {
        constexpr FieldType t = field_type_of<T>();
        if constexpr (t == FieldType::str) return boost::json::string(std::string_view(v));
        else if constexpr (t == FieldType::boolean) return v;
        else if constexpr (t == FieldType::integer) {
            if constexpr (std::is_signed_v<T>) return static_cast<std::int64_t>(v);
            else return static_cast<std::uint64_t>(v);
        } else if constexpr (t == FieldType::floating) return static_cast<double>(v);
        else if constexpr (t == FieldType::decimal) return boost::json::string(v.text);
        else if constexpr (t == FieldType::datetime) return boost::json::string(format_timestamp(v));
        else if constexpr (t == FieldType::date) return boost::json::string(format_date(v));
        else return v;
    }
}

} // namespace describe_detail

/// The Model of a Boost.Describe'd struct. `name` defaults to the struct's unqualified name.
/// Throws Error(invalid_workflow) like Model::from_json (bad names, bad `extra`).
template <class T> Model model_from_struct(std::string_view name = {}, const boost::json::object& extra = {}) {
    static_assert(boost::describe::has_describe_members<T>::value,
                  "bulkflow::model_from_struct needs BOOST_DESCRIBE_STRUCT(T, (), (members...))");
    const std::string model_name =
        name.empty() ? describe_detail::unqualified_name(boost::core::type_name<T>()) : std::string(name);

    boost::json::object fields;
    bool soft_delete = false;
    using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
    boost::mp11::mp_for_each<Members>([&](auto D) {
        using M = describe_detail::member_type_t<decltype(std::declval<const T&>().*D.pointer)>;
        using Traits = describe_detail::optional_traits<M>;
        constexpr FieldType type = describe_detail::field_type_of<typename Traits::type>();
        const std::string_view member = D.name;
        if (type == FieldType::datetime && describe_detail::is_system_timestamp(member)) return;
        if (type == FieldType::datetime && member == "deleted_at") {
            soft_delete = true;
            return;
        }
        if (member == "id") {
            // An integral id is the default auto-increment id; a str id is supplied by the records.
            if (type != FieldType::integer) fields["id"] = to_string(type);
            return;
        }
        boost::json::object f;
        f["type"] = to_string(type);
        if (!Traits::is_optional) f["required"] = true;
        fields[member] = std::move(f);
    });

    boost::json::object def;
    if (soft_delete) def["soft_delete"] = true;
    for (const auto& [key, value] : extra) {
        if (key != "fields") {
            def[key] = value;
            continue;
        }
        if (!value.is_object())
            throw Error(ErrorCode::invalid_workflow, "model '" + model_name + "': 'fields' in extra must be an object");
        for (const auto& [fname, options] : value.get_object()) {
            auto* target = fields.if_contains(fname);
            if (!target || !options.is_object())
                throw Error(ErrorCode::invalid_workflow,
                            "model '" + model_name + "': extra options for field '" + std::string(fname) +
                                "' need a struct member of that name and an object of options");
            if (target->is_string()) {  // "id": "str" -> {"type": "str"}
                boost::json::object o;
                o["type"] = target->get_string();
                *target = std::move(o);
            }
            for (const auto& [opt, v] : options.get_object()) target->as_object()[opt] = v;
        }
    }
    def["fields"] = std::move(fields);
    return Model::from_json(model_name, def);
}

/// A described struct as a record: every public member by name (empty std::optional -> null,
/// except an empty optional `id`, created_at or updated_at, which is left out so the database
/// fills it). Decimal -> its text, Timestamp -> ISO 8601 text, Date -> "YYYY-MM-DD".
template <class T> boost::json::object to_record(const T& value) {
    static_assert(boost::describe::has_describe_members<T>::value,
                  "bulkflow::to_record needs BOOST_DESCRIBE_STRUCT(T, (), (members...))");
    boost::json::object out;
    using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
    boost::mp11::mp_for_each<Members>([&](auto D) {
        using M = describe_detail::member_type_t<decltype(value.*D.pointer)>;
        const auto& member = value.*D.pointer;
        const std::string_view name = D.name;
        if constexpr (describe_detail::optional_traits<M>::is_optional) {
            if (!member && (name == "id" || describe_detail::is_system_timestamp(name))) return;
        }
        out[name] = describe_detail::member_to_json(member);
    });
    return out;
}

} // namespace bulkflow
