// Model::from_json / to_json, table names, identifiers.

#include <bulkflow/error.hpp>
#include <bulkflow/model.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace bulkflow;
using Catch::Matchers::Contains;
namespace json = boost::json;

namespace {

Model parse_model(std::string_view name, std::string_view def) { return Model::from_json(name, json::parse(def)); }

/// The message of the invalid_workflow Error thrown by from_json (fails the test otherwise).
std::string model_error(std::string_view name, std::string_view def) {
    try {
        (void)parse_model(name, def);
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_workflow);
        return e.what();
    }
    FAIL("no error for " << name << " " << def);
    return {};
}

std::vector<std::string> field_names(const Model& m) {
    std::vector<std::string> out;
    for (const auto& f : m.fields) out.push_back(f.name);
    return out;
}

} // namespace

TEST_CASE("default table names are snake_case plurals", "[model]") {
    CHECK(default_table_name("Product") == "products");
    CHECK(default_table_name("OrderItem") == "order_items");
    CHECK(default_table_name("Category") == "categories");
    CHECK(default_table_name("Box") == "boxes");
    CHECK(default_table_name("Address") == "addresses");
    CHECK(default_table_name("Person") == "persons");
    CHECK(default_table_name("HTTPLog") == "http_logs");
    CHECK(default_table_name("Day") == "days");
    CHECK(default_table_name("Batch") == "batches");
    CHECK(default_table_name("Wish") == "wishes");
    CHECK(default_table_name("order_item") == "order_items");
    CHECK(default_table_name("Item2Box") == "item2_boxes");
    CHECK(snake_case("ProductReview") == "product_review");
    CHECK(snake_case("APIKey") == "api_key");
}

TEST_CASE("is_safe_identifier", "[model]") {
    CHECK(is_safe_identifier("products"));
    CHECK(is_safe_identifier("_x1"));
    CHECK(is_safe_identifier("OrderItem"));
    CHECK(is_safe_identifier(std::string(63, 'a')));
    CHECK_FALSE(is_safe_identifier(std::string(64, 'a')));
    CHECK_FALSE(is_safe_identifier(""));
    CHECK_FALSE(is_safe_identifier("1abc"));
    CHECK_FALSE(is_safe_identifier("name; DROP TABLE"));
    CHECK_FALSE(is_safe_identifier("a-b"));
    CHECK_FALSE(is_safe_identifier("a\"b"));
    CHECK_FALSE(is_safe_identifier("caf\xC3\xA9"));
}

TEST_CASE("field type names", "[model]") {
    CHECK(to_string(FieldType::integer) == "int");
    CHECK(to_string(FieldType::floating) == "float");
    CHECK(field_type_from_string("decimal") == FieldType::decimal);
    CHECK(field_type_from_string("datetime") == FieldType::datetime);
    CHECK_FALSE(field_type_from_string("money").has_value());
    CHECK(to_string(RelationshipKind::belongs_to) == "belongs_to");
    CHECK(relationship_kind_from_string("has_one") == RelationshipKind::has_one);
    CHECK_FALSE(relationship_kind_from_string("many").has_value());
}

