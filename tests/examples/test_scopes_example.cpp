// tests/examples/test_scopes_example.cpp: examples/24_scopes.cpp (FastAPI's OAuth2 scopes tutorial) driven as a user
// would run it (--port 0, real sockets, SIGTERM): a login that issues a token carrying the scopes asked for, routes
// that need "me" and "items", the 401s (missing scope with `WWW-Authenticate: Bearer scope="..."` and FastAPI's
// "Not enough permissions", a bad token, no token), an inactive user, and the OpenAPI document's scopes.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <string>
#include <string_view>

#include "fastapi/json/parse.hpp"
#include "fastapi/json/value.hpp"
#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_scopes_example_file {

using namespace std::chrono_literals;
namespace fa = fastapi;

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
  /// The value of header `name` (any case), "" when absent.
  std::string header(std::string_view name) const {
    std::size_t at = 0;
    while ((at = head.find("\r\n", at)) != std::string::npos) {
      at += 2;
      std::size_t colon = head.find(':', at);
      std::size_t end = head.find("\r\n", at);
      if (colon == std::string::npos || colon > end) continue;
      std::string_view key(head.data() + at, colon - at);
      bool same = key.size() == name.size();
      for (std::size_t i = 0; same && i < key.size(); ++i)
        same = std::tolower(static_cast<unsigned char>(key[i])) == std::tolower(static_cast<unsigned char>(name[i]));
      if (same) {
        std::size_t v = head.find_first_not_of(' ', colon + 1);
        return head.substr(v, end - v);
      }
    }
    return {};
  }
};

Reply http(int port, const std::string& method, const std::string& target, const std::string& headers = {},
           const std::string& body = {}, const std::string& content_type = "application/json") {
  std::string out = test_support::http_request(port, method, target, headers, body, content_type);
  std::size_t blank = out.find("\r\n\r\n");
  return Reply{test_support::status_of(out), out.substr(0, blank == std::string::npos ? out.size() : blank + 2),
               test_support::body_of(out)};
}

/// Logs in with the form of OAuth2's password grant; the access token ("" when refused).
std::string login(int port, const std::string& form) {
  Reply r = http(port, "POST", "/token", {}, form, "application/x-www-form-urlencoded");
  if (r.status != 200) return {};
  fa::Json j = fa::Json::parse(r.body);
  CHECK(j["token_type"].as_string() == "bearer");
  return j["access_token"].as_string();
}

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }

TEST_SUITE("examples") {
  TEST_CASE("24_scopes: tokens carry scopes; each route checks its own; 401s say which scopes to ask for") {
    test_support::Process app(test_support::example("24_scopes"), {"--port", "0"});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);

    // Login: a wrong password is FastAPI's 400; the token carries the scopes asked for.
    Reply r = http(port, "POST", "/token", {}, "username=johndoe&password=wrong", "application/x-www-form-urlencoded");
    CHECK(r.status == 400);
    CHECK(r.body == R"({"detail":"Incorrect username or password"})");
    std::string both = login(port, "username=johndoe&password=secret&scope=me+items");
    std::string me_only = login(port, "username=johndoe&password=secret&scope=me");
    std::string none = login(port, "username=johndoe&password=secret");
    REQUIRE(!both.empty());
    REQUIRE(!me_only.empty());
    REQUIRE(!none.empty());
    CHECK(both != me_only);

    // The right scopes: 200.
    r = http(port, "GET", "/users/me", bearer(me_only));
    CHECK(r.status == 200);
    CHECK(r.body == R"({"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false})");
    r = http(port, "GET", "/users/me/items", bearer(both));
    CHECK(r.status == 200);
    CHECK(r.body == R"([{"item_id":"Foo","owner":"johndoe"}])");
    r = http(port, "GET", "/status", bearer(none));
    CHECK(r.status == 200);
    CHECK(r.body == R"({"status":"ok"})");

    // A missing scope: 401, FastAPI's detail, and the scopes the route needs in the challenge.
    r = http(port, "GET", "/users/me/items", bearer(me_only));
    CHECK(r.status == 401);
    CHECK(r.body == R"({"detail":"Not enough permissions"})");
    CHECK(r.header("WWW-Authenticate") == R"(Bearer scope="items me")");
    r = http(port, "GET", "/users/me", bearer(none));
    CHECK(r.status == 401);
    CHECK(r.body == R"({"detail":"Not enough permissions"})");
    CHECK(r.header("WWW-Authenticate") == R"(Bearer scope="me")");

    // A bad token: 401 "Could not validate credentials", with the same challenge; none at all: the scheme's 401.
    r = http(port, "GET", "/users/me/items", bearer("forged"));
    CHECK(r.status == 401);
    CHECK(r.body == R"({"detail":"Could not validate credentials"})");
    CHECK(r.header("WWW-Authenticate") == R"(Bearer scope="items me")");
    r = http(port, "GET", "/status", bearer("forged"));
    CHECK(r.status == 401);
    CHECK(r.header("WWW-Authenticate") == "Bearer");
    r = http(port, "GET", "/users/me");
    CHECK(r.status == 401);
    CHECK(r.body == R"({"detail":"Not authenticated"})");
    CHECK(r.header("WWW-Authenticate") == "Bearer");

    // An inactive user with every scope: 400, as the tutorial's get_current_active_user.
    std::string alice = login(port, "username=alice&password=secret2&scope=me+items");
    REQUIRE(!alice.empty());
    r = http(port, "GET", "/users/me", bearer(alice));
    CHECK(r.status == 400);
    CHECK(r.body == R"({"detail":"Inactive user"})");

    // OpenAPI: the scheme's scopes with their descriptions, and each operation's required scopes.
    r = http(port, "GET", "/openapi.json");
    REQUIRE(r.status == 200);
    fa::Json doc = fa::Json::parse(r.body);
    CHECK(doc["components"]["securitySchemes"]["OAuth2PasswordBearer"].dump() ==
          R"({"type":"oauth2","flows":{"password":{"scopes":{"me":"Read information about the current user.",)"
          R"("items":"Read items."},"tokenUrl":"token"}}})");
    CHECK(doc["paths"]["/users/me"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["me"]}])");
    CHECK(doc["paths"]["/users/me/items"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["items","me"]}])");
    CHECK(doc["paths"]["/status"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":[]}])");
    CHECK_FALSE(doc["paths"]["/token"]["post"].contains("security"));

    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}

}  // namespace test_scopes_example_file
