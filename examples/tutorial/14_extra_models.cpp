// examples/tutorial/14_extra_models.cpp: several models for one thing (what comes in, what goes out, what is
// stored), a union of models as the answer, and lists and maps of them (docs/tutorial/14_extra_models.md).
//   POST /user/ {"username":"ada","password":"secret","email":"ada@example.com"}
//     -> {"username":"ada","email":"ada@example.com","full_name":null}      (stored with a hashed password)
//   GET /items/item1 -> {"description":"All my friends drive a low rider","type":"car"}
//   GET /keyword-weights/ -> {"bar":3.4,"foo":2.3}
// Run: ./14_extra_models [--port 8000]; its test: tests/tutorial/test_14_extra_models.cpp
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace extra_models {

struct UserIn {
  std::string username;
  std::string password;
  fa::Email email;
  std::optional<std::string> full_name;
};

struct UserOut {
  std::string username;
  fa::Email email;
  std::optional<std::string> full_name;
};

struct UserInDB {
  std::string username;
  std::string hashed_password;
  fa::Email email;
  std::optional<std::string> full_name;
};

std::string fake_password_hasher(const std::string& raw_password) { return "supersecret" + raw_password; }

// The "database": handlers run on several threads (one event loop per core), so it has a lock.
std::mutex db_mutex;
std::vector<UserInDB> fake_db;

UserInDB fake_save_user(const UserIn& user_in) {
  UserInDB user_in_db{user_in.username, fake_password_hasher(user_in.password), user_in.email, user_in.full_name};
  std::lock_guard lock(db_mutex);
  fake_db.push_back(user_in_db);
  return user_in_db;
}

struct CarItem {
  std::string description;
  fa::Choice<"car"> type;
};

struct PlaneItem {
  std::string description;
  fa::Choice<"plane"> type;
  int size;
};

// The stored items are plain JSON, as FastAPI's example keeps dicts: the response model reads each one.
fa::Json stored_item(std::string_view id) {
  if (id == "item2") {
    return {{"description", "Music is my aeroplane, it's my aeroplane"}, {"type", "plane"}, {"size", 5}};
  }
  return {{"description", "All my friends drive a low rider"}, {"type", "car"}};
}

struct Item {
  std::string name;
  std::string description;
};

fa::Json read_keyword_weights() { return {{"foo", 2.3}, {"bar", 3.4}}; }

void build(fa::App& app) {
  app.post("/user/", [](UserIn user_in) { return fake_save_user(user_in); },
           {.response_model = fa::response_model<UserOut>});

  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id) { return stored_item(*item_id); },
          {.response_model = fa::response_model<std::variant<PlaneItem, CarItem>>});

  app.get("/items/", [] { return std::vector<Item>{{"Foo", "There comes my hero"}, {"Red", "It's my aeroplane"}}; });

  app.get("/keyword-weights/", read_keyword_weights,
          {.response_model = fa::response_model<std::map<std::string, double>>});
}

}  // namespace extra_models

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  extra_models::build(app);
  return app.run(argc, argv);
}
#endif
