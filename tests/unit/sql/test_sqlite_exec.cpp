// Compiled expressions and filters executed on a real in-memory SQLite database stored with the
// SQLite conventions (decimals as exact text, datetimes as fixed-width UTC text): proves the
// GLOB-based case-sensitive $like, numeric decimal comparisons, timestamp text order, NULL
// semantics and decimal assignment.

#include "sql_test_support.hpp"

#include <bulkflow/sqlite_checks.hpp>

#include <sqlite3.h>

#include <cstdio>
#include <optional>

using namespace bulkflow;
using namespace sqltest;
namespace json = boost::json;

namespace {

/// "YYYY-MM-DDTHH:MM:SS.ffffffZ", the SQLite datetime storage convention.
std::string fixed_timestamp(Timestamp t) {
    std::int64_t days = t.micros / 86'400'000'000, rem = t.micros % 86'400'000'000;
    if (rem < 0) {
        rem += 86'400'000'000;
        --days;
    }
    const CivilDate d = civil_from_days(days);
    const std::int64_t secs = rem / 1'000'000;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(d.year), d.month,
                  d.day, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60), static_cast<long long>(rem % 1'000'000));
    return buf;
}

class Db {
public:
    Db() {
        REQUIRE(sqlite3_open(":memory:", &db_) == SQLITE_OK);
        register_sqlite_checks(db_);  // as the SQLite dialect does on every connection
        exec(R"(CREATE TABLE "products" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "price" TEXT,
                "category" TEXT, "stock" INTEGER, "active" INTEGER, "rating" REAL, "restock_date" TEXT,
                "status" TEXT, "metadata" TEXT, "created_at" TEXT, "updated_at" TEXT, "deleted_at" TEXT))");
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void exec(const std::string& sql, const Binds& binds = {}) {
        sqlite3_stmt* st = prepare(sql, binds);
        const int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        REQUIRE(rc == SQLITE_DONE);
    }

    /// The first column of every row, NULL as "<null>".
    std::vector<std::string> column(const std::string& sql, const Binds& binds = {}) {
        sqlite3_stmt* st = prepare(sql, binds);
        std::vector<std::string> out;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(st, 0);
            out.emplace_back(text ? reinterpret_cast<const char*>(text) : "<null>");
        }
        sqlite3_finalize(st);
        return out;
    }

    void insert(const std::string& name, std::optional<std::string> price, const std::string& category,
                std::optional<std::int64_t> stock, std::optional<Timestamp> created) {
        exec(R"(INSERT INTO "products" ("name", "price", "category", "stock", "active", "created_at")
                VALUES (?, ?, ?, ?, 1, ?))",
             {name, price ? SqlValue{*price} : SqlValue{}, category, stock ? SqlValue{*stock} : SqlValue{},
              created ? SqlValue{*created} : SqlValue{}});
    }

    std::vector<std::string> names_where(std::string_view filter) {
        std::size_t next = 1;
        const auto f = Filter::parse(json::parse(filter), product()).to_sql(sqlite(), next);
        return column("SELECT \"name\" FROM \"products\" WHERE " + f.sql + " ORDER BY \"id\"", f.binds);
    }

    void update(const std::string& target, std::string_view expr, std::string_view filter = "{}") {
        std::size_t next = 1;
        const auto set = Expr::parse(expr, product()).to_assignment_sql(field(target), sqlite(), next);
        const auto where = Filter::parse(json::parse(filter), product()).to_sql(sqlite(), next);
        Binds binds = set.binds;
        binds.insert(binds.end(), where.binds.begin(), where.binds.end());
        exec("UPDATE \"products\" SET " + sqlite().quote_identifier(target) + " = " + set.sql + " WHERE " + where.sql, binds);
    }

private:
    sqlite3_stmt* prepare(const std::string& sql, const Binds& binds) {
        sqlite3_stmt* st = nullptr;
        INFO(sql);
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(static_cast<std::size_t>(sqlite3_bind_parameter_count(st)) == binds.size());
        for (std::size_t i = 0; i < binds.size(); ++i) bind(st, static_cast<int>(i + 1), binds[i]);
        return st;
    }

    static void bind(sqlite3_stmt* st, int i, const SqlValue& v) {
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                const auto text = [&](const std::string& s) { sqlite3_bind_text(st, i, s.c_str(), -1, SQLITE_TRANSIENT); };
                if constexpr (std::is_same_v<T, std::monostate>) sqlite3_bind_null(st, i);
                else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool>) sqlite3_bind_int64(st, i, x);
                else if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(st, i, x);
                else if constexpr (std::is_same_v<T, std::string>) text(x);
                else if constexpr (std::is_same_v<T, Timestamp>) text(fixed_timestamp(x));
                else if constexpr (std::is_same_v<T, Date>) text(format_date(x));
                else text(x.text);  // Decimal, JsonText
            },
            v);
    }

    sqlite3* db_ = nullptr;
};

