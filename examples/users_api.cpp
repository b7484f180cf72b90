// examples/users_api.cpp: the flagship app, end to end: validated bodies, a yield dependency over a pooled
// resource (always given back, rolled back on error), OAuth2 bearer tokens, an admin-only route.
//   POST   /token              form username/password -> {"access_token":"...","token_type":"bearer"}
//   POST   /users              {"email","username","password","bio"?} -> 201 {"id","email","username","is_admin"}
//   POST   /users/import       (admin) a list of users, all or none: a duplicate -> 409 and nothing is stored
//   GET    /users?offset=&limit=   the users, paged (limit 1..100, default 10)
//   GET    /users/me           (bearer token) who am I
//   GET    /users/{user_id}    one user, 404 when absent
//   DELETE /users/{user_id}    (admin) 204
//   GET    /health             {"status":"ok","pool_size":4,"pool_in_use":0,"rollbacks":N}: every connection back?
// The admin is admin / adminpass. Tokens are "token-<username>": a toy, not a token format.
// Run: ./users_api [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
#include "fastapi.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fa = fastapi;

// ---- models ----

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

// ---- the store and its connection pool: app-wide, opened in the lifespan, reached through fa::State<T> ----

struct Store {
  std::mutex mutex;
  std::map<int, StoredUser> users;
  int next_id = 1;
};

std::string fake_hash(std::string_view password) { return "fakehash:" + std::string(password); }

/// A fixed number of connections; a request that finds none gets 503.
struct Pool {
  std::mutex mutex;
  int size = 4;
  int in_use = 0;
  int rollbacks = 0;
  void acquire() {
    std::lock_guard lock(mutex);
    if (in_use == size) throw fa::HTTPException{503, "No database connection available"};
    ++in_use;
  }
  void release(bool rolled_back) {
    std::lock_guard lock(mutex);
    --in_use;
    rollbacks += rolled_back ? 1 : 0;
  }
};

/// One request's unit of work: reads see the store, writes are staged until commit().
class Db {
 public:
  explicit Db(Store& store) : store_(&store) {}
  std::optional<StoredUser> find(int id) const;
  std::optional<StoredUser> find_by_username(std::string_view username) const;
  std::vector<UserOut> list(int offset, int limit) const;
  UserOut insert(const UserCreate& u);  ///< 409 when the username or e-mail is taken
  bool remove(int id);
  void commit();
  void rollback() { staged_.clear(), removed_.clear(); }

 private:
  Store* store_;
  std::vector<StoredUser> staged_;
  std::vector<int> removed_;
};

// ---- dependencies ----

/// A connection from the pool for the request; the handler commits, anything else is rolled back, and the
/// connection always goes back (after the response is sent), even when the handler throws.
fa::Yield<Db> get_db(fa::State<Pool> pool, fa::State<Store> store) {
  pool->acquire();
  Db db{*store};
  try {
    co_yield db;
  } catch (...) {
    db.rollback();  // the handler (or a later dependency) failed: nothing it staged is kept
    pool->release(true);
    throw;
  }
  db.rollback();  // whatever the handler did not commit
  pool->release(false);
}

fa::Task<UserOut> current_user(fa::OAuth2PasswordBearer<"token"> token, fa::Depends<get_db> db) {
  std::string_view t = *token;
  auto user = t.starts_with("token-") ? db->find_by_username(t.substr(6)) : std::nullopt;
  if (!user) throw fa::HTTPException{401, "Invalid authentication credentials", {{"WWW-Authenticate", "Bearer"}}};
  co_return user->user;
}

UserOut admin_user(fa::Depends<current_user> user) {
  if (!user->is_admin) throw fa::HTTPException{403, "Not enough permissions"};
  return *user;
}

// ---- the app ----

