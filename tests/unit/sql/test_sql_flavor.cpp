// SqlFlavor: quoting, placeholders, time functions, LIKE -> GLOB, numeric assignment per database.

#include "sql_test_support.hpp"

using namespace bulkflow;
using namespace sqltest;
using Catch::Matchers::Contains;

TEST_CASE("identifiers are quoted per database and must be safe", "[sql][flavor]") {
    CHECK(sqlite().quote_identifier("price") == "\"price\"");
    CHECK(postgres().quote_identifier("order") == "\"order\"");
    CHECK(mysql().quote_identifier("price") == "`price`");
    for (const auto* bad : {"name; DROP TABLE x", "a\"b", "a`b", "1abc", "", "x y", "name--"}) {
        CHECK_THROWS_AS(sqlite().quote_identifier(bad), Error);
        CHECK_THROWS_AS(postgres().quote_identifier(bad), Error);
        CHECK_THROWS_AS(mysql().quote_identifier(bad), Error);
    }
    CHECK_THAT(error_of([] { (void)mysql().quote_identifier("a`b"); }), Contains("not a safe SQL identifier"));
}

TEST_CASE("placeholders and kinds", "[sql][flavor]") {
    CHECK(sqlite().placeholder(3) == "?");
    CHECK(mysql().placeholder(3) == "?");
    CHECK(postgres().placeholder(1) == "$1");
    CHECK(postgres().placeholder(12) == "$12");
    CHECK(sql_flavor(DatabaseKind::sqlite).kind() == DatabaseKind::sqlite);
    CHECK(sql_flavor(DatabaseKind::postgresql).kind() == DatabaseKind::postgresql);
    CHECK(sql_flavor(DatabaseKind::mysql).kind() == DatabaseKind::mysql);
}

TEST_CASE("current timestamp and date follow the storage conventions", "[sql][flavor]") {
    CHECK(sqlite().current_timestamp() == "strftime('%Y-%m-%dT%H:%M:%f000Z','now')");
    CHECK(sqlite().current_date() == "date('now')");
    CHECK(postgres().current_timestamp() == "now()");
    CHECK(postgres().current_date() == "CAST((now() AT TIME ZONE 'UTC') AS DATE)");
    CHECK(mysql().current_timestamp() == "UTC_TIMESTAMP(6)");
    CHECK(mysql().current_date() == "UTC_DATE()");
}

TEST_CASE("columns and binds for comparisons", "[sql][flavor]") {
    const Field& price = field("price");
    const Field& stock = field("stock");
    CHECK(sqlite().compare_operand(price, "\"price\"") == "CAST(\"price\" AS REAL)");
    CHECK(sqlite().compare_operand(stock, "\"stock\"") == "\"stock\"");
    CHECK(postgres().compare_operand(price, "\"price\"") == "\"price\"");
    CHECK(sqlite().compare_value(price, Decimal{"19.90"}) == SqlValue{19.9});
    CHECK(postgres().compare_value(price, Decimal{"19.90"}) == SqlValue{Decimal{"19.90"}});
    CHECK(mysql().compare_placeholder(price, "?", Decimal{"19.90"}) == "CAST(? AS DECIMAL(4,2))");
    CHECK(mysql().compare_placeholder(price, "?", Decimal{"-0.005"}) == "CAST(? AS DECIMAL(3,3))");
    CHECK(mysql().compare_placeholder(stock, "?", std::int64_t{3}) == "?");
    CHECK(postgres().literal_placeholder("$2", Decimal{"0.9"}) == "CAST($2 AS NUMERIC)");
    CHECK(postgres().literal_placeholder("$1", std::int64_t{1}) == "CAST($1 AS BIGINT)");
    CHECK(postgres().literal_placeholder("$1", std::string("x")) == "CAST($1 AS TEXT)");
    CHECK(sqlite().literal_placeholder("?", Decimal{"0.9"}) == "?");
    CHECK(sqlite().literal_value(Decimal{"0.9"}) == SqlValue{0.9});
}

