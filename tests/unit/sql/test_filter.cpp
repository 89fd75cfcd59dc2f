// Filter: JSON -> parameterised WHERE per database, every operator, nesting, NULL semantics,
// conversions, errors and injection-shaped keys and values; matches() on records.

#include "sql_test_support.hpp"

using namespace bulkflow;
using namespace sqltest;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

std::string sq(std::string_view f) { return filter_sql(f, sqlite()).sql; }

bool matches(std::string_view filter, std::string_view record) {
    const auto rec = json::parse(record).as_object();
    return Filter::parse(json::parse(filter), product()).matches([&](const std::string& name) -> const json::value* {
        return rec.if_contains(name);
    });
}

constexpr std::int64_t k20220101 = 1'640'995'200'000'000;  // 2022-01-01T00:00:00Z in microseconds

} // namespace

TEST_CASE("the specification's filters compile per database", "[sql][filter]") {
    const char* restock = R"({"stock": {"$lt": 10}, "active": true, "category": {"$in": ["electronics", "clothing"]}})";
    const Binds restock_binds{std::int64_t{10}, true, std::string("electronics"), std::string("clothing")};
    auto s = filter_sql(restock, sqlite());
    CHECK(s.sql == "\"stock\" < ? AND \"active\" = ? AND \"category\" IN (?, ?)");
    CHECK(s.binds == restock_binds);
    auto p = filter_sql(restock, postgres());
    CHECK(p.sql == "\"stock\" < $1 AND \"active\" = $2 AND \"category\" IN ($3, $4)");
    CHECK(p.binds == restock_binds);
    CHECK(filter_sql(restock, mysql()).sql == "`stock` < ? AND `active` = ? AND `category` IN (?, ?)");

    auto d = filter_sql(R"({"active": false, "created_at": {"$lt": "2022-01-01"}, "stock": 0})", sqlite());
    CHECK(d.sql == "\"active\" = ? AND \"created_at\" < ? AND \"stock\" = ?");
    CHECK(d.binds == Binds{false, Timestamp{k20220101}, std::int64_t{0}});
    CHECK(filter_sql(R"({"category": "books"})", postgres()).sql == "\"category\" = $1");
}

TEST_CASE("every comparison operator", "[sql][filter]") {
    CHECK(sq(R"({"stock": {"$eq": 1}})") == "\"stock\" = ?");
    CHECK(sq(R"({"stock": {"$ne": 1}})") == "(\"stock\" <> ? OR \"stock\" IS NULL)");
    CHECK(sq(R"({"stock": {"$lt": 1}})") == "\"stock\" < ?");
    CHECK(sq(R"({"stock": {"$lte": 1}})") == "\"stock\" <= ?");
    CHECK(sq(R"({"stock": {"$gt": 1}})") == "\"stock\" > ?");
    CHECK(sq(R"({"stock": {"$gte": 1}})") == "\"stock\" >= ?");
    CHECK(sq(R"({"stock": {"$in": [1, 2]}})") == "\"stock\" IN (?, ?)");
    CHECK(sq(R"({"stock": {"$nin": [1, 2]}})") == "(\"stock\" NOT IN (?, ?) OR \"stock\" IS NULL)");
    CHECK(sq(R"({"stock": {"$null": true}})") == "\"stock\" IS NULL");
    CHECK(sq(R"({"stock": {"$null": false}})") == "\"stock\" IS NOT NULL");
    CHECK(sq(R"({"stock": null})") == "\"stock\" IS NULL");
    CHECK(sq(R"({"stock": {"$eq": null}})") == "\"stock\" IS NULL");
    CHECK(sq(R"({"stock": {"$ne": null}})") == "\"stock\" IS NOT NULL");
    CHECK(sq(R"({"stock": {"$in": [1, null]}})") == "(\"stock\" IN (?) OR \"stock\" IS NULL)");
    CHECK(sq(R"({"stock": {"$in": [null]}})") == "\"stock\" IS NULL");
    CHECK(sq(R"({"stock": {"$nin": [1, null]}})") == "\"stock\" NOT IN (?)");
    CHECK(sq(R"({"stock": {"$nin": [null]}})") == "\"stock\" IS NOT NULL");
    CHECK(sq(R"({"stock": {"$gte": 1, "$lt": 10}})") == "\"stock\" >= ? AND \"stock\" < ?");
}

