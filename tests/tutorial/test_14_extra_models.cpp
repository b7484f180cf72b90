// tests/tutorial/test_14_extra_models.cpp: what docs/tutorial/14_extra_models.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/14_extra_models.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/14_extra_models") {
  TEST_CASE("one user, three models: the input's password is stored hashed and never answered") {
    fa::App app;
    extra_models::build(app);
    fa::testing::TestClient client{app};
    extra_models::fake_db.clear();
    fa::Json body{{"username", "ada"}, {"password", "secret"}, {"email", "ada@example.com"}};
    auto r = client.post("/user/", {.json = body});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"ada","email":"ada@example.com","full_name":null})");
    REQUIRE(extra_models::fake_db.size() == 1);
    CHECK(extra_models::fake_db[0].hashed_password == "supersecretsecret");
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["paths"]["/user/"]["post"]["responses"]["200"]["content"]["application/json"]["schema"].dump() ==
          R"({"$ref":"#/components/schemas/UserOut"})");
  }

  TEST_CASE("a union of models answers with the one the handler returned, and documents anyOf") {
    fa::App app;
    extra_models::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/item1").text == R"({"description":"All my friends drive a low rider","type":"car"})");
    CHECK(client.get("/items/item2").text ==
          R"({"description":"Music is my aeroplane, it's my aeroplane","type":"plane","size":5})");
    auto spec = client.get("/openapi.json").json();
    auto schema = spec["paths"]["/items/{item_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    CHECK(schema["anyOf"].dump() ==
          R"([{"$ref":"#/components/schemas/PlaneItem"},{"$ref":"#/components/schemas/CarItem"}])");
  }

  TEST_CASE("a list of models and a map of floats") {
    fa::App app;
    extra_models::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/").text ==
          R"([{"name":"Foo","description":"There comes my hero"},{"name":"Red","description":"It's my aeroplane"}])");
    CHECK(client.get("/keyword-weights/").text == R"({"bar":3.4,"foo":2.3})");
    auto spec = client.get("/openapi.json").json();
    CHECK(
        spec["paths"]["/items/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"].dump() ==
        R"({"$ref":"#/components/schemas/Item"})");
    CHECK(spec["paths"]["/keyword-weights/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
              ["additionalProperties"]
                  .dump() == R"({"type":"number"})");
  }
}
