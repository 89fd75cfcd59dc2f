// Expr: parsing, SQL per database, errors with positions and suggestions, update-value
// classification (CONTRACT section 7).

#include "sql_test_support.hpp"

using namespace bulkflow;
using namespace sqltest;
using Catch::Matchers::Contains;
namespace json = boost::json;

TEST_CASE("arithmetic on a decimal field compiles per database with bound literals", "[sql][expr]") {
    auto s = expr_sql("price * 0.9", sqlite());
    CHECK(s.sql == "CAST(\"price\" AS REAL) * ?");
    CHECK(s.binds == Binds{0.9});
    auto p = expr_sql("price * 0.9", postgres());
    CHECK(p.sql == "\"price\" * CAST($1 AS NUMERIC)");
    CHECK(p.binds == Binds{Decimal{"0.9"}});
    auto m = expr_sql("price * 0.9", mysql());
    CHECK(m.sql == "`price` * CAST(? AS DECIMAL(1,1))");
    CHECK(m.binds == Binds{Decimal{"0.9"}});
}

TEST_CASE("assignment stores numeric results in the target's type", "[sql][expr]") {
    auto s = assign_sql("price * 0.9", "price", sqlite());
    CHECK(s.sql == "bulkflow_decimal(round(CAST(\"price\" AS REAL) * ?, 2), 10,2)");  // sqlite_checks.hpp
    CHECK(s.binds == Binds{0.9});
    CHECK(assign_sql("price * 0.9", "price", postgres()).sql == "CAST(\"price\" * CAST($1 AS NUMERIC) AS NUMERIC(10,2))");
    CHECK(assign_sql("price * 0.9", "price", mysql()).sql == "CAST(`price` * CAST(? AS DECIMAL(1,1)) AS DECIMAL(10,2))");
    auto st = assign_sql("stock + 100", "stock", sqlite());
    CHECK(st.sql == "bulkflow_integer(\"stock\" + ?)");  // SQLite makes an overflow a REAL
    CHECK(st.binds == Binds{std::int64_t{100}});
    CHECK(assign_sql("stock + 100", "stock", postgres()).sql == "\"stock\" + CAST($1 AS BIGINT)");
    CHECK(assign_sql("stock * 1.5", "stock", postgres()).sql ==
          "CAST(round(\"stock\" * CAST($1 AS NUMERIC)) AS BIGINT)");
    CHECK(assign_sql("price", "price", sqlite()).sql == "\"price\"");  // copied exactly
    CHECK(assign_sql("null", "price", postgres()).sql == "NULL");
}

TEST_CASE("placeholders continue from next_placeholder", "[sql][expr]") {
    std::size_t next = 5;
    auto e = Expr::parse("price * 2 + stock - 1", product());
    auto frag = e.to_sql(postgres(), next);
    CHECK(frag.sql == "((\"price\" * CAST($5 AS BIGINT)) + \"stock\") - CAST($6 AS BIGINT)");
    CHECK(next == 7);
    CHECK(frag.binds == Binds{std::int64_t{2}, std::int64_t{1}});
}

TEST_CASE("functions, methods and tokens", "[sql][expr]") {
    CHECK(expr_sql("category.lower()", sqlite()).sql == "lower(\"category\")");
    CHECK(expr_sql("lower(category)", mysql()).sql == "lower(`category`)");
    CHECK(expr_sql("LOWER(category)", postgres()).sql == "lower(\"category\")");
    CHECK(expr_sql("name.upper()", postgres()).sql == "upper(\"name\")");
    CHECK(expr_sql("name.strip().lower()", sqlite()).sql == "lower(trim(\"name\"))");
    CHECK(expr_sql("coalesce(created_at, now())", sqlite()).sql ==
          "coalesce(\"created_at\", strftime('%Y-%m-%dT%H:%M:%f000Z','now'))");
    CHECK(expr_sql("coalesce(created_at, now())", postgres()).sql == "coalesce(\"created_at\", now())");
    CHECK(expr_sql("coalesce(created_at, :current_timestamp)", mysql()).sql == "coalesce(`created_at`, UTC_TIMESTAMP(6))");
    CHECK(expr_sql("abs(stock)", sqlite()).sql == "abs(\"stock\")");
    CHECK(expr_sql("length(name)", postgres()).sql == "char_length(\"name\")");
    CHECK(expr_sql("len(name)", mysql()).sql == "CHAR_LENGTH(`name`)");
    CHECK(expr_sql("round(price * 1.1, 2)", sqlite()).sql == "round(CAST(\"price\" AS REAL) * ?, 2)");
    CHECK(expr_sql("price.round()", postgres()).sql == "round(\"price\")");
    CHECK(expr_sql("round(stock)", postgres()).sql == "\"stock\"");
    CHECK(expr_sql("round(rating, 1)", postgres()).sql ==
          "CAST(round(CAST(\"rating\" AS NUMERIC), 1) AS DOUBLE PRECISION)");
    CHECK(assign_sql(":current_timestamp", "updated_at", postgres()).sql == "now()");
    CHECK(assign_sql(":current_date", "restock_date", sqlite()).sql == "date('now')");
    CHECK(assign_sql(":current_date", "updated_at", sqlite()).sql == "(date('now') || 'T00:00:00.000000Z')");
    CHECK(assign_sql(":current_timestamp", "restock_date", postgres()).sql ==
          "CAST((now() AT TIME ZONE 'UTC') AS DATE)");
    CHECK(assign_sql("now()", "restock_date", sqlite()).sql == "substr(strftime('%Y-%m-%dT%H:%M:%f000Z','now'), 1, 10)");
    auto b = expr_sql("coalesce(active, true)", postgres());
    CHECK(b.sql == "coalesce(\"active\", CAST($1 AS BOOLEAN))");
    CHECK(b.binds == Binds{true});
    CHECK(expr_sql("coalesce(rating, null)", sqlite()).sql == "coalesce(\"rating\", NULL)");
}

