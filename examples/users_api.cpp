// examples/users_api.cpp: the flagship app, end to end: validated bodies, users kept in SQLite, a yield dependency
// over a pool of connections (always given back, rolled back on error), OAuth2 bearer tokens, an admin-only route.
//   POST   /token              form username/password -> {"access_token":"...","token_type":"bearer"}
//   POST   /users              {"email","username","password","bio"?} -> 201 {"id","email","username","is_admin"}
//   POST   /users/import       (admin) a list of users, all or none: a duplicate -> 409 and nothing is stored
//   GET    /users?offset=&limit=   the users, paged (limit 1..100, default 10)
//   GET    /users/me           (bearer token) who am I
//   GET    /users/{user_id}    one user, 404 when absent
//   DELETE /users/{user_id}    (admin) 204
//   GET    /health             {"status":"ok","pool_size":4,"pool_in_use":0,"rollbacks":N}: every connection back?
// A taken username or e-mail is 409 {"detail":"Username or e-mail already registered"}: the table's UNIQUE
// constraints decide, so two requests racing for one name cannot both win.
// The admin is admin / adminpass. Tokens are "token-<username>" and passwords "fakehash:<password>": toys, not a
// token format or a password hash.
// Build: g++ -std=c++20 -O2 -I. examples/users_api.cpp -o users_api -lsimdjson -lsqlite3 -pthread
//        (Debian: libsqlite3-dev)
// Run: ./users_api [--db ./users.sqlite | APP_DB=...] [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]
//      (--port 0 picks a free port; the database is :memory: by default, gone when the app stops)
#include <sqlite3.h>

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

// ---- settings and models ----

/// The app's own flags, over APP_ variables: `./users_api --db ./users.sqlite` (or APP_DB=./users.sqlite).
struct Settings {
  fa::Default<std::string, fa::Rule{.description = "the SQLite database file; :memory: keeps it in memory"}> db =
      ":memory:";
};

struct UserCreate {
  fa::Email email;
  fa::Field<std::string, fa::Rule{.min_length = 3, .max_length = 50}> username;
  fa::Field<std::string, fa::Rule{.min_length = 8}> password;
  std::optional<std::string> bio;
};

struct UserOut {  // no password: it never reaches a client
  int id;
  std::string email;
  std::string username;
  bool is_admin;
};

struct StoredUser {
  UserOut user;
  std::string password_hash;
};

std::string fake_hash(std::string_view password) { return "fakehash:" + std::string(password); }

// ---- the database: SQLite's C API behind a few plain functions (no templates: the routes are the compile time) ----

/// One connection and its statements, prepared once. Used by one request at a time (the pool sees to it), on
/// whichever thread runs that request's step; SQLite's serialized mode guards it anyway.
struct Connection {
  explicit Connection(const std::string& db);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  void close();

  sqlite3* db = nullptr;
  sqlite3_stmt* by_id = nullptr;
  sqlite3_stmt* by_username = nullptr;
  sqlite3_stmt* page = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* remove = nullptr;
};

/// Four connections, opened at startup (the table and the admin made if missing) and closed at shutdown. An
/// in-memory database lives as long as one of them is open: the pool keeps it alive.
class Pool {
 public:
  static constexpr int size = 4;
  void open(const std::string& db);
  int close();                ///< how many were still in use (none, after the drain); closes them all only then
  Connection* try_acquire();  ///< a free connection, or nullptr when all four are in use
  void release(Connection* connection, bool rolled_back);
  fa::Json health();

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection*> free_;
  int rollbacks_ = 0;
};

/// One request's unit of work on one connection. Reads see what is committed; the first write begins a
/// transaction, which commit() ends; what is not committed is rolled back when the request is done.
class Db {
 public:
  explicit Db(Connection& connection) : c_(&connection) {}
  std::optional<StoredUser> find(int id);
  std::optional<StoredUser> find_by_username(std::string_view username);
  std::vector<UserOut> list(int offset, int limit);
  UserOut insert(const UserCreate& u);  ///< 409 when the username or e-mail is taken
  bool remove(int id);
  void commit();
  void rollback();  ///< of the open transaction, if any
  bool in_transaction() const { return sqlite3_get_autocommit(c_->db) == 0; }

