// tests/tutorial/test_38_debugging.cpp: what docs/tutorial/38_debugging.md says, checked on its example: the
// answers, the debug line of each request, and the log line of an exception.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/38_debugging.cpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"

TEST_SUITE("tutorial/38_debugging") {
  TEST_CASE("the program answers as the page says") {
    fa::App app;
    debugging::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/").text == R"({"hello world":"ba"})");
    CHECK(client.get("/items/5?q=pen").text == R"({"item_id":5,"q":"pen"})");
    CHECK(client.get("/divide?by=4").text == R"({"result":25})");
  }

  TEST_CASE("--log-level debug logs each request with its bound parameters; an exception is logged with its type") {
    fa::App app;
    debugging::build(app);
    test_support::LogCapture log(app);
    app.logger().set_level(fa::LogLevel::debug);
    fa::testing::TestClient client{app};
    client.get("/items/5?q=pen");
    CHECK(log.contains("DEBUG:    GET /items/5?q=pen HTTP/1.1: item_id = 5, q = 'pen'"));
    auto crash = client.get("/divide?by=0");
    CHECK(crash.status == 500);
    CHECK(crash.text == R"({"detail":"Internal Server Error"})");
    CHECK(log.contains("ERROR:    exception in GET /divide: std::domain_error: division by zero"));
  }

  TEST_CASE("at the default level the request lines are not logged") {
    fa::App app;
    debugging::build(app);
    test_support::LogCapture log(app);
    fa::testing::TestClient client{app};
    client.get("/items/5?q=pen");
    CHECK_FALSE(log.contains("DEBUG:"));
  }
}
