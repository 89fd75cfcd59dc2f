// model_from_struct / to_record with Boost.Describe.

#include <bulkflow/error.hpp>
#include <bulkflow/model_describe.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shop {

struct Product {
    std::int64_t id = 0;
    std::string name;
    bulkflow::Decimal price;
    std::optional<std::string> category;
    int stock = 0;
    bool active = true;
    double weight = 0;
    std::optional<bulkflow::Date> released;
    bulkflow::Timestamp restocked_at;
    boost::json::value metadata;
    std::optional<bulkflow::Timestamp> created_at;
};
BOOST_DESCRIBE_STRUCT(Product, (), (id, name, price, category, stock, active, weight, released, restocked_at,
                                    metadata, created_at))

struct Sku {
    std::string id;
    std::optional<std::int64_t> quantity;
    std::optional<bulkflow::Timestamp> deleted_at;
};
BOOST_DESCRIBE_STRUCT(Sku, (), (id, quantity, deleted_at))

namespace inner {
struct OrderItem {
    std::optional<std::int64_t> id;
    std::int64_t order_id = 0;
    unsigned short qty = 0;
    float discount = 0;
};
BOOST_DESCRIBE_STRUCT(OrderItem, (), (id, order_id, qty, discount))
} // namespace inner

} // namespace shop

using namespace bulkflow;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

std::vector<std::string> field_names(const Model& m) {
    std::vector<std::string> out;
    for (const auto& f : m.fields) out.push_back(f.name);
    return out;
}

} // namespace

TEST_CASE("model_from_struct maps member types", "[describe]") {
    const Model m = model_from_struct<shop::Product>();
    CHECK(m.name == "Product");
    CHECK(m.table == "products");
    CHECK(field_names(m) == std::vector<std::string>{"id", "name", "price", "category", "stock", "active", "weight",
                                                     "released", "restocked_at", "metadata", "created_at",
                                                     "updated_at"});
    CHECK(m.id_field().type == FieldType::integer);
    CHECK(m.id_field().auto_increment);
    const auto check = [&](const char* name, FieldType type, bool required) {
        INFO(name);
        const Field* f = m.find(name);
        REQUIRE(f);
        CHECK(f->type == type);
        CHECK(f->required == required);
        CHECK_FALSE(f->system);
    };
    check("name", FieldType::str, true);
    check("price", FieldType::decimal, true);
    check("category", FieldType::str, false);
    check("stock", FieldType::integer, true);
    check("active", FieldType::boolean, true);
    check("weight", FieldType::floating, true);
    check("released", FieldType::date, false);
    check("restocked_at", FieldType::datetime, true);
    check("metadata", FieldType::json, true);
    CHECK(m.find("created_at")->system);
    CHECK_FALSE(m.soft_delete);
    CHECK(m.find("price")->precision == 18);
    CHECK(m.find("price")->scale == 2);
    // The same model as its JSON form.
    CHECK(m == Model::from_json("Product", json::parse(R"({"fields": {
        "name": {"type": "str", "required": true}, "price": {"type": "decimal", "required": true},
        "category": "str", "stock": {"type": "int", "required": true}, "active": {"type": "bool", "required": true},
        "weight": {"type": "float", "required": true}, "released": "date",
        "restocked_at": {"type": "datetime", "required": true}, "metadata": {"type": "json", "required": true}}})")));
}

TEST_CASE("model_from_struct: str id, deleted_at, names, extra", "[describe]") {
    const Model sku = model_from_struct<shop::Sku>();
    CHECK(sku.name == "Sku");
    CHECK(sku.table == "skus");
    CHECK(field_names(sku) == std::vector<std::string>{"id", "quantity", "created_at", "updated_at", "deleted_at"});
    CHECK(sku.id_field().type == FieldType::str);
    CHECK_FALSE(sku.id_field().auto_increment);
    CHECK(sku.id_field().required);
    CHECK(sku.soft_delete);
    CHECK_FALSE(sku.find("quantity")->required);

    const Model item = model_from_struct<shop::inner::OrderItem>();
    CHECK(item.name == "OrderItem");
    CHECK(item.table == "order_items");
    CHECK(item.id_field().auto_increment);
    CHECK(item.find("qty")->type == FieldType::integer);
    CHECK(item.find("discount")->type == FieldType::floating);

    const Model named = model_from_struct<shop::inner::OrderItem>("LineItem");
    CHECK(named.name == "LineItem");
    CHECK(named.table == "line_items");

    const Model extra = model_from_struct<shop::Product>("Product", json::parse(R"({
        "table": "catalog", "unique": [["name", "category"]],
        "fields": {"name": {"max_length": 200, "unique": true}, "price": {"precision": 10, "scale": 3}}})")
                                                                       .as_object());
    CHECK(extra.table == "catalog");
    CHECK(extra.unique == std::vector<std::vector<std::string>>{{"name", "category"}});
    CHECK(extra.find("name")->max_length == 200u);
    CHECK(extra.find("name")->unique);
    CHECK(extra.find("name")->required);
    CHECK(extra.find("price")->precision == 10);
    CHECK(extra.find("price")->scale == 3);

    const Model sku_extra =
        model_from_struct<shop::Sku>({}, json::object{{"fields", json::object{{"id", json::object{{"max_length", 12}}}}}});
    CHECK(sku_extra.id_field().max_length == 12u);
    CHECK(sku_extra.id_field().type == FieldType::str);

    try {
        (void)model_from_struct<shop::Sku>({}, json::object{{"fields", json::object{{"nope", json::object{}}}}});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_workflow);
        CHECK_THAT(std::string(e.what()), Contains("model 'Sku': extra options for field 'nope'"));
    }
    try {
        (void)model_from_struct<shop::Sku>("bad name");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(std::string(e.what()), Contains("model name 'bad name' is not a valid name"));
    }
}

TEST_CASE("to_record", "[describe]") {
    shop::Product p;
    p.id = 7;
    p.name = "Widget";
    p.price = Decimal{"19.99"};
    p.stock = -3;
    p.active = false;
    p.weight = 1.5;
    p.released = Date{19782};
    p.restocked_at = Timestamp{1704110400LL * 1000000 + 250000};
    p.metadata = json::parse(R"({"tags": ["a"]})");
    const json::object r = to_record(p);
    CHECK(json::value(r) == json::parse(R"({"id": 7, "name": "Widget", "price": "19.99", "category": null,
        "stock": -3, "active": false, "weight": 1.5, "released": "2024-02-29",
        "restocked_at": "2024-01-01T12:00:00.250000Z", "metadata": {"tags": ["a"]}})"));

    // The record converts back field by field against the model.
    const Model m = model_from_struct<shop::Product>();
    CHECK(convert_value(*m.find("price"), r.at("price")) == SqlValue{Decimal{"19.99"}});
    CHECK(convert_value(*m.find("restocked_at"), r.at("restocked_at")) == SqlValue{p.restocked_at});
    CHECK(convert_value(*m.find("released"), r.at("released")) == SqlValue{Date{19782}});

    shop::inner::OrderItem item;
    item.order_id = 3;
    item.qty = 65535;
    CHECK(json::value(to_record(item)) == json::parse(R"({"order_id": 3, "qty": 65535, "discount": 0.0})"));
    item.id = 12;
    CHECK(to_record(item).at("id") == json::value(12));

    shop::Sku sku{"A-1", 5, std::nullopt};
    CHECK(json::value(to_record(sku)) == json::parse(R"({"id": "A-1", "quantity": 5, "deleted_at": null})"));
}
