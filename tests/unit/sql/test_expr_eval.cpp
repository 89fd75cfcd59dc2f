// Expr::evaluate (per record, exact decimals) and assign_to_field (rounding half away from zero).

#include "sql_test_support.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>

using namespace bulkflow;
using namespace sqltest;
using Catch::Matchers::Contains;

namespace {

using Record = std::map<std::string, SqlValue>;

SqlValue eval(std::string_view text, const Record& r = {}) {
    return Expr::parse(text, product()).evaluate([&](const Field& f) -> SqlValue {
        const auto it = r.find(f.name);
        return it == r.end() ? SqlValue{} : it->second;
    });
}

SqlValue eval_for(std::string_view text, const std::string& target, const Record& r = {}) {
    return Expr::parse(text, product()).evaluate_for(field(target), [&](const Field& f) -> SqlValue {
        const auto it = r.find(f.name);
        return it == r.end() ? SqlValue{} : it->second;
    });
}

std::int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

TEST_CASE("decimal arithmetic is exact", "[sql][eval]") {
    CHECK(eval("price * 0.9", {{"price", Decimal{"19.99"}}}) == SqlValue{Decimal{"17.991"}});
    CHECK(eval("price + 0.1", {{"price", Decimal{"0.20"}}}) == SqlValue{Decimal{"0.30"}});
    CHECK(eval("price - 0.3", {{"price", Decimal{"0.1"}}}) == SqlValue{Decimal{"-0.2"}});
    CHECK(eval("price * 1.1", {{"price", Decimal{"10.00"}}}) == SqlValue{Decimal{"11.000"}});
    CHECK(eval("price * stock", {{"price", Decimal{"0.01"}}, {"stock", std::int64_t{3}}}) == SqlValue{Decimal{"0.03"}});
    CHECK(eval("price * 123456789.123", {{"price", Decimal{"98765432.10"}}}) ==
          SqlValue{Decimal{"12193263123411675.04830"}});
    CHECK(eval("-price", {{"price", Decimal{"0.00"}}}) == SqlValue{Decimal{"0.00"}});
    CHECK(eval("abs(price)", {{"price", Decimal{"-3.50"}}}) == SqlValue{Decimal{"3.50"}});
    CHECK(eval("round(price, 1)", {{"price", Decimal{"2.45"}}}) == SqlValue{Decimal{"2.5"}});
    CHECK(eval("round(price, 1)", {{"price", Decimal{"-2.45"}}}) == SqlValue{Decimal{"-2.5"}});
    CHECK(eval("stock / 4", {{"stock", std::int64_t{10}}}) == SqlValue{Decimal{"2.5"}});
    CHECK(eval("stock / 3", {{"stock", std::int64_t{10}}}) == SqlValue{Decimal{"3.33333333333333333"}});
}

TEST_CASE("assigned decimals round half away from zero to the field's scale", "[sql][eval]") {
    CHECK(eval_for("price * 0.9", "price", {{"price", Decimal{"19.99"}}}) == SqlValue{Decimal{"17.99"}});
    CHECK(eval_for("price * 0.9", "price", {{"price", Decimal{"19.95"}}}) == SqlValue{Decimal{"17.96"}});   // 17.955
    CHECK(eval_for("price * 0.9", "price", {{"price", Decimal{"-19.95"}}}) == SqlValue{Decimal{"-17.96"}});
    CHECK(eval_for("stock / 3", "price", {{"stock", std::int64_t{10}}}) == SqlValue{Decimal{"3.33"}});
    CHECK(eval_for("stock * 1.5", "stock", {{"stock", std::int64_t{3}}}) == SqlValue{std::int64_t{5}});   // 4.5
    CHECK(eval_for("stock * 1.5", "stock", {{"stock", std::int64_t{-3}}}) == SqlValue{std::int64_t{-5}});
    CHECK(assign_to_field(field("price"), Decimal{"17.995"}) == SqlValue{Decimal{"18.00"}});
    CHECK(assign_to_field(field("price"), Decimal{"-17.995"}) == SqlValue{Decimal{"-18.00"}});
    CHECK(assign_to_field(field("price"), Decimal{"-0.001"}) == SqlValue{Decimal{"0.00"}});
    CHECK(assign_to_field(field("price"), std::int64_t{5}) == SqlValue{Decimal{"5.00"}});
    CHECK(assign_to_field(field("price"), 0.1) == SqlValue{Decimal{"0.10"}});
    CHECK(assign_to_field(field("rating"), Decimal{"2.5"}) == SqlValue{2.5});
    CHECK(assign_to_field(field("price"), SqlValue{}) == SqlValue{});
    CHECK_THAT(error_of([] { (void)assign_to_field(field("price"), Decimal{"123456789.999"}); }, ErrorCode::invalid_data),
               Contains("price"));
    CHECK_THAT(error_of([] { (void)assign_to_field(field("name"), std::int64_t{1}); }, ErrorCode::invalid_data),
               Contains("field 'name': an integer cannot be stored in a str field"));
    CHECK_THROWS_AS(assign_to_field(field("name"), std::string(21, 'x')), Error);  // max_length 20
}

TEST_CASE("integers, floats, strings and functions per record", "[sql][eval]") {
    CHECK(eval("stock + 100", {{"stock", std::int64_t{5}}}) == SqlValue{std::int64_t{105}});
    CHECK(eval("stock % 3", {{"stock", std::int64_t{10}}}) == SqlValue{std::int64_t{1}});
    CHECK(eval("-stock % 3", {{"stock", std::int64_t{10}}}) == SqlValue{std::int64_t{-1}});
    CHECK(eval("rating * 2", {{"rating", 1.25}}) == SqlValue{2.5});
    CHECK(eval("price * rating", {{"price", Decimal{"2.00"}}, {"rating", 1.5}}) == SqlValue{3.0});
    CHECK(eval("round(rating)", {{"rating", -2.5}}) == SqlValue{-3.0});
    CHECK(eval("category.lower()", {{"category", std::string("Books")}}) == SqlValue{std::string("books")});
    CHECK(eval("upper(name)", {{"name", std::string("héllo")}}) == SqlValue{std::string("HéLLO")});  // ASCII only
    CHECK(eval("trim(name)", {{"name", std::string("  a b  ")}}) == SqlValue{std::string("a b")});
    CHECK(eval("name.strip()", {{"name", std::string("   ")}}) == SqlValue{std::string("")});
    CHECK(eval("length(name)", {{"name", std::string("héllo")}}) == SqlValue{std::int64_t{5}});
    CHECK(eval("name + ' (old)'", {{"name", std::string("x")}}) == SqlValue{std::string("x (old)")});
    CHECK(eval("concat(name, '-', stock, '-', price)",
               {{"name", std::string("x")}, {"stock", std::int64_t{3}}, {"price", Decimal{"19.90"}}}) ==
          SqlValue{std::string("x-3-19.90")});
    CHECK(eval("coalesce(status, category, 'none')", {{"category", std::string("c")}}) == SqlValue{std::string("c")});
}

TEST_CASE("comparisons and three-valued logic per record", "[sql][eval]") {
    const Record r{{"price", Decimal{"10.50"}}, {"stock", std::int64_t{0}}, {"active", true},
                   {"created_at", Timestamp{1'640'995'199'000'000}}, {"name", std::string("b")}};
    CHECK(eval("price > 10.4", r) == SqlValue{true});
    CHECK(eval("price = 10.5", r) == SqlValue{true});
    CHECK(eval("price > 10 and stock != 0", r) == SqlValue{false});
    CHECK(eval("stock == 0 or rating > 1", r) == SqlValue{true});
    CHECK(eval("not active", r) == SqlValue{false});
    CHECK(eval("name < 'c' and name >= 'b'", r) == SqlValue{true});
    CHECK(eval("created_at < '2022-01-01'", r) == SqlValue{true});
    CHECK(eval("rating > 1", r) == SqlValue{});                 // NULL
    CHECK(eval("rating > 1 and active", r) == SqlValue{});      // NULL and true
    CHECK(eval("rating > 1 and not active", r) == SqlValue{false});
    CHECK(eval("rating > 1 or active", r) == SqlValue{true});
    CHECK(eval("not (rating > 1)", r) == SqlValue{});
}

TEST_CASE("NULL in, NULL out", "[sql][eval]") {
    CHECK(eval("price * 2") == SqlValue{});
    CHECK(eval("concat(name, 'x')") == SqlValue{});
    CHECK(eval("lower(category)") == SqlValue{});
    CHECK(eval("-stock") == SqlValue{});
    CHECK(eval_for("price * 0.9", "price") == SqlValue{});
}

TEST_CASE("time tokens and now()", "[sql][eval]") {
    const auto before = now_micros();
    const auto v = eval("coalesce(created_at, now())");
    const auto after = now_micros();
    REQUIRE(std::holds_alternative<Timestamp>(v));
    CHECK(std::get<Timestamp>(v).micros >= before);
    CHECK(std::get<Timestamp>(v).micros <= after);
    CHECK(eval("coalesce(created_at, now())", {{"created_at", Timestamp{42}}}) == SqlValue{Timestamp{42}});
    const auto today = eval(":current_date");
    REQUIRE(std::holds_alternative<Date>(today));
    CHECK(std::get<Date>(today).days == static_cast<std::int32_t>(now_micros() / 86'400'000'000));
    CHECK(std::holds_alternative<Timestamp>(eval(":current_timestamp")));
    CHECK(eval_for(":current_timestamp", "restock_date") == today);
    CHECK(assign_to_field(field("updated_at"), Date{1}) == SqlValue{Timestamp{86'400'000'000}});
    CHECK(assign_to_field(field("restock_date"), Timestamp{-1}) == SqlValue{Date{-1}});
}

TEST_CASE("evaluation errors are invalid_data", "[sql][eval]") {
    CHECK_THAT(error_of([] { (void)eval("stock / 0", {{"stock", std::int64_t{1}}}); }, ErrorCode::invalid_data),
               Contains("expression 'stock / 0': division by zero"));
    CHECK_THAT(error_of([] { (void)eval("stock % 0", {{"stock", std::int64_t{1}}}); }, ErrorCode::invalid_data),
               Contains("division by zero"));
    CHECK_THAT(error_of([] { (void)eval("stock * 2", {{"stock", std::numeric_limits<std::int64_t>::max()}}); },
                        ErrorCode::invalid_data),
               Contains("integer overflow"));
    CHECK_THAT(error_of([] { (void)eval("stock * 2", {{"stock", std::string("7")}}); }, ErrorCode::invalid_data),
               Contains("operator '*' needs numbers, got a string"));
    CHECK_THAT(error_of([] { (void)eval("stock + 1", {{"stock", std::string("7")}}); }, ErrorCode::invalid_data),
               Contains("operator '+' needs two numbers or two strings, got a string and an integer"));
    CHECK_THAT(error_of([] { (void)eval_for("stock * 1e30", "stock", {{"stock", std::int64_t{1}}}); }, ErrorCode::invalid_data),
               Contains("expression 'stock * 1e30': field 'stock': the value is out of range"));
}
