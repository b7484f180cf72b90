// examples/tutorial/29_security_oauth2_scopes.cpp: tokens that carry scopes, and routes that ask for them
// (docs/tutorial/29_security_oauth2_scopes.md).
//   POST /token  username=johndoe&password=secret&scope=me items -> {"access_token":"<random>","token_type":"bearer"}
//   GET /users/me/        needs "me"            -> the user
//   GET /users/me/items/  needs "items" and "me" -> [{"item_id":"Foo","owner":"johndoe"}]
//   GET /status/          any valid token        -> {"status":"ok"}
// Users: johndoe / secret; alice / secret2 (disabled: 400 "Inactive user").
// Run: ./29_security_oauth2_scopes [--port 8000]; its test: tests/tutorial/test_29_security_oauth2_scopes.cpp
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace security_oauth2_scopes {

// The scopes a token may carry, with what each allows: listed in the docs' Authorize dialog.
using OAuth2Scheme =
    fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {{"me", "Read information about the current user."},
                                                                     {"items", "Read items."}}}>;

struct User {
  std::string username;
  std::optional<std::string> email;
  std::optional<std::string> full_name;
  std::optional<bool> disabled;
};

struct UserInDB {
  User user;
  std::string hashed_password;
};

struct Token {
  std::string access_token;
  std::string token_type;
};

// What a token stands for: who, and the scopes asked for at login.
struct TokenData {
  std::string username;
  std::vector<std::string> scopes;
};

std::string fake_hash_password(std::string_view password) { return "fakehashed" + std::string(password); }

// The users, and the tokens given out: app state, shared by every worker thread, hence the mutex.
struct Store {
  std::mutex mutex;
  std::map<std::string, UserInDB, std::less<>> users{
      {"johndoe", {{"johndoe", "johndoe@example.com", "John Doe", false}, "fakehashedsecret"}},
      {"alice", {{"alice", "alicechains@example.com", "Alice Chains", true}, "fakehashedsecret2"}},
  };
  std::map<std::string, TokenData, std::less<>> tokens;

  std::optional<UserInDB> get_user(std::string_view username) {
    std::lock_guard lock(mutex);
    auto it = users.find(username);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
  // A random token (128 bits from the system's generator) that only this store can map back to its data.
  std::string create_access_token(TokenData data) {
    std::random_device random;
    std::string token;
    for (int i = 0; i < 4; ++i) {
      char part[9];
      std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
      token += part;
    }
    std::lock_guard lock(mutex);
    tokens[token] = std::move(data);
    return token;
  }
  std::optional<TokenData> decode(std::string_view token) {
    std::lock_guard lock(mutex);
    auto it = tokens.find(token);
    if (it == tokens.end()) return std::nullopt;
    return it->second;
  }
};

User get_current_user(fa::SecurityScopes security_scopes, OAuth2Scheme token, fa::State<Store> store) {
  std::string authenticate_value =
      security_scopes.scopes.empty() ? std::string("Bearer") : "Bearer scope=\"" + security_scopes.scope_str + "\"";
  std::optional<TokenData> token_data = store->decode(*token);
  std::optional<UserInDB> user = token_data ? store->get_user(token_data->username) : std::nullopt;
  if (!user) throw fa::HTTPException{401, "Could not validate credentials", {{"WWW-Authenticate", authenticate_value}}};
  for (const std::string& scope : security_scopes.scopes) {
    if (std::find(token_data->scopes.begin(), token_data->scopes.end(), scope) == token_data->scopes.end())
      throw fa::HTTPException{401, "Not enough permissions", {{"WWW-Authenticate", authenticate_value}}};
  }
  return user->user;
}

User get_current_active_user(fa::Security<get_current_user, "me"> current_user) {
  if (current_user->disabled.value_or(false)) throw fa::HTTPException{400, "Inactive user"};
  return *current_user;
}

void build(fa::App& app) {
  app.state<Store>();

  app.post("/token", [](fa::OAuth2PasswordRequestForm form_data, fa::State<Store> store) {
    std::optional<UserInDB> user = store->get_user(form_data.username);
    if (!user || !fa::compare_digest(fake_hash_password(form_data.password), user->hashed_password))
      throw fa::HTTPException{400, "Incorrect username or password"};
    // As FastAPI's page: the token carries the scopes asked for (a real app grants only what the user may have).
    return Token{store->create_access_token({user->user.username, form_data.scopes}), "bearer"};
  });

  app.get("/users/me/", [](fa::Depends<get_current_active_user> current_user) { return *current_user; });

  app.get("/users/me/items/", [](fa::Security<get_current_active_user, "items"> current_user) {
    return fa::Json::array({{{"item_id", "Foo"}, {"owner", current_user->username}}});
  });

  app.get("/status/", [](fa::Depends<get_current_user>) { return fa::Json{{"status", "ok"}}; });
}

}  // namespace security_oauth2_scopes

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  security_oauth2_scopes::build(app);
  return app.run(argc, argv);
}
#endif
