// tests/tutorial/test_11_cookie_parameters.cpp: what docs/tutorial/11_cookie_parameters.md says, checked on its
// example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/11_cookie_parameters.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/11_cookie_parameters") {
  TEST_CASE("a cookie is read by its name; an optional one may be absent") {
    fa::App app;
    cookie_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/", {.headers = {{"Cookie", "ads_id=abc; theme=dark"}}}).text == R"({"ads_id":"abc"})");
    CHECK(client.get("/items/", {.cookies = {{"ads_id", "xyz"}}}).text == R"({"ads_id":"xyz"})");
    CHECK(client.get("/items/").text == R"({"ads_id":null})");
  }

  TEST_CASE("a required cookie that is absent is a 422 at [\"cookie\", name]") {
    fa::App app;
    cookie_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/session/", {.cookies = {{"session_id", "s1"}}}).text == R"({"session_id":"s1"})");
    auto r = client.get("/session/");
    CHECK(r.status == 422);
    CHECK(r.text ==
          R"({"detail":[{"type":"missing","loc":["cookie","session_id"],"msg":"Field required","input":null}]})");
  }
}