TEST_CASE("division, modulo, unary minus and parentheses", "[sql][expr]") {
    CHECK(expr_sql("stock / 2", sqlite()).sql == "CAST(\"stock\" AS REAL) / bulkflow_divisor(?)");  // x / 0 is NULL
    CHECK(expr_sql("stock % 3", sqlite()).sql == "\"stock\" % bulkflow_divisor(?)");
    CHECK(expr_sql("stock / 2", postgres()).sql == "CAST(\"stock\" AS NUMERIC) / CAST($1 AS BIGINT)");
    CHECK(expr_sql("stock / 2", mysql()).sql == "`stock` / ?");
    CHECK(expr_sql("price / 2", postgres()).sql == "\"price\" / CAST($1 AS BIGINT)");
    CHECK(Expr::parse("stock / 2", product()).type() == FieldType::decimal);
    CHECK(expr_sql("stock % 3", mysql()).sql == "`stock` % ?");
    CHECK(expr_sql("-stock", sqlite()).sql == "bulkflow_integer(-\"stock\")");
    CHECK(expr_sql("-(price * 2)", sqlite()).sql == "-(CAST(\"price\" AS REAL) * ?)");
    CHECK(expr_sql("stock - -stock", postgres()).sql == "\"stock\" - (-\"stock\")");
    CHECK(expr_sql("(stock + 1) * 2", postgres()).sql == "(\"stock\" + CAST($1 AS BIGINT)) * CAST($2 AS BIGINT)");
    CHECK(expr_sql("(stock + 1) * 2", sqlite()).sql == "bulkflow_integer((bulkflow_integer(\"stock\" + ?)) * ?)");
    auto neg = expr_sql("price * -0.5", postgres());
    CHECK(neg.sql == "\"price\" * CAST($1 AS NUMERIC)");
    CHECK(neg.binds == Binds{Decimal{"-0.5"}});
    CHECK(expr_sql("stock * 1e3", postgres()).binds == Binds{Decimal{"1000"}});
    CHECK(expr_sql("stock + 99999999999999999999", postgres()).binds == Binds{Decimal{"99999999999999999999"}});
}

