// tests/tutorial/test_31_cors.cpp: what docs/tutorial/31_cors.md says, checked on its example; the answers are
// Starlette's CORSMiddleware's for the same options (FastAPI's page).
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/31_cors.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/31_cors") {
  TEST_CASE("a preflight from a listed origin is answered by the middleware with what the browser may do") {
    fa::App app;
    cors::build(app);
    fa::testing::TestClient client{app};
    auto r = client.options("/", {.headers = {{"Origin", "http://localhost:8080"},
                                              {"Access-Control-Request-Method", "GET"},
                                              {"Access-Control-Request-Headers", "X-Example"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "OK");
    CHECK(r.header("access-control-allow-origin") == "http://localhost:8080");
    CHECK(r.header("access-control-allow-methods") == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    CHECK(r.header("access-control-allow-headers") == "X-Example");
    CHECK(r.header("access-control-allow-credentials") == "true");
    CHECK(r.header("access-control-max-age") == "600");
    CHECK(r.header("vary") == "Origin");
  }

  TEST_CASE("a request from a listed origin gets its answer with the origin echoed") {
    fa::App app;
    cors::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/", {.headers = {{"Origin", "http://localhost:8080"}}});
    CHECK(r.text == R"({"message":"Hello World"})");
    CHECK(r.header("access-control-allow-origin") == "http://localhost:8080");
    CHECK(r.header("access-control-allow-credentials") == "true");
    CHECK(r.header("vary") == "Origin");
  }

  TEST_CASE("another origin: the preflight is refused, a request has no Allow-Origin; without Origin, no CORS") {
    fa::App app;
    cors::build(app);
    fa::testing::TestClient client{app};
    auto preflight = client.options(
        "/", {.headers = {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}}});
    CHECK(preflight.status == 400);
    CHECK(preflight.text == "Disallowed CORS origin");
    CHECK_FALSE(preflight.headers.contains("access-control-allow-origin"));
    auto r = client.get("/", {.headers = {{"Origin", "https://evil.example"}}});
    CHECK(r.status == 200);
    CHECK_FALSE(r.headers.contains("access-control-allow-origin"));
    auto plain = client.get("/");
    CHECK(plain.text == R"({"message":"Hello World"})");
    CHECK_FALSE(plain.headers.contains("access-control-allow-credentials"));
  }
}
