// tests/tutorial/test_21_body_updates.cpp: what docs/tutorial/21_body_updates.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/21_body_updates.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/21_body_updates") {
  TEST_CASE("PUT replaces the whole item: what was not sent is back to its default") {
    fa::App app;
    body_updates::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/foo").text == R"({"name":"Foo","description":null,"price":50.2,"tax":10.5,"tags":[]})");
    auto r = client.put("/items/bar", {.json = fa::Json{{"name", "Barz"}, {"price", 3}, {"description", nullptr}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"name":"Barz","description":null,"price":3.0,"tax":10.5,"tags":[]})");
    CHECK(client.get("/items/bar").text == r.text);
    CHECK(client.put("/items/new", {.json = fa::Json{{"name", "New"}}}).status == 200);  // PUT creates
    CHECK(client.get("/items/new").text == R"({"name":"New","description":null,"price":null,"tax":10.5,"tags":[]})");
  }

  TEST_CASE("PATCH changes only the members sent, and checks them as the model does") {
    fa::App app;
    body_updates::build(app);
    fa::testing::TestClient client{app};
    auto r = client.patch("/items/bar", {.json = fa::Json{{"price", 3}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"name":"Bar","description":"The bartenders","price":3.0,"tax":20.2,"tags":[]})");
    CHECK(client.get("/items/bar").text == r.text);
    auto cleared =
        client.patch("/items/bar", {.json = fa::Json{{"description", nullptr}, {"tags", fa::Json::array({"a"})}}});
    CHECK(cleared.text == R"({"name":"Bar","description":null,"price":3.0,"tax":20.2,"tags":["a"]})");
    auto bad = client.patch("/items/bar", {.json = fa::Json{{"tax", nullptr}}});
    CHECK(bad.status == 422);
    CHECK(
        bad.text ==
        R"({"detail":[{"type":"float_type","loc":["body","tax"],"msg":"Input should be a valid number","input":null}]})");
    CHECK(client.patch("/items/nope", {.json = fa::Json::object()}).status == 404);
  }

  TEST_CASE("the PATCH body is documented as the model with nothing required") {
    fa::App app;
    body_updates::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    auto body = spec["paths"]["/items/{item_id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"];
    CHECK(body["$ref"].as_string() == "#/components/schemas/ItemPartial");
    CHECK_FALSE(spec["components"]["schemas"]["ItemPartial"].contains("required"));
  }
}
