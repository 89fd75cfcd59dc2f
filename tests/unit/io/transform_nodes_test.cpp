// MapNode and FilterNode: expressions on records, typing (model or inferred), errors.
#include "io_test_support.hpp"

#include <catch2/catch.hpp>

#include <bulkflow/io/io_nodes.hpp>

using namespace iotest;
using bulkflow::ErrorCode;
using bulkflow::ParamType;
using Catch::Contains;

namespace {

const json::object kModels = json::parse(R"({
  "Product": {"fields": {
    "name": {"type": "str", "required": true},
    "price": {"type": "decimal", "precision": 10, "scale": 2},
    "qty": "int",
    "category": "str",
    "active": "bool",
    "added": "datetime"
  }}
})")
                                 .as_object();

/// Runs `factory` on `params` as node `id` of a workflow with kModels.
bulkflow::NodeOutput run_transform(const bulkflow::NodeFactory& factory, const json::object& params,
                                   const std::string& id = "t") {
    TestContext ctx(id, kModels);
    return factory.create()->run(ctx, make_params(params));
}

/// The records of the node's `records` stream.
std::vector<json::object> output_of(const bulkflow::NodeFactory& factory,
                                    const json::object& params, std::size_t batch = 1000) {
    auto out = run_transform(factory, params);
    REQUIRE(out.streams.count("records") == 1);
    REQUIRE(out.value.empty());
    return read_all(*out.streams.at("records"), batch);
}

std::vector<json::object> map_records(json::array data, json::object fields,
                                      const char* model = nullptr) {
    json::object p{{"data", std::move(data)}, {"fields", std::move(fields)}};
    if (model) p["model"] = model;
    return output_of(*bulkflow::io::map_node_factory(), p);
}

std::vector<json::object> filter_records(json::array data, const char* where,
                                         const char* model = nullptr) {
    json::object p{{"data", std::move(data)}, {"where", where}};
    if (model) p["model"] = model;
    return output_of(*bulkflow::io::filter_node_factory(), p);
}

/// The values of `key` in `records` (JSON null for a record without it).
json::array column(const std::vector<json::object>& records, const char* key) {
    json::array out;
    for (const auto& r : records) out.push_back(r.contains(key) ? r.at(key) : json::value(nullptr));
    return out;
}

/// A CSV-like record: every value a string.
json::array csv_products() {
    return json::parse(R"([
      {"name": "Widget", "price": "19.99", "qty": "3", "category": "tools", "active": "true", "added": "2024-01-02T10:00:00"},
      {"name": "Book", "price": "5.50", "qty": "10", "category": "books", "active": "false", "added": "2023-06-01T00:00:00Z"},
      {"name": "Lamp", "price": "12", "qty": "0", "category": "home", "active": "yes", "added": "2024-03-01T08:30:00+01:00"}
    ])")
        .as_array();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// MapNode

TEST_CASE("MapNode adds and replaces fields, keeps the others", "[io][map]") {
    const auto out = map_records(json::parse(R"([
        {"name": " Widget ", "price": 10, "qty": 3, "cat": "Tools", "note": "keep me"},
        {"name": "gadget", "price": 2.5, "qty": 2, "cat": null}
      ])")
                                     .as_array(),
                                 {{"total", "price * qty"},
                                  {"name", "upper(trim(name))"},
                                  {"label", "concat(name, '#', qty)"},
                                  {"cat", "coalesce(cat.lower(), 'none')"},
                                  {"price", "price + 1"},
                                  {"half", "qty / 2"},
                                  {"joined", "trim(name) + '/' + cat"},
                                  {"len", "length(trim(name))"},
                                  {"neg", "abs(-qty) * -1"},
                                  {"r", "round(price * 1.005, 2)"}});
    REQUIRE(out.size() == 2);
    const auto& a = out[0];
    CHECK(a.at("total") == json::value(30));
    CHECK(a.at("name") == json::value("WIDGET"));
    // every expression reads the input record: `label` sees the untrimmed name, not WIDGET
    CHECK(a.at("label") == json::value(" Widget #3"));
    CHECK(a.at("cat") == json::value("tools"));
    CHECK(a.at("price") == json::value(11));
    CHECK(a.at("half") == json::value("1.5")); // int / int is an exact decimal, kept as text
    CHECK(a.at("joined") == json::value("Widget/Tools"));
    CHECK(a.at("len") == json::value(6));
    CHECK(a.at("neg") == json::value(-3));
    CHECK(a.at("r") == json::value("10.05"));
    CHECK(a.at("note") == json::value("keep me"));
    CHECK(a.at("qty") == json::value(3));
    CHECK(a.size() == 12);

    const auto& b = out[1]; // price is a float here: float arithmetic
    CHECK(b.at("total") == json::value(5.0));
    CHECK(b.at("price") == json::value(3.5));
    CHECK(b.at("cat") == json::value("none"));
    CHECK(b.at("joined").is_null()); // NULL in, NULL out
    CHECK(b.at("label") == json::value("gadget#2"));
    CHECK_FALSE(b.contains("note")); // absent stays absent
}

