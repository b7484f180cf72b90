// tests/examples/test_users_api.cpp: examples/users_api.cpp driven as a user would run it (--port 0, a real socket,
// SIGTERM): validation, 404, paging Rules, bearer tokens, the admin-only routes, the rollback of a failed import,
// and the pool's connections always given back (GET /health).
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_users_api_file {

using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::string body;
};

/// One request over a fresh connection (Connection: close); the status and the body.
Reply http(int port, const std::string& method, const std::string& target, const std::string& body = {},
           const std::string& extra_headers = {}, const std::string& content_type = "application/json") {
  std::string out = test_support::http_request(port, method, target, extra_headers, body, content_type);
  return Reply{test_support::status_of(out), test_support::body_of(out)};
}

TEST_SUITE("examples") {
  TEST_CASE("users_api: users, tokens, admin routes, rollback, and every pooled connection given back") {
    test_support::Process app(std::string(FASTAPI_EXAMPLES_DIR) + "/users_api", {"--port", "0"});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);

    // Create: validated, 201, the password never in the response.
    Reply r = http(port, "POST", "/users", R"({"email":"ann@example.com","username":"ann","password":"secret123"})");
    CHECK(r.status == 201);
    CHECK(r.body == R"({"id":2,"email":"ann@example.com","username":"ann","is_admin":false})");
    r = http(port, "POST", "/users", R"({"email":"bad","username":"a","password":"x"})");
    CHECK(r.status == 422);
    CHECK(r.body.find(R"("loc":["body","email"])") != std::string::npos);
    CHECK(r.body.find(R"({"type":"string_too_short","loc":["body","password"])") != std::string::npos);
    r = http(port, "POST", "/users", R"({"email":"ann@example.com","username":"ann","password":"secret123"})");
    CHECK(r.status == 409);

    // Read: by id (404), paged with Rules.
    CHECK(http(port, "GET", "/users/2").body ==
          R"({"id":2,"email":"ann@example.com","username":"ann","is_admin":false})");
    r = http(port, "GET", "/users/99");
    CHECK(r.status == 404);
    CHECK(r.body == R"({"detail":"User not found"})");
    CHECK(http(port, "GET", "/users?offset=1&limit=1").body ==
          R"([{"id":2,"email":"ann@example.com","username":"ann","is_admin":false}])");
    r = http(port, "GET", "/users?limit=500");
    CHECK(r.status == 422);
    CHECK(r.body.find(R"("type":"less_than_equal","loc":["query","limit"])") != std::string::npos);

    // Tokens and who am I.
    r = http(port, "POST", "/token", "username=admin&password=adminpass", {}, "application/x-www-form-urlencoded");
    CHECK(r.status == 200);
    CHECK(r.body == R"({"access_token":"token-admin","token_type":"bearer"})");
    r = http(port, "POST", "/token", "username=admin&password=wrong", {}, "application/x-www-form-urlencoded");
    CHECK(r.status == 401);
    CHECK(http(port, "GET", "/users/me", {}, "Authorization: Bearer token-ann\r\n").body.find(R"("username":"ann")") !=
          std::string::npos);
    CHECK(http(port, "GET", "/users/me").status == 401);

    // Admin only.
    r = http(port, "DELETE", "/users/2", {}, "Authorization: Bearer token-ann\r\n");
    CHECK(r.status == 403);
    CHECK(r.body == R"({"detail":"Not enough permissions"})");

    // A failing import rolls back: bob (first, fine) is not stored because ann (second) is a duplicate.
    std::string batch = R"([{"email":"bob@example.com","username":"bob","password":"secret123"},)"
                        R"({"email":"ann@example.com","username":"ann2","password":"secret123"}])";
    r = http(port, "POST", "/users/import", batch, "Authorization: Bearer token-admin\r\n");
    CHECK(r.status == 409);
    CHECK(r.body == R"({"detail":"Username or e-mail already registered"})");
    CHECK(http(port, "GET", "/users").body.find("bob") == std::string::npos);

    CHECK(http(port, "DELETE", "/users/2", {}, "Authorization: Bearer token-admin\r\n").status == 204);
    CHECK(http(port, "GET", "/users/2").status == 404);

    // Every connection taken was given back; the failed requests (422, 409s, 401, 403, 404s) rolled back.
    r = http(port, "GET", "/health");
    CHECK(r.body.find(R"("pool_in_use":0)") != std::string::npos);
    CHECK(r.body.find(R"("rollbacks":0)") == std::string::npos);

    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}

}  // namespace test_users_api_file
