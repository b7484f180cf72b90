// tests/tutorial/test_03_query_parameters.cpp: what docs/tutorial/03_query_parameters.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/03_query_parameters.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/03_query_parameters") {
  TEST_CASE("query parameters with defaults: absent ones take the default, present ones are converted") {
    fa::App app;
    query_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/").text == R"([{"item_name":"Foo"},{"item_name":"Bar"},{"item_name":"Baz"}])");
    CHECK(client.get("/items/?skip=0&limit=10").text == client.get("/items/").text);
    CHECK(client.get("/items/?skip=1&limit=1").text == R"([{"item_name":"Bar"}])");
    CHECK(client.get("/items/?skip=20").text == "[]");
    auto bad = client.get("/items/?limit=ten");
    CHECK(bad.status == 422);
    CHECK(bad.text ==
          R"({"detail":[{"type":"int_parsing","loc":["query","limit"],)"
          R"("msg":"Input should be a valid integer, unable to parse string as an integer","input":"ten"}]})");
  }

  TEST_CASE("an optional query parameter may be absent; a bool takes 1/true/on/yes and 0/false/off/no") {
    fa::App app;
    query_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/users/1/items/foo").text ==
          R"({"item_id":"foo","owner_id":1,"description":"This is an amazing item that has a long description"})");
    for (const char* yes : {"1", "True", "true", "on", "yes"})
      CHECK(client.get("/users/1/items/foo", {.params = {{"q", "x"}, {"short", yes}}}).text ==
            R"({"item_id":"foo","owner_id":1,"q":"x"})");
    for (const char* no : {"0", "False", "off", "no"})
      CHECK(client.get("/users/1/items/foo", {.params = {{"short", no}}}).json().contains("description"));
    auto bad = client.get("/users/1/items/foo?short=maybe");
    CHECK(bad.status == 422);
    CHECK(bad.text == R"({"detail":[{"type":"bool_parsing","loc":["query","short"],)"
                      R"("msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"}]})");
  }

  TEST_CASE("a query parameter without a default is required: absent, it is a 422 'missing'") {
    fa::App app;
    query_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/foo?needy=sooooneedy").text == R"({"item_id":"foo","needy":"sooooneedy"})");
    auto missing = client.get("/items/foo");
    CHECK(missing.status == 422);
    CHECK(missing.text ==
          R"({"detail":[{"type":"missing","loc":["query","needy"],"msg":"Field required","input":null}]})");
  }
}