TEST_CASE("MapNode: keys keep their position, new keys come last", "[io][map]") {
    auto out = run_transform(*bulkflow::io::map_node_factory(),
                             {{"data", json::parse(R"([{"a": 1, "b": 2}, {"b": 5}])")},
                              {"fields", {{"c", "b * 10"}, {"a", "b"}}}});
    auto cur = out.streams.at("records")->open();
    bulkflow::RecordBatch batch;
    REQUIRE(cur->next(batch, 10));
    CHECK(batch.names() == std::vector<std::string>{"a", "b", "c"});
    CHECK(batch.row(0) == json::object{{"a", 2}, {"b", 2}, {"c", 20}});
    CHECK(batch.row(1) == json::object{{"b", 5}, {"c", 50}, {"a", 5}});
    CHECK_FALSE(cur->next(batch, 10));
    CHECK(out.streams.at("records")->records_read() == 2);
    CHECK(out.streams.at("records")->size_hint() == std::optional<std::size_t>(2));
}

TEST_CASE("MapNode: a field no record has is NULL", "[io][map]") {
    const auto out =
        map_records(json::parse(R"([{"a": 1}, {"a": 2, "b": null}])").as_array(),
                    {{"x", "coalesce(missing, a * 100)"}, {"y", "missing + 1"}, {"z", "upper(b)"}});
    CHECK(column(out, "x") == json::array{100, 200});
    CHECK(column(out, "y") == json::array{nullptr, nullptr});
    CHECK(column(out, "z") == json::array{nullptr, nullptr});
    CHECK(out[0].contains("y")); // set to null, not left out
}

TEST_CASE("MapNode: typed by a model vs inferred", "[io][map][model]") {
    SECTION("CSV strings without a model are strings, even when they look like numbers") {
        const auto out =
            map_records(csv_products(), {{"tag", "concat(name, ':', qty)"}, {"is3", "qty = '3'"}});
        CHECK(column(out, "tag") == json::array{"Widget:3", "Book:10", "Lamp:0"});
        CHECK(column(out, "is3") == json::array{true, false, false});
        auto e = error_of([&] { (void)map_records(csv_products(), {{"total", "price * qty"}}); });
        CHECK(e.code() == ErrorCode::invalid_data);
        CHECK(e.node() == "t");
        CHECK_THAT(e.what(), Contains("parameter 'fields.total'") && Contains("'price * qty'") &&
                                 Contains("needs numbers") && Contains("'price' str (record 0)") &&
                                 Contains("'model' parameter"));
    }
    SECTION("the model converts the fields the expressions read") {
        const auto out =
            map_records(csv_products(),
                        {{"total", "price * qty"},
                         {"price", "price * 0.9"}, // a decimal(10,2) field of the model: rounded
                         {"qty", "qty + 1"},
                         {"recent", "added >= '2024-01-01'"},
                         {"flag", "not active"},
                         {"day", "added"}},
                        "Product");
        CHECK(column(out, "total") == json::array{"59.97", "55.00", "0.00"});
        CHECK(column(out, "price") == json::array{"17.99", "4.95", "10.80"});
        CHECK(column(out, "qty") == json::array{4, 11, 1});
        CHECK(column(out, "recent") == json::array{true, false, true});
        CHECK(column(out, "flag") == json::array{false, true, false});
        CHECK(column(out, "day") ==
              json::array{"2024-01-02T10:00:00Z", "2023-06-01T00:00:00Z", "2024-03-01T07:30:00Z"});
        CHECK(column(out, "name") ==
              json::array{"Widget", "Book", "Lamp"}); // untouched: original values
        CHECK(out[0].at("active") == json::value("true"));
    }
    SECTION("JSON values are typed by their JSON type") {
        const auto out = map_records(
            json::parse(R"([{"price": 19.99, "qty": 3, "ok": true, "meta": {"k": [1, 2]}}])")
                .as_array(),
            {{"t", "price * qty"},
             {"n", "not ok"},
             {"m", "coalesce(meta, meta)"},
             {"q", "qty * 2"}});
        CHECK(out[0].at("t").as_double() == Approx(59.97));
        CHECK(out[0].at("n") == json::value(false));
        CHECK(out[0].at("m") == json::parse(R"({"k": [1, 2]})"));
        CHECK(out[0].at("q") == json::value(6));
    }
}

