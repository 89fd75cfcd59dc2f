#include "pg_test_support.hpp"

#include <catch2/catch.hpp>

using namespace pgtest;
using Catch::Matchers::Contains;

namespace {

const char* kProduct = R"({
  "fields": {
    "name": {"type": "str", "required": true, "max_length": 200},
    "price": {"type": "decimal", "precision": 10, "scale": 2},
    "category": {"type": "str", "index": true},
    "stock": {"type": "int", "default": 0},
    "weight": "float",
    "active": {"type": "bool", "default": true},
    "launched": "datetime",
    "release_day": "date",
    "metadata": "json",
    "sku": {"type": "str", "unique": true}
  },
  "unique": [["name", "category"]],
  "soft_delete": true
})";

// column -> "data_type|char_len|precision|scale|nullable|default"
std::string describe(Probe& db, const char* table, const char* column) {
    auto r = db.rows(std::string("SELECT data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, "
                                 "column_default FROM information_schema.columns WHERE table_schema = current_schema() "
                                 "AND table_name = '") + table + "' AND column_name = '" + column + "'");
    if (r.size() != 1) return "<missing>";
    std::string s;
    for (std::size_t i = 0; i < r[0].size(); ++i) s += (i ? "|" : "") + r[0][i].value_or("");
    return s;
}

} // namespace

TEST_CASE("ensure_table creates every column with the PostgreSQL type of its field", "[postgres][schema]") {
    Probe db;
    db.drop({"pgd_products"});
    auto d = open();
    const Model m = model("Product", kProduct, "pgd_products");
    d->ensure_table(m);

    CHECK(describe(db, "pgd_products", "id") == "bigint||64|0|NO|nextval('pgd_products_id_seq'::regclass)");
    CHECK(describe(db, "pgd_products", "name") == "character varying|200|||NO|");
    CHECK(describe(db, "pgd_products", "price") == "numeric||10|2|YES|");
    CHECK(describe(db, "pgd_products", "category") == "text||||YES|");
    CHECK(describe(db, "pgd_products", "stock") == "bigint||64|0|YES|");
    CHECK(describe(db, "pgd_products", "weight") == "double precision||53||YES|");
    CHECK(describe(db, "pgd_products", "active") == "boolean||||YES|");
    CHECK(describe(db, "pgd_products", "launched") == "timestamp with time zone||||YES|");
    CHECK(describe(db, "pgd_products", "release_day") == "date||||YES|");
    CHECK(describe(db, "pgd_products", "metadata") == "jsonb||||YES|");
    CHECK(describe(db, "pgd_products", "created_at") == "timestamp with time zone||||NO|now()");
    CHECK(describe(db, "pgd_products", "updated_at") == "timestamp with time zone||||NO|now()");
    CHECK(describe(db, "pgd_products", "deleted_at") == "timestamp with time zone||||YES|");

    // UNIQUE(sku), UNIQUE(name, category), the category index and the soft-delete index.
    CHECK(db.value("SELECT string_agg(pg_get_constraintdef(oid), '; ' ORDER BY pg_get_constraintdef(oid)) FROM pg_constraint "
                   "WHERE conrelid = 'pgd_products'::regclass AND contype = 'u'") == "UNIQUE (name, category); UNIQUE (sku)");
    CHECK(db.value("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'pgd_products' "
                   "AND indexname LIKE 'idx_%'") == "idx_pgd_products_category,idx_pgd_products_deleted_at");

    // A second call finds the table it created compatible and changes nothing.
    d->ensure_table(m);
    CHECK(db.count("information_schema.columns", "table_name = 'pgd_products'") == 14);
}

TEST_CASE("ensure_table: string ids are TEXT, declared integer ids BIGINT without a sequence", "[postgres][schema]") {
    Probe db;
    db.drop({"pgd_tags"});
    auto d = open();
    d->ensure_table(model("Tag", R"({"fields": {"id": "str", "label": "str"}})", "pgd_tags"));
    CHECK(describe(db, "pgd_tags", "id") == "text||||NO|");
}

