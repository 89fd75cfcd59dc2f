#pragma once
// Shared fixtures of the unit_sql tests: a Product model and helpers to compile and compare SQL.

#include <bulkflow/error.hpp>
#include <bulkflow/expr.hpp>
#include <bulkflow/filter.hpp>
#include <bulkflow/model.hpp>
#include <bulkflow/sql_flavor.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace sqltest {

inline const bulkflow::Model& product() {
    static const bulkflow::Model m = bulkflow::Model::from_json("Product", boost::json::parse(R"({
        "fields": {
            "name": {"type": "str", "required": true, "max_length": 20},
            "price": {"type": "decimal", "precision": 10, "scale": 2},
            "category": {"type": "str", "index": true},
            "stock": {"type": "int", "default": 0},
            "active": {"type": "bool", "default": true},
            "rating": "float",
            "restock_date": "date",
            "status": "str",
            "metadata": "json"
        },
        "soft_delete": true
    })"));
    return m;
}

inline const bulkflow::Field& field(const std::string& name) {
    const auto* f = product().find(name);
    REQUIRE(f != nullptr);
    return *f;
}

inline const bulkflow::SqlFlavor& sqlite() { return bulkflow::sql_flavor(bulkflow::DatabaseKind::sqlite); }
inline const bulkflow::SqlFlavor& postgres() { return bulkflow::sql_flavor(bulkflow::DatabaseKind::postgresql); }
inline const bulkflow::SqlFlavor& mysql() { return bulkflow::sql_flavor(bulkflow::DatabaseKind::mysql); }

inline bulkflow::SqlFragment expr_sql(std::string_view text, const bulkflow::SqlFlavor& flavor) {
    std::size_t next = 1;
    return bulkflow::Expr::parse(text, product()).to_sql(flavor, next);
}

inline bulkflow::SqlFragment assign_sql(std::string_view text, const std::string& target,
                                        const bulkflow::SqlFlavor& flavor) {
    std::size_t next = 1;
    return bulkflow::Expr::parse(text, product()).to_assignment_sql(field(target), flavor, next);
}

inline bulkflow::SqlFragment filter_sql(std::string_view json, const bulkflow::SqlFlavor& flavor) {
    std::size_t next = 1;
    return bulkflow::Filter::parse(boost::json::parse(json), product()).to_sql(flavor, next);
}

/// The message of the Error thrown by `f` (fails the test when nothing or something else is thrown).
template <class F>
std::string error_of(F&& f, bulkflow::ErrorCode code = bulkflow::ErrorCode::invalid_parameter) {
    try {
        f();
    } catch (const bulkflow::Error& e) {
        CHECK(e.code() == code);
        return e.what();
    }
    FAIL("no error thrown");
    return {};
}

inline std::string expr_error(std::string_view text) {
    return error_of([&] { (void)bulkflow::Expr::parse(text, product()); });
}

inline std::string filter_error(std::string_view json) {
    return error_of([&] { (void)bulkflow::Filter::parse(boost::json::parse(json), product()); });
}

using Binds = std::vector<bulkflow::SqlValue>;

} // namespace sqltest

namespace Catch {
template <>
struct StringMaker<bulkflow::SqlValue> {
    static std::string convert(const bulkflow::SqlValue& v) {
        return std::visit(
            [](const auto& x) -> std::string {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::monostate>) return "NULL";
                else if constexpr (std::is_same_v<T, bool>) return x ? "bool(true)" : "bool(false)";
                else if constexpr (std::is_same_v<T, std::int64_t>) return "int(" + std::to_string(x) + ")";
                else if constexpr (std::is_same_v<T, double>) return "double(" + ::Catch::Detail::stringify(x) + ")";
                else if constexpr (std::is_same_v<T, std::string>) return "'" + x + "'";
                else if constexpr (std::is_same_v<T, bulkflow::Decimal>) return "Decimal(" + x.text + ")";
                else if constexpr (std::is_same_v<T, bulkflow::Timestamp>) return "Timestamp(" + bulkflow::format_timestamp(x) + ")";
                else if constexpr (std::is_same_v<T, bulkflow::Date>) return "Date(" + bulkflow::format_date(x) + ")";
                else return "Json(" + x.text + ")";
            },
            v);
    }
};
} // namespace Catch
