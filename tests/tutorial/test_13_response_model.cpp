// tests/tutorial/test_13_response_model.cpp: what docs/tutorial/13_response_model.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/13_response_model.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/13_response_model") {
  TEST_CASE("the response model lets only its own fields out: the password stays in") {
    fa::App app;
    response_model::build(app);
    fa::testing::TestClient client{app};
    fa::Json body{{"username", "ada"}, {"password", "secret"}, {"email", "ada@example.com"}};
    auto r = client.post("/user/", {.json = body});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"ada","email":"ada@example.com","full_name":null})");
    auto bad = client.post("/user/", {.json = fa::Json{{"username", "ada"}, {"password", "x"}, {"email", "ada"}}});
    CHECK(bad.status == 422);
    CHECK(bad.json()["detail"][0]["loc"].dump() == R"(["body","email"])");
  }

  TEST_CASE("defaults are filled in, and with exclude_none the null fields are left out") {
    fa::App app;
    response_model::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/foo").text == R"({"name":"Foo","price":50.2,"tax":10.5,"tags":[]})");
    CHECK(client.get("/items/bar").text ==
          R"({"name":"Bar","description":"The bartenders","price":62.0,"tax":20.2,"tags":[]})");
  }

  TEST_CASE("a value that does not fit the response model is the server's error: 500") {
    fa::App app;
    response_model::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items/baz");
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
  }

  TEST_CASE("the OpenAPI document describes the response with the response model") {
    fa::App app;
    response_model::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    auto schema = spec["paths"]["/user/"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
    CHECK(schema.dump() == R"({"$ref":"#/components/schemas/UserOut"})");
    CHECK_FALSE(spec["components"]["schemas"]["UserOut"]["properties"].contains("password"));
  }

  TEST_CASE("a handler that returns a struct has its return type as its response model") {
    fa::App app;
    app.get("/me", [] { return response_model::UserOut{"ada", {"ada@example.com"}, std::nullopt}; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/me").text == R"({"username":"ada","email":"ada@example.com","full_name":null})");
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["paths"]["/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"].dump() ==
          R"({"$ref":"#/components/schemas/UserOut"})");
  }
}
