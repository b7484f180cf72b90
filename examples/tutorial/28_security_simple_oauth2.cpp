// examples/tutorial/28_security_simple_oauth2.cpp: OAuth2's password flow, whole: a token route that checks the
// password, and routes that find the user from the token (docs/tutorial/28_security_simple_oauth2.md).
//   POST /token  username=johndoe&password=secret  -> {"access_token":"johndoe","token_type":"bearer"}
//   GET /users/me with "Authorization: Bearer johndoe"
//     -> {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
// Users: johndoe / secret; alice / secret2 (disabled: 400 "Inactive user").
// Run: ./28_security_simple_oauth2 [--port 8000]; its test: tests/tutorial/test_28_security_simple_oauth2.cpp
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace security_simple_oauth2 {

using OAuth2Scheme = fa::OAuth2PasswordBearer<"token">;

struct User {
  std::string username;
  std::optional<std::string> email;
  std::optional<std::string> full_name;
  std::optional<bool> disabled;
};

// What the database keeps: the user, and a hash of the password, never the password itself.
struct UserInDB {
  User user;
  std::string hashed_password;
};

// The tutorial's fake database; read-only, so every worker thread may read it.
const std::map<std::string, UserInDB, std::less<>>& fake_users_db() {
  static const std::map<std::string, UserInDB, std::less<>> db{
      {"johndoe", {{"johndoe", "johndoe@example.com", "John Doe", false}, "fakehashedsecret"}},
      {"alice", {{"alice", "alice@example.com", "Alice Wonderson", true}, "fakehashedsecret2"}},
  };
  return db;
}

// A stand-in for a real password hash (see the page): the shape of the check is what matters here.
std::string fake_hash_password(std::string_view password) { return "fakehashed" + std::string(password); }

std::optional<UserInDB> get_user(std::string_view username) {
  auto it = fake_users_db().find(username);
  if (it == fake_users_db().end()) return std::nullopt;
  return it->second;
}

// The token is the username: still not security (a real app signs its tokens).
User get_current_user(OAuth2Scheme token) {
  std::optional<UserInDB> user = get_user(*token);
  if (!user) throw fa::HTTPException{401, "Invalid authentication credentials", {{"WWW-Authenticate", "Bearer"}}};
  return user->user;
}

User get_current_active_user(fa::Depends<get_current_user> current_user) {
  if (current_user->disabled.value_or(false)) throw fa::HTTPException{400, "Inactive user"};
  return *current_user;
}

void build(fa::App& app) {
  app.post("/token", [](fa::OAuth2PasswordRequestForm form_data) {
    std::optional<UserInDB> user = get_user(form_data.username);
    if (!user || !fa::compare_digest(fake_hash_password(form_data.password), user->hashed_password))
      throw fa::HTTPException{400, "Incorrect username or password"};
    return fa::Json{{"access_token", user->user.username}, {"token_type", "bearer"}};
  });

  app.get("/users/me", [](fa::Depends<get_current_active_user> current_user) { return *current_user; });
}

}  // namespace security_simple_oauth2

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  security_simple_oauth2::build(app);
  return app.run(argc, argv);
}
#endif
