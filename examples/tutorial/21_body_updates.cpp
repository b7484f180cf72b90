// examples/tutorial/21_body_updates.cpp: updating a stored item: PUT replaces it whole, PATCH changes only the
// members the client sent (fa::Partial) (docs/tutorial/21_body_updates.md).
//   PATCH /items/bar {"price":3} -> {"name":"Bar","description":"The bartenders","price":3.0,"tax":20.2,"tags":[]}
//   PUT   /items/bar {"name":"Barz","price":3} -> {"name":"Barz","description":null,"price":3.0,"tax":10.5,"tags":[]}
// Run: ./21_body_updates [--port 8000]; its test: tests/tutorial/test_21_body_updates.cpp
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace body_updates {

struct Item {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<double> price;
  fa::Default<double> tax = 10.5;
  fa::Default<std::vector<std::string>> tags;
};

// The stored items. Handlers run on several threads (one event loop per core): they take the lock.
std::mutex items_mutex;
std::map<std::string, Item> items;

Item& find_or_404(const std::string& item_id) {  // called with items_mutex held
  auto it = items.find(item_id);
  if (it == items.end()) throw fa::HTTPException{404, "Item not found"};
  return it->second;
}

void build(fa::App& app) {
  {
    std::lock_guard lock(items_mutex);  // the app starts with FastAPI's three items
    items = {
        {"foo", fa::read_json<Item>(R"({"name": "Foo", "price": 50.2})")},
        {"bar", fa::read_json<Item>(R"({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2})")},
        {"baz",
         fa::read_json<Item>(R"({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []})")}};
  }

  app.get("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id) {
    std::lock_guard lock(items_mutex);
    return find_or_404(*item_id);
  });

  app.put("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id, Item item) {
    std::lock_guard lock(items_mutex);
    items[*item_id] = item;  // the whole item replaced (or created): what was not sent is its default
    return item;
  });

  app.patch("/items/{item_id}", [](fa::Path<"item_id", std::string> item_id, fa::Partial<Item> item) {
    std::lock_guard lock(items_mutex);
    Item& stored_item = find_or_404(*item_id);
    item.apply_to(stored_item);  // only the members the body held
    return stored_item;
  });
}

}  // namespace body_updates

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  body_updates::build(app);
  return app.run(argc, argv);
}
#endif
