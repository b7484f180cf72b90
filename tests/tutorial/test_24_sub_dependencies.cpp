// tests/tutorial/test_24_sub_dependencies.cpp: what docs/tutorial/24_sub_dependencies.md says, checked on its
// example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/24_sub_dependencies.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/24_sub_dependencies") {
  TEST_CASE("the query wins; without it, the cookie; without both, null") {
    fa::App app;
    sub_dependencies::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/?q=a").text == R"({"q_or_cookie":"a"})");
    CHECK(client.get("/items/?q=a", {.cookies = {{"last_query", "b"}}}).text == R"({"q_or_cookie":"a"})");
    CHECK(client.get("/items/", {.cookies = {{"last_query", "b"}}}).text == R"({"q_or_cookie":"b"})");
    CHECK(client.get("/items/").text == R"({"q_or_cookie":null})");
  }

  TEST_CASE("a dependency asked for twice runs once per request, unless fa::no_cache") {
    fa::App app;
    sub_dependencies::build(app);
    fa::testing::TestClient client{app};
    sub_dependencies::query_extractor_calls = 0;
    CHECK(client.get("/both/?q=a").text == R"({"same":true})");
    CHECK(sub_dependencies::query_extractor_calls == 1);
    CHECK(client.get("/fresh/?q=a").text == R"({"same":true})");
    CHECK(sub_dependencies::query_extractor_calls == 3);
  }

  TEST_CASE("the whole tree's parameters are documented as the route's own") {
    fa::App app;
    sub_dependencies::build(app);
    fa::testing::TestClient client{app};
    auto params = client.get("/openapi.json").json()["paths"]["/items/"]["get"]["parameters"];
    REQUIRE(params.size() == 2);
    CHECK(params[0]["name"].as_string() == "q");
    CHECK(params[0]["in"].as_string() == "query");
    CHECK(params[1]["name"].as_string() == "last_query");
    CHECK(params[1]["in"].as_string() == "cookie");
  }
}
