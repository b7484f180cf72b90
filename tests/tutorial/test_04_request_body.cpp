// tests/tutorial/test_04_request_body.cpp: what docs/tutorial/04_request_body.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/04_request_body.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/04_request_body") {
  TEST_CASE("a JSON body is read into the struct; optional members may be left out") {
    fa::App app;
    request_body::build(app);
    fa::testing::TestClient client{app};
    auto full = client.post("/items/", {.json = fa::Json{{"name", "Foo"}, {"price", 50.5}, {"tax", 0.5}}});
    CHECK(full.status == 200);
    CHECK(full.text == R"({"name":"Foo","description":null,"price":50.5,"tax":0.5,"price_with_tax":51.0})");
    auto minimal = client.post("/items/", {.json = fa::Json{{"name", "Foo"}, {"price", 50.5}}});
    CHECK(minimal.text == R"({"name":"Foo","description":null,"price":50.5,"tax":null})");
    auto item_schema = client.get("/openapi.json").json()["components"]["schemas"]["Item"];
    CHECK(item_schema["required"].dump() == R"(["name","price"])");
  }

  TEST_CASE("path, query and body parameters together") {
    fa::App app;
    request_body::build(app);
    fa::testing::TestClient client{app};
    auto r = client.put("/items/5?q=x", {.json = fa::Json{{"name", "Foo"}, {"price", 50.5}}});
    CHECK(r.text == R"({"item_id":5,"name":"Foo","description":null,"price":50.5,"tax":null,"q":"x"})");
  }

  TEST_CASE("a body that does not fit the struct is a 422 listing every error") {
    fa::App app;
    request_body::build(app);
    fa::testing::TestClient client{app};
    auto bad = client.post("/items/", {.json = fa::Json{{"description", "no name"}, {"price", "cheap"}}});
    CHECK(bad.status == 422);
    CHECK(bad.text ==
          R"({"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required",)"
          R"("input":{"description":"no name","price":"cheap"}},)"
          R"({"type":"float_parsing","loc":["body","price"],)"
          R"("msg":"Input should be a valid number, unable to parse string as a number","input":"cheap"}]})");
    auto none = client.post("/items/");
    CHECK(none.status == 422);
    CHECK(none.text == R"({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})");
  }
}
