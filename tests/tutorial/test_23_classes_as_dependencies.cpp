// tests/tutorial/test_23_classes_as_dependencies.cpp: what docs/tutorial/23_classes_as_dependencies.md says,
// checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/23_classes_as_dependencies.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/23_classes_as_dependencies") {
  TEST_CASE("the struct's members are bound from the query and read by the handler") {
    fa::App app;
    classes_as_dependencies::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/?skip=1&limit=1").text == R"({"items":[{"item_name":"Bar"}]})");
    CHECK(client.get("/items/?q=x").text ==
          R"({"q":"x","items":[{"item_name":"Foo"},{"item_name":"Bar"},{"item_name":"Baz"}]})");
    CHECK(client.get("/items/?skip=5").text == R"({"items":[]})");
    CHECK(client.get("/users/?skip=2").text == R"({"skip":2,"limit":100})");
  }

  TEST_CASE("a member's rule is checked: the error is the route's 422") {
    fa::App app;
    classes_as_dependencies::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items/?skip=-1");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"greater_than_equal","loc":["query","skip"],)"
                    R"("msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}}]})");
  }

  TEST_CASE("the members are documented as the route's query parameters") {
    fa::App app;
    classes_as_dependencies::build(app);
    fa::testing::TestClient client{app};
    auto params = client.get("/openapi.json").json()["paths"]["/items/"]["get"]["parameters"];
    REQUIRE(params.size() == 3);
    CHECK(params[0]["name"].as_string() == "q");
    CHECK(params[1]["name"].as_string() == "skip");
    CHECK(params[2]["name"].as_string() == "limit");
    CHECK(params[2]["schema"]["default"].dump() == "100");
  }
}
