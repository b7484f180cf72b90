// tests/di/test_depends.cpp: fa::Depends (plain, Task and Yield dependencies, sub-dependencies, the per-request
// cache, no_cache, errors joining the 422, HTTPException from a dependency), dependencies for effect on a route
// and on the app, test overrides, and fa::BackgroundTasks, through the TestClient over a real socket.
#include <doctest/doctest.h>

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/di/background.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace di_depends_file {

namespace fa = fastapi;

/// What the dependencies did, in order (the server thread writes, the test reads).
struct Events {
  std::mutex mutex;
  std::vector<std::string> list;
  void add(std::string e) {
    std::lock_guard lock(mutex);
    list.push_back(std::move(e));
  }
  std::string joined() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& e : list) out += (out.empty() ? "" : ",") + e;
    return out;
  }
  void clear() {
    std::lock_guard lock(mutex);
    list.clear();
  }
};
Events& events() {
  static Events e;
  return e;
}

struct Settings {
  std::string name;
  int limit;
};
struct Db {
  std::string label;
  int* open;
};

// ---- dependencies ----

Settings get_settings() {
  events().add("settings");
  return Settings{"prod", 3};
}

fa::Task<int> get_counter(fa::Depends<get_settings> settings) {
  events().add("counter");
  co_return settings->limit * 10;
}

fa::Yield<Db> get_db(fa::Depends<get_settings> settings) {
  static int open = 0;
  ++open;
  events().add("db-open");
  Db db{settings->name + "-db", &open};
  co_yield db;
  --open;
  events().add("db-close");
}

struct Commons {
  std::optional<std::string> q;
  int skip;
  int limit;
};
Commons common_parameters(fa::Query<"q", std::optional<std::string>> q, fa::Query<"skip", int, 0> skip,
                          fa::Query<"limit", int, fa::Rule{.le = 100}, 100> limit) {
  return Commons{q.value, *skip, *limit};
}

std::string verify_token(fa::Header<"x_token", std::string> token) {
  if (*token != "fake-super-secret-token") throw fa::HTTPException{400, "X-Token header invalid"};
  events().add("token");
  return *token;
}

void verify_key(fa::Header<"x_key", std::string> key) {
  if (*key != "fake-super-secret-key") throw fa::HTTPException{400, "X-Key header invalid"};
  events().add("key");
}

int next_number() {
  static int n = 0;
  return ++n;
}

/// A captureless lambda is a dependency too.
constexpr auto get_answer = [](fa::Query<"plus", int, 0> plus) { return 42 + *plus; };

fa::Task<std::string> item_owner(fa::Path<"item_id", int> item_id) { co_return "owner-of-" + std::to_string(*item_id); }

/// Seven parameters: more than bind_dependency keeps in its own frame, so its arguments are on the heap.
using Text = std::optional<std::string>;
fa::Yield<std::string> wide_filter(fa::Query<"a", Text> a, fa::Query<"b", Text> b, fa::Query<"c", Text> c,
                                   fa::Query<"d", Text> d, fa::Query<"e", Text> e, fa::Query<"f", Text> f,
                                   fa::Query<"n", int> n) {
  std::string joined;
  for (const Text* t : {&a.value, &b.value, &c.value, &d.value, &e.value, &f.value}) joined += t->value_or("-");
  events().add("filter-open");
  co_yield joined + std::to_string(*n);
  events().add("filter-close");
}

