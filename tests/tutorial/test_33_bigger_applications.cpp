// tests/tutorial/test_33_bigger_applications.cpp: what docs/tutorial/33_bigger_applications.md says, checked on its
// example (the routers of examples/bigger_app under their prefixes, tags and dependencies).
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/33_bigger_applications.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/33_bigger_applications") {
  TEST_CASE(
      "the app's dependency guards every route; the items router's guards /items; the inclusion's guards /admin") {
    fa::App app;
    bigger_applications::build(app);
    fa::testing::TestClient client{app};
    const fa::testing::KeyValues token{{"X-Token", "fake-super-secret-token"}};
    CHECK(client.get("/users/?token=jessica").text == R"([{"username":"Rick"},{"username":"Morty"}])");
    auto no_query = client.get("/users/");
    CHECK(no_query.status == 422);
    CHECK(no_query.text ==
          R"({"detail":[{"type":"missing","loc":["query","token"],"msg":"Field required","input":null}]})");
    auto wrong = client.get("/users/?token=x");
    CHECK(wrong.status == 400);
    CHECK(wrong.text == R"({"detail":"No Jessica token provided"})");
    CHECK(client.get("/items/plumbus?token=jessica", {.headers = token}).text ==
          R"({"name":"Plumbus","item_id":"plumbus"})");
    auto no_header = client.get("/items/plumbus?token=jessica");
    CHECK(no_header.status == 422);
    CHECK(no_header.text ==
          R"({"detail":[{"type":"missing","loc":["header","x-token"],"msg":"Field required","input":null}]})");
    auto bad_header = client.get("/items/plumbus?token=jessica", {.headers = {{"X-Token", "bad"}}});
    CHECK(bad_header.status == 400);
    CHECK(bad_header.text == R"({"detail":"X-Token header invalid"})");
    auto missing = client.get("/items/bar?token=jessica", {.headers = token});
    CHECK(missing.status == 404);
    CHECK(missing.text == R"({"detail":"Item not found"})");
    auto forbidden = client.put("/items/gun?token=jessica", {.headers = token});
    CHECK(forbidden.status == 403);
    CHECK(forbidden.text == R"({"detail":"You can only update the item: plumbus"})");
    auto updated = client.put("/items/plumbus?token=jessica", {.headers = token}).json();
    CHECK(updated["item_id"] == "plumbus");
    CHECK(updated["name"] == "The great Plumbus");
    CHECK(client.post("/admin/?token=jessica", {.headers = token}).text == R"({"message":"Admin getting schwifty"})");
    CHECK(client.post("/admin/?token=jessica").status == 422);  // the inclusion's X-Token dependency
    CHECK(client.get("/?token=jessica").text == R"({"message":"Hello Bigger Applications!"})");
  }

  TEST_CASE("tags and responses compose: inclusion, router, route") {
    fa::App app;
    bigger_applications::build(app);
    fa::testing::TestClient client{app};
    auto paths = client.get("/openapi.json?token=jessica").json()["paths"];
    auto put = paths["/items/{item_id}"]["put"];
    CHECK(put["tags"].dump() == R"(["items","custom"])");
    CHECK(put["responses"]["404"]["description"] == "Not found");
    CHECK(put["responses"]["403"]["description"] == "Operation forbidden");
    auto admin = paths["/admin/"]["post"];
    CHECK(admin["tags"].dump() == R"(["admin"])");
    CHECK(admin["responses"]["418"]["description"] == "I'm a teapot");
    CHECK(paths["/users/me"]["get"]["tags"].dump() == R"(["users"])");
  }
}
