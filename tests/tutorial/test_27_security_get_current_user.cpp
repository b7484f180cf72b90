// tests/tutorial/test_27_security_get_current_user.cpp: what docs/tutorial/27_security_get_current_user.md says,
// checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/27_security_get_current_user.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/27_security_get_current_user") {
  TEST_CASE("the dependency turns the token into a User, which the route returns") {
    fa::App app;
    security_get_current_user::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/users/me", {.headers = {{"Authorization", "Bearer johndoe"}}});
    CHECK(r.status == 200);
    CHECK(r.text ==
          R"({"username":"johndoefakedecoded","email":"john@example.com","full_name":"John Doe","disabled":null})");
  }

  TEST_CASE("without a token the dependency never runs: 401 from the scheme") {
    fa::App app;
    security_get_current_user::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/users/me");
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Not authenticated"})");
    CHECK(r.header("www-authenticate") == "Bearer");
  }

  TEST_CASE("the route's document: the User model, and the scheme found through the dependency") {
    fa::App app;
    security_get_current_user::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    auto get = spec["paths"]["/users/me"]["get"];
    CHECK(get["security"].dump() == R"([{"OAuth2PasswordBearer":[]}])");
    CHECK(get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/User");
    CHECK(spec["components"]["schemas"]["User"]["required"].dump() == R"(["username"])");
  }
}
