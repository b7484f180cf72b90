// tests/tutorial/test_22_dependencies.cpp: what docs/tutorial/22_dependencies.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/22_dependencies.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/22_dependencies") {
  TEST_CASE("the dependency's query parameters are bound and its result handed to the handler") {
    fa::App app;
    dependencies::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/?q=foo&skip=5").text == R"({"q":"foo","skip":5,"limit":100})");
    CHECK(client.get("/users/").text == R"({"q":null,"skip":0,"limit":100})");
    CHECK(client.get("/users/?limit=3").text == R"({"q":null,"skip":0,"limit":3})");
  }

  TEST_CASE("the dependency's errors are the route's 422") {
    fa::App app;
    dependencies::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items/?skip=x");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["query","skip"],)"
                    R"("msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]})");
  }

  TEST_CASE("the dependency's parameters are documented as the route's own") {
    fa::App app;
    dependencies::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    for (const char* path : {"/items/", "/users/"}) {
      auto params = spec["paths"][path]["get"]["parameters"];
      REQUIRE(params.size() == 3);
      CHECK(params[0]["name"].as_string() == "q");
      CHECK(params[1]["name"].as_string() == "skip");
      CHECK(params[1]["schema"]["default"].dump() == "0");
      CHECK(params[2]["name"].as_string() == "limit");
      CHECK(params[2]["in"].as_string() == "query");
    }
  }
}