TEST_CASE("LIKE and ILIKE per database", "[sql][filter]") {
    auto s = filter_sql(R"({"name": {"$like": "Pro%"}})", sqlite());
    CHECK(s.sql == "\"name\" GLOB ?");
    CHECK(s.binds == Binds{std::string("Pro*")});
    auto si = filter_sql(R"({"name": {"$ilike": "pro\\_%"}})", sqlite());
    CHECK(si.sql == "\"name\" LIKE ? ESCAPE '\\'");
    CHECK(si.binds == Binds{std::string("pro\\_%")});
    auto p = filter_sql(R"({"name": {"$like": "Pro%"}, "category": {"$ilike": "b%"}})", postgres());
    CHECK(p.sql == "\"name\" LIKE $1 AND \"category\" ILIKE $2");
    CHECK(p.binds == Binds{std::string("Pro%"), std::string("b%")});
    CHECK(filter_sql(R"({"name": {"$like": "Pro%"}})", mysql()).sql == "`name` LIKE BINARY ?");
    CHECK(filter_sql(R"({"name": {"$ilike": "pro%"}})", mysql()).sql == "`name` LIKE ?");
}

TEST_CASE("$and, $or and $not nest at any level", "[sql][filter]") {
    CHECK(sq(R"({"$or": [{"category": "a"}, {"stock": {"$lt": 5}}]})") == "\"category\" = ? OR \"stock\" < ?");
    CHECK(sq(R"({"active": true, "$or": [{"category": "a"}, {"category": "b"}]})") ==
          "\"active\" = ? AND (\"category\" = ? OR \"category\" = ?)");
    CHECK(sq(R"({"$or": [{"$and": [{"stock": 1}, {"active": true}]}, {"category": "x"}]})") ==
          "(\"stock\" = ? AND \"active\" = ?) OR \"category\" = ?");
    CHECK(sq(R"({"$or": [{"stock": 1, "active": true}, {"$or": [{"category": "x"}, {"name": "y"}]}]})") ==
          "(\"stock\" = ? AND \"active\" = ?) OR (\"category\" = ? OR \"name\" = ?)");
    CHECK(sq(R"({"$not": {"category": "books"}})") == "(\"category\" <> ? OR \"category\" IS NULL)");
    CHECK(sq(R"({"$not": {"stock": {"$lt": 5}, "active": true}})") ==
          "(\"stock\" >= ? OR \"stock\" IS NULL) OR (\"active\" <> ? OR \"active\" IS NULL)");
    CHECK(sq(R"({"$not": {"$not": {"stock": 1}}})") == "\"stock\" = ?");
    CHECK(sq(R"({"$not": {"stock": {"$in": [1, null]}}})") == "\"stock\" NOT IN (?)");
    CHECK(sq(R"({"$not": {"stock": {"$ne": 1}}})") == "\"stock\" = ?");
    CHECK(sq(R"({"$not": {"stock": {"$null": true}}})") == "\"stock\" IS NOT NULL");
    CHECK(sq(R"({"$not": {"$or": [{"stock": {"$in": []}}, {"name": {"$like": "a%"}}]}})") ==
          "1=1 AND (NOT (\"name\" GLOB ?) OR \"name\" IS NULL)");
    CHECK(sq(R"({"active": true, "$and": [{"$not": {"category": {"$in": ["a", "b"]}}}]})") ==
          "\"active\" = ? AND (\"category\" NOT IN (?, ?) OR \"category\" IS NULL)");
}

TEST_CASE("empty filters and empty lists", "[sql][filter]") {
    for (const auto* text : {"{}", "null"}) {
        const auto f = Filter::parse(json::parse(text), product());
        CHECK(f.empty());
        std::size_t next = 1;
        const auto frag = f.to_sql(sqlite(), next);
        CHECK(frag.sql == "1=1");
        CHECK(frag.binds.empty());
        CHECK(next == 1);
    }
    const auto in_empty = Filter::parse(json::parse(R"({"stock": {"$in": []}})"), product());
    CHECK_FALSE(in_empty.empty());
    CHECK(sq(R"({"stock": {"$in": []}})") == "1=0");
    CHECK_FALSE(Filter::parse(json::parse(R"({"stock": {"$nin": []}})"), product()).empty());
    CHECK(sq(R"({"stock": {"$nin": []}})") == "1=1");
    CHECK(sq(R"({"$not": {"stock": {"$in": []}}})") == "1=1");
    CHECK(sq(R"({"active": true, "stock": {"$in": []}})") == "\"active\" = ? AND 1=0");
}

