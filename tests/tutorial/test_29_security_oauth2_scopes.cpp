// tests/tutorial/test_29_security_oauth2_scopes.cpp: what docs/tutorial/29_security_oauth2_scopes.md says, checked
// on its example; the answers are those of FastAPI's page (its JWT replaced by a token table, as ours).
#include <doctest/doctest.h>

#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/29_security_oauth2_scopes.cpp"
#include "fastapi/testing/test_client.hpp"

namespace {
std::string login(fa::testing::TestClient& client, std::string username, std::string password, std::string scope) {
  fa::testing::KeyValues form{{"username", username}, {"password", password}};
  if (!scope.empty()) form.push_back({"scope", scope});
  auto r = client.post("/token", {.data = form});
  REQUIRE(r.status == 200);
  CHECK(r.json()["token_type"] == "bearer");
  return r.json()["access_token"].as_string();
}
fa::testing::RequestOptions bearer(const std::string& token) {
  return {.headers = {{"Authorization", "Bearer " + token}}};
}
}  // namespace

TEST_SUITE("tutorial/29_security_oauth2_scopes") {
  TEST_CASE("each route asks for its scopes; a token without them is 401 with the scopes to ask for") {
    fa::App app;
    security_oauth2_scopes::build(app);
    fa::testing::TestClient client{app};
    std::string both = login(client, "johndoe", "secret", "me items");
    CHECK(client.get("/users/me/", bearer(both)).text ==
          R"({"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false})");
    CHECK(client.get("/users/me/items/", bearer(both)).text == R"([{"item_id":"Foo","owner":"johndoe"}])");

    std::string me_only = login(client, "johndoe", "secret", "me");
    CHECK(client.get("/users/me/", bearer(me_only)).status == 200);
    auto items = client.get("/users/me/items/", bearer(me_only));
    CHECK(items.status == 401);
    CHECK(items.text == R"({"detail":"Not enough permissions"})");
    CHECK(items.header("www-authenticate") == R"(Bearer scope="items me")");

    std::string no_scope = login(client, "johndoe", "secret", "");
    auto me = client.get("/users/me/", bearer(no_scope));
    CHECK(me.status == 401);
    CHECK(me.header("www-authenticate") == R"(Bearer scope="me")");
    CHECK(client.get("/status/", bearer(no_scope)).text == R"({"status":"ok"})");
  }

  TEST_CASE("an unknown token: Could not validate credentials, the challenge naming the route's scopes") {
    fa::App app;
    security_oauth2_scopes::build(app);
    fa::testing::TestClient client{app};
    auto items = client.get("/users/me/items/", bearer("forged"));
    CHECK(items.status == 401);
    CHECK(items.text == R"({"detail":"Could not validate credentials"})");
    CHECK(items.header("www-authenticate") == R"(Bearer scope="items me")");
    CHECK(client.get("/status/", bearer("forged")).header("www-authenticate") == "Bearer");
    auto inactive = client.get("/users/me/items/", bearer(login(client, "alice", "secret2", "me items")));
    CHECK(inactive.status == 400);
    CHECK(inactive.text == R"({"detail":"Inactive user"})");
    CHECK(client.post("/token", {.data = {{"username", "johndoe"}, {"password", "x"}}}).status == 400);
  }

  TEST_CASE("the document lists the scheme's scopes and each operation's, as FastAPI writes them") {
    fa::App app;
    security_oauth2_scopes::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["scopes"].dump() ==
          R"({"me":"Read information about the current user.","items":"Read items."})");
    CHECK(spec["paths"]["/users/me/"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["me"]}])");
    CHECK(spec["paths"]["/users/me/items/"]["get"]["security"].dump() ==
          R"([{"OAuth2PasswordBearer":["items","me"]}])");
    CHECK(spec["paths"]["/status/"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":[]}])");
  }
}
