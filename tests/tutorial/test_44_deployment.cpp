// tests/tutorial/test_44_deployment.cpp: what docs/tutorial/44_deployment.md says, checked on its example: the
// probes' answers, readiness following the server's life, and the probes left out of the docs. (The drain under
// load, through nginx, is tests/deploy/rolling_restart.py.)
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/44_deployment.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/44_deployment") {
  TEST_CASE("the probes answer while the app serves; readiness is false before it listens and after the drain") {
    fa::App app;
    deployment::build(app);
    CHECK_FALSE(app.ready());
    fa::testing::TestClient client{app};
    CHECK(app.ready());
    CHECK(client.get("/").text == R"({"message":"Hello World"})");
    CHECK(client.get("/health/live").text == R"({"status":"alive"})");
    auto ready = client.get("/health/ready");
    CHECK(ready.status == 200);
    CHECK(ready.text == R"({"status":"ready"})");
    auto paths = client.get("/openapi.json").json()["paths"];
    CHECK(paths.contains("/"));
    CHECK_FALSE(paths.contains("/health/live"));
    CHECK_FALSE(paths.contains("/health/ready"));
    client.close();  // SIGTERM's graceful drain, then run() returns
    CHECK_FALSE(app.ready());
  }
}
