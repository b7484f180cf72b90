// tests/security/test_scopes.cpp: OAuth2 scopes as FastAPI's "OAuth2 scopes" tutorial uses them, through the
// TestClient: fa::Security<fn, "scope"...> and fa::SecurityScopes (the scopes gathered along the dependency chain,
// FastAPI's order and repeats), the dependency cache keyed by scopes, overrides, the 401 with
// `WWW-Authenticate: Bearer scope="..."`, WebSocket routes, and the scopes in the OpenAPI document (the scheme's
// flow and each operation's security requirement).
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/security/oauth2.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace scopes_file {

namespace fa = fastapi;

using OAuth2Scheme =
    fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {{"me", "Read information about the current user."},
                                                                     {"items", "Read items."}}}>;

struct User {
  std::string username;
  std::vector<std::string> granted;  // what the token carries
  std::string required;              // SecurityScopes::scope_str where it was checked
};

/// The tutorial's get_current_user: tokens are "<user>:<scope> <scope>..."; every required scope must be granted.
User current_user(fa::SecurityScopes security_scopes, OAuth2Scheme token) {
  std::string authenticate =
      security_scopes.scopes.empty() ? std::string("Bearer") : "Bearer scope=\"" + security_scopes.scope_str + "\"";
  std::string_view text = *token;
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    throw fa::HTTPException{401, "Could not validate credentials", {{"WWW-Authenticate", authenticate}}};
  User user{std::string(text.substr(0, colon)), {}, security_scopes.scope_str};
  std::string_view rest = text.substr(colon + 1);
  while (!rest.empty()) {
    std::size_t sp = rest.find(' ');
    user.granted.emplace_back(rest.substr(0, sp));
    rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
  }
  for (const std::string& scope : security_scopes.scopes) {
    bool granted = false;
    for (const std::string& g : user.granted) granted = granted || g == scope;
    if (!granted) throw fa::HTTPException{401, "Not enough permissions", {{"WWW-Authenticate", authenticate}}};
  }
  return user;
}

User active_user(fa::Security<current_user, "me"> user) { return *user; }

fa::Json user_json(const User& u) { return fa::Json{{"username", u.username}, {"required", u.required}}; }

fa::testing::KeyValues bearer(std::string token) { return {{"Authorization", "Bearer " + token}}; }

void add_tutorial_routes(fa::App& app) {
  app.get("/users/me", [](fa::Depends<active_user> user) { return user_json(*user); });
  app.get("/users/me/items", [](fa::Security<active_user, "items"> user) { return user_json(*user); });
  app.get("/status", [](fa::Depends<current_user> user) { return user_json(*user); });
}

// Scopes along a longer chain: FastAPI's parent scopes (repeats kept), then a dependency's own not already there.
std::string inner(fa::SecurityScopes scopes) { return scopes.scope_str; }
std::string middle(fa::SecurityScopes scopes, fa::Security<inner, "b", "c"> in) {
  return scopes.scope_str + " | " + *in;
}
std::string through(fa::Depends<inner> in) { return *in; }
std::string twice(fa::Security<through, "a"> in) { return *in; }

int& calls() {
  static int n = 0;
  return n;
}
std::string counted(fa::SecurityScopes scopes) {
  ++calls();
  return scopes.scope_str + "#" + std::to_string(calls());
}
int& plain_calls() {
  static int n = 0;
  return n;
}
int plain() { return ++plain_calls(); }
int plain_under_scopes(fa::Depends<plain> p) { return *p; }  // plain uses no scopes: shared whatever is above

