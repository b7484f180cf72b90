// tests/tutorial/test_01_first_steps.cpp: what docs/tutorial/01_first_steps.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/01_first_steps.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/01_first_steps") {
  TEST_CASE("GET / answers {\"message\":\"Hello World\"} as JSON") {
    fa::App app;
    first_steps::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.text == R"({"message":"Hello World"})");
  }

  TEST_CASE("the OpenAPI document lists the operation, and /docs and /redoc serve the interactive pages") {
    fa::App app;
    first_steps::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/openapi.json").json();
    CHECK(spec["openapi"] == "3.1.0");
    CHECK(spec["info"]["title"] == "FastAPI");
    CHECK(spec["paths"]["/"]["get"]["summary"] == "Read Root");  // a lambda has no name: from method and path
    CHECK(spec["paths"]["/"]["get"]["responses"]["200"]["description"] == "Successful Response");
    auto docs = client.get("/docs");
    CHECK(docs.status == 200);
    CHECK(docs.text.find("swagger-ui") != std::string::npos);
    CHECK(client.get("/redoc").status == 200);
  }

  TEST_CASE("a route's name gives its summary, as FastAPI's function name does") {
    fa::App app;
    app.get("/", [] { return fa::Json{{"message", "Hello World"}}; }, {.name = "root"});
    fa::testing::TestClient client{app};
    CHECK(client.get("/openapi.json").json()["paths"]["/"]["get"]["summary"] == "Root");
  }
}