 private:
  void begin();
  Connection* c_;
};

// What runs on the blocking pool from a coroutine, as named types (a lambda declared in a coroutine's body trips
// g++ 12's mangler when the app is built with a precompiled header, as scripts/dev.sh builds it).
struct FindByUsername {
  Db* db;
  std::string_view username;
  std::optional<StoredUser> operator()() const { return db->find_by_username(username); }
};
struct Rollback {
  Db* db;
  void operator()() const { db->rollback(); }
};

// ---- dependencies ----

/// A connection from the pool for the request, waiting up to 5 s (on a timer, never blocking the loop) when all
/// are in use. The handler commits; anything else is rolled back, and the connection always goes back, even when
/// the handler throws. Function scope: before the response goes out, so a client that reads its answer finds the
/// write lock released and the connection in the pool.
fa::Yield<Db> get_db(fa::State<Pool> pool) {
  Connection* connection = pool->try_acquire();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!connection) {
    if (std::chrono::steady_clock::now() >= deadline) throw fa::HTTPException{503, "No database connection available"};
    co_await fa::sleep(std::chrono::milliseconds(2));
    connection = pool->try_acquire();
  }
  Db db{*connection};
  std::exception_ptr failed;
  try {
    co_yield db;  // the handler runs here
  } catch (...) {
    failed = std::current_exception();  // the handler (or a later dependency) failed: nothing it wrote is kept
  }
  try {
    if (db.in_transaction()) co_await fa::to_thread(Rollback{&db});  // whatever was not committed
  } catch (...) {
    failed = failed ? failed : std::current_exception();
  }
  pool->release(connection, failed != nullptr);
  if (failed) std::rethrow_exception(failed);
}
using DbDep = fa::Depends<get_db, fa::scope::function>;

fa::Task<UserOut> current_user(fa::OAuth2PasswordBearer<"token"> token, DbDep db) {
  std::string_view t = *token;
  std::optional<StoredUser> user;
  if (t.starts_with("token-")) user = co_await fa::to_thread(FindByUsername{&*db, t.substr(6)});
  if (!user) throw fa::HTTPException{401, "Invalid authentication credentials", {{"WWW-Authenticate", "Bearer"}}};
  co_return user->user;
}

UserOut admin_user(fa::Depends<current_user> user) {
  if (!user->is_admin) throw fa::HTTPException{403, "Not enough permissions"};
  return *user;
}

// ---- the app ----

