// tests/tutorial/test_30_middleware.cpp: what docs/tutorial/30_middleware.md says, checked on its example.
#include <doctest/doctest.h>

#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/30_middleware.cpp"
#include "fastapi/testing/test_client.hpp"

namespace {
// A middleware that appends its name to X-Trail on the way out, for the order below.
auto trail(std::string name) {
  return [name](fa::Request& request, fa::Next call_next) -> fa::Task<fa::Response> {
    fa::Response response = co_await call_next(request);
    std::string trail(response.headers.get("x-trail").value_or(""));
    response.headers.set("X-Trail", trail.empty() ? name : trail + "," + name);
    co_return response;
  };
}
}  // namespace

TEST_SUITE("tutorial/30_middleware") {
  TEST_CASE("every answer carries X-Process-Time in seconds, errors too; the body is the route's") {
    fa::App app;
    middleware::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items/");
    CHECK(r.text == R"([{"name":"Foo"}])");
    std::string seconds = r.header("x-process-time");
    REQUIRE_FALSE(seconds.empty());
    std::size_t used = 0;
    CHECK(std::stod(seconds, &used) >= 0.0);
    CHECK(used == seconds.size());
    auto missing = client.get("/nowhere");
    CHECK(missing.status == 404);
    CHECK(missing.header("x-process-time") != "");
  }

  TEST_CASE("the last middleware added runs first: it is the outermost") {
    fa::App app;
    app.add_middleware(trail("A"));
    app.add_middleware(trail("B"));
    app.get("/", [] { return "hi"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/").header("x-trail") == "A,B");  // A, inside B, finished first on the way out
  }
}
