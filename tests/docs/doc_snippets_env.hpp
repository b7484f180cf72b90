// tests/docs/doc_snippets_env.hpp: the reader's own names that README.md's and docs/*.md's C++ blocks use without
// declaring them (a handler, a model, a database handle), so that tests/docs/check_doc_snippets.py can compile the
// blocks as they are written. Every block's namespace sees doc_env, and doc_env::page_<page> for its page
// (page_README, page_app, ...: where two pages use one name differently); a block's own declaration of a name wins.
// Only stand-ins for the reader's code belong here, never a fastapi name: a block that names something the
// library lacks must fail. Declarations without definitions are enough: the blocks are only compiled.
#pragma once

#include <doctest/doctest.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace doc_env {
namespace fa = fastapi;
using namespace std::chrono_literals;

// Models.
struct Item {
  std::string name;
  double price = 0;
  std::optional<std::string> description;
};
struct User {
  int id = 0;
  std::string username;
  bool is_admin = false;
};
struct UserInDb {
  int id = 0;
  std::string email, username, password;
};
struct Quote {
  std::string sku;
  double price = 0;
};
enum class Model { alexnet, resnet, lenet };

// A database and its pool.
struct Db {
  static Db in_memory(std::map<std::string, std::string> rows);
  fa::Task<std::optional<User>> user_by_token(std::string token);
  fa::Task<bool> next_row(std::string& chunk);
  void commit();
  void rollback();
  void release();
};
struct Pool {
  fa::Task<Db> acquire();
  void release(Db& db);
};
fa::Yield<Db> get_db();
struct Transaction {
  void debit(int cents);
};
Transaction begin_transaction();

// State.
struct Inventory {
  std::map<std::string, int> stock;
  int count(const std::string& sku) const;
};
struct LogFile {
  std::string path;
};
inline int startup_ms = 0;

// Handlers and dependencies.
fa::Json handler();
Item read_item(fa::Path<"item_id", int> item_id);
fa::Json list_users();
fa::Json list_items();
Item update_item(fa::Path<"item_id", int> item_id, Item item);
fa::Json remove_user(fa::Path<"id", int> id);
fa::Json get_item_v2(fa::Path<"id", int> id);
void get_token_header(fa::Header<"x_token", std::string> x_token);
std::optional<std::string> get_query(fa::Query<"q", std::optional<std::string>> q);
std::string decode_token(fa::OAuth2PasswordBearer<"token"> token);
fa::App make_app();

// Plain functions of the reader's.
struct UnicornException : std::exception {
  std::string name;
};
UserInDb load_user_with_password();
void audit(int user_id);
int blocking_count();
std::string build_report();
std::string render_report(int id);
fa::Json legacy_lookup();
fa::AsyncGenerator<fa::ServerSentEvent> numbered_events(int count);
Item& find_item_or_404(int id);
Item& find_or_404(int id);
std::string title_case(std::string s);
fa::Json split_on_commas(std::string_view s);
std::string new_id();
std::string my_safe_name();
void write_to_my_file(std::string_view line);
void answer(int status, std::string message);
void use(const std::string& value);
bool grants(const std::string& grant, const std::string& scope);
fa::Task<void> compute(int part);
inline std::vector<int> parts;

namespace page_README {  // the README: a pool handing out connections without waiting
struct ConnectionPool {
  Db acquire();
};
inline ConnectionPool pool;
fa::APIRouter admin_router();
void write_notification(std::string email, std::string message);
}  // namespace page_README

namespace page_app {  // docs/app.md: examples/bigger_app's routers, a notification written to a log file
void write_notification(std::string log_path, std::string email, std::string message);
namespace bigger_app {
fa::APIRouter items_router();
fa::APIRouter admin_router();
}  // namespace bigger_app
}  // namespace page_app

namespace page_dependencies {  // docs/dependencies.md: a user looked up by token; docs/security.md's scheme
User lookup(std::string token);
using OAuth2Scheme =
    fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {{"me", "Read information about the current user."},
                                                                     {"items", "Read items."}}}>;
}  // namespace page_dependencies

namespace page_websockets {  // docs/websockets.md: a user looked up by token, awaited
fa::Task<User> lookup(std::string token);
}  // namespace page_websockets
}  // namespace doc_env
