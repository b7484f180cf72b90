// tests/tutorial/test_28_security_simple_oauth2.cpp: what docs/tutorial/28_security_simple_oauth2.md says, checked
// on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/28_security_simple_oauth2.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/28_security_simple_oauth2") {
  TEST_CASE("POST /token: the password form gives a bearer token; a wrong password or user is 400") {
    fa::App app;
    security_simple_oauth2::build(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/token", {.data = {{"username", "johndoe"}, {"password", "secret"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"access_token":"johndoe","token_type":"bearer"})");
    for (auto form : {fa::testing::KeyValues{{"username", "johndoe"}, {"password", "wrong"}},
                      fa::testing::KeyValues{{"username", "nobody"}, {"password", "secret"}}}) {
      auto refused = client.post("/token", {.data = form});
      CHECK(refused.status == 400);
      CHECK(refused.text == R"({"detail":"Incorrect username or password"})");
      CHECK(refused.header("www-authenticate") == "");
    }
    auto missing = client.post("/token", {.data = {{"username", "johndoe"}}});
    CHECK(missing.status == 422);
    CHECK(missing.text ==
          R"({"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("GET /users/me: the token's user; unknown token 401, disabled user 400, no token 401") {
    fa::App app;
    security_simple_oauth2::build(app);
    fa::testing::TestClient client{app};
    auto me = client.get("/users/me", {.headers = {{"Authorization", "Bearer johndoe"}}});
    CHECK(me.status == 200);
    CHECK(me.text == R"({"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false})");
    auto unknown = client.get("/users/me", {.headers = {{"Authorization", "Bearer nobody"}}});
    CHECK(unknown.status == 401);
    CHECK(unknown.text == R"({"detail":"Invalid authentication credentials"})");
    CHECK(unknown.header("www-authenticate") == "Bearer");
    auto inactive = client.get("/users/me", {.headers = {{"Authorization", "Bearer alice"}}});
    CHECK(inactive.status == 400);
    CHECK(inactive.text == R"({"detail":"Inactive user"})");
    auto none = client.get("/users/me");
    CHECK(none.status == 401);
    CHECK(none.text == R"({"detail":"Not authenticated"})");
    CHECK(none.header("www-authenticate") == "Bearer");
  }

  TEST_CASE("the token route takes a form, so the docs' Authorize dialog can log in") {
    fa::App app;
    security_simple_oauth2::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["paths"]["/token"]["post"]["requestBody"]["content"].contains("application/x-www-form-urlencoded"));
    CHECK(spec["paths"]["/users/me"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":[]}])");
  }
}
