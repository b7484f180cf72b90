// bench/servers/fastapi_bench.cpp: the app bench/run.sh and bench/memory.sh measure beside nginx, FastAPI and
// cpp-httplib; each peer (bench/servers/) answers the same four endpoints with the same rules:
//   GET  /plaintext         ->  text/plain "Hello, World!"                     (TechEmpower test 6)
//   GET  /json              ->  {"message":"Hello, World!"}                     (TechEmpower test 1)
//   GET  /items/{item_id}?q ->  {"item_id":1,"q":"foo"}   item_id an int, q optional (<= 50 chars, else null)
//   POST /users             ->  201 {"id":N,"email":"...","username":"..."}    the password never leaves;
//                               body: email (an e-mail), username 3..50 chars, password >= 8 chars; else 422
//   GET  /deps              ->  {"user_id":42,"tenant":"tenant-42"}   three chained fa::Depends, one of them a
//                               fa::Yield with teardown after the response (ours only: issue 5's binding cost)
// Written as a user writes them: fa::Path / fa::Query parameters, a model struct with fa::Field / fa::Rule,
// and the return type as the response model (the wall: UserOut has no password member).
// Build (bench/run.sh does it): g++ -std=c++20 -O2 -DNDEBUG -I. bench/servers/fastapi_bench.cpp -lsimdjson -pthread
// Run:   ./fastapi_bench --port 8080 --workers 1        (--host, PORT= as for every fa::App)
#include "fastapi.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fa = fastapi;

struct UserCreate {
  fa::Email email;
  fa::Field<std::string, fa::Rule{.min_length = 3, .max_length = 50}> username;
  fa::Field<std::string, fa::Rule{.min_length = 8}> password;
};

struct UserOut {  // what leaves: no password
  int id;
  std::string email;
  std::string username;
};

// Three chained dependencies, the first a yield dependency (its teardown runs after the response is sent).
struct Session {
  int user_id = 42;
};
fa::Yield<Session> get_session() {
  Session session;
  co_yield session;
  session.user_id = 0;  // teardown
}
int get_user(fa::Depends<get_session> session) { return session->user_id; }
std::string get_tenant(fa::Depends<get_user> user) { return "tenant-" + std::to_string(*user); }
struct Item {  // GET /items/{item_id}: a small struct out, as issue 5's binding target says
  int item_id;
  std::optional<std::string> q;  // null when absent, as FastAPI writes it
};
struct Whoami {
  int user_id;
  std::string tenant;
};

int main(int argc, char** argv) {
  fa::App app;
  std::atomic<int> next_id{1};  // no store: an id per request, as every peer does

  app.get("/plaintext", [] { return fa::PlainTextResponse("Hello, World!"); });

  app.get("/json", [] { return fa::Json{{"message", "Hello, World!"}}; });

  app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id,
                                 fa::Query<"q", std::optional<std::string>, fa::Rule{.max_length = 50}> q) {
    return Item{*item_id, std::move(q.value)};
  });

  app.post("/users",
           [&next_id](UserCreate user) {
             return UserOut{next_id.fetch_add(1, std::memory_order_relaxed), user.email, *user.username};
           },
           {.status_code = 201});

  app.get("/deps", [](fa::Depends<get_user> user, fa::Depends<get_tenant> tenant) { return Whoami{*user, *tenant}; });

  // --empty-middleware: the full default stack plus one user middleware that only passes the request on
  // (issue 6: that must cost <= 5% of the bare /plaintext figure; run.sh's peer "ours-mw").
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--empty-middleware") {
      app.add_middleware(
          [](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> { co_return co_await next(req); });
    } else {
      args.push_back(argv[i]);
    }
  }

  // As nginx's defaults, so bench/memory.sh's 10,000 idle keep-alive connections stay open while measured.
  fa::Config config;
  config.keep_alive_timeout = std::chrono::seconds(75);
  config.max_connections = 20000;
  return app.run(static_cast<int>(args.size()), args.data(), config);
}
