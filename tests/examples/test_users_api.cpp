// tests/examples/test_users_api.cpp: examples/users_api.cpp driven as a user would run it (--port 0, a real socket,
// SIGTERM): validation, 404, paging Rules, bearer tokens, the admin-only routes, the rollback of a failed import,
// and the pool's connections always given back (GET /health); its SQLite file kept across a restart (--db,
// APP_DB); concurrent writers on two worker threads, none lost.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

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

/// How many times `needle` occurs in `text`.
int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

/// Starts users_api with `args` (and `env`); the port of its `Listening on` line, 0 when it did not start.
int start(test_support::Process& app) {
  auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
  return line ? test_support::port_of(*line) : 0;
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

  TEST_CASE("users_api: a database file (--db, APP_DB) keeps the users across a restart") {
    char tmpl[] = "/tmp/fastapi-users-api-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::filesystem::path dir = tmpl;
    const std::string db = (dir / "users.sqlite").string();
    const std::string admin = "Authorization: Bearer token-admin\r\n";
    {
      test_support::Process app(std::string(FASTAPI_EXAMPLES_DIR) + "/users_api", {"--port", "0", "--db", db});
      int port = start(app);
      REQUIRE(port != 0);
      CHECK(http(port, "POST", "/users", R"({"email":"ann@example.com","username":"ann","password":"secret123"})")
                .status == 201);
      std::string batch = R"([{"email":"bob@example.com","username":"bob","password":"secret123"},)"
                          R"({"email":"cyd@example.com","username":"cyd","password":"secret123"}])";
      CHECK(http(port, "POST", "/users/import", batch, admin).status == 201);
      CHECK(http(port, "DELETE", "/users/4", {}, admin).status == 204);  // cyd
      app.signal(SIGTERM);
      CHECK(app.wait(10s) == 0);
    }
    CHECK(std::filesystem::exists(db));
    {
      // The same file, named by the variable this time: what was committed is there, the deleted user is not.
      test_support::Process app(std::string(FASTAPI_EXAMPLES_DIR) + "/users_api", {"--port", "0"}, {"APP_DB=" + db});
      int port = start(app);
      REQUIRE(port != 0);
      CHECK(http(port, "GET", "/users/2").body ==
            R"({"id":2,"email":"ann@example.com","username":"ann","is_admin":false})");
      CHECK(http(port, "GET", "/users/me", {}, "Authorization: Bearer token-bob\r\n").body ==
            R"({"id":3,"email":"bob@example.com","username":"bob","is_admin":false})");
      CHECK(http(port, "GET", "/users/4").status == 404);
      CHECK(http(port, "GET", "/users?offset=0&limit=100").body.find(R"("username":"admin")") != std::string::npos);
      // The admin is not made twice, a taken name is still taken, and a deleted user's id is not given again.
      CHECK(count_of(http(port, "GET", "/users?limit=100").body, R"("id":)") == 3);
      CHECK(http(port, "POST", "/users", R"({"email":"ann@example.com","username":"ann","password":"secret123"})")
                .status == 409);
      Reply r = http(port, "POST", "/users", R"({"email":"dia@example.com","username":"dia","password":"secret123"})");
      CHECK(r.status == 201);
      CHECK(r.body == R"({"id":5,"email":"dia@example.com","username":"dia","is_admin":false})");
      app.signal(SIGTERM);
      CHECK(app.wait(10s) == 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  TEST_CASE("users_api: concurrent writers on two workers: none lost, duplicates refused, every connection back") {
    test_support::Process app(std::string(FASTAPI_EXAMPLES_DIR) + "/users_api", {"--port", "0", "--workers", "2"});
    int port = start(app);
    REQUIRE(port != 0);
    // 8 clients at once against 4 connections: each first races the others for one name (the UNIQUE constraint
    // lets exactly one win), creates 10 users one by one, imports 3 more, then sends an import whose second user is
    // one of its own (409: rolled back, its first user not stored).
    constexpr int clients = 8, singles = 10;
    const std::string admin = "Authorization: Bearer token-admin\r\n";
    std::vector<std::vector<int>> statuses(clients);
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        auto user = [&](const std::string& name) {
          return R"({"email":")" + name + R"(@example.com","username":")" + name + R"(","password":"secret123"})";
        };
        std::string me = "c" + std::to_string(c);
        statuses[c].push_back(http(port, "POST", "/users", user("everyone")).status);
        for (int i = 0; i < singles; ++i)
          statuses[c].push_back(http(port, "POST", "/users", user(me + "u" + std::to_string(i))).status);
        std::string batch = "[" + user(me + "i0") + "," + user(me + "i1") + "," + user(me + "i2") + "]";
        statuses[c].push_back(http(port, "POST", "/users/import", batch, admin).status);
        batch = "[" + user(me + "x0") + "," + user(me + "u3") + "]";
        statuses[c].push_back(http(port, "POST", "/users/import", batch, admin).status);
      });
    }
    for (auto& t : threads) t.join();
    int winners = 0;
    for (int c = 0; c < clients; ++c) {
      CAPTURE(c);
      REQUIRE(statuses[c].size() == singles + 3);
      CHECK((statuses[c][0] == 201 || statuses[c][0] == 409));
      winners += statuses[c][0] == 201 ? 1 : 0;
      for (int i = 1; i < singles + 2; ++i) CHECK(statuses[c][i] == 201);
      CHECK(statuses[c][singles + 2] == 409);
    }
    CHECK(winners == 1);
    std::string all =
        http(port, "GET", "/users?offset=0&limit=100").body + http(port, "GET", "/users?offset=100&limit=100").body;
    const int users = 2 + clients * (singles + 3);  // the admin, "everyone", and each client's own
    CHECK(count_of(all, R"("id":)") == users);
    CHECK(count_of(all, R"("username":"everyone")") == 1);
    for (int c = 0; c < clients; ++c) {
      std::string me = "c" + std::to_string(c);
      for (int i = 0; i < singles; ++i)
        CHECK(count_of(all, R"("username":")" + me + "u" + std::to_string(i) + '"') == 1);
      CHECK(count_of(all, R"("username":")" + me + "i2\"") == 1);
      CHECK(count_of(all, R"("username":")" + me + "x0\"") == 0);
    }
    // Every id once: the database numbered them, whichever worker served the request.
    for (int id = 1; id <= users; ++id) CHECK(count_of(all, "\"id\":" + std::to_string(id) + ",") == 1);
    CHECK(http(port, "GET", "/health").body ==
          R"({"status":"ok","pool_size":4,"pool_in_use":0,"rollbacks":)" + std::to_string(2 * clients - 1) + "}");
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}

}  // namespace test_users_api_file