TEST_SUITE("di/depends") {
  TEST_CASE("a plain, a Task and a Yield dependency are injected, read with *, -> and conversion") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<get_settings> settings, fa::Depends<get_counter> counter, fa::Depends<get_db> db) {
      const Settings& s = settings;  // conversion
      return fa::Json{{"name", s.name}, {"counter", *counter}, {"db", db->label}, {"open", *db->open}};
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 200);
    CHECK(r.text == R"({"name":"prod","counter":30,"db":"prod-db","open":1})");
    CHECK(client.get("/ping").text == "pong");  // the same connection: served after the teardown
    // get_settings is asked for three times (handler, get_counter, get_db) and runs once.
    CHECK(events().joined() == "settings,counter,db-open,db-close");
  }

  TEST_CASE("a dependency's query parameters are bound like a handler's (FastAPI's common_parameters)") {
    fa::App app;
    app.get("/items", [](fa::Depends<common_parameters> commons) {
      return fa::Json{
          {"q", commons->q ? fa::Json(*commons->q) : nullptr}, {"skip", commons->skip}, {"limit", commons->limit}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/items").text == R"({"q":null,"skip":0,"limit":100})");
    CHECK(client.get("/items", {.params = {{"q", "foo"}, {"skip", "5"}, {"limit", "7"}}}).text ==
          R"({"q":"foo","skip":5,"limit":7})");
  }

  TEST_CASE("a dependency's errors join the handler's in one 422, dependencies first") {
    fa::App app;
    app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id, fa::Depends<common_parameters> commons) {
      return fa::Json{{"item_id", *item_id}, {"limit", commons->limit}};
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/items/abc", {.params = {{"limit", "500"}, {"skip", "x"}}});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer, unable to )"
        R"(parse string as an integer","input":"x"},{"type":"less_than_equal","loc":["query","limit"],"msg":"Input )"
        R"(should be less than or equal to 100","input":"500","ctx":{"le":100}},{"type":"int_parsing","loc":["path",)"
        R"("item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})");
    CHECK(client.get("/items/3").text == R"({"item_id":3,"limit":100})");
  }

  TEST_CASE("a dependency may take the route's path parameter (the registration check sees it)") {
    fa::App app;
    CHECK_NOTHROW(app.get("/items/{item_id}", [](fa::Depends<item_owner> owner) { return *owner; }));
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/5").text == "owner-of-5");
  }

  TEST_CASE("an HTTPException thrown in a dependency is the response; the handler does not run") {
    bool ran = false;
    fa::App app;
    app.get("/items", [&ran](fa::Depends<verify_token> token) {
      ran = true;
      return *token;
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/items", {.headers = {{"X-Token", "wrong"}}});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"X-Token header invalid"})");
    CHECK_FALSE(ran);
    r = client.get("/items");
    CHECK(r.status == 422);
    CHECK(r.text ==
          R"({"detail":[{"type":"missing","loc":["header","x-token"],"msg":"Field required","input":null}]})");
    r = client.get("/items", {.headers = {{"X-Token", "fake-super-secret-token"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "fake-super-secret-token");
  }

  TEST_CASE("each dependency runs once per request; fa::no_cache runs it for every use") {
    fa::App app;
    app.get("/cached", [](fa::Depends<next_number> a, fa::Depends<next_number> b) { return fa::Json{*a, *b}; });
    app.get("/fresh", [](fa::Depends<next_number, fa::no_cache> a, fa::Depends<next_number, fa::no_cache> b) {
      return fa::Json{*b - *a};
    });
    fa::testing::TestClient client{app};
    fa::Json first = client.get("/cached").json();
    CHECK(first[0] == first[1]);
    fa::Json second = client.get("/cached").json();
    CHECK(second[0].as_int() == first[0].as_int() + 1);  // a new request, a new call
    CHECK(client.get("/fresh").text == "[1]");
  }

  TEST_CASE("route and app dependencies run for their effect, app first, and can refuse the request") {
    events().clear();
    fa::App app;
    app.dependencies({fa::dependency<verify_key>()});
    app.get("/items", [] { return "items"; }, {.dependencies = {fa::dependency<verify_token>()}});
    app.get("/open", [] { return "open"; });
    fa::testing::TestClient client{app};
    auto r =
        client.get("/items", {.headers = {{"X-Token", "fake-super-secret-token"}, {"X-Key", "fake-super-secret-key"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "items");
    CHECK(events().joined() == "key,token");
    r = client.get("/items", {.headers = {{"X-Token", "fake-super-secret-token"}, {"X-Key", "nope"}}});
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":"X-Key header invalid"})");
    r = client.get("/open");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["header","x-key"],"msg":"Field required","input":null}]})");
    CHECK(client.get("/open", {.headers = {{"X-Key", "fake-super-secret-key"}}}).text == "open");
  }

  TEST_CASE("an override replaces a dependency (its own parameters bound) until cleared") {
    events().clear();
    fa::App app;
    app.get("/settings", [](fa::Depends<get_settings> s) { return fa::Json{{"name", s->name}, {"limit", s->limit}}; });
    app.get("/db", [](fa::Depends<get_db> db) { return db->label; });
    app.dependency_overrides<get_settings>([](fa::Query<"name", std::string, fa::Literal{"test"}> name) {
      return Settings{*name, 1};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/settings").text == R"({"name":"test","limit":1})");
    CHECK(client.get("/settings", {.params = {{"name", "x"}}}).text == R"({"name":"x","limit":1})");
    CHECK(client.get("/db").text == "test-db");  // get_db's own Depends<get_settings> sees the override
    app.dependency_overrides<get_db>([]() -> fa::Task<Db> { co_return Db{"fake", nullptr}; });
    CHECK(client.get("/db").text == "fake");
    app.clear_dependency_overrides();
    CHECK(client.get("/settings").text == R"({"name":"prod","limit":3})");
    CHECK(client.get("/db").text == "prod-db");
  }

  TEST_CASE("an override's own state lives across requests (the one object the app keeps is called)") {
    fa::App app;
    app.get("/n", [](fa::Depends<next_number> n) { return fa::Json{*n}; });
    app.dependency_overrides<next_number>([calls = 100]() mutable { return ++calls; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/n").text == "[101]");
    CHECK(client.get("/n").text == "[102]");
  }

  TEST_CASE("a dependency with many parameters (its arguments on the heap) is bound, set up and torn down") {
    using Call = fa::detail::DependencyCalls<decltype(&wide_filter)>;
    CHECK(sizeof(Call::Args) > fa::detail::DependencyArgs::inline_size);  // this case takes the heap path
    events().clear();
    fa::App app;
    app.get("/filter", [](fa::Depends<wide_filter> filter) { return *filter; });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/filter", {.params = {{"a", "x"}, {"f", "y"}, {"n", "3"}}}).text == "x----y3");
    CHECK(client.get("/ping").text == "pong");  // the same connection: served after the teardown
    CHECK(events().joined() == "filter-open,filter-close");
    auto r = client.get("/filter", {.params = {{"n", "z"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["query","n"],"msg":"Input should be a valid integer, )"
                    R"(unable to parse string as an integer","input":"z"}]})");
    CHECK(events().joined() == "filter-open,filter-close");  // not set up: its parameters failed
  }

  TEST_CASE("a captureless lambda in a constexpr variable is a dependency") {
    fa::App app;
    app.get("/answer", [](fa::Depends<get_answer> a) { return fa::Json{*a}; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/answer", {.params = {{"plus", "1"}}}).text == "[43]");
  }

  TEST_CASE("a Depends value can be given by hand when a handler is called directly") {
    Settings s{"unit", 9};
    fa::Depends<get_settings> dep{s};
    CHECK(dep->limit == 9);
    CHECK((*dep).name == "unit");
  }
}

TEST_SUITE("di/background") {
  TEST_CASE("background tasks run after the response, in order, plain and coroutine, failures logged") {
    events().clear();
    std::mutex log_mutex;
    std::vector<std::string> log_lines;
    fa::App app;
    app.logger().set_sink([&](fa::LogLevel, std::string_view line) {
      std::lock_guard lock(log_mutex);
      log_lines.emplace_back(line);
    });
    app.post("/send", [](fa::Query<"to", std::string> to, fa::BackgroundTasks& tasks) {
      tasks.add([](std::string who) { events().add("mail:" + who); }, *to);
      tasks.add([]() -> fa::Task<void> { throw std::runtime_error("smtp down"); });
      tasks.add(
          [](std::string who, int n) -> fa::Task<void> {
            events().add("log:" + who + ":" + std::to_string(n));
            co_return;
          },
          std::string(*to), 2);
      events().add("handler");
      return "queued";
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    auto r = client.post("/send", {.params = {{"to", "ann"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "queued");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "handler,mail:ann,log:ann:2");
    std::lock_guard lock(log_mutex);
    bool logged = false;
    for (const auto& l : log_lines) logged = logged || l.find("background task failed: smtp down") != std::string::npos;
    CHECK(logged);
  }

  TEST_CASE("background tasks run after the yield dependencies' teardown (FastAPI's order)") {
    events().clear();
    fa::App app;
    app.get("/", [](fa::Depends<get_db> db, fa::BackgroundTasks& tasks) {
      tasks.add([] { events().add("background"); });
      events().add("handler");
      return db->label;
    });
    app.get("/ping", [] { return "pong"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/").text == "prod-db");
    CHECK(client.get("/ping").text == "pong");
    CHECK(events().joined() == "settings,db-open,handler,db-close,background");
  }
}

}  // namespace di_depends_file