TEST_SUITE("security/scopes") {
  TEST_CASE("the tutorial's routes: the right scopes 200, a missing scope 401 with the scopes to ask for") {
    fa::App app;
    add_tutorial_routes(app);
    fa::testing::TestClient client{app};

    auto r = client.get("/users/me/items", {.headers = bearer("johndoe:me items")});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"johndoe","required":"items me"})");  // the handler's scopes first
    r = client.get("/users/me", {.headers = bearer("johndoe:me")});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"johndoe","required":"me"})");
    r = client.get("/status", {.headers = bearer("johndoe:")});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"johndoe","required":""})");

    r = client.get("/users/me/items", {.headers = bearer("johndoe:me")});
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Not enough permissions"})");
    CHECK(r.header("www-authenticate") == R"(Bearer scope="items me")");
    r = client.get("/users/me", {.headers = bearer("johndoe:items")});
    CHECK(r.status == 401);
    CHECK(r.header("www-authenticate") == R"(Bearer scope="me")");
    r = client.get("/users/me", {.headers = bearer("forged")});
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Could not validate credentials"})");
    CHECK(r.header("www-authenticate") == R"(Bearer scope="me")");
    r = client.get("/users/me");  // no token: the scheme's own 401, before any scope is checked
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Not authenticated"})");
    CHECK(r.header("www-authenticate") == "Bearer");
  }

  TEST_CASE("SecurityScopes: every scope asked for above, in order from the handler down, each once") {
    fa::App app;
    app.get("/chain", [](fa::Security<middle, "a", "b"> m) { return *m; });
    app.get("/plain", [](fa::Depends<middle> m) { return *m; });
    app.get("/handler", [](fa::SecurityScopes scopes) { return std::to_string(scopes.scopes.size()); });
    app.get("/repeat", [](fa::Security<twice, "a"> t) { return *t; });
    fa::testing::TestClient client{app};
    // middle: parent [] + own [a, b]; inner: parent [a, b] + own [b, c] -> [a, b, c]
    CHECK(client.get("/chain").text == "a b | a b c");
    CHECK(client.get("/plain").text == " | b c");
    CHECK(client.get("/handler").text == "0");
    // FastAPI keeps the repeats of the chain above (parent_oauth_scopes is a concatenation): inner's parents
    // are the handler's [a] then twice's [a]
    CHECK(client.get("/repeat").text == "a a");
  }

  TEST_CASE("the cache is keyed by the scopes: one dependency with two sets of scopes runs twice") {
    fa::App app;
    app.get("/two", [](fa::Security<counted, "a"> x, fa::Security<counted, "b"> y, fa::Security<counted, "a"> z,
                       fa::Depends<counted> w) { return *x + "," + *y + "," + *z + "," + *w; });
    app.get("/same", [](fa::Security<counted, "a", "b"> x, fa::Security<counted, "b", "a"> y) {
      return *x + "," + *y;  // the same set in another order: one call (FastAPI sorts the set)
    });
    app.get("/plain", [](fa::Depends<plain> p, fa::Security<plain_under_scopes, "x"> q, fa::Security<plain, "x"> r) {
      // plain reached under the scope x is shared (it uses no scopes); asked for with x itself it is keyed by x
      return std::to_string(*p) + "," + std::to_string(*q) + "," + std::to_string(*r);
    });
    fa::testing::TestClient client{app};
    calls() = 0;
    CHECK(client.get("/two").text == "a#1,b#2,a#1,#3");
    calls() = 0;
    CHECK(client.get("/same").text == "a b#1,a b#1");
    plain_calls() = 0;
    CHECK(client.get("/plain").text == "1,1,2");
  }

  TEST_CASE("fa::no_cache among fa::Security's scopes calls the dependency again for that use, as use_cache=False; "
            "it is no scope (SecurityScopes, the cache key and OpenAPI never see it)") {
    fa::App app;
    app.get("/uncached", [](fa::Security<counted, "a"> x, fa::Security<counted, "a", fa::no_cache> y,
                            fa::Security<counted, fa::no_cache, "a"> z, fa::Security<counted, "a"> w) {
      return *x + "," + *y + "," + *z + "," + *w;  // x and w share one call; y and z call again, each
    });
    app.get("/check", [](fa::Security<active_user, "items", fa::no_cache> u) { return u->username; });
    app.get("/effect", [] { return "ok"; }, {.dependencies = {fa::security<active_user, fa::no_cache, "items">()}});
    fa::testing::TestClient client{app};
    calls() = 0;
    CHECK(client.get("/uncached").text == "a#1,a#2,a#3,a#1");
    calls() = 0;
    CHECK(client.get("/uncached").text == "a#1,a#2,a#3,a#1");  // per request, as any cache
    // The scopes are checked as without the option; the 401 names the scopes, not the option.
    CHECK(client.get("/check", {.headers = bearer("ann:me items")}).text == "ann");
    auto r = client.get("/check", {.headers = bearer("ann:me")});
    CHECK(r.status == 401);
    CHECK(r.header("www-authenticate") == R"(Bearer scope="items me")");
    CHECK(client.get("/effect", {.headers = bearer("ann:me")}).status == 401);
    CHECK(client.get("/effect", {.headers = bearer("ann:me items")}).text == "ok");
    fa::Json doc = client.get("/openapi.json").json();
    CHECK(doc["paths"]["/check"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["items","me"]}])");
    CHECK(doc["paths"]["/effect"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["items","me"]}])");
    static_assert(fa::Security<inner, "x", fa::no_cache, "y">::own_scopes.size() == 2);
    static_assert(!fa::Security<inner, "x", fa::no_cache>::use_cache);
    static_assert(fa::Security<inner, "x">::use_cache);
  }

  TEST_CASE("fa::security<fn, \"scope\">() in a route's dependencies checks its scopes for its effect") {
    fa::App app;
    app.get("/items", [] { return "items"; }, {.dependencies = {fa::security<active_user, "items">()}});
    fa::testing::TestClient client{app};
    CHECK(client.get("/items", {.headers = bearer("ann:me items")}).text == "items");
    auto r = client.get("/items", {.headers = bearer("ann:me")});
    CHECK(r.status == 401);
    CHECK(r.text == R"({"detail":"Not enough permissions"})");
    CHECK(r.header("www-authenticate") == R"(Bearer scope="items me")");
  }

  TEST_CASE("an override of a scoped dependency sees the scopes the original would") {
    fa::App app;
    add_tutorial_routes(app);
    app.dependency_overrides<current_user>([](fa::SecurityScopes scopes) {
      return User{"fake", {}, scopes.scope_str};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/users/me/items").text == R"({"username":"fake","required":"items me"})");
    CHECK(client.get("/status").text == R"({"username":"fake","required":""})");
    app.clear_dependency_overrides();
  }

  TEST_CASE("a WebSocket route's fa::Security dependency checks its scopes before the handshake is accepted") {
    fa::App app;
    app.websocket("/ws/items", [](fa::WebSocket& ws, fa::Security<active_user, "items"> user) -> fa::Task<void> {
      co_await ws.accept();
      std::string text = user->username + ":" + user->required;
      co_await ws.send_text(text);
      co_await ws.close();
    });
    fa::testing::TestClient client{app};
    auto ws = client.websocket_connect("/ws/items", {.headers = {{"Authorization", "Bearer ann:items me"}}});
    CHECK(ws.receive_text() == "ann:items me");
    CHECK_THROWS_AS(client.websocket_connect("/ws/items", {.headers = {{"Authorization", "Bearer ann:me"}}}),
                    fa::WebSocketDisconnect);
  }

  TEST_CASE("OpenAPI: the scheme's scopes with their descriptions, each operation's required scopes") {
    fa::App app;
    add_tutorial_routes(app);
    // The same scheme met twice with different scopes: one requirement, the scopes merged in the order met.
    app.get("/both", [](fa::Depends<current_user> a, fa::Security<active_user, "items"> b) {
      return a->username + b->username;
    });
    app.get("/route-dependency", [] { return "ok"; }, {.dependencies = {fa::dependency<active_user>()}});
    app.get("/route-security", [] { return "ok"; }, {.dependencies = {fa::security<active_user, "items">()}});
    fa::testing::TestClient client{app};
    fa::Json doc = client.get("/openapi.json").json();
    CHECK(doc["components"]["securitySchemes"]["OAuth2PasswordBearer"].dump() ==
          R"({"type":"oauth2","flows":{"password":{"scopes":{"me":"Read information about the current user.",)"
          R"("items":"Read items."},"tokenUrl":"token"}}})");
    CHECK(doc["paths"]["/users/me/items"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["items","me"]}])");
    CHECK(doc["paths"]["/users/me"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["me"]}])");
    CHECK(doc["paths"]["/status"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":[]}])");
    CHECK(doc["paths"]["/both"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["items","me"]}])");
    CHECK(doc["paths"]["/route-dependency"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["me"]}])");
    CHECK(doc["paths"]["/route-security"]["get"]["security"].dump() == R"([{"OAuth2PasswordBearer":["items","me"]}])");
  }

  TEST_CASE("a scheme without scopes still writes an empty scopes object; helpers carry no scopes") {
    static_assert(fa::OAuth2PasswordBearer<"token">::security_scheme.scopes->empty());
    static_assert(OAuth2Scheme::security_scheme.scopes->size == 2);
    static_assert(OAuth2Scheme::security_scheme.scopes->items[1].name.view() == "items");
    static_assert(fa::Security<inner, "x", "y">::own_scopes.size() == 2);
    static_assert(fa::Depends<inner>::own_scopes.empty());
  }
}

}  // namespace scopes_file