TEST_CASE("comparisons and boolean logic", "[sql][expr]") {
    auto s = expr_sql("price > 10 and not active or stock == 0", sqlite());
    CHECK(s.sql == "((CAST(\"price\" AS REAL) > ?) AND (NOT \"active\")) OR (\"stock\" = ?)");
    CHECK(s.binds == Binds{std::int64_t{10}, std::int64_t{0}});
    CHECK(expr_sql("price > 10 AND stock != 0", postgres()).sql ==
          "(\"price\" > CAST($1 AS BIGINT)) AND (\"stock\" <> CAST($2 AS BIGINT))");
    CHECK(expr_sql("name <> 'x'", mysql()).sql == "`name` <> ?");
    auto t = expr_sql("created_at < '2022-01-01'", postgres());
    CHECK(t.sql == "\"created_at\" < CAST($1 AS TIMESTAMPTZ)");
    CHECK(t.binds == Binds{Timestamp{1'640'995'200'000'000}});
    CHECK(expr_sql("restock_date >= '2024-01-02'", sqlite()).binds == Binds{Date{19'724}});
    CHECK(expr_sql("not (stock > 1 or stock < -1)", sqlite()).sql == "NOT ((\"stock\" > ?) OR (\"stock\" < ?))");
    CHECK(Expr::parse("stock >= 1", product()).type() == FieldType::boolean);
    CHECK(assign_sql("stock > 0", "active", postgres()).sql == "\"stock\" > CAST($1 AS BIGINT)");
    CHECK_THAT(expr_error("name > 1"), Contains("cannot compare str with int"));
    CHECK_THAT(expr_error("stock and active"), Contains("'and' needs true/false values, but 'stock' is int"));
    CHECK_THAT(expr_error("not name"), Contains("'not' needs true/false values"));
    CHECK_THAT(expr_error("1 < stock < 5"), Contains("comparisons cannot be chained"));
    CHECK_THAT(expr_error("created_at < 'yesterday'"), Contains("'yesterday' is not an ISO 8601 date-time"));
    CHECK_THAT(expr_error("metadata = metadata"), Contains("cannot compare json with json"));
    CHECK_THAT(expr_error("stock ! 1"), Contains("use != or not"));
    CHECK_THAT(expr_error("stock > and"), Contains("expected a value but found 'and'"));
}

TEST_CASE("string concatenation", "[sql][expr]") {
    auto s = expr_sql("name + ' (old)'", sqlite());
    CHECK(s.sql == "(\"name\" || ?)");
    CHECK(s.binds == Binds{std::string(" (old)")});
    CHECK(expr_sql("name + ' (old)'", postgres()).sql == "(\"name\" || CAST($1 AS TEXT))");
    CHECK(expr_sql("name + ' (old)'", mysql()).sql == "CONCAT(`name`, ?)");
    CHECK(expr_sql("concat(name, '-', stock)", postgres()).sql ==
          "(\"name\" || CAST($1 AS TEXT) || CAST(\"stock\" AS TEXT))");
    CHECK(expr_sql("concat(name, '-', stock)", sqlite()).sql == "(\"name\" || ? || \"stock\")");
    CHECK(expr_sql("concat(name, price)", sqlite()).sql == "(\"name\" || \"price\")");  // exact stored text
    auto q = expr_sql(R"(concat(name, "it's \"quoted\"\n"))", sqlite());
    CHECK(q.binds == Binds{std::string("it's \"quoted\"\n")});
}

TEST_CASE("string literals with SQL in them stay binds", "[sql][expr]") {
    for (const auto* flavor : {&sqlite(), &postgres(), &mysql()}) {
        auto f = expr_sql("name + \"'; DROP TABLE products; --\"", *flavor);
        CHECK_THAT(f.sql, !Contains("DROP"));
        CHECK_THAT(f.sql, !Contains("--"));
        CHECK(f.binds == Binds{std::string("'; DROP TABLE products; --")});
    }
}

TEST_CASE("operators, calls and referenced fields", "[sql][expr]") {
    const auto e = Expr::parse("price * 0.9", product());
    CHECK(e.has_operator_or_call());
    CHECK(e.referenced_fields() == std::vector<std::string>{"price"});
    CHECK(e.text() == "price * 0.9");
    CHECK(e.type() == FieldType::decimal);
    CHECK_FALSE(Expr::parse("price", product()).has_operator_or_call());
    CHECK_FALSE(Expr::parse("-5", product()).has_operator_or_call());
    CHECK_FALSE(Expr::parse(":current_timestamp", product()).has_operator_or_call());
    CHECK(Expr::parse("now()", product()).has_operator_or_call());
    CHECK(Expr::parse("stock + stock * rating", product()).referenced_fields() ==
          std::vector<std::string>{"stock", "rating"});
    CHECK(Expr::parse("stock * rating", product()).type() == FieldType::floating);
    CHECK_FALSE(Expr::parse("null", product()).type().has_value());
}

TEST_CASE("errors name the problem, its position and a suggestion", "[sql][expr]") {
    CHECK(expr_error("pricee * 0.9") == "expression 'pricee * 0.9': unknown field 'pricee' (did you mean 'price'?)");
    CHECK(expr_error("price *") == "expression 'price *': expected a value but found end of expression at position 8");
    CHECK(expr_error("price * (stock") ==
          "expression 'price * (stock': expected ')' but found end of expression at position 15");
    CHECK(expr_error("price price") == "expression 'price price': unexpected name 'price' at position 7");
    CHECK(expr_error("price # 2") == "expression 'price # 2': unexpected character '#' at position 7");
    CHECK(expr_error("'abc") == "expression ''abc': unterminated string at position 1");
    CHECK_THAT(expr_error("stock + :now"), Contains("unknown token ':now' (known tokens: :current_timestamp, :current_date)"));
    CHECK(expr_error("sleep(price)") == "expression 'sleep(price)': unknown function 'sleep'; known functions: lower, upper, "
                                      "coalesce, now, abs, round, length, trim, concat");
    CHECK_THAT(expr_error("lowr(category)"), Contains("unknown function 'lowr' (did you mean 'lower'?)"));
    CHECK_THAT(expr_error("category.lowr()"), Contains("did you mean 'lower'?"));
    CHECK_THAT(expr_error("xyz + 1"), Contains("unknown field 'xyz' (fields of Product: id, name, price"));
    CHECK_THAT(expr_error("name * 2"), Contains("operator '*' needs numbers, but 'name' is str"));
    CHECK_THAT(expr_error("lower(stock)"), Contains("lower() needs a string, but 'stock' is int"));
    CHECK_THAT(expr_error("category.lower(1)"), Contains("lower() takes 0 arguments, 1 given"));
    CHECK_THAT(expr_error("lower(name, 1)"), Contains("lower() takes 1 argument, 2 given"));
    CHECK_THAT(expr_error("now(1)"), Contains("now() takes 0 arguments, 1 given"));
    CHECK_THAT(expr_error("price.now()"), Contains("now() cannot be called as a method"));
    CHECK_THAT(expr_error("round(price, stock)"), Contains("number of decimal places as an integer from 0 to 30"));
    CHECK_THAT(expr_error("stock % 1.5"), Contains("operator '%' needs integers"));
    CHECK_THAT(expr_error("coalesce(name, stock)"), Contains("arguments must have one type, got str and int"));
    CHECK_THAT(expr_error("name + stock"), Contains("use concat(a, b)"));
    CHECK_THAT(expr_error("category.lower"), Contains("expected '(' after method 'lower'"));
    CHECK_THAT(expr_error(""), Contains("expected a value but found end of expression at position 1"));
    CHECK_THAT(expr_error(std::string(300, '(') + "1" + std::string(300, ')')), Contains("nested too deeply"));
    std::string long_sum = "stock";
    for (int i = 0; i < 5000; ++i) long_sum += " + 1";
    CHECK_THAT(expr_error(long_sum), Contains("expression is too long"));
    CHECK_THAT(expr_error("price; DROP TABLE products"), Contains("unexpected character ';'"));
}

TEST_CASE("assignment type checks", "[sql][expr]") {
    const auto e = Expr::parse("lower(category)", product());
    CHECK_THAT(error_of([&] { e.check_assignable(field("price")); }),
               Contains("the result is str and cannot be stored in decimal field 'price'"));
    CHECK_THAT(error_of([&] { (void)assign_sql("stock + 1", "name", sqlite()); }), Contains("use concat(...)"));
    CHECK_NOTHROW(Expr::parse("stock * 2", product()).check_assignable(field("price")));
    CHECK_NOTHROW(Expr::parse("price * 2", product()).check_assignable(field("rating")));
    CHECK_NOTHROW(Expr::parse("null", product()).check_assignable(field("metadata")));
}

TEST_CASE("update values are classified as CONTRACT section 7 says", "[sql][expr][classify]") {
    const auto kind = [](const json::value& v) { return classify_update_value(v, product()); };
    using K = UpdateValueKind;
    CHECK(kind("price * 0.9") == K::expression);
    CHECK(kind("stock + 100") == K::expression);
    CHECK(kind("lower(category)") == K::expression);
    CHECK(kind("category.lower()") == K::expression);
    CHECK(kind("coalesce(created_at, now())") == K::expression);
    CHECK(kind(":current_timestamp") == K::expression);
    CHECK(kind(":current_date") == K::expression);
    CHECK(kind(" :current_date ") == K::expression);
    CHECK(kind("price * pricee") == K::expression);  // references price: Expr::parse reports the typo
    CHECK(kind("lowr(category)") == K::expression);  // likewise for the unknown function
    CHECK(kind("stock > 5") == K::expression);
    CHECK(kind("restocked") == K::literal);
    CHECK(kind("cat-c3") == K::literal);
    CHECK(kind("price") == K::literal);
    CHECK(kind("now()") == K::literal);  // no model field
    CHECK(kind("1 + 2") == K::literal);
    CHECK(kind("-5") == K::literal);
    CHECK(kind("hello world") == K::literal);
    CHECK(kind("O'Brien") == K::literal);
    CHECK(kind("") == K::literal);
    CHECK(kind("19.99") == K::literal);
    CHECK(kind(":tomorrow") == K::literal);
    CHECK(kind(5) == K::literal);
    CHECK(kind(nullptr) == K::literal);
    CHECK(kind(true) == K::literal);
    CHECK(kind(json::parse(R"({"$expr": "price"})")) == K::expression);
    CHECK(kind(json::parse(R"({"$literal": "price * 0.9"})")) == K::literal);
    CHECK(kind(json::parse(R"({"a": "price * 0.9"})")) == K::literal);
    CHECK(kind(json::parse(R"(["price * 0.9"])")) == K::literal);
}
