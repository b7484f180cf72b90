// examples/tutorial/13_response_model.cpp: the response model, a wall between what a handler returns and what the
// client sees (docs/tutorial/13_response_model.md).
//   POST /user/ {"username":"ada","password":"secret","email":"ada@example.com"}
//     -> {"username":"ada","email":"ada@example.com","full_name":null}      (no password)
//   GET /items/foo -> {"name":"Foo","price":50.2,"tax":10.5,"tags":[]}      (null left out)
// Run: ./13_response_model [--port 8000]; its test: tests/tutorial/test_13_response_model.cpp
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace response_model {

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

struct Item {
  std::string name;
  std::optional<std::string> description;
  double price;
  fa::Default<double> tax = 10.5;
  fa::Default<std::vector<std::string>> tags;
};

// What a database might hold: not every item has every key, and "baz" is broken (no price).
fa::Json stored_item(std::string_view id) {
  if (id == "foo") return {{"name", "Foo"}, {"price", 50.2}};
  if (id == "bar") return {{"name", "Bar"}, {"description", "The bartenders"}, {"price", 62}, {"tax", 20.2}};
  return {{"name", "Baz"}};
}

void build(fa::App& app) {
  app.post("/user/", [](UserIn user) { return user; }, {.response_model = fa::response_model<UserOut>});

  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id) { return stored_item(*item_id); },
          {.response_model = fa::response_model<Item>, .response_model_exclude_none = true});
}

}  // namespace response_model

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  response_model::build(app);
  return app.run(argc, argv);
}
#endif