int main(int argc, char** argv) {
  fa::App app{{.title = "Users API", .version = "1.0"}};

  // Startup: open the store and the pool once; they live as long as the app (fa::State<Store>, fa::State<Pool>).
  app.lifespan([](fa::App& app) -> fa::Yield<void> {
    Store& store = app.state<Store>();
    store.users[1] = StoredUser{UserOut{1, "admin@example.com", "admin", true}, fake_hash("adminpass")};
    store.next_id = 2;
    app.state<Pool>();
    co_yield {};
    // Shutdown: every connection should be back by now (the drain is over).
    Pool& pool = app.get_state<Pool>();
    if (pool.in_use != 0) app.logger().write(fa::LogLevel::warning, "connections still in use at shutdown");
  });

  app.post("/token", [](fa::OAuth2PasswordRequestForm form, fa::Depends<get_db> db) {
    auto user = db->find_by_username(form.username);
    bool ok = user && fa::compare_digest(user->password_hash, fake_hash(form.password));
    if (!ok) throw fa::HTTPException{401, "Incorrect username or password", {{"WWW-Authenticate", "Bearer"}}};
    return fa::Json{{"access_token", "token-" + user->user.username}, {"token_type", "bearer"}};
  });

  app.post("/users",
           [](UserCreate body, fa::Depends<get_db> db) {
             UserOut out = db->insert(body);
             db->commit();
             return out;
           },
           {.status_code = 201});

  app.post("/users/import",
           [](fa::Body<std::vector<UserCreate>> users, fa::Depends<admin_user>, fa::Depends<get_db> db) {
             std::vector<UserOut> out;
             for (const UserCreate& u : *users) out.push_back(db->insert(u));  // a duplicate throws: all rolled back
             db->commit();
             return out;
           },
           {.status_code = 201});

  app.get("/users", [](fa::Query<"offset", int, fa::Rule{.ge = 0}, 0> offset,
                       fa::Query<"limit", int, fa::Rule{.ge = 1, .le = 100}, 10> limit,
                       fa::Depends<get_db> db) { return db->list(*offset, *limit); });

  app.get("/users/me", [](fa::Depends<current_user> me) { return *me; });

  app.get("/users/{user_id}", [](fa::Path<"user_id", int> user_id, fa::Depends<get_db> db) {
    auto user = db->find(*user_id);
    if (!user) throw fa::HTTPException{404, "User not found"};
    return user->user;
  });

  app.delete_("/users/{user_id}",
              [](fa::Path<"user_id", int> user_id, fa::Depends<admin_user>, fa::Depends<get_db> db) {
                if (!db->remove(*user_id)) throw fa::HTTPException{404, "User not found"};
                db->commit();
                return fa::Response{.status = 204};
              });

  app.get("/health", [](fa::State<Pool> pool) {
    std::lock_guard lock(pool->mutex);
    return fa::Json{
        {"status", "ok"}, {"pool_size", pool->size}, {"pool_in_use", pool->in_use}, {"rollbacks", pool->rollbacks}};
  });

  return app.run(argc, argv);
}

// ---- Db ----

std::optional<StoredUser> Db::find(int id) const {
  std::lock_guard lock(store_->mutex);
  auto it = store_->users.find(id);
  if (it == store_->users.end()) return std::nullopt;
  return it->second;
}

std::optional<StoredUser> Db::find_by_username(std::string_view username) const {
  std::lock_guard lock(store_->mutex);
  for (const auto& [id, u] : store_->users)
    if (u.user.username == username) return u;
  return std::nullopt;
}

std::vector<UserOut> Db::list(int offset, int limit) const {
  std::lock_guard lock(store_->mutex);
  std::vector<UserOut> out;
  int i = 0;
  for (const auto& [id, u] : store_->users)
    if (i++ >= offset && static_cast<int>(out.size()) < limit) out.push_back(u.user);
  return out;
}

UserOut Db::insert(const UserCreate& u) {
  std::lock_guard lock(store_->mutex);
  auto taken = [&](const UserOut& o) { return o.username == *u.username || o.email == *u.email; };
  for (const auto& [id, s] : store_->users)
    if (taken(s.user)) throw fa::HTTPException{409, "Username or e-mail already registered"};
  for (const auto& s : staged_)
    if (taken(s.user)) throw fa::HTTPException{409, "Username or e-mail already registered"};
  UserOut out{store_->next_id++, *u.email, *u.username, false};
  staged_.push_back(StoredUser{out, fake_hash(*u.password)});
  return out;
}

bool Db::remove(int id) {
  if (!find(id)) return false;
  removed_.push_back(id);
  return true;
}

void Db::commit() {
  std::lock_guard lock(store_->mutex);
  for (auto& s : staged_) store_->users[s.user.id] = std::move(s);
  for (int id : removed_) store_->users.erase(id);
  rollback();
}