TEST_CASE("MapNode: the model makes misspelt fields and unstorable results errors before reading",
          "[io][map][model]") {
    auto e = error_of([&] {
        (void)run_transform(*bulkflow::io::map_node_factory(),
                            {{"data", csv_products()},
                             {"fields", {{"total", "pricee * qty"}}},
                             {"model", "Product"}});
    });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Contains("parameter 'fields.total'") && Contains("'pricee * qty'") &&
                             Contains("did you mean 'price'"));
    e = error_of([&] {
        (void)run_transform(
            *bulkflow::io::map_node_factory(),
            {{"data", csv_products()}, {"fields", {{"qty", "name + 'x'"}}}, {"model", "Product"}});
    });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Contains("parameter 'fields.qty'"));
    e = error_of([&] {
        (void)run_transform(
            *bulkflow::io::map_node_factory(),
            {{"data", csv_products()}, {"fields", {{"x", "price"}}}, {"model", "Prodcut"}});
    });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Contains("parameter 'model'") && Contains("did you mean 'Product'"));
}

// ---------------------------------------------------------------------------------------------
// FilterNode

TEST_CASE("FilterNode: comparisons, and/or/not, NULL drops the record", "[io][filter]") {
    const json::array data = json::parse(R"([
        {"id": 0, "price": 10, "cat": "books", "stock": 5},
        {"id": 1, "price": 3, "cat": "tools", "stock": 0},
        {"id": 2, "price": 25.5, "cat": null, "stock": 1},
        {"id": 3, "price": 7, "stock": 2},
        {"id": 4, "price": null, "cat": "toys", "stock": 9},
        {"id": 5, "price": 100, "cat": "BOOKS", "stock": 0}
      ])")
                                 .as_array();
    const auto ids = [&](const char* where) {
        INFO(where);
        return column(filter_records(data, where), "id");
    };
    CHECK(ids("price > 5") == json::array{0, 2, 3, 5});
    CHECK(ids("price >= 7 and price <= 25.5") == json::array{0, 2, 3});
    CHECK(ids("price < 5 or stock = 9") == json::array{1, 4});
    CHECK(ids("cat = 'books'") == json::array{0});
    CHECK(ids("cat != 'books'") == json::array{1, 4, 5}); // NULL and absent cat: unknown, dropped
    CHECK(ids("not (cat = 'books')") == json::array{1, 4, 5});             // not NULL is NULL
    CHECK(ids("cat <> 'books' or price > 20") == json::array{1, 2, 4, 5}); // NULL or true is true
    CHECK(ids("coalesce(cat, 'none') = 'none'") == json::array{2, 3});
    CHECK(ids("lower(cat) = 'books' and not stock = 0") == json::array{0});
    CHECK(ids("price * stock >= 50 or price % 2 = 1") == json::array{0, 1, 3}); // 25.5 % 2 is 1.5
    CHECK(ids("NOT (price > 5 AND stock > 0)") == json::array{1, 5});
    CHECK(ids("true") == json::array{0, 1, 2, 3, 4, 5});
    CHECK(ids("null").empty());
    CHECK(ids("missing = 1").empty());
}

TEST_CASE("FilterNode: typed by a model vs inferred", "[io][filter][model]") {
    CHECK(column(filter_records(csv_products(), "price > 10", "Product"), "name") ==
          json::array{"Widget", "Lamp"});
    CHECK(column(filter_records(csv_products(), "active and qty > 0", "Product"), "name") ==
          json::array{"Widget"});
    CHECK(column(filter_records(csv_products(), "added < '2024-01-01'", "Product"), "name") ==
          json::array{"Book"});
    // without a model CSV cells are strings: text comparison ('5.50' > '10'), numbers do not
    // compare
    CHECK(column(filter_records(csv_products(), "price > '10'"), "name") ==
          json::array{"Widget", "Book", "Lamp"});
    auto e = error_of([&] { (void)filter_records(csv_products(), "price > 10"); });
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Contains("parameter 'where'") && Contains("'price > 10'") &&
                             Contains("cannot compare str with int"));
    // the records keep their values as read
    const auto kept = filter_records(csv_products(), "qty = 0", "Product");
    REQUIRE(kept.size() == 1);
    CHECK(kept[0] == csv_products()[2].as_object());
}