Timestamp ts(std::string_view iso) { return *parse_iso8601(iso); }

} // namespace

TEST_CASE("fixed-width timestamp text matches the SQLite current_timestamp format", "[sql][sqlite]") {
    CHECK(fixed_timestamp(ts("2022-01-01T00:00:00Z")) == "2022-01-01T00:00:00.000000Z");
    CHECK(fixed_timestamp(ts("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59.500000Z");
    Db db;
    const auto now = db.column("SELECT " + sqlite().current_timestamp());
    REQUIRE(now.size() == 1);
    CHECK(now[0].size() == 27);
    CHECK(parse_iso8601(now[0]).has_value());
}

TEST_CASE("SQLite executes compiled filters with the documented semantics", "[sql][sqlite]") {
    Db db;
    db.insert("Product A", "9.50", "Books", 5, ts("2021-12-31T23:59:59.5Z"));
    db.insert("product b", "10.00", "books", std::nullopt, ts("2022-01-01T00:00:00Z"));
    db.insert("Pro*duct_c", "100.00", "toys", 20, ts("2022-06-01T08:00:00.25Z"));
    db.insert("x", std::nullopt, "toys", 0, std::nullopt);

    SECTION("$like is case-sensitive through GLOB, $ilike is not") {
        CHECK(db.names_where(R"({"name": {"$like": "Pro%"}})") == std::vector<std::string>{"Product A", "Pro*duct_c"});
        CHECK(db.names_where(R"({"name": {"$like": "Pro*%"}})") == std::vector<std::string>{"Pro*duct_c"});
        CHECK(db.names_where(R"({"name": {"$like": "%\\_c"}})") == std::vector<std::string>{"Pro*duct_c"});
        CHECK(db.names_where(R"({"name": {"$like": "_roduct%"}})") == std::vector<std::string>{"Product A", "product b"});
        CHECK(db.names_where(R"({"name": {"$ilike": "pro%"}})") ==
              std::vector<std::string>{"Product A", "product b", "Pro*duct_c"});
        CHECK(db.names_where(R"({"name": {"$ilike": "%\\_%"}})") == std::vector<std::string>{"Pro*duct_c"});
    }
    SECTION("decimals stored as text compare numerically") {
        CHECK(db.names_where(R"({"price": {"$gt": "9.6"}})") == std::vector<std::string>{"product b", "Pro*duct_c"});
        CHECK(db.names_where(R"({"price": {"$lte": 10}})") == std::vector<std::string>{"Product A", "product b"});
        CHECK(db.names_where(R"({"price": 100})") == std::vector<std::string>{"Pro*duct_c"});
        CHECK(db.names_where(R"({"price": {"$in": ["9.5", 100]}})") == std::vector<std::string>{"Product A", "Pro*duct_c"});
    }
    SECTION("timestamps stored as fixed-width text order as time") {
        CHECK(db.names_where(R"({"created_at": {"$lt": "2022-01-01"}})") == std::vector<std::string>{"Product A"});
        CHECK(db.names_where(R"({"created_at": {"$gte": "2022-01-01T01:00:00+01:00"}})") ==
              std::vector<std::string>{"product b", "Pro*duct_c"});
        CHECK(db.names_where(R"({"created_at": {"$gt": "2022-06-01T08:00:00.2Z"}})") == std::vector<std::string>{"Pro*duct_c"});
        CHECK(db.names_where(R"({"created_at": null})") == std::vector<std::string>{"x"});
    }
    SECTION("NULL semantics of negative operators and $not") {
        CHECK(db.names_where(R"({"stock": {"$ne": 5}})") == std::vector<std::string>{"product b", "Pro*duct_c", "x"});
        CHECK(db.names_where(R"({"stock": {"$nin": [5, 20]}})") == std::vector<std::string>{"product b", "x"});
        CHECK(db.names_where(R"({"stock": {"$nin": [5, null]}})") == std::vector<std::string>{"Pro*duct_c", "x"});
        CHECK(db.names_where(R"({"$not": {"stock": {"$gt": 1}}})") == std::vector<std::string>{"product b", "x"});
        CHECK(db.names_where(R"({"$not": {"$or": [{"category": "toys"}, {"stock": {"$lt": 10}}]}})") ==
              std::vector<std::string>{"product b"});
        CHECK(db.names_where(R"({"stock": {"$in": []}})").empty());
        CHECK(db.names_where(R"({"stock": {"$nin": []}})").size() == 4);
    }
    SECTION("boolean expressions work as conditions too") {
        const auto where = [&](std::string_view text) {
            std::size_t next = 1;
            const auto e = Expr::parse(text, product()).to_sql(sqlite(), next);
            return db.column("SELECT \"name\" FROM \"products\" WHERE " + e.sql + " ORDER BY \"id\"", e.binds);
        };
        CHECK(where("price > 9.6 and stock > 0") == std::vector<std::string>{"Pro*duct_c"});
        CHECK(where("created_at >= '2022-01-01' or lower(category) = 'books'") ==
              std::vector<std::string>{"Product A", "product b", "Pro*duct_c"});
        CHECK(where("not (price * 2 < 20)") == std::vector<std::string>{"product b", "Pro*duct_c"});
    }
    SECTION("injection-shaped values match nothing and harm nothing") {
        CHECK(db.names_where(R"({"name": "x' OR '1'='1"})").empty());
        CHECK(db.names_where(R"({"name": {"$in": ["x\"); DROP TABLE products; --"]}})").empty());
        CHECK(db.column("SELECT count(*) FROM \"products\"") == std::vector<std::string>{"4"});
    }
}

