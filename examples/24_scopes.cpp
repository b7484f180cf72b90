// examples/24_scopes.cpp: FastAPI's "OAuth2 scopes" tutorial in C++: a token carries the scopes the client asked
// for at login; each route says which scopes it needs with fa::Security<dependency, "scope"...>; the dependency
// that checks the token reads them all through fa::SecurityScopes and answers 401 with the scopes to ask for.
//   POST /token           form username/password[/scope "me items"] -> {"access_token":"...","token_type":"bearer"}
//   GET  /users/me        (scope "me")          the user: {"username","email","full_name","disabled"}
//   GET  /users/me/items  (scopes "items", "me") [{"item_id":"Foo","owner":"johndoe"}]
//   GET  /status          (any valid token, no scope) {"status":"ok"}
// Users: johndoe / secret, and alice / secret2 (disabled: 400 "Inactive user"). Tokens are opaque random strings
// kept in memory (the tutorial signs a JWT instead; what the routes check is the same).
// Run: ./24_scopes [--host 127.0.0.1] [--port 8000 | PORT=8000]   (--port 0 picks a free port)
#include "fastapi.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace fa = fastapi;

struct User {
  std::string username;
  std::optional<std::string> email;
  std::optional<std::string> full_name;
  bool disabled = false;
};

struct Item {
  std::string item_id;
  std::string owner;
};

struct StoredUser {
  User user;
  std::string password_hash;
};

/// What a token grants: who, and which scopes.
struct Grant {
  std::string username;
  std::vector<std::string> scopes;
};

std::string fake_hash(std::string_view password) { return "fakehash" + std::string(password); }

/// The users and the tokens issued (App state: one for the app, shared by the workers, hence the mutex).
struct Store {
  std::mutex mutex;
  std::map<std::string, StoredUser, std::less<>> users{
      {"johndoe", {{"johndoe", "johndoe@example.com", "John Doe", false}, fake_hash("secret")}},
      {"alice", {{"alice", "alicechains@example.com", "Alice Chains", true}, fake_hash("secret2")}},
  };
  std::map<std::string, Grant, std::less<>> tokens;

  std::optional<StoredUser> find_user(std::string_view username) {
    std::lock_guard lock(mutex);
    auto it = users.find(username);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
  std::string issue(Grant grant) {
    std::random_device random;
    std::string token;
    for (int i = 0; i < 4; ++i) {
      char part[9];
      std::snprintf(part, sizeof part, "%08x", random());
      token += part;
    }
    std::lock_guard lock(mutex);
    tokens[token] = std::move(grant);
    return token;
  }
  std::optional<Grant> grant_of(std::string_view token) {
    std::lock_guard lock(mutex);
    auto it = tokens.find(token);
    if (it == tokens.end()) return std::nullopt;
    return it->second;
  }
};

/// FastAPI's `OAuth2PasswordBearer(tokenUrl="token", scopes={...})`: the scopes are listed in the docs.
using OAuth2Scheme =
    fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {{"me", "Read information about the current user."},
                                                                     {"items", "Read items."}}}>;

/// The tutorial's get_current_user: a valid token, and every scope required along the way granted.
User get_current_user(fa::SecurityScopes security_scopes, OAuth2Scheme token, fa::State<Store> store) {
  std::string authenticate_value =
      security_scopes.scopes.empty() ? std::string("Bearer") : "Bearer scope=\"" + security_scopes.scope_str + "\"";
  std::optional<Grant> grant = store->grant_of(*token);
  std::optional<StoredUser> user = grant ? store->find_user(grant->username) : std::nullopt;
  if (!user) throw fa::HTTPException{401, "Could not validate credentials", {{"WWW-Authenticate", authenticate_value}}};
  for (const std::string& scope : security_scopes.scopes) {
    bool granted = std::find(grant->scopes.begin(), grant->scopes.end(), scope) != grant->scopes.end();
    if (!granted) throw fa::HTTPException{401, "Not enough permissions", {{"WWW-Authenticate", authenticate_value}}};
  }
  return user->user;
}

/// Needs the scope "me", and an active user.
User get_current_active_user(fa::Security<get_current_user, "me"> current_user) {
  if (current_user->disabled) throw fa::HTTPException{400, "Inactive user"};
  return *current_user;
}

int main(int argc, char** argv) {
  fa::App app{{.title = "OAuth2 scopes", .version = "1.0"}};
  app.state<Store>();

  app.post("/token", [](fa::OAuth2PasswordRequestForm form_data, fa::State<Store> store) {
    std::optional<StoredUser> user = store->find_user(form_data.username);
    if (!user || !fa::compare_digest(user->password_hash, fake_hash(form_data.password)))
      throw fa::HTTPException{400, "Incorrect username or password"};
    // As the tutorial: the token carries the scopes asked for (a real app grants only what the user may have).
    std::string token = store->issue(Grant{user->user.username, form_data.scopes});
    return fa::Json{{"access_token", token}, {"token_type", "bearer"}};
  });

  app.get("/users/me", [](fa::Depends<get_current_active_user> current_user) { return *current_user; });

  app.get("/users/me/items", [](fa::Security<get_current_active_user, "items"> current_user) {
    return std::vector<Item>{{"Foo", current_user->username}};
  });

  app.get("/status", [](fa::Depends<get_current_user>) { return fa::Json{{"status", "ok"}}; });

  return app.run(argc, argv);
}
