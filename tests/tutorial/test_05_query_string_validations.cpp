// tests/tutorial/test_05_query_string_validations.cpp: what docs/tutorial/05_query_string_validations.md says,
// checked on its example.
#include <doctest/doctest.h>

#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/05_query_string_validations.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/05_query_string_validations") {
  TEST_CASE("an optional query with length and pattern rules: absent is fine, present must fit") {
    fa::App app;
    query_string_validations::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/").text == R"({"items":[{"item_id":"Foo"},{"item_id":"Bar"}]})");
    CHECK(client.get("/items/?q=fixedquery").text ==
          R"({"items":[{"item_id":"Foo"},{"item_id":"Bar"}],"q":"fixedquery"})");

    auto short_ = client.get("/items/?q=fo");
    CHECK(short_.status == 422);
    CHECK(short_.text == R"({"detail":[{"type":"string_too_short","loc":["query","q"],)"
                         R"("msg":"String should have at least 3 characters","input":"fo","ctx":{"min_length":3}}]})");
    auto long_ = client.get("/items/", {.params = {{"q", std::string(51, 'x')}}});
    CHECK(long_.status == 422);
    CHECK(long_.json()["detail"][0]["type"] == "string_too_long");
    CHECK(long_.json()["detail"][0]["msg"] == "String should have at most 50 characters");
    auto other = client.get("/items/?q=notfixed");
    CHECK(other.status == 422);
    CHECK(
        other.text ==
        R"({"detail":[{"type":"string_pattern_mismatch","loc":["query","q"],)"
        R"("msg":"String should match pattern '^fixedquery$'","input":"notfixed","ctx":{"pattern":"^fixedquery$"}}]})");
  }

  TEST_CASE("a list query takes every repeated key; with fa::empty_list none is an empty list") {
    fa::App app;
    query_string_validations::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/tagged/?tag=foo&tag=bar").text == R"({"tags":["foo","bar"]})");
    CHECK(client.get("/items/tagged/").text == R"({"tags":[]})");
  }

  TEST_CASE("an alias is the name on the wire and in the docs, with the title and description") {
    fa::App app;
    query_string_validations::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/search/?item-query=foo").text == R"({"item_query":"foo"})");
    CHECK(client.get("/items/search/?item_query=foo").text == R"({"item_query":null})");
    auto spec = client.get("/openapi.json").json();
    auto parameter = spec["paths"]["/items/search/"]["get"]["parameters"][0];
    CHECK(parameter["name"] == "item-query");
    CHECK(parameter["in"] == "query");
    CHECK(parameter["description"] == "Query string for the items to search in the database");
    CHECK(parameter["schema"]["title"] == "Query string");
  }
}
