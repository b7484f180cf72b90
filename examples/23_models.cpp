// examples/23_models.cpp: what real FastAPI apps say about their data: timestamps, IDs, "one of these shapes"
// payloads, partial updates, a request id from a middleware, settings from the environment.
//   POST  /events      {"id": uuid, "at": datetime, "day": date, "every": duration,
//                       "kind": {"type":"click","x":int>=0,"y":int>=0} | {"type":"key","key":str 1..16},
//                       "tags": [str] (a set)}  ->  the event back as Pydantic v2 writes it, or 422
//   PATCH /items/{id}  any of {"name": str, "price": float > 0, "tags": [str]}  ->  the whole item (404 unknown id)
//   GET   /whoami      ->  {"request_id": X-Request-ID, or a generated UUID}
//   GET   /settings    ->  {"name": APP_NAME or "demo", "max_items": APP_MAX_ITEMS (1..1000) or 100}
// Invalid settings stop the program before it listens: the errors in Pydantic's words on stderr, exit status 1.
// Run: APP_NAME=shop ./23_models [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0: any free port)
#include "fastapi.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace fa = fastapi;

// ---- POST /events: dates, a UUID, a discriminated union, a set -----------------------------------------------

struct Click {
  fa::Choice<"click"> type;
  fa::Field<int, fa::Rule{.ge = 0}> x;
  fa::Field<int, fa::Rule{.ge = 0}> y;
};
struct Key {
  fa::Choice<"key"> type;
  fa::Field<std::string, fa::Rule{.min_length = 1, .max_length = 16}> key;
};
struct Event {
  fa::UUID id;
  std::chrono::sys_time<std::chrono::microseconds> at;  // datetime: offsets applied, written as UTC ("...Z")
  std::chrono::year_month_day day;                      // date
  std::chrono::microseconds every;                      // timedelta: "PT1H30M" or a number of seconds
  fa::Discriminator<"type", Click, Key> kind;           // chosen by "type"
  std::set<std::string> tags;                           // duplicates merged
};

// ---- PATCH /items/{id}: FastAPI's partial-update tutorial ----------------------------------------------------

struct Item {
  std::string name;
  fa::Field<double, fa::Rule{.gt = 0}> price;
  std::vector<std::string> tags;
};

class ItemStore {
 public:
  /// The item after applying the members `patch` holds, or nullopt for an unknown id.
  std::optional<Item> update(int id, fa::Partial<Item>&& patch) {
    std::lock_guard lock(mutex_);
    auto it = items_.find(id);
    if (it == items_.end()) return std::nullopt;
    std::move(patch).apply_to(it->second);  // stored.model_copy(update=item.model_dump(exclude_unset=True))
    return it->second;
  }

 private:
  std::mutex mutex_;  // the workers share the store
  std::map<int, Item> items_{{1, Item{"Foo", 1.5, {}}}};
};

// ---- GET /whoami: request state set by a middleware ----------------------------------------------------------

struct RequestId {
  std::string value;
};

/// A random (version 4) UUID's text.
std::string random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = (rng() & ~0xF000ULL) | 0x4000ULL;                         // version 4
  const std::uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF), static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return text;
}

// ---- GET /settings: pydantic-settings' BaseSettings with env_prefix="APP_" -------------------------------------

struct Settings {
  fa::Default<std::string> name = "demo";
  fa::Default<int, fa::Rule{.ge = 1, .le = 1000}> max_items = 100;
};

int main(int argc, char** argv) {
  const Settings settings = fa::load_settings_or_exit<Settings>({.env_prefix = "APP_"});
  fa::App app{{.title = "Models"}};
  ItemStore store;

  app.post("/events", [](Event event) { return event; });

  app.patch("/items/{item_id}", [&store](fa::Path<"item_id", int> item_id, fa::Partial<Item> patch) {
    std::optional<Item> item = store.update(*item_id, std::move(patch));
    if (!item) throw fa::HTTPException(404, "Item not found");
    return *item;
  });

  app.get("/whoami", [](fa::RequestState<RequestId> id) { return fa::Json{{"request_id", id->value}}; });
  app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    std::optional<std::string_view> given = req.headers.get("x-request-id");
    req.state.set<RequestId>(RequestId{given ? std::string(*given) : random_uuid()});
    co_return co_await next(req);
  });

  app.get("/settings", [&settings] { return settings; });

  return app.run(argc, argv);
}
