// tests/security/test_security.cpp: the security helpers (security/*.hpp) as handler and dependency parameters
// through the TestClient: HTTPBearer, HTTPBasic, APIKeyHeader/Query/Cookie, OAuth2PasswordBearer,
// OAuth2PasswordRequestForm; their 401s with WWW-Authenticate; compare_digest and Base64.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>

#include "fastapi/app/app.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/security/api_key.hpp"
#include "fastapi/security/http.hpp"
#include "fastapi/security/oauth2.hpp"
#include "fastapi/security/utils.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace security_file {

namespace fa = fastapi;

struct User {
  std::string username;
  bool admin;
};

fa::Task<User> current_user(fa::OAuth2PasswordBearer<"token"> token) {
  if (*token == "alice-token") co_return User{"alice", true};
  if (*token == "bob-token") co_return User{"bob", false};
  throw fa::HTTPException{401, "Invalid authentication credentials", {{"WWW-Authenticate", "Bearer"}}};
}

User admin_user(fa::Depends<current_user> user) {
  if (!user->admin) throw fa::HTTPException{403, "Not enough permissions"};
  return *user;
}

std::string basic_user(fa::HTTPBasic<> creds) {
  bool user_ok = fa::compare_digest(creds->username, "stanleyjobson");  // both compared: no early exit
  bool password_ok = fa::compare_digest(creds->password, "swordfish");
  if (!(user_ok && password_ok))
    throw fa::HTTPException{401, "Incorrect username or password", {{"WWW-Authenticate", "Basic"}}};
  return creds->username;
}

