// tests/tutorial/test_25_dependencies_with_yield.cpp: what docs/tutorial/25_dependencies_with_yield.md says,
// checked on its example.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/25_dependencies_with_yield.cpp"
#include "fastapi/testing/test_client.hpp"

namespace dependencies_with_yield {

// The request-scoped teardown runs after the response has been sent: the client's next request on the same
// connection is served after it, so a second exchange is the event to wait for.
std::vector<std::string> events_after(fa::testing::TestClient& client) {
  client.get("/openapi.json");
  std::lock_guard lock(events_mutex);
  std::vector<std::string> seen = events;
  events.clear();
  return seen;
}

TEST_SUITE("tutorial/25_dependencies_with_yield") {
  TEST_CASE("setup before the handler, teardown after it: commit on success, rollback when it throws") {
    fa::App app;
    build(app);
    fa::testing::TestClient client{app};
    events_after(client);
    auto ok = client.post("/items/foo");
    CHECK(ok.text == R"({"added":"foo"})");
    CHECK(events_after(client) == std::vector<std::string>{"open", "commit foo", "close"});
    auto bad = client.post("/items/bad");
    CHECK(bad.status == 400);
    CHECK(bad.text == R"({"detail":"Bad name"})");
    CHECK(events_after(client) == std::vector<std::string>{"open", "rollback", "close"});
  }

  TEST_CASE("a validation error after the setup is rethrown at co_yield too") {
    fa::App app;
    app.post("/typed/{n}", [](fa::Depends<get_db>, fa::Path<"n", int> n) { return fa::Json{{"n", *n}}; });
    fa::testing::TestClient client{app};
    events_after(client);
    CHECK(client.post("/typed/x").status == 422);
    CHECK(events_after(client) == std::vector<std::string>{"open", "rollback", "close"});
  }

  TEST_CASE("yield dependencies that depend on each other are torn down in reverse order, sharing one session") {
    fa::App app;
    build(app);
    fa::testing::TestClient client{app};
    events_after(client);
    CHECK(client.post("/owned/gun").text == R"({"added":"gun","owner":"Rick"})");
    CHECK(events_after(client) ==
          std::vector<std::string>{"open", "user Rick", "user done (1 pending)", "commit gun", "close"});
  }

  TEST_CASE("scope::function tears down before the response is sent") {
    fa::App app;
    build(app);
    fa::testing::TestClient client{app};
    events_after(client);
    CHECK(client.post("/now/x").text == R"({"added":"x"})");
    std::lock_guard lock(events_mutex);
    CHECK(events == std::vector<std::string>{"open", "commit x", "close"});  // no second request needed
    events.clear();
  }
}

}  // namespace dependencies_with_yield
