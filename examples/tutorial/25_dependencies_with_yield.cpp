// examples/tutorial/25_dependencies_with_yield.cpp: a dependency with setup before the handler and teardown
// after it, fa::Yield (FastAPI's dependencies with yield) (docs/tutorial/25_dependencies_with_yield.md).
//   POST /items/foo   -> {"added":"foo"}           the session: open, commit foo, close
//   POST /items/bad   -> 400 {"detail":"Bad name"} the session: open, rollback, close
// Run: ./25_dependencies_with_yield [--port 8000]; its test: tests/tutorial/test_25_dependencies_with_yield.cpp
#include <mutex>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace dependencies_with_yield {

// What happened to the sessions, in order, for the page's test (and your terminal). Several threads: a lock.
std::mutex events_mutex;
std::vector<std::string> events;

void record(std::string event) {
  std::lock_guard lock(events_mutex);
  events.push_back(std::move(event));
}

// A pretend database session: what the handler added is kept until commit.
struct DBSession {
  std::vector<std::string> pending;
  void add(std::string item) { pending.push_back(std::move(item)); }
};

fa::Yield<DBSession> get_db() {
  DBSession db;
  record("open");
  try {
    co_yield db;  // the handler runs here, with this db
  } catch (...) {
    record("rollback");  // the handler (or anything after this setup) threw: its error, rethrown here
    record("close");
    throw;
  }
  for (const std::string& item : db.pending) record("commit " + item);
  record("close");
}

// A yield dependency that uses another: set up after get_db, torn down before it.
fa::Yield<std::string> get_username(fa::Depends<get_db> db) {
  std::string username = "Rick";
  record("user " + username);
  co_yield username;
  record("user done (" + std::to_string(db->pending.size()) + " pending)");
}

void build(fa::App& app) {
  app.post("/items/{name}", [](fa::Path<"name", std::string> name, fa::Depends<get_db> db) {
    if (*name == "bad") throw fa::HTTPException{400, "Bad name"};
    db->add(*name);
    return fa::Json{{"added", *name}};
  });

  app.post("/owned/{name}",
           [](fa::Path<"name", std::string> name, fa::Depends<get_username> user, fa::Depends<get_db> db) {
             db->add(*name);
             return fa::Json{{"added", *name}, {"owner", *user}};
           });

  // scope::function: the teardown runs when the handler returns, before the response is sent.
  app.post("/now/{name}", [](fa::Path<"name", std::string> name, fa::Depends<get_db, fa::scope::function> db) {
    db->add(*name);
    return fa::Json{{"added", *name}};
  });
}

}  // namespace dependencies_with_yield

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  dependencies_with_yield::build(app);
  return app.run(argc, argv);
}
#endif
