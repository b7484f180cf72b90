// tests/tutorial/test_16_form_data.cpp: what docs/tutorial/16_form_data.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/16_form_data.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/16_form_data") {
  TEST_CASE("form fields are read from an urlencoded body and from a multipart one") {
    fa::App app;
    form_data::build(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/login/", {.data = {{"username", "johndoe"}, {"password", "secret"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"johndoe","password_length":6})");
    auto multipart = client.post(
        "/login/", {.data = {{"username", "johndoe"}, {"password", "secret"}},
                    .files = {{"avatar", {.filename = "a.png", .content = "x", .content_type = "image/png"}}}});
    CHECK(multipart.text == R"({"username":"johndoe","password_length":6})");
  }

  TEST_CASE("a missing field is a 422 at [\"body\", name]; a JSON body is not a form") {
    fa::App app;
    form_data::build(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/login/", {.data = {{"username", "johndoe"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]})");
    auto empty = client.post("/login/", {.data = {{"username", ""}, {"password", "secret"}}});
    CHECK(empty.json()["detail"][0]["loc"].dump() == R"(["body","username"])");  // empty counts as absent
    auto json = client.post("/login/", {.json = fa::Json{{"username", "johndoe"}, {"password", "secret"}}});
    CHECK(json.status == 422);
  }

  TEST_CASE("the OpenAPI document describes the body as a form") {
    fa::App app;
    form_data::build(app);
    fa::testing::TestClient client{app};
    auto body = client.get("/openapi.json").json()["paths"]["/login/"]["post"]["requestBody"];
    CHECK(body["content"].contains("application/x-www-form-urlencoded"));
  }
}
