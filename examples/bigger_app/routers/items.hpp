// examples/bigger_app/routers/items.hpp: the /items routes with the router's own prefix, tags, dependency and
// responses (FastAPI's app/routers/items.py).
#pragma once

#include <map>
#include <string>

#include "fastapi.hpp"

#include "../dependencies.hpp"

namespace bigger_app {

namespace fa = fastapi;

struct Item {
  std::string name;
  std::string item_id;
};

inline const std::map<std::string, std::string>& fake_items_db() {
  static const std::map<std::string, std::string> db{{"plumbus", "Plumbus"}, {"gun", "Portal Gun"}};
  return db;
}

inline fa::APIRouter items_router() {
  fa::APIRouter router{{.prefix = "/items",
                        .tags = {"items"},
                        .dependencies = {fa::dependency<get_token_header>()},
                        .responses = {{404, {.description = "Not found"}}}}};
  router.get("/", [] { return fa::Json{{"plumbus", {{"name", "Plumbus"}}}, {"gun", {{"name", "Portal Gun"}}}}; });
  router.get("/{item_id}", [](fa::Path<"item_id", std::string> item_id) {
    auto it = fake_items_db().find(*item_id);
    if (it == fake_items_db().end()) throw fa::HTTPException(404, "Item not found");
    return Item{it->second, *item_id};
  });
  router.put("/{item_id}",
             [](fa::Path<"item_id", std::string> item_id) {
               if (*item_id != "plumbus") throw fa::HTTPException(403, "You can only update the item: plumbus");
               return Item{"The great Plumbus", *item_id};
             },
             {.tags = {"custom"}, .responses = {{403, {.description = "Operation forbidden"}}}});
  return router;
}

}  // namespace bigger_app
