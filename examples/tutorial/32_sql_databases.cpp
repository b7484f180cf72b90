// examples/tutorial/32_sql_databases.cpp: heroes kept in SQLite: a session per request from a yield dependency
// that rolls back what a failed handler did, blocking calls on the blocking pool, public and create models
// (docs/tutorial/32_sql_databases.md). Build with -lsqlite3 (Debian: libsqlite3-dev).
// Run: ./32_sql_databases [--port 8000]   (makes database.db here); its test: tests/tutorial/test_32_sql_databases.cpp
#include <sqlite3.h>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace sql_databases {

// What a client sends to create a hero, and what it gets back: the secret name goes in, never out.
struct HeroCreate {
  std::string name;
  std::optional<int> age;
  std::string secret_name;
};
struct HeroPublic {
  std::string name;
  std::optional<int> age;
  int id;
};

// One prepared statement; the connection's error message when SQLite refuses.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail();
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, int value) { return check(sqlite3_bind_int(stmt_, i, value)); }
  Statement& bind(int i, const std::string& value) {
    return check(sqlite3_bind_text(stmt_, i, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  Statement& bind(int i, const std::optional<int>& value) {
    return value ? bind(i, *value) : check(sqlite3_bind_null(stmt_, i));
  }
  /// True while there is a row to read.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail();
    return rc == SQLITE_ROW;
  }
  HeroPublic hero() const {  // columns: id, name, age
    std::optional<int> age;
    if (sqlite3_column_type(stmt_, 2) != SQLITE_NULL) age = sqlite3_column_int(stmt_, 2);
    return {reinterpret_cast<const char*>(sqlite3_column_text(stmt_, 1)), age, sqlite3_column_int(stmt_, 0)};
  }

 private:
  Statement& check(int rc) {
    if (rc != SQLITE_OK) fail();
    return *this;
  }
  [[noreturn]] void fail() const { throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_)); }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// One connection and its transaction, for one request (SQLModel's Session).
class Session {
 public:
  explicit Session(const std::string& path) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(db);  // closed by the unique_ptr, even when the open failed
    if (rc != SQLITE_OK) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
    sqlite3_busy_timeout(db, 5000);  // another request's write: wait for it (on the blocking pool)
    execute("BEGIN");
  }
  void execute(const char* sql) { Statement(db_.get(), sql).step(); }
  void commit() { execute("COMMIT"); }
  void rollback() { execute("ROLLBACK"); }

  HeroPublic add(const HeroCreate& hero) {
    Statement insert(db_.get(), "INSERT INTO hero (name, age, secret_name) VALUES (?, ?, ?)");
    insert.bind(1, hero.name).bind(2, hero.age).bind(3, hero.secret_name).step();
    return {hero.name, hero.age, static_cast<int>(sqlite3_last_insert_rowid(db_.get()))};
  }
  std::vector<HeroPublic> heroes(int offset, int limit) {
    Statement select(db_.get(), "SELECT id, name, age FROM hero ORDER BY id LIMIT ? OFFSET ?");
    select.bind(1, limit).bind(2, offset);
    std::vector<HeroPublic> out;
    while (select.step()) out.push_back(select.hero());
    return out;
  }
  std::optional<HeroPublic> get(int id) {
    Statement select(db_.get(), "SELECT id, name, age FROM hero WHERE id = ?");
    select.bind(1, id);
    if (!select.step()) return std::nullopt;
    return select.hero();
  }
  bool remove(int id) {
    Statement del(db_.get(), "DELETE FROM hero WHERE id = ?");
    del.bind(1, id).step();
    return sqlite3_changes(db_.get()) == 1;
  }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

// Where the database is: the app's state (a settings struct would fill it: page 42).
struct Database {
  std::string path;
};

// What runs on the blocking pool, as named callables: a lambda's type in a coroutine's frame is g++'s
// -Wsubobject-linkage warning when this file is included (the page's test includes it).
struct OpenSession {
  std::string path;
  Session operator()() const { return Session(path); }
};
struct Rollback {
  Session* session;
  void operator()() const { session->rollback(); }
};

// A session per request: opened before the handler, which commits what it changes; when the handler (or
// validation) fails, what it did is rolled back. The connection is closed at the end either way.
// Opening and ROLLBACK wait for the disk: they run on the blocking pool, never on the event loop.
fa::Yield<Session> get_session(fa::State<Database> database) {
  OpenSession open{database->path};  // named: g++ 12 may destroy a temporary inside co_await twice
  Session session = co_await fa::to_thread(open);
  std::exception_ptr failed;
  try {
    co_yield session;  // the handler runs here
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    co_await fa::to_thread(Rollback{&session});  // (C++ cannot co_await inside a catch block)
    std::rethrow_exception(failed);
  }
}
// scope::function: the teardown runs as soon as the handler returns, before the client hears back.
using SessionDep = fa::Depends<get_session, fa::scope::function>;

void build(fa::App& app, const std::string& path = "database.db") {
  app.state<Database>(Database{path});
  app.on_startup([path] {  // create_db_and_tables()
    Session session(path);
    session.execute("CREATE TABLE IF NOT EXISTS hero (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER,"
                    " secret_name TEXT NOT NULL)");
    session.commit();
  });

  // `.blocking = true`: the handler runs on the blocking pool, as FastAPI runs a `def` path operation.
  app.post("/heroes/",
           [](HeroCreate hero, SessionDep session) {
             HeroPublic created = session->add(hero);
             session->commit();  // a commit that fails throws: a 500, never a 200 for a lost hero
             return created;
           },
           {.blocking = true});

  app.get("/heroes/",
          [](SessionDep session, fa::Query<"offset", int, 0> offset,
             fa::Query<"limit", int, 100, fa::Rule{.le = 100}> limit) { return session->heroes(*offset, *limit); },
          {.blocking = true});

  app.get("/heroes/{hero_id}",
          [](fa::Path<"hero_id", int> hero_id, SessionDep session) {
            std::optional<HeroPublic> hero = session->get(*hero_id);
            if (!hero) throw fa::HTTPException(404, "Hero not found");
            return *hero;
          },
          {.blocking = true});

  app.delete_("/heroes/{hero_id}",
              [](fa::Path<"hero_id", int> hero_id, SessionDep session) {
                if (!session->remove(*hero_id)) throw fa::HTTPException(404, "Hero not found");
                session->commit();
                return fa::Json{{"ok", true}};
              },
              {.blocking = true});
}

}  // namespace sql_databases

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  sql_databases::build(app);
  return app.run(argc, argv);
}
#endif