TEST_CASE("values are converted to the field's type and storage", "[sql][filter]") {
    auto s = filter_sql(R"({"price": {"$lt": 19.999}})", sqlite());
    CHECK(s.sql == "CAST(\"price\" AS REAL) < ?");
    CHECK(s.binds == Binds{19.999});
    auto p = filter_sql(R"({"price": {"$lt": 19.999}})", postgres());
    CHECK(p.sql == "\"price\" < $1");
    CHECK(p.binds == Binds{Decimal{"19.999"}});
    auto m = filter_sql(R"({"price": {"$lt": 19.999}})", mysql());
    CHECK(m.sql == "`price` < CAST(? AS DECIMAL(5,3))");
    CHECK(filter_sql(R"({"price": {"$in": ["1.5", 2]}})", postgres()).binds == Binds{Decimal{"1.50"}, Decimal{"2.00"}});
    CHECK(filter_sql(R"({"price": "19.9"})", sqlite()).binds == Binds{19.9});
    CHECK(filter_sql(R"({"created_at": {"$gte": "2024-01-01T12:00:00+05:30"}})", postgres()).binds ==
          Binds{Timestamp{1'704'090'600'000'000}});
    CHECK(filter_sql(R"({"created_at": {"$lt": "2022-01-01T00:00:00Z"}})", mysql()).binds == Binds{Timestamp{k20220101}});
    CHECK(filter_sql(R"({"restock_date": "2024-01-02"})", sqlite()).binds == Binds{Date{19'724}});
    CHECK(filter_sql(R"({"active": "yes"})", sqlite()).binds == Binds{true});
    CHECK(filter_sql(R"({"name": "a name longer than max_length 20"})", sqlite()).binds ==
          Binds{std::string("a name longer than max_length 20")});
    CHECK(sq(R"({"metadata": null})") == "\"metadata\" IS NULL");
    CHECK(sq(R"({"metadata": {"$null": false}})") == "\"metadata\" IS NOT NULL");
}

TEST_CASE("filter placeholders continue from next_placeholder", "[sql][filter]") {
    std::size_t next = 3;
    const auto f = Filter::parse(json::parse(R"({"stock": 1, "name": {"$in": ["a", "b"]}})"), product());
    CHECK(f.to_sql(postgres(), next).sql == "\"stock\" = $3 AND \"name\" IN ($4, $5)");
    CHECK(next == 6);
    CHECK(f.referenced_fields() == std::vector<std::string>{"stock", "name"});
}

TEST_CASE("long $in lists bind as one array on PostgreSQL only", "[sql][filter][array]") {
    // Eight or more values: one array parameter, whatever the list's length.
    const char* ids = R"({"id": {"$in": [1, 2, 3, 4, 5, 6, 7, 8]}})";
    const auto p = filter_sql(ids, postgres());
    CHECK(p.sql == "\"id\" = ANY(CAST($1 AS BIGINT[]))");
    CHECK(p.binds == Binds{std::string("{1,2,3,4,5,6,7,8}")});
    CHECK(sq(ids) == "\"id\" IN (?, ?, ?, ?, ?, ?, ?, ?)");
    CHECK(filter_sql(ids, mysql()).binds.size() == 8);
    CHECK(filter_sql(R"({"id": {"$in": [1, 2, 3, 4, 5, 6, 7]}})", postgres()).sql == "\"id\" IN ($1, $2, $3, $4, $5, $6, $7)");

    // Quotes, backslashes, commas and braces are quoted inside the array literal.
    const auto s = filter_sql(R"({"category": {"$in": ["a\"b", "c\\d", "e,f", "{g}", "NULL", "", " h ", "ü"]}})", postgres());
    CHECK(s.sql == "\"category\" = ANY(CAST($1 AS TEXT[]))");
    CHECK(s.binds == Binds{std::string(R"({"a\"b","c\\d","e,f","{g}","NULL",""," h ","ü"})")});

    // $nin keeps NOT IN's truth table: NULL rows match unless the list holds null.
    CHECK(filter_sql(R"({"stock": {"$nin": [1, 2, 3, 4, 5, 6, 7, 8]}})", postgres()).sql ==
          "(NOT (\"stock\" = ANY(CAST($1 AS BIGINT[]))) OR \"stock\" IS NULL)");
    CHECK(filter_sql(R"({"stock": {"$nin": [1, 2, 3, 4, 5, 6, 7, 8, null]}})", postgres()).sql ==
          "NOT (\"stock\" = ANY(CAST($1 AS BIGINT[])))");
    CHECK(filter_sql(R"({"stock": {"$in": [1, 2, 3, 4, 5, 6, 7, 8, null]}})", postgres()).sql ==
          "(\"stock\" = ANY(CAST($1 AS BIGINT[])) OR \"stock\" IS NULL)");

    // Typed elements: decimals exact, dates and timestamps as ISO text, booleans t/f.
    CHECK(filter_sql(R"({"price": {"$in": ["1.5", 2, "3.25", 4, 5, 6, 7, 8]}})", postgres()).binds ==
          Binds{std::string("{1.50,2.00,3.25,4.00,5.00,6.00,7.00,8.00}")});
    CHECK(filter_sql(R"({"restock_date": {"$in": ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05",
                                                    "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"]}})", postgres())
              .sql == "\"restock_date\" = ANY(CAST($1 AS DATE[]))");
    // Placeholders after the array continue from the next number.
    CHECK(filter_sql(R"({"id": {"$in": [1, 2, 3, 4, 5, 6, 7, 8]}, "stock": 3})", postgres()).sql ==
          "\"id\" = ANY(CAST($1 AS BIGINT[])) AND \"stock\" = $2");
}

TEST_CASE("injection-shaped keys are unknown fields and values stay binds", "[sql][filter]") {
    CHECK_THAT(filter_error(R"({"name; DROP TABLE x": 1})"), Contains("filter: unknown field 'name; DROP TABLE x'"));
    CHECK_THAT(filter_error(R"({"1=1 --": 1})"), Contains("filter: unknown field '1=1 --'"));
    CHECK_THAT(filter_error(R"({"name\" OR 1=1 --": 1})"), Contains("unknown field"));
    CHECK_THAT(filter_error(R"({"stock": {"$lt; DROP": 1}})"), Contains("unknown operator '$lt; DROP'"));
    for (const auto* flavor : {&sqlite(), &postgres(), &mysql()}) {
        auto f = filter_sql(R"({"name": "x' OR '1'='1", "category": {"$like": "%'; DROP TABLE products; --"}})", *flavor);
        CHECK_THAT(f.sql, !Contains("DROP"));
        CHECK_THAT(f.sql, !Contains("'1'"));
        REQUIRE(f.binds.size() == 2);
        CHECK(f.binds[0] == SqlValue{std::string("x' OR '1'='1")});
    }
}

TEST_CASE("filter errors name the key and suggest", "[sql][filter]") {
    CHECK(filter_error(R"({"nmae": "x"})") == "filter: unknown field 'nmae' (did you mean 'name'?)");
    CHECK_THAT(filter_error(R"({"zzzzzzzz": 1})"), Contains("(fields of Product: id, name, price"));
    CHECK_THAT(filter_error(R"({"stock": {"$eqq": 1}})"),
               Contains("filter on 'stock': unknown operator '$eqq' (did you mean '$eq'?); known operators: $eq $ne"));
    CHECK_THAT(filter_error(R"({"stock": {"$regex": "a"}})"), Contains("unknown operator '$regex'"));
    CHECK_THAT(filter_error(R"({"$nor": [{"stock": 1}]})"), Contains("unknown operator '$nor' (did you mean '$or'?)"));
    CHECK_THAT(filter_error(R"({"$in": [1]})"), Contains("$in goes inside a field"));
    CHECK_THAT(filter_error(R"({"stock": {"$in": 5}})"), Contains("filter on 'stock' ($in): needs a list of values"));
    CHECK_THAT(filter_error(R"({"stock": {"$lt": null}})"), Contains("null cannot be ordered"));
    CHECK_THAT(filter_error(R"({"stock": {"$lt": "abc"}})"), Contains("filter on 'stock' ($lt): "));
    CHECK_THAT(filter_error(R"({"stock": {"$lt": "abc"}})"), Contains("not an integer"));
    CHECK_THAT(filter_error(R"({"created_at": {"$lt": "yesterday"}})"), Contains("filter on 'created_at' ($lt)"));
    CHECK_THAT(filter_error(R"({"stock": [1, 2]})"), Contains("a list needs an operator"));
    CHECK_THAT(filter_error(R"({"stock": {}})"), Contains("{} has no operator"));
    CHECK_THAT(filter_error(R"({"$and": []})"), Contains("$and needs a non-empty list"));
    CHECK_THAT(filter_error(R"({"$or": {"stock": 1}})"), Contains("$or needs a non-empty list"));
    CHECK_THAT(filter_error(R"({"$not": {}})"), Contains("$not has an empty condition {}"));
    CHECK_THAT(filter_error(R"({"$and": [{}]})"), Contains("$and has an empty condition {}"));
    CHECK_THAT(filter_error(R"({"$not": [{"stock": 1}]})"), Contains("$not needs a condition object"));
    CHECK_THAT(filter_error(R"({"stock": {"$like": "1%"}})"), Contains("patterns only apply to str fields"));
    CHECK_THAT(filter_error(R"({"name": {"$like": 5}})"), Contains("needs a string pattern"));
    CHECK_THAT(filter_error(R"({"stock": {"$null": "yes"}})"), Contains("needs true or false"));
    CHECK_THAT(filter_error(R"({"metadata": {"$eq": "x"}})"), Contains("JSON fields can only be tested for null"));
    CHECK_THAT(filter_error(R"({"metadata": {"a": 1}})"), Contains("unknown operator 'a'"));
    CHECK_THAT(filter_error(R"([1])"), Contains("filter: expected an object"));
}

TEST_CASE("matches() follows the SQL semantics on records", "[sql][filter][matches]") {
    CHECK(matches(R"({"stock": {"$lt": 10}})", R"({"stock": 5})"));
    CHECK_FALSE(matches(R"({"stock": {"$lt": 10}})", R"({"stock": 10})"));
    CHECK_FALSE(matches(R"({"stock": {"$lt": 10}})", R"({"stock": null})"));
    CHECK_FALSE(matches(R"({"stock": {"$lt": 10}})", R"({})"));
    CHECK(matches(R"({"$not": {"stock": {"$lt": 10}}})", R"({})"));
    CHECK(matches(R"({"stock": {"$ne": 3}})", R"({"stock": null})"));
    CHECK_FALSE(matches(R"({"stock": {"$ne": 3}})", R"({"stock": 3})"));
    CHECK(matches(R"({"stock": {"$in": [1, null]}})", R"({})"));
    CHECK_FALSE(matches(R"({"stock": {"$nin": [1, null]}})", R"({})"));
    CHECK(matches(R"({"stock": {"$nin": [1]}})", R"({})"));
    CHECK_FALSE(matches(R"({"stock": {"$in": []}})", R"({"stock": 1})"));
    CHECK(matches(R"({"stock": {"$nin": []}})", R"({"stock": 1})"));
    CHECK(matches(R"({"name": {"$like": "Pro%"}})", R"({"name": "Product"})"));
    CHECK_FALSE(matches(R"({"name": {"$like": "Pro%"}})", R"({"name": "product"})"));
    CHECK(matches(R"({"name": {"$ilike": "pro%"}})", R"({"name": "PRODUCT"})"));
    CHECK(matches(R"({"name": {"$like": "h_llo"}})", R"({"name": "héllo"})"));
    CHECK(matches(R"({"name": {"$like": "100\\%"}})", R"({"name": "100%"})"));
    CHECK_FALSE(matches(R"({"name": {"$like": "100\\%"}})", R"({"name": "1000"})"));
    CHECK(matches(R"({"name": {"$like": "%a%b%"}})", R"({"name": "xxaxxbxx"})"));
    CHECK_FALSE(matches(R"({"name": {"$like": "%a%b"}})", R"({"name": "xxaxxbxx"})"));
    CHECK(matches(R"({"created_at": {"$lt": "2022-01-01"}})", R"({"created_at": "2021-12-31T23:59:59Z"})"));
    CHECK(matches(R"({"created_at": {"$lt": "2022-01-01"}})", R"({"created_at": "2022-01-01T00:00:00+01:00"})"));
    CHECK_FALSE(matches(R"({"created_at": {"$lt": "2022-01-01"}})", R"({"created_at": "2022-01-01T00:00:00"})"));
    CHECK(matches(R"({"price": {"$gt": "9.5"}})", R"({"price": "10.00"})"));
    CHECK(matches(R"({"price": 19.9})", R"({"price": "19.90"})"));
    CHECK(matches(R"({"$or": [{"category": "a"}, {"stock": {"$gte": 5}}], "active": true})",
                  R"({"category": "b", "stock": 7, "active": true})"));
    CHECK_FALSE(matches(R"({"$or": [{"category": "a"}, {"stock": {"$gte": 5}}], "active": true})",
                        R"({"category": "b", "stock": 7, "active": false})"));
    CHECK(matches(R"({})", R"({"stock": 1})"));
    CHECK_THAT(error_of([] { (void)matches(R"({"stock": 1})", R"({"stock": "abc"})"); }, ErrorCode::invalid_data),
               Contains("filter: "));
}