int main(int argc, char** argv) {
  // Takes --db out of argv (APP_DB under it); --help lists it beside the server's flags.
  const auto settings = fa::load_settings_or_exit<Settings>(argc, argv, {.env_prefix = "APP_"});
  fa::App app{{.title = "Users API", .version = "1.0"}};
  app.state<Settings>(settings);

  // Startup: open the pool once; it lives as long as the app (fa::State<Pool>). A database that cannot be opened
  // stops the app before it listens ("startup failed: sqlite: ...", exit status 1).
  app.lifespan([](fa::App& app) -> fa::Yield<void> {
    app.state<Pool>().open(*app.get_state<Settings>().db);
    co_yield {};
    // Shutdown, after the drain: every connection is back by now.
    if (app.get_state<Pool>().close() != 0)
      app.logger().write(fa::LogLevel::warning, "database connections still in use at shutdown");
  });

  // `.blocking = true`: the handler's SQLite calls run on the blocking pool, never on the event loop.
  app.post("/token",
           [](fa::OAuth2PasswordRequestForm form, DbDep db) {
             auto user = db->find_by_username(form.username);
             bool ok = user && fa::compare_digest(user->password_hash, fake_hash(form.password));
             if (!ok) throw fa::HTTPException{401, "Incorrect username or password", {{"WWW-Authenticate", "Bearer"}}};
             return fa::Json{{"access_token", "token-" + user->user.username}, {"token_type", "bearer"}};
           },
           {.blocking = true});

  app.post("/users",
           [](UserCreate body, DbDep db) {
             UserOut out = db->insert(body);
             db->commit();
             return out;
           },
           {.status_code = 201, .blocking = true});

  app.post("/users/import",
           [](fa::Body<std::vector<UserCreate>> users, fa::Depends<admin_user>, DbDep db) {
             std::vector<UserOut> out;
             for (const UserCreate& u : *users) out.push_back(db->insert(u));  // a duplicate throws: all rolled back
             db->commit();
             return out;
           },
           {.status_code = 201, .blocking = true});

  app.get("/users",
          [](fa::Query<"offset", int, fa::Rule{.ge = 0}, 0> offset,
             fa::Query<"limit", int, fa::Rule{.ge = 1, .le = 100}, 10> limit,
             DbDep db) { return db->list(*offset, *limit); },
          {.blocking = true});

  app.get("/users/me", [](fa::Depends<current_user> me) { return *me; });

  app.get("/users/{user_id}",
          [](fa::Path<"user_id", int> user_id, DbDep db) {
            auto user = db->find(*user_id);
            if (!user) throw fa::HTTPException{404, "User not found"};
            return user->user;
          },
          {.blocking = true});

  app.delete_("/users/{user_id}",
              [](fa::Path<"user_id", int> user_id, fa::Depends<admin_user>, DbDep db) {
                if (!db->remove(*user_id)) throw fa::HTTPException{404, "User not found"};
                db->commit();
                return fa::Response{.status = 204};
              },
              {.blocking = true});

  app.get("/health", [](fa::State<Pool> pool) { return pool->health(); });

  return app.run(argc, argv);
}

// ---- SQLite ----

[[noreturn]] void sqlite_error(sqlite3* db) { throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db)); }

void exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) sqlite_error(db);
}

// AUTOINCREMENT: a deleted user's id is never given to someone else. The admin's hash is fake_hash("adminpass").
constexpr const char* schema = R"sql(
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    bio TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0
  );
  INSERT OR IGNORE INTO users (id, email, username, password_hash, is_admin)
    VALUES (1, 'admin@example.com', 'admin', 'fakehash:adminpass', 1);
)sql";

Connection::Connection(const std::string& path) {
  // :memory: would give each connection a database of its own. A named in-memory database of the memdb VFS is
  // shared by the process's connections and has the file locks (a writer makes the others wait, busy_timeout
  // applies); a shared-cache one (mode=memory&cache=shared) would answer SQLITE_LOCKED at once instead.
  bool memory = path == ":memory:";
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | (memory ? SQLITE_OPEN_URI : 0);
  int rc = sqlite3_open_v2(memory ? "file:/users_api?vfs=memdb" : path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    db = nullptr;
    throw std::runtime_error("sqlite: cannot open " + path + ": " + why);
  }
  try {
    sqlite3_busy_timeout(db, 5000);  // another request's write: wait for it (requests run on the blocking pool)
    if (!memory) exec(db, "PRAGMA journal_mode = WAL");  // a file: readers never wait for the writer
    exec(db, schema);
    auto prepare = [this](sqlite3_stmt*& stmt, const char* sql) {
      if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) sqlite_error(db);
    };
    prepare(by_id, "SELECT id, email, username, is_admin, password_hash FROM users WHERE id = ?");
    prepare(by_username, "SELECT id, email, username, is_admin, password_hash FROM users WHERE username = ?");
    prepare(page, "SELECT id, email, username, is_admin, password_hash FROM users ORDER BY id LIMIT ? OFFSET ?");
    prepare(insert, "INSERT INTO users (email, username, password_hash, bio) VALUES (?, ?, ?, ?)");
    prepare(remove, "DELETE FROM users WHERE id = ?");
  } catch (...) {
    close();  // no destructor runs for an object whose constructor threw
    throw;
  }
}

Connection::~Connection() { close(); }

void Connection::close() {
  for (sqlite3_stmt* stmt : {by_id, by_username, page, insert, remove}) sqlite3_finalize(stmt);  // null: no-op
  by_id = by_username = page = insert = remove = nullptr;
  sqlite3_close(db);
  db = nullptr;
}