TEST_CASE("FilterNode: `where` must be true/false", "[io][filter]") {
    auto e = error_of([&] {
        (void)run_transform(
            *bulkflow::io::filter_node_factory(),
            {{"data", csv_products()}, {"where", "price * 2"}, {"model", "Product"}});
    });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(),
               Contains("parameter 'where'") && Contains("gives decimal, not true/false"));
    e = error_of([&] { (void)filter_records(json::parse(R"([{"a": 1}])").as_array(), "a + 1"); });
    CHECK_THAT(e.what(), Contains("parameter 'where'") && Contains("gives int, not true/false"));
    // a bare field that is a bool in the first record but not in a later one
    e = error_of([&] {
        (void)filter_records(json::parse(R"([{"a": true}, {"a": "yes"}])").as_array(), "a");
    });
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK_THAT(e.what(), Contains("record 1:") && Contains("gives a string, not true/false"));
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST_CASE("Map/Filter: validation rejects bad expressions naming parameter and expression",
          "[io][errors]") {
    const auto map = bulkflow::io::map_node_factory();
    const auto filter = bulkflow::io::filter_node_factory();
    const auto check_fails = [](const bulkflow::NodeFactory& f, const json::object& params,
                                const std::string& param, const std::string& detail) {
        auto e = error_of([&] { f.check(params); });
        CHECK(e.code() == ErrorCode::invalid_parameter);
        CHECK_THAT(e.what(), Contains("parameter '" + param + "'") && Contains(detail));
    };
    check_fails(*filter, {{"where", "price >"}}, "where",
                "expression 'price >': expected a value but found end of expression at position 8");
    check_fails(*filter, {{"where", "price > 1 and"}}, "where", "at position");
    check_fails(*filter, {{"where", "lowr(name) = 'x'"}}, "where",
                "unknown function 'lowr' (did you mean 'lower'?)");
    check_fails(*filter, {{"where", "price * 2 > lower(1)"}}, "where", "lower() needs a string");
    check_fails(*filter, {{"where", "round(price, digits) > 1"}}, "where",
                "number of decimal places");
    check_fails(*map, {{"fields", {{"ok", "a + 1"}, {"total", "price * (qty"}}}}, "fields.total",
                "'price * (qty'");
    check_fails(*map, {{"fields", {{"n", 5}}}}, "fields.n", "must be an expression string");
    check_fails(*map, {{"fields", json::object{}}}, "fields", "at least one field");
    check_fails(*map, {{"fields", {{"x", "upper(a, b)"}}}}, "fields.x",
                "upper() takes 1 argument, 2 given");
    // types are not known before the records: these pass validation
    CHECK_NOTHROW(
        filter->check({{"where", "price * 2 > 10 and lower(cat) = 'x' and added < '2024-01-01'"}}));
    CHECK_NOTHROW(filter->check({{"where", "<<inputs.condition>>"}}));
    CHECK_NOTHROW(map->check(
        {{"fields", {{"total", "price * qty"}, {"name", "name.upper()"}, {"t", "<<inputs.e>>"}}}}));
    CHECK_NOTHROW(map->check({{"fields", "<<inputs.fields>>"}}));
    CHECK_NOTHROW(map->check(
        {{"fields",
          {{"when", ":current_timestamp"}, {"s", "'a.b' + \"c(d)\""}, {"e", "1e3 * x"}}}}));
}