TEST_CASE("the contract's Product model", "[model]") {
    const Model m = parse_model("Product", R"({
        "fields": {
            "name": {"type": "str", "required": true, "max_length": 200},
            "price": {"type": "decimal", "precision": 10, "scale": 2},
            "category": {"type": "str", "index": true},
            "stock": {"type": "int", "default": 0},
            "active": {"type": "bool", "default": true},
            "metadata": "json"
        },
        "unique": [["name", "category"]],
        "soft_delete": true,
        "relationships": {"reviews": {"model": "Review", "kind": "has_many", "foreign_key": "product_id"}}
    })");
    CHECK(m.name == "Product");
    CHECK(m.table == "products");
    CHECK(field_names(m) == std::vector<std::string>{"id", "name", "price", "category", "stock", "active",
                                                     "metadata", "created_at", "updated_at", "deleted_at"});
    const Field& id = m.id_field();
    CHECK(id.name == "id");
    CHECK(id.type == FieldType::integer);
    CHECK(id.primary_key);
    CHECK(id.auto_increment);
    CHECK(id.system);
    CHECK_FALSE(id.required);

    const Field* name = m.find("name");
    REQUIRE(name);
    CHECK(name->type == FieldType::str);
    CHECK(name->required);
    CHECK(name->max_length == 200u);
    CHECK_FALSE(name->system);
    const Field* price = m.find("price");
    REQUIRE(price);
    CHECK(price->precision == 10);
    CHECK(price->scale == 2);
    CHECK(m.find("category")->index);
    CHECK(m.find("stock")->default_value == json::value(0));
    CHECK(m.find("active")->default_value == json::value(true));
    CHECK(m.find("metadata")->type == FieldType::json);
    CHECK(m.find("nope") == nullptr);

    for (const char* sys : {"created_at", "updated_at", "deleted_at"}) {
        const Field* f = m.find(sys);
        REQUIRE(f);
        CHECK(f->type == FieldType::datetime);
        CHECK(f->system);
        CHECK_FALSE(f->primary_key);
    }
    CHECK(m.unique == std::vector<std::vector<std::string>>{{"name", "category"}});
    CHECK(m.soft_delete);
    REQUIRE(m.relationships.size() == 1);
    CHECK(m.relationships[0] == Relationship{"reviews", "Review", RelationshipKind::has_many, "product_id"});

    std::vector<std::string> writable;
    for (const Field* f : m.writable_fields()) writable.push_back(f->name);
    CHECK(writable == std::vector<std::string>{"id", "name", "price", "category", "stock", "active", "metadata"});

    // to_json round-trips.
    const json::object j = m.to_json();
    CHECK(j.at("table") == "products");
    CHECK(j.at("fields").as_object().at("metadata") == "json");
    CHECK(j.at("fields").as_object().at("price") == json::parse(R"({"type":"decimal","precision":10,"scale":2})"));
    CHECK_FALSE(j.at("fields").as_object().contains("id"));
    CHECK_FALSE(j.at("fields").as_object().contains("created_at"));
    CHECK(Model::from_json("Product", j) == m);
}

TEST_CASE("minimal models, system fields and soft_delete", "[model]") {
    const Model m = parse_model("OrderItem", R"({"fields": {"qty": "int"}})");
    CHECK(m.table == "order_items");
    CHECK(field_names(m) == std::vector<std::string>{"id", "qty", "created_at", "updated_at"});
    CHECK_FALSE(m.soft_delete);
    CHECK(m.find("deleted_at") == nullptr);

    const Model empty = parse_model("Tag", "{}");
    CHECK(field_names(empty) == std::vector<std::string>{"id", "created_at", "updated_at"});
    CHECK(Model::from_json("Tag", empty.to_json()) == empty);

    const Model soft = parse_model("Note", R"({"fields": {"body": "str"}, "soft_delete": true, "table": "my_notes"})");
    CHECK(soft.table == "my_notes");
    CHECK(field_names(soft) == std::vector<std::string>{"id", "body", "created_at", "updated_at", "deleted_at"});
    CHECK(Model::from_json("Note", soft.to_json()) == soft);

    // created_at / updated_at may be declared as plain datetime: nothing changes.
    const Model declared = parse_model("Event", R"({"fields": {"created_at": "datetime", "kind": "str",
                                                                "updated_at": {"type": "datetime"}}})");
    CHECK(field_names(declared) == std::vector<std::string>{"id", "kind", "created_at", "updated_at"});
    CHECK(declared.find("created_at")->system);
}