/// A prepared statement in use: parameters bound in order, and reset when done (a SELECT left unreset would keep
/// its read lock and make every writer wait).
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int value) { return check(sqlite3_bind_int(stmt_, ++index_, value)); }
  Query& bind(std::string_view text) {
    return check(sqlite3_bind_text(stmt_, ++index_, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  }
  Query& bind(const std::string& text) { return bind(std::string_view(text)); }
  Query& bind(const std::optional<std::string>& text) {
    return text ? bind(std::string_view(*text)) : check(sqlite3_bind_null(stmt_, ++index_));
  }
  /// True while there is a row. A UNIQUE column already holding the value is the 409 (only username and
  /// e-mail are UNIQUE); any other refusal throws SQLite's message (a 500).
  bool next() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE)
      throw fa::HTTPException{409, "Username or e-mail already registered"};
    sqlite_error(db_);
  }
  StoredUser user() const {  // the columns: id, email, username, is_admin, password_hash
    return {UserOut{sqlite3_column_int(stmt_, 0), text(1), text(2), sqlite3_column_int(stmt_, 3) != 0}, text(4)};
  }

 private:
  std::string text(int column) const {
    const unsigned char* s = sqlite3_column_text(stmt_, column);
    return s ? std::string(reinterpret_cast<const char*>(s),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  Query& check(int rc) {
    if (rc != SQLITE_OK) sqlite_error(db_);
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int index_ = 0;
};

// ---- Pool ----

void Pool::open(const std::string& db) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < size; ++i) {
    all_.push_back(std::make_unique<Connection>(db));
    free_.push_back(all_.back().get());
  }
}

int Pool::close() {
  std::lock_guard lock(mutex_);
  int in_use = static_cast<int>(all_.size() - free_.size());
  if (in_use != 0) return in_use;  // a request the drain gave up on still holds one: left open, never pulled away
  free_.clear();
  all_.clear();
  return in_use;
}

Connection* Pool::try_acquire() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return nullptr;
  Connection* c = free_.back();
  free_.pop_back();
  return c;
}

void Pool::release(Connection* connection, bool rolled_back) {
  std::lock_guard lock(mutex_);
  free_.push_back(connection);
  rollbacks_ += rolled_back ? 1 : 0;
}

fa::Json Pool::health() {
  std::lock_guard lock(mutex_);
  int in_use = static_cast<int>(all_.size() - free_.size());
  return fa::Json{{"status", "ok"}, {"pool_size", size}, {"pool_in_use", in_use}, {"rollbacks", rollbacks_}};
}

// ---- Db ----

std::optional<StoredUser> Db::find(int id) {
  Query q(c_->db, c_->by_id);
  if (!q.bind(id).next()) return std::nullopt;
  return q.user();
}

std::optional<StoredUser> Db::find_by_username(std::string_view username) {
  Query q(c_->db, c_->by_username);
  if (!q.bind(username).next()) return std::nullopt;
  return q.user();
}

std::vector<UserOut> Db::list(int offset, int limit) {
  Query q(c_->db, c_->page);
  q.bind(limit).bind(offset);
  std::vector<UserOut> out;
  while (q.next()) out.push_back(q.user().user);
  return out;
}

UserOut Db::insert(const UserCreate& u) {
  begin();
  Query(c_->db, c_->insert).bind(*u.email).bind(*u.username).bind(fake_hash(*u.password)).bind(u.bio).next();
  return UserOut{static_cast<int>(sqlite3_last_insert_rowid(c_->db)), *u.email, *u.username, false};
}

bool Db::remove(int id) {
  begin();
  Query(c_->db, c_->remove).bind(id).next();
  return sqlite3_changes(c_->db) == 1;
}

// IMMEDIATE: take the write lock at the start (waiting for another writer), not halfway through the request.
void Db::begin() {
  if (!in_transaction()) exec(c_->db, "BEGIN IMMEDIATE");
}

void Db::commit() {
  if (in_transaction()) exec(c_->db, "COMMIT");
}

void Db::rollback() {
  if (in_transaction()) exec(c_->db, "ROLLBACK");
}
