#include "bulk_fixture.hpp"

#include <bulkflow/model_describe.hpp>

#include <catch2/catch.hpp>

#include <optional>

using namespace bulkflow;
using namespace bulkflow::test;
using Catch::Matchers::Contains;

namespace shop {
struct Gadget {
    std::string name;
    bulkflow::Decimal price;
    std::optional<std::int64_t> stock;
    bulkflow::Timestamp launched;
};
BOOST_DESCRIBE_STRUCT(Gadget, (), (name, price, stock, launched))
} // namespace shop

TEST_CASE("nested_create inserts children with their parent's id", "[bulk][relations]") {
    BulkDb db("nested");
    db.add_model("User", R"({"fields": {"name": "str", "email": "str"},
      "relationships": {"profile": {"model": "Profile", "kind": "has_one", "foreign_key": "user_id"},
                        "posts": {"model": "Post", "kind": "has_many", "foreign_key": "user_id"}}})");
    db.add_model("Profile", R"({"fields": {"user_id": "int", "bio": "str", "location": "str"}})");
    db.add_model("Post", R"({"fields": {"user_id": "int", "title": "str"}})");
    boost::json::array users{
        {{"name", "John Doe"}, {"email", "john@example.com"}, {"profile", {{"bio", "Software developer"}, {"location", "New York"}}},
         {"posts", boost::json::array{{{"title", "a"}}, {{"title", "b"}}}}},
        {{"name", "Ann"}, {"email", "ann@example.com"}},
        {{"name", "Bo"}, {"email", "bo@example.com"}, {"profile", {{"bio", "x"}, {"location", "y"}}}},
    };
    auto d = db.run_node("UserBulkCreateNode", {{"data", users}, {"include_relationships", boost::json::array{"profile", "posts"}},
                                                {"relationship_strategy", "nested_create"}, {"batch_size", 2}});
    CHECK(d.at("inserted").as_int64() == 3);
    CHECK(d.at("nested").at("profile").as_int64() == 2);
    CHECK(d.at("nested").at("posts").as_int64() == 2);
    CHECK(db.scalar("SELECT u.name FROM profiles p JOIN users u ON u.id = p.user_id WHERE p.location = 'New York'") == "John Doe");
    CHECK(db.scalar("SELECT u.name FROM profiles p JOIN users u ON u.id = p.user_id WHERE p.location = 'y'") == "Bo");
    CHECK(db.count("posts", "user_id = (SELECT id FROM users WHERE name = 'John Doe')") == 2);
}

TEST_CASE("nested keys without include_relationships are rejected as unknown fields", "[bulk][relations]") {
    BulkDb db("nested_off");
    db.add_model("User", R"({"fields": {"name": "str"},
      "relationships": {"profile": {"model": "Profile", "kind": "has_one", "foreign_key": "user_id"}}})");
    db.add_model("Profile", R"({"fields": {"user_id": "int", "bio": "str"}})");
    auto e = run_error(db, "UserBulkCreateNode", {{"data", boost::json::array{{{"name", "a"}, {"profile", {{"bio", "b"}}}}}}});
    CHECK_THAT(std::string(e.what()), Contains("unknown field 'profile'"));
    auto e2 = run_error(db, "UserBulkCreateNode", {{"data", boost::json::array{}}, {"include_relationships", boost::json::array{"friends"}}});
    CHECK_THAT(std::string(e2.what()), Contains("no relationship \"friends\""));
}

TEST_CASE("a model from a Boost.Describe struct drives a bulk create", "[bulk][describe]") {
    BulkDb db("describe");
    auto model = model_from_struct<shop::Gadget>();
    CHECK(model.name == "Gadget");
    CHECK(model.table == "gadgets");
    shop::Gadget g{"Widget", Decimal{"9.99"}, std::nullopt, Timestamp{1'700'000'000'000'000}};
    WorkflowBuilder b;
    b.add_model(model);
    b.add_node("GadgetBulkCreateNode", "load", {{"data", boost::json::array{to_record(g)}}});
    auto res = db.run(std::move(b));
    CHECK(res.results["load"].at("data").at("inserted").as_int64() == 1);
    CHECK(db.scalar("SELECT name || '|' || price FROM gadgets") == "Widget|9.99");
    CHECK(db.scalar("SELECT launched FROM gadgets") == "2023-11-14T22:13:20.000000Z");
    CHECK(db.scalar("SELECT stock IS NULL FROM gadgets") == "1");
}