TEST_CASE("declared ids", "[model]") {
    SECTION("str id is required, not auto-increment") {
        const Model m = parse_model("Sku", R"({"fields": {"code": "str", "id": "str"}})");
        CHECK(field_names(m) == std::vector<std::string>{"id", "code", "created_at", "updated_at"});
        const Field& id = m.id_field();
        CHECK(id.type == FieldType::str);
        CHECK(id.primary_key);
        CHECK_FALSE(id.auto_increment);
        CHECK(id.required);
        CHECK(id.system);
        CHECK(m.to_json().at("fields").as_object().at("id") == "str");
        CHECK(Model::from_json("Sku", m.to_json()) == m);
    }
    SECTION("int id stays auto-increment") {
        const Model m = parse_model("A", R"({"fields": {"id": {"type": "int"}}})");
        CHECK(m.id_field().auto_increment);
        CHECK_FALSE(m.id_field().required);
        CHECK(m == parse_model("A", "{}"));
    }
    SECTION("int id with auto_increment false is supplied by records") {
        const Model m = parse_model("A", R"({"fields": {"id": {"type": "int", "auto_increment": false}}})");
        CHECK_FALSE(m.id_field().auto_increment);
        CHECK(m.id_field().required);
        CHECK(m.to_json().at("fields").as_object().at("id") == json::parse(R"({"type":"int","auto_increment":false})"));
        CHECK(Model::from_json("A", m.to_json()) == m);
    }
    SECTION("str id with max_length") {
        const Model m = parse_model("A", R"({"fields": {"id": {"type": "str", "max_length": 36, "required": true}}})");
        CHECK(m.id_field().max_length == 36u);
        CHECK(Model::from_json("A", m.to_json()) == m);
    }
    SECTION("bad ids") {
        CHECK_THAT(model_error("A", R"({"fields": {"id": "float"}})"),
                   Contains("model 'A': field 'id': type 'float' cannot be the primary key (expected int or str)"));
        CHECK_THAT(model_error("A", R"({"fields": {"id": {"type": "str", "auto_increment": true}}})"),
                   Contains("a str id cannot be auto_increment"));
        CHECK_THAT(model_error("A", R"({"fields": {"id": {"type": "int", "default": 1}}})"),
                   Contains("field 'id': the primary key accepts only"));
        CHECK_THAT(model_error("A", R"({"fields": {"id": {"type": "int", "required": true}}})"),
                   Contains("an auto-increment id cannot be required"));
        CHECK_THAT(model_error("A", R"({"fields": {"id": {"type": "str", "required": false}}})"),
                   Contains("always required"));
        CHECK_THAT(model_error("A", R"({"fields": {"name": {"type": "str", "auto_increment": true}}})"),
                   Contains("field 'name': unknown option 'auto_increment'"));
    }
}

TEST_CASE("decimal precision and scale", "[model]") {
    const Model m = parse_model("P", R"({"fields": {"a": "decimal", "b": {"type": "decimal", "scale": 0},
                                                    "c": {"type": "decimal", "precision": 38, "scale": 38}}})");
    CHECK(m.find("a")->precision == 18);
    CHECK(m.find("a")->scale == 2);
    CHECK(m.find("b")->precision == 18);
    CHECK(m.find("b")->scale == 0);
    CHECK(m.find("c")->precision == 38);
    CHECK(m.find("c")->scale == 38);
    CHECK(Model::from_json("P", m.to_json()) == m);

    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "decimal", "precision": 0}}})"),
               Contains("model 'P': field 'a': 'precision' must be an integer from 1 to 38, got 0"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "decimal", "precision": 39}}})"),
               Contains("'precision' must be an integer from 1 to 38, got 39"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "decimal", "precision": 5, "scale": 6}}})"),
               Contains("model 'P': field 'a': 'scale' (6) must not exceed 'precision' (5)"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "decimal", "scale": -1}}})"),
               Contains("'scale' must be an integer from 0 to 38, got -1"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "decimal", "precision": "10"}}})"),
               Contains("'precision' must be an integer"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "float", "precision": 10}}})"),
               Contains("field 'a': 'precision' applies only to decimal fields"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "int", "max_length": 10}}})"),
               Contains("field 'a': 'max_length' applies only to str fields"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": {"type": "str", "max_length": 0}}})"),
               Contains("'max_length' must be an integer from 1 to"));
}

