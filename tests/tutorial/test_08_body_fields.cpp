// tests/tutorial/test_08_body_fields.cpp: what docs/tutorial/08_body_fields.md says, checked on its example.
#include <doctest/doctest.h>

#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/08_body_fields.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/08_body_fields") {
  TEST_CASE("members with rules read like plain members when the values fit") {
    fa::App app;
    body_fields::build(app);
    fa::testing::TestClient client{app};
    fa::Json body{{"item", {{"name", "Foo"}, {"price", 3.5}}}};
    CHECK(client.put("/items/5", {.json = body}).text ==
          R"({"item_id":5,"item":{"name":"Foo","description":null,"price":3.5,"tax":null}})");
  }

  TEST_CASE("a member's rule broken is a 422 at its place in the body") {
    fa::App app;
    body_fields::build(app);
    fa::testing::TestClient client{app};
    fa::Json body{{"item", {{"name", "Foo"}, {"description", std::string(301, 'x')}, {"price", 0}}}};
    auto r = client.put("/items/5", {.json = body});
    CHECK(r.status == 422);
    auto detail = r.json()["detail"];
    CHECK(detail[0]["type"] == "string_too_long");
    CHECK(detail[0]["loc"].dump() == R"(["body","item","description"])");
    CHECK(detail[0]["msg"] == "String should have at most 300 characters");
    CHECK(detail[1].dump() == R"({"type":"greater_than","loc":["body","item","price"],)"
                              R"("msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}})");
  }

  TEST_CASE("titles, descriptions and bounds are in the model's JSON Schema") {
    fa::App app;
    body_fields::build(app);
    fa::testing::TestClient client{app};
    auto item = client.get("/openapi.json").json()["components"]["schemas"]["Item"];
    CHECK(item["properties"]["description"].dump() ==
          R"({"anyOf":[{"maxLength":300,"type":"string"},{"type":"null"}],"default":null,)"
          R"("title":"The description of the item"})");
    CHECK(
        item["properties"]["price"].dump() ==
        R"({"description":"The price must be greater than zero","exclusiveMinimum":0,"title":"Price","type":"number"})");
    CHECK(item["required"].dump() == R"(["name","price"])");
  }
}