TEST_CASE("ensure_table accepts a compatible table it did not create and leaves it alone", "[postgres][schema]") {
    Probe db;
    db.drop({"pgd_legacy"});
    db.exec("CREATE TABLE pgd_legacy (id SERIAL PRIMARY KEY, name VARCHAR(300), price NUMERIC(20,2), "
            "created_at TIMESTAMP, updated_at TIMESTAMPTZ DEFAULT now(), extra TEXT)");
    auto d = open();
    REQUIRE_NOTHROW(d->ensure_table(model("Legacy", R"({"fields": {"name": {"type": "str", "max_length": 200}, "price": "decimal"}})",
                                          "pgd_legacy")));
    CHECK(describe(db, "pgd_legacy", "id") == "integer||32|0|NO|nextval('pgd_legacy_id_seq'::regclass)");
}

TEST_CASE("ensure_table rejects an existing table that does not fit the model, never altering it", "[postgres][schema]") {
    Probe db;
    db.drop({"pgd_products"});
    db.exec("CREATE TABLE pgd_products (id BIGSERIAL PRIMARY KEY, name TEXT, price TEXT, "
            "created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    auto d = open();
    SECTION("a missing column") {
        const Model m = model("Product", R"({"fields": {"name": "str", "colour": "str"}})", "pgd_products");
        try {
            d->ensure_table(m);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::invalid_workflow);
            CHECK(std::string(e.what()) ==
                  "table 'pgd_products' exists but has no column 'colour' required by model 'Product'; it is never altered automatically");
        }
        CHECK(describe(db, "pgd_products", "colour") == "<missing>");
    }
    SECTION("an incompatible type") {
        const Model m = model("Product", R"({"fields": {"name": "str", "price": {"type": "decimal", "precision": 10, "scale": 2}}})",
                              "pgd_products");
        try {
            d->ensure_table(m);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::invalid_workflow);
            CHECK(std::string(e.what()) == "table 'pgd_products' column 'price' has type text, model 'Product' needs NUMERIC(10,2) (decimal)");
        }
        CHECK(describe(db, "pgd_products", "price") == "text||||YES|");
    }
    SECTION("a numeric column with less scale than the model") {
        db.exec("ALTER TABLE pgd_products ALTER COLUMN price TYPE NUMERIC(10,1) USING NULL");
        const Model m = model("Product", R"({"fields": {"name": "str", "price": {"type": "decimal", "precision": 10, "scale": 2}}})",
                              "pgd_products");
        CHECK_THROWS_WITH(d->ensure_table(m), Contains("column 'price' has type numeric with precision 10 and scale 1"));
    }
    SECTION("a too short VARCHAR") {
        db.exec("ALTER TABLE pgd_products ALTER COLUMN name TYPE VARCHAR(20)");
        const Model m = model("Product", R"({"fields": {"name": {"type": "str", "max_length": 200}}})", "pgd_products");
        CHECK_THROWS_WITH(d->ensure_table(m), Contains("column 'name' has type character varying with room for 20 characters only"));
    }
    SECTION("an id without a sequence") {
        db.exec("ALTER TABLE pgd_products ALTER COLUMN id DROP DEFAULT");
        const Model m = model("Product", R"({"fields": {"name": "str"}})", "pgd_products");
        CHECK_THROWS_WITH(d->ensure_table(m), Contains("column 'id' has type bigint with no default that generates ids"));
    }
    SECTION("created_at NOT NULL without a default") {
        db.exec("ALTER TABLE pgd_products ALTER COLUMN created_at DROP DEFAULT");
        const Model m = model("Product", R"({"fields": {"name": "str"}})", "pgd_products");
        CHECK_THROWS_WITH(d->ensure_table(m), Contains("column 'created_at' has type timestamp with time zone with NOT NULL without a default"));
    }
}