TEST_CASE("model definition errors name the model and field", "[model]") {
    CHECK(model_error("Product", R"({"fields": {"price": "money"}})") ==
          "model 'Product': field 'price': unknown type 'money' (expected str, int, float, bool, decimal, datetime, "
          "date, json)");
    CHECK_THAT(model_error("Product", R"({"fields": {"price": {"type": "money"}}})"),
               Contains("field 'price': unknown type 'money'"));
    CHECK_THAT(model_error("Product", R"({"fields": {"price": {"required": true}}})"),
               Contains("model 'Product': field 'price': missing 'type'"));
    CHECK_THAT(model_error("Product", R"({"fields": {"price": 5}})"),
               Contains("field 'price': expected a type name or an object with 'type', got a number"));
    CHECK_THAT(model_error("Product", R"({"fields": {"price": {"type": "decimal", "nullable": true}}})"),
               Contains("model 'Product': field 'price': unknown option 'nullable' (expected type, required"));
    CHECK_THAT(model_error("Product", R"({"fields": {"name": {"type": "str", "required": "yes"}}})"),
               Contains("field 'name': 'required' must be true or false, got a string"));
    CHECK_THAT(model_error("Product", R"({"fields": {}, "primary_key": "sku"})"),
               Contains("model 'Product': unknown key 'primary_key' (expected table, fields, unique, soft_delete, "
                        "relationships)"));
    CHECK_THAT(model_error("Product", R"([1, 2])"), Contains("model 'Product': the definition must be an object"));
    CHECK_THAT(model_error("Product", R"({"fields": ["name"]})"), Contains("'fields' must be an object"));
    CHECK_THAT(model_error("Product", R"({"soft_delete": "yes"})"), Contains("'soft_delete' must be true or false"));
    CHECK_THAT(model_error("Product", R"({"table": 5})"), Contains("'table' must be a string, got a number"));
    CHECK_THAT(model_error("Product", R"({"fields": {"Name": "str", "name": "str"}})"),
               Contains("field 'name': another field has the same name in a different letter case"));
    CHECK_THAT(model_error("Product", R"({"fields": {"stock": {"type": "int", "default": "many"}}})"),
               Contains("model 'Product': invalid default of field 'stock': 'many' is not an integer"));
    CHECK_THAT(model_error("Product", R"({"fields": {"price": {"type": "decimal", "default": "1.234"}}})"),
               Contains("field 'price': '1.234' has more than 2 decimal places"));
    CHECK_THAT(model_error("Product", R"({"fields": {"owner": {"type": "int", "references": "User x"}}})"),
               Contains("field 'owner': 'references' 'User x' is not a valid name"));
    CHECK_THAT(model_error("Product", R"({"fields": {"created_at": "str"}})"),
               Contains("field 'created_at': is added automatically"));
    CHECK_THAT(model_error("Product", R"({"fields": {"deleted_at": "datetime"}})"),
               Contains("field 'deleted_at': is reserved for soft delete"));

    // default: null is no default; other defaults are kept as written.
    const Model m = parse_model("P", R"({"fields": {"a": {"type": "int", "default": null},
                                                    "b": {"type": "decimal", "default": "1.5"},
                                                    "c": {"type": "int", "references": "User"}}})");
    CHECK_FALSE(m.find("a")->default_value.has_value());
    CHECK(m.find("b")->default_value == json::value("1.5"));
    CHECK(m.find("c")->references == "User");
    CHECK(Model::from_json("P", m.to_json()) == m);
}

