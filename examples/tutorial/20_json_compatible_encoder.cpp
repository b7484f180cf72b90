// examples/tutorial/20_json_compatible_encoder.cpp: a model turned into plain JSON (fa::Json) to store it where
// only JSON fits, FastAPI's jsonable_encoder (docs/tutorial/20_json_compatible_encoder.md).
//   PUT /items/foo {"title":"Foo","timestamp":"2032-04-23T10:20:30+02:00"} -> null
//     stored: {"title":"Foo","timestamp":"2032-04-23T08:20:30Z","description":null}
//   GET /items/foo -> what was stored
// Run: ./20_json_compatible_encoder [--port 8000]; its test: tests/tutorial/test_20_json_compatible_encoder.cpp
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace json_compatible_encoder {

struct Item {
  std::string title;
  std::chrono::sys_seconds timestamp;
  std::optional<std::string> description;
};

// A "database" that keeps only JSON. Handlers run on several threads (one event loop per core): it has a lock.
std::mutex db_mutex;
std::map<std::string, fa::Json> fake_db;

void build(fa::App& app) {
  app.put("/items/{id}", [](fa::Path<"id", std::string> id, Item item) {
    fa::Json json_compatible_item_data = fa::to_json(item);
    std::lock_guard lock(db_mutex);
    fake_db[*id] = json_compatible_item_data;
  });

  app.get("/items/{id}", [](fa::Path<"id", std::string> id) {
    std::lock_guard lock(db_mutex);
    auto it = fake_db.find(*id);
    if (it == fake_db.end()) throw fa::HTTPException{404, "Item not found"};
    return it->second;
  });
}

}  // namespace json_compatible_encoder

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  json_compatible_encoder::build(app);
  return app.run(argc, argv);
}
#endif
