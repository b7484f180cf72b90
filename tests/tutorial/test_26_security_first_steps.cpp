// tests/tutorial/test_26_security_first_steps.cpp: what docs/tutorial/26_security_first_steps.md says, checked on
// its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/26_security_first_steps.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/26_security_first_steps") {
  TEST_CASE("the handler gets the token of Authorization: Bearer") {
    fa::App app;
    security_first_steps::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items/", {.headers = {{"Authorization", "Bearer foobar"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"token":"foobar"})");
  }

  TEST_CASE("no token, or another scheme: 401 Not authenticated with WWW-Authenticate: Bearer, as FastAPI") {
    fa::App app;
    security_first_steps::build(app);
    fa::testing::TestClient client{app};
    for (auto headers : {fa::testing::KeyValues{}, fa::testing::KeyValues{{"Authorization", "Basic foo"}}}) {
      auto r = client.get("/items/", {.headers = headers});
      CHECK(r.status == 401);
      CHECK(r.text == R"({"detail":"Not authenticated"})");
      CHECK(r.header("www-authenticate") == "Bearer");
    }
  }

  TEST_CASE("the OpenAPI document declares the password flow and the operation's requirement") {
    fa::App app;
    security_first_steps::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["components"]["securitySchemes"]["OAuth2PasswordBearer"].dump() ==
          R"({"type":"oauth2","flows":{"password":{"scopes":{},"tokenUrl":"token"}}})");
    CHECK(spec["paths"]["/items/"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":[]}])");
  }
}