TEST_CASE("injection-shaped names are rejected", "[model]") {
    CHECK_THAT(model_error("name; DROP TABLE", R"({"fields": {}})"),
               Contains("model name 'name; DROP TABLE' is not a valid name (use letters, digits and '_'"));
    CHECK_THAT(model_error("Product", R"({"fields": {"name; DROP TABLE products": "str"}})"),
               Contains("model 'Product': field name 'name; DROP TABLE products' is not a valid name"));
    CHECK_THAT(model_error("Product", R"({"table": "products\"; --"})"),
               Contains("model 'Product': table name 'products\"; --' is not a valid name"));
    CHECK_THAT(model_error("Product", R"({"fields": {"a b": "str"}})"), Contains("field name 'a b'"));
    CHECK_THAT(model_error("Product", R"({"fields": {"1st": "str"}})"), Contains("field name '1st'"));
    CHECK_THAT(model_error("P", R"({"relationships": {"x": {"model": "Review)--", "kind": "has_many"}}})"),
               Contains("relationship 'x': 'model' 'Review)--' is not a valid name"));
    CHECK_THAT(model_error(std::string(64, 'M'), "{}"), Contains("is not a valid name"));
    // A valid 63-character model name whose default table name would be too long.
    CHECK_THAT(model_error(std::string(63, 'm'), "{}"), Contains("is too long: set 'table'"));
}

TEST_CASE("unique constraints", "[model]") {
    const Model m = parse_model("P", R"({"fields": {"a": "str", "b": "int"}, "unique": [["a"], ["a", "b"], ["id", "b"]]})");
    CHECK(m.unique == std::vector<std::vector<std::string>>{{"a"}, {"a", "b"}, {"id", "b"}});
    CHECK(Model::from_json("P", m.to_json()) == m);
    CHECK_THAT(model_error("P", R"({"fields": {"a": "str"}, "unique": [["a", "zz"]]})"),
               Contains("model 'P': 'unique' names an unknown field 'zz'"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": "str"}, "unique": [["a", "a"]]})"), Contains("twice"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": "str"}, "unique": ["a"]})"),
               Contains("each 'unique' constraint must be a non-empty array"));
    CHECK_THAT(model_error("P", R"({"fields": {"a": "str"}, "unique": [[]]})"),
               Contains("each 'unique' constraint must be a non-empty array"));
    CHECK_THAT(model_error("P", R"({"unique": "a"})"), Contains("'unique' must be an array"));
}

TEST_CASE("relationships", "[model]") {
    const Model m = parse_model("OrderItem", R"({
        "fields": {"product_id": {"type": "int", "references": "Product"}},
        "relationships": {
            "product": {"model": "Product", "kind": "belongs_to"},
            "notes": {"model": "Note", "kind": "has_many"},
            "label": {"model": "Label", "kind": "has_one", "foreign_key": "item_ref"}
        }})");
    REQUIRE(m.relationships.size() == 3);
    CHECK(m.relationships[0] == Relationship{"product", "Product", RelationshipKind::belongs_to, "product_id"});
    CHECK(m.relationships[1] == Relationship{"notes", "Note", RelationshipKind::has_many, "order_item_id"});
    CHECK(m.relationships[2] == Relationship{"label", "Label", RelationshipKind::has_one, "item_ref"});
    CHECK(Model::from_json("OrderItem", m.to_json()) == m);

    CHECK_THAT(model_error("P", R"({"relationships": {"r": {"model": "X", "kind": "many"}}})"),
               Contains("model 'P': relationship 'r': unknown kind 'many' (expected has_one, has_many, belongs_to)"));
    CHECK_THAT(model_error("P", R"({"relationships": {"r": {"kind": "has_many"}}})"),
               Contains("relationship 'r': missing 'model'"));
    CHECK_THAT(model_error("P", R"({"relationships": {"r": {"model": "X"}}})"), Contains("relationship 'r': missing 'kind'"));
    CHECK_THAT(model_error("P", R"({"relationships": {"r": {"model": "X", "kind": "has_many", "through": "y"}}})"),
               Contains("relationship 'r': unknown key 'through'"));
    CHECK_THAT(model_error("P", R"({"relationships": {"owner": {"model": "User", "kind": "belongs_to"}}})"),
               Contains("the belongs_to foreign key 'user_id' is not a field of this model"));
    CHECK_THAT(model_error("P", R"({"fields": {"tags": "json"}, "relationships": {"tags": {"model": "Tag", "kind": "has_many"}}})"),
               Contains("relationship 'tags': has the same name as a field"));
}
