// tests/tutorial/test_19_path_operation_configuration.cpp: what docs/tutorial/19_path_operation_configuration.md
// says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/19_path_operation_configuration.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/19_path_operation_configuration") {
  TEST_CASE("tags, summary, description and deprecated reach the OpenAPI document") {
    fa::App app;
    path_operation_configuration::build(app);
    fa::testing::TestClient client{app};
    auto paths = client.get("/openapi.json").json()["paths"];
    auto create = paths["/items/"]["post"];
    CHECK(create["tags"].dump() == R"(["items"])");
    CHECK(create["summary"] == "Create an item");
    CHECK(create["description"] ==
          "Create an item with all the information: a name, an optional description, a price.");
    CHECK(create["responses"]["201"]["description"] == "Successful Response");
    CHECK(paths["/items/"]["get"]["tags"].dump() == R"(["items"])");
    CHECK(paths["/users/"]["get"]["tags"].dump() == R"(["users"])");
    CHECK(paths["/elements/"]["get"]["deprecated"] == true);
    CHECK_FALSE(paths["/items/"]["get"].contains("deprecated"));
  }

  TEST_CASE("the options change the document, not the answers: a deprecated route still answers") {
    fa::App app;
    path_operation_configuration::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/elements/").text == R"([{"item_id":"Foo"}])");
    auto created = client.post("/items/", {.json = fa::Json{{"name", "Foo"}, {"price", 1.5}}});
    CHECK(created.status == 201);
    CHECK(created.text == R"({"name":"Foo","description":null,"price":1.5})");
  }
}