TEST_CASE("SQLite executes compiled assignments in the storage conventions", "[sql][sqlite]") {
    Db db;
    db.insert("a", "19.99", "Books", 5, std::nullopt);
    db.insert("b", "10.00", "Toys", 1, std::nullopt);
    db.insert("c", std::nullopt, "TOYS", std::nullopt, std::nullopt);
    db.insert("d", "19.95", "x", 3, std::nullopt);

    db.update("price", "price * 0.9");
    CHECK(db.column(R"(SELECT coalesce("price", '<null>') FROM "products" ORDER BY "id")") ==
          std::vector<std::string>{"17.99", "9.00", "<null>", "17.96"});  // 17.955 rounds away from zero
    CHECK(db.column(R"(SELECT typeof("price") FROM "products" WHERE "price" IS NOT NULL LIMIT 1)") ==
          std::vector<std::string>{"text"});

    db.update("stock", "stock + 100", R"({"category": {"$like": "T%"}})");
    CHECK(db.column(R"(SELECT "stock" FROM "products" ORDER BY "id")") == std::vector<std::string>{"5", "101", "<null>", "3"});
    db.update("stock", "stock * 1.5", R"({"name": "d"})");
    CHECK(db.column(R"(SELECT "stock" FROM "products" WHERE "name" = 'd')") == std::vector<std::string>{"5"});

    db.update("category", "category.lower()");
    CHECK(db.column(R"(SELECT "category" FROM "products" ORDER BY "id")") ==
          std::vector<std::string>{"books", "toys", "toys", "x"});

    db.update("status", "concat(name, ':', price)");
    CHECK(db.column(R"(SELECT "status" FROM "products" ORDER BY "id")") ==
          std::vector<std::string>{"a:17.99", "b:9.00", "<null>", "d:17.96"});

    db.update("updated_at", ":current_timestamp");
    db.update("restock_date", ":current_date");
    db.update("created_at", "coalesce(created_at, now())");
    const auto updated = db.column(R"(SELECT "updated_at" FROM "products")");
    const auto restock = db.column(R"(SELECT "restock_date" FROM "products")");
    const auto created = db.column(R"(SELECT "created_at" FROM "products")");
    REQUIRE(updated.size() == 4);
    CHECK(updated[0].size() == 27);
    CHECK(parse_iso8601(updated[0]).has_value());
    CHECK(restock[0].size() == 10);
    CHECK(parse_date(restock[0]).has_value());
    CHECK(created[0].size() == 27);

    db.update("price", "stock / 3", R"({"name": "a"})");
    CHECK(db.column(R"(SELECT "price" FROM "products" WHERE "name" = 'a')") == std::vector<std::string>{"1.67"});
}