TEST_CASE("Map/Filter: a record whose evaluation fails names its index", "[io][errors]") {
    json::array data;
    for (int i = 0; i < 3000; ++i) data.push_back(json::object{{"n", i}, {"d", i == 1234 ? 0 : 2}});

    auto out =
        run_transform(*bulkflow::io::map_node_factory(),
                      {{"data", data}, {"fields", {{"ok", "n + 1"}, {"ratio", "n / d"}}}}, "calc");
    auto e = read_error(*out.streams.at("records"), 500);
    CHECK(e.code() == ErrorCode::invalid_data);
    CHECK(e.node() == "calc");
    CHECK_THAT(e.what(), Contains("node 'calc' (MapNode): record 1234: parameter 'fields.ratio': "
                                  "expression 'n / d': division by zero"));

    // FilterNode names the index in its input (only half of the records pass before it)
    out = run_transform(*bulkflow::io::filter_node_factory(),
                        {{"data", data}, {"where", "n % 2 = 0 and n / d >= 0"}}, "keep");
    e = read_error(*out.streams.at("records"), 100);
    CHECK(e.node() == "keep");
    CHECK_THAT(e.what(), Contains("node 'keep' (FilterNode): record 1234: parameter 'where'") &&
                             Contains("division by zero"));

    // integer overflow
    out = run_transform(*bulkflow::io::map_node_factory(),
                        {{"data", json::parse(R"([{"n": 1}, {"n": 9223372036854775807}])")},
                         {"fields", {{"m", "n + 1"}}}});
    CHECK_THAT(read_error(*out.streams.at("records")).what(),
               Contains("record 1:") && Contains("integer overflow"));

    // a later record of another type than the batch's first
    out = run_transform(*bulkflow::io::map_node_factory(),
                        {{"data", json::parse(R"([{"s": "a"}, {"s": "b"}, {"s": 7}])")},
                         {"fields", {{"u", "upper(s)"}}}});
    CHECK_THAT(read_error(*out.streams.at("records")).what(),
               Contains("record 2: parameter 'fields.u'") && Contains("needs a string"));

    // with a model: a value that does not convert
    json::array bad = csv_products();
    bad[2].as_object()["price"] = "12,50";
    out = run_transform(*bulkflow::io::filter_node_factory(),
                        {{"data", bad}, {"where", "price > 1"}, {"model", "Product"}});
    CHECK_THAT(read_error(*out.streams.at("records")).what(), Contains("record 2: field 'price'") &&
                                                                  Contains("12,50") &&
                                                                  Contains("model 'Product'"));
}

TEST_CASE("Map/Filter: missing or wrong parameters at run time", "[io][errors]") {
    auto e = error_of([] {
        (void)run_transform(*bulkflow::io::filter_node_factory(), {{"where", "a = 1"}});
    });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Contains("parameter 'data'"));
    e = error_of([] {
        (void)run_transform(*bulkflow::io::filter_node_factory(),
                            {{"data", 5}, {"where", "a = 1"}});
    });
    CHECK_THAT(e.what(), Contains("parameter 'data'"));
    e = error_of([] {
        (void)run_transform(*bulkflow::io::map_node_factory(), {{"data", json::array{}}});
    });
    CHECK_THAT(e.what(), Contains("parameter 'fields'"));
    // a bad expression resolved from a template fails the node at run time the same way
    e = error_of([] {
        (void)run_transform(*bulkflow::io::filter_node_factory(),
                            {{"data", json::array{}}, {"where", "a = = 1"}});
    });
    CHECK(e.code() == ErrorCode::invalid_parameter);
    CHECK_THAT(e.what(), Contains("parameter 'where': expression 'a = = 1'"));
}

TEST_CASE("Map/Filter specs document every parameter", "[io]") {
    for (const auto& f : {bulkflow::io::map_node_factory(), bulkflow::io::filter_node_factory()}) {
        const auto& s = f->spec();
        INFO(s.type);
        REQUIRE(s.find("data"));
        CHECK(s.find("data")->type == ParamType::records);
        CHECK(s.find("data")->required);
        REQUIRE(s.find("model"));
        CHECK(s.find("model")->type == ParamType::string);
        CHECK_FALSE(s.find("model")->required);
        CHECK_THAT(s.find("model")->doc, Contains("first non-null value"));
        CHECK(s.outputs == std::vector<std::string>{"records (stream)"});
        for (const auto& p : s.params) CHECK_FALSE(p.doc.empty());
    }
    REQUIRE(bulkflow::io::map_node_factory()->spec().find("fields"));
    CHECK(bulkflow::io::map_node_factory()->spec().find("fields")->type == ParamType::object);
    REQUIRE(bulkflow::io::filter_node_factory()->spec().find("where"));
    CHECK(bulkflow::io::filter_node_factory()->spec().find("where")->type == ParamType::string);
}