TEST_CASE("LIKE patterns become GLOB patterns for case-sensitive SQLite matching", "[sql][flavor]") {
    CHECK(like_to_glob("a%") == "a*");
    CHECK(like_to_glob("_b_") == "?b?");
    CHECK(like_to_glob("100\\%") == "100%");
    CHECK(like_to_glob("a\\_b") == "a_b");
    CHECK(like_to_glob("x*y?[z]") == "x[*]y[?][[]z]");
    CHECK(like_to_glob("back\\\\slash") == "back\\slash");
    CHECK(like_to_glob("trailing\\") == "trailing\\");
    CHECK(sqlite().like_pattern_for_bind("A%", false) == "A*");
    CHECK(sqlite().like_pattern_for_bind("A%", true) == "A%");
    CHECK(postgres().like_pattern_for_bind("A%", false) == "A%");
    CHECK(sqlite().like_sql("\"name\"", "?", false) == "\"name\" GLOB ?");
    CHECK(sqlite().like_sql("\"name\"", "?", true) == "\"name\" LIKE ? ESCAPE '\\'");
    CHECK(postgres().like_sql("\"name\"", "$1", false) == "\"name\" LIKE $1");
    CHECK(postgres().like_sql("\"name\"", "$1", true) == "\"name\" ILIKE $1");
    CHECK(mysql().like_sql("`name`", "?", false) == "`name` LIKE BINARY ?");
    CHECK(mysql().like_sql("`name`", "?", true) == "`name` LIKE ?");
}

TEST_CASE("numeric results are stored per target type", "[sql][flavor]") {
    const SqlFragment e{"\"stock\" * ?", {SqlValue{2.5}}};
    const auto sq = sqlite().assign_from_numeric(field("price"), e, FieldType::floating);
    CHECK(sq.sql == "bulkflow_decimal(round(\"stock\" * ?, 2), 10,2)");
    CHECK(sq.binds == Binds{2.5});
    CHECK(sqlite().assign_from_numeric(field("stock"), e, FieldType::floating).sql == "bulkflow_to_integer(round(\"stock\" * ?))");
    CHECK(sqlite().assign_from_numeric(field("stock"), e, FieldType::integer).sql == "\"stock\" * ?");
    CHECK(sqlite().assign_from_numeric(field("rating"), e, FieldType::integer).sql == "bulkflow_real(CAST(\"stock\" * ? AS REAL))");
    CHECK(postgres().assign_from_numeric(field("price"), e, FieldType::decimal).sql == "CAST(\"stock\" * ? AS NUMERIC(10,2))");
    CHECK(postgres().assign_from_numeric(field("stock"), e, FieldType::decimal).sql == "CAST(round(\"stock\" * ?) AS BIGINT)");
    CHECK(mysql().assign_from_numeric(field("price"), e, FieldType::decimal).sql == "CAST(\"stock\" * ? AS DECIMAL(10,2))");
    CHECK(mysql().assign_from_numeric(field("stock"), e, FieldType::decimal).sql == "CAST(round(\"stock\" * ?) AS SIGNED)");
    CHECK(postgres().assign_from_numeric(field("price"), e, FieldType::decimal).binds == Binds{2.5});
}

TEST_CASE("function names and spellings", "[sql][flavor]") {
    CHECK(sql_function_from_string("LOWER") == SqlFunction::lower);
    CHECK(sql_function_from_string("Coalesce") == SqlFunction::coalesce);
    CHECK(sql_function_from_string("strip") == SqlFunction::trim);
    CHECK(sql_function_from_string("len") == SqlFunction::length);
    CHECK_FALSE(sql_function_from_string("sleep").has_value());
    CHECK(to_string(SqlFunction::concat) == "concat");
    CHECK(sqlite().call(SqlFunction::concat, {"a", "b", "c"}) == "(a || b || c)");
    CHECK(postgres().call(SqlFunction::concat, {"a", "b"}) == "(a || b)");
    CHECK(mysql().call(SqlFunction::concat, {"a", "b"}) == "CONCAT(a, b)");
    CHECK(sqlite().call(SqlFunction::length, {"x"}) == "length(x)");
    CHECK(postgres().call(SqlFunction::length, {"x"}) == "char_length(x)");
    CHECK(mysql().call(SqlFunction::length, {"x"}) == "CHAR_LENGTH(x)");
    CHECK(sqlite().call(SqlFunction::now, {}) == sqlite().current_timestamp());
    CHECK(postgres().call(SqlFunction::round, {"x", "2"}, FieldType::floating) ==
          "CAST(round(CAST(x AS NUMERIC), 2) AS DOUBLE PRECISION)");
    CHECK(postgres().call(SqlFunction::round, {"x", "2"}, FieldType::decimal) == "round(x, 2)");
    CHECK(mysql().call(SqlFunction::coalesce, {"a", "b"}) == "coalesce(a, b)");
}
