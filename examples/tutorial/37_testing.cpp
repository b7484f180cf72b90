// examples/tutorial/37_testing.cpp: the app that docs/tutorial/37_testing.md tests; its tests are the page's
// subject: tests/tutorial/test_37_testing.cpp.
//   GET  /items/{item_id}  with "X-Token: coneofsilence" -> the item; 400 bad token, 404 unknown item
//   POST /items/           with the token and an Item     -> the item; 409 when its id exists
// Run: ./37_testing [--port 8000]
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace testing_app {

constexpr const char* fake_secret_token = "coneofsilence";

struct Item {
  std::string id;
  std::string title;
  std::optional<std::string> description;
};

// The items: app state, so every app (every test) starts from the same two; a mutex, as the workers share it.
struct FakeDb {
  std::mutex mutex;
  std::map<std::string, Item, std::less<>> items{
      {"foo", {"foo", "Foo", "There goes my hero"}},
      {"bar", {"bar", "Bar", "The bartenders"}},
  };
};

void check_token(const std::string& x_token) {
  if (x_token != fake_secret_token) throw fa::HTTPException{400, "Invalid X-Token header"};
}

void build(fa::App& app) {
  app.state<FakeDb>();

  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id, fa::Header<"x_token", std::string> x_token,
                                 fa::State<FakeDb> db) {
    check_token(*x_token);
    std::lock_guard lock(db->mutex);
    auto it = db->items.find(*item_id);
    if (it == db->items.end()) throw fa::HTTPException{404, "Item not found"};
    return it->second;
  });

  app.post("/items/", [](Item item, fa::Header<"x_token", std::string> x_token, fa::State<FakeDb> db) {
    check_token(*x_token);
    std::lock_guard lock(db->mutex);
    if (db->items.contains(item.id)) throw fa::HTTPException{409, "Item already exists"};
    db->items[item.id] = item;
    return item;
  });
}

}  // namespace testing_app

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  testing_app::build(app);
  return app.run(argc, argv);
}
#endif
