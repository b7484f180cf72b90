// tests/tutorial/test_15_response_status_code.cpp: what docs/tutorial/15_response_status_code.md says, checked on
// its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/15_response_status_code.cpp"
#include "fastapi/testing/test_client.hpp"

// Starlette's names, the old and RFC 9110's where they differ, and the WebSocket close codes.
static_assert(fa::status::HTTP_201_CREATED == 201 && fa::status::HTTP_204_NO_CONTENT == 204);
static_assert(fa::status::HTTP_422_UNPROCESSABLE_ENTITY == 422 && fa::status::HTTP_422_UNPROCESSABLE_CONTENT == 422);
static_assert(fa::status::HTTP_511_NETWORK_AUTHENTICATION_REQUIRED == 511 &&
              fa::status::WS_1008_POLICY_VIOLATION == 1008);

TEST_SUITE("tutorial/15_response_status_code") {
  TEST_CASE("a route's status_code is the status of its answers") {
    fa::App app;
    response_status_code::build(app);
    fa::testing::TestClient client{app};
    auto created = client.post("/items/?name=Foo");
    CHECK(created.status == 201);
    CHECK(created.text == R"({"name":"Foo"})");
    auto deleted = client.delete_("/items/foo");
    CHECK(deleted.status == 204);
    CHECK(deleted.text.empty());
    CHECK(deleted.header("content-length").empty());
  }

  TEST_CASE("errors keep their own status, and the document lists the chosen one") {
    fa::App app;
    response_status_code::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.post("/items/").status == 422);
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["paths"]["/items/"]["post"]["responses"]["201"]["description"] == "Successful Response");
    CHECK_FALSE(spec["paths"]["/items/"]["post"]["responses"].contains("200"));
    CHECK(spec["paths"]["/items/{item_id}"]["delete"]["responses"]["204"]["description"] == "Successful Response");
  }
}