TEST_SUITE("security") {
  TEST_CASE("compare_digest compares whole secrets; base64_decode reads RFC 4648") {
    CHECK(fa::compare_digest("swordfish", "swordfish"));
    CHECK_FALSE(fa::compare_digest("swordfish", "swordfisH"));
    CHECK_FALSE(fa::compare_digest("swordfish", "swordfish2"));
    CHECK_FALSE(fa::compare_digest("", "a"));
    CHECK(fa::compare_digest("", ""));
    CHECK(fa::detail::base64_decode("c3RhbmxleWpvYnNvbjpzd29yZGZpc2g=") ==
          std::optional<std::string>("stanleyjobson:swordfish"));
    CHECK(fa::detail::base64_decode("YQ==") == std::optional<std::string>("a"));
    CHECK(fa::detail::base64_decode("YWI=") == std::optional<std::string>("ab"));
    CHECK_FALSE(fa::detail::base64_decode("YQ=").has_value());
    CHECK_FALSE(fa::detail::base64_decode("Y=Q=").has_value());
    CHECK_FALSE(fa::detail::base64_decode("!!!!").has_value());
  }

  TEST_CASE("HTTPBearer: the token, or 401 Not authenticated with WWW-Authenticate: Bearer") {
    fa::App app;
    app.get("/me", [](fa::HTTPBearer<> auth) { return auth->scheme + ":" + auth->credentials; });
    app.get("/maybe", [](fa::HTTPBearer<fa::SecurityOptions{.auto_error = false}> auth) {
      return auth ? auth->value().credentials : std::string("anonymous");
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/me", {.headers = {{"Authorization", "Bearer abc.def"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "Bearer:abc.def");
    for (const char* bad : {"", "Basic abc", "Bearer", "Bearer "}) {
      r = client.get("/me",
                     {.headers = bad[0] ? fa::testing::KeyValues{{"Authorization", bad}} : fa::testing::KeyValues{}});
      CHECK(r.status == 401);
      CHECK(r.text == R"({"detail":"Not authenticated"})");
      CHECK(r.header("www-authenticate") == "Bearer");
    }
    CHECK(client.get("/maybe").text == "anonymous");
    CHECK(client.get("/maybe", {.headers = {{"Authorization", "bearer t1"}}}).text == "t1");
    static_assert(fa::HTTPBearer<>::security_scheme.type == "http");
    static_assert(fa::HTTPBearer<>::security_scheme.scheme == "bearer");
  }

  TEST_CASE("HTTPBasic: user and password, 401 with WWW-Authenticate: Basic when missing or unreadable") {
    fa::App app;
    app.get("/users/me", [](fa::Depends<basic_user> user) { return fa::Json{{"username", *user}}; });
    fa::testing::TestClient client{app};
    auto r = client.get("/users/me", {.headers = {{"Authorization", "Basic c3RhbmxleWpvYnNvbjpzd29yZGZpc2g="}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"stanleyjobson"})");
    r = client.get("/users/me");
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Not authenticated"})");
    CHECK(r.header("www-authenticate") == "Basic");
    r = client.get("/users/me", {.headers = {{"Authorization", "Basic not-base64!"}}});
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Invalid authentication credentials"})");
    CHECK(r.header("www-authenticate") == "Basic");
    r = client.get("/users/me", {.headers = {{"Authorization", "Basic c3RhbmxleWpvYnNvbjp3cm9uZw=="}}});  // :wrong
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Incorrect username or password"})");
  }

  TEST_CASE("API keys from a header, the query or a cookie; missing -> 401") {
    fa::App app;
    app.get("/h", [](fa::APIKeyHeader<"X-API-Key"> key) { return *key; });
    app.get("/q", [](fa::APIKeyQuery<"api_key"> key) { return *key; });
    app.get("/c", [](fa::APIKeyCookie<"session"> key) { return *key; });
    app.get("/opt", [](fa::APIKeyHeader<"X-API-Key", fa::SecurityOptions{.auto_error = false}> key) {
      return key->value_or("none");
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/h", {.headers = {{"x-api-key", "k1"}}}).text == "k1");
    CHECK(client.get("/q", {.params = {{"api_key", "k2"}}}).text == "k2");
    CHECK(client.get("/c", {.cookies = {{"session", "k3"}}}).text == "k3");
    CHECK(client.get("/opt").text == "none");
    for (const char* path : {"/h", "/q", "/c"}) {
      auto r = client.get(path);
      CHECK(r.status == 401);
      CHECK(r.text == R"({"detail":"Not authenticated"})");
      CHECK(r.header("www-authenticate") == "APIKey");
    }
    static_assert(fa::APIKeyHeader<"X-API-Key">::security_scheme.in == "header");
    static_assert(fa::APIKeyHeader<"X-API-Key">::security_scheme.name == "X-API-Key");
  }

  TEST_CASE("OAuth2PasswordBearer feeds current_user; an admin-only route refuses others with 403") {
    fa::App app;
    app.get("/users/me", [](fa::Depends<current_user> user) { return user->username; });
    app.get("/admin", [](fa::Depends<admin_user> user) { return "hello admin " + user->username; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/users/me", {.headers = {{"Authorization", "Bearer bob-token"}}}).text == "bob");
    auto r = client.get("/users/me");
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Not authenticated"})");
    CHECK(r.header("www-authenticate") == "Bearer");
    r = client.get("/users/me", {.headers = {{"Authorization", "Bearer forged"}}});
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Invalid authentication credentials"})");
    r = client.get("/admin", {.headers = {{"Authorization", "Bearer bob-token"}}});
    CHECK(r.status == 403);
    CHECK(r.text == R"({"detail":"Not enough permissions"})");
    CHECK(client.get("/admin", {.headers = {{"Authorization", "Bearer alice-token"}}}).text == "hello admin alice");
    static_assert(fa::OAuth2PasswordBearer<"token">::security_scheme.token_url == "token");
  }

  TEST_CASE("OAuth2PasswordRequestForm reads the password grant's form; missing fields are a 422") {
    fa::App app;
    app.post("/token", [](fa::OAuth2PasswordRequestForm form) {
      fa::Json scopes = fa::Json::array({});
      for (const auto& s : form.scopes) scopes.push_back(s);
      return fa::Json{{"username", form.username}, {"password", form.password}, {"scopes", scopes}};
    });
    fa::testing::TestClient client{app};
    auto r = client.post(
        "/token",
        {.data = {{"grant_type", "password"}, {"username", "alice"}, {"password", "pw"}, {"scope", "me items"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"alice","password":"pw","scopes":["me","items"]})");
    r = client.post("/token", {.data = {{"username", "alice"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]})");
    r = client.post("/token", {.data = {{"grant_type", "code"}, {"username", "a"}, {"password", "b"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should )"
                    R"(match pattern '^password$'","input":"code","ctx":{"pattern":"^password$"}}]})");
  }
}

}  // namespace security_file
