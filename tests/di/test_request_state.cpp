// tests/di/test_request_state.cpp: req.state and fa::RequestState<T> through the TestClient over a real socket:
// a middleware sets a request id from X-Request-ID, a dependency sets the user, the handler reads both; the
// state does not leak into the next request on the same connection; an absent type is a 500 naming it.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "fastapi/app/app.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/request_state.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace di_request_state_file {

namespace fa = fastapi;

struct RequestId {
  std::string value;
};

struct User {
  std::string name;
  bool admin = false;
};

/// Sets RequestId from X-Request-ID (or a generated one) and echoes it, as the usual request-id middleware.
fa::Task<fa::Response> request_id_middleware(fa::Request& req, fa::Next next) {
  static std::atomic<int> counter = 0;
  std::string id = std::string(req.headers.get("x-request-id").value_or(""));
  if (id.empty()) id = "generated-" + std::to_string(++counter);
  req.state.set<RequestId>(id);
  fa::Response response = co_await next(req);
  response.headers.set("x-request-id", req.state.get<RequestId>().value);
  co_return response;
}

/// A dependency that stores the user it found for later dependencies and the handler.
std::string current_user(fa::Request& req, fa::RequestState<RequestId> id) {
  std::string name = std::string(req.headers.get("x-user").value_or("anonymous"));
  req.state.set<User>(User{name, name == "root"});
  return name + "@" + id->value;
}

TEST_SUITE("di/request_state") {
  TEST_CASE("a middleware and a dependency store typed values, the handler reads them") {
    fa::App app;
    app.add_middleware(request_id_middleware);
    app.get("/whoami", [](fa::RequestState<RequestId> id) { return fa::Json{{"request_id", id->value}}; });
    app.get("/me", [](fa::Depends<current_user> who, fa::RequestState<User> user, fa::Request& req) {
      return fa::Json{{"who", *who}, {"admin", user->admin}, {"same", &req.state.get<User>() == &*user}};
    });
    app.get("/has-user", [](fa::Request& req) { return req.state.contains<User>() ? "yes" : "no"; });
    fa::testing::TestClient client{app};

    auto r = client.get("/whoami", {.headers = {{"X-Request-ID", "abc-123"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"request_id":"abc-123"})");
    CHECK(r.headers.get("x-request-id") == "abc-123");

    auto generated = client.get("/whoami");
    CHECK(generated.text.find("\"generated-") != std::string::npos);

    CHECK(client.get("/me", {.headers = {{"X-User", "root"}, {"X-Request-ID", "r1"}}}).text ==
          R"({"who":"root@r1","admin":true,"same":true})");
    // The next request on the same connection starts with an empty state: no User from the last one.
    CHECK(client.get("/has-user").text == "no");
  }

  TEST_CASE("a value nobody set is a 500 whose log line names the type") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/whoami", [](fa::RequestState<RequestId> id) { return id->value; });
    app.get("/ok", [](fa::Request& req) { return req.state.contains<RequestId>() ? "set" : "unset"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/whoami");
    CHECK(r.status == 500);
    CHECK(logs.contains("the request state holds no di_request_state_file::RequestId"));
    CHECK(logs.contains("req.state.set<di_request_state_file::RequestId>(...)"));
    CHECK(client.get("/ok").text == "unset");
  }

  TEST_CASE("set replaces the value of the same type; clear empties without freeing the list") {
    fa::RequestStateMap state;
    CHECK(state.empty());
    state.set<RequestId>("a");
    state.set<User>("u");
    state.set<RequestId>("b");
    CHECK(state.get<RequestId>().value == "b");
    CHECK(state.get<User>().name == "u");
    state.clear();
    CHECK_FALSE(state.contains<User>());
    CHECK_THROWS_AS(state.get<User>(), fa::ConfigurationError);
  }
}

}  // namespace di_request_state_file
