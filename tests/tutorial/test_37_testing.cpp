// tests/tutorial/test_37_testing.cpp: docs/tutorial/37_testing.md's subject: how an app is tested, FastAPI's
// test_main.py in C++. Each TEST_CASE builds the app afresh, so no test sees another's items.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/37_testing.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/37_testing") {
  TEST_CASE("read an item") {
    fa::App app;
    testing_app::build(app);
    fa::testing::TestClient client{app};
    auto response = client.get("/items/foo", {.headers = {{"X-Token", "coneofsilence"}}});
    CHECK(response.status == 200);
    CHECK(response.json() == fa::Json{{"id", "foo"}, {"title", "Foo"}, {"description", "There goes my hero"}});
  }

  TEST_CASE("read an item: a bad token, an unknown item, no token") {
    fa::App app;
    testing_app::build(app);
    fa::testing::TestClient client{app};
    auto bad_token = client.get("/items/foo", {.headers = {{"X-Token", "hailhydra"}}});
    CHECK(bad_token.status == 400);
    CHECK(bad_token.json() == fa::Json{{"detail", "Invalid X-Token header"}});
    auto unknown = client.get("/items/baz", {.headers = {{"X-Token", "coneofsilence"}}});
    CHECK(unknown.status == 404);
    CHECK(unknown.json() == fa::Json{{"detail", "Item not found"}});
    auto no_token = client.get("/items/foo");
    CHECK(no_token.status == 422);
    CHECK(no_token.text ==
          R"({"detail":[{"type":"missing","loc":["header","x-token"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("create an item, then read it back") {
    fa::App app;
    testing_app::build(app);
    fa::testing::TestClient client{app};
    fa::Json item{{"id", "foobar"}, {"title", "Foo Bar"}, {"description", "The Foo Barters"}};
    auto response = client.post("/items/", {.headers = {{"X-Token", "coneofsilence"}}, .json = item});
    CHECK(response.status == 200);
    CHECK(response.json() == item);
    CHECK(client.get("/items/foobar", {.headers = {{"X-Token", "coneofsilence"}}}).json() == item);
  }

  TEST_CASE("create an item: a bad token, an id that exists") {
    fa::App app;
    testing_app::build(app);
    fa::testing::TestClient client{app};
    fa::Json stealer{{"id", "foo"}, {"title", "The Foo ID Stealers"}, {"description", "There goes my stealer"}};
    auto bad_token = client.post("/items/", {.headers = {{"X-Token", "hailhydra"}}, .json = stealer});
    CHECK(bad_token.status == 400);
    auto existing = client.post("/items/", {.headers = {{"X-Token", "coneofsilence"}}, .json = stealer});
    CHECK(existing.status == 409);
    CHECK(existing.json() == fa::Json{{"detail", "Item already exists"}});
  }
}
