// tests/tutorial/test_32_sql_databases.cpp: what docs/tutorial/32_sql_databases.md says, checked on its example
// with a real SQLite file: create, read, list with offset and limit, delete, the secret name never sent, a failed
// handler's writes rolled back, and the data still there for the next process.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/32_sql_databases.cpp"
#include "fastapi/testing/test_client.hpp"

namespace tutorial_32 {
// A database file of its own, removed at the end.
struct DatabaseFile {
  DatabaseFile() { clear(); }
  ~DatabaseFile() { clear(); }
  void clear() const {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  std::string path =
      (std::filesystem::temp_directory_path() / ("fastapi-tutorial-32-" + std::to_string(::getpid()) + ".db")).string();
};
}  // namespace tutorial_32

TEST_SUITE("tutorial/32_sql_databases") {
  TEST_CASE("create, read, list, delete; the secret name goes in and never out") {
    tutorial_32::DatabaseFile file;
    fa::App app;
    sql_databases::build(app, file.path);
    fa::testing::TestClient client{app};
    auto created = client.post("/heroes/", {.json = fa::Json{{"name", "Deadpond"}, {"secret_name", "Dive Wilson"}}});
    CHECK(created.status == 200);
    CHECK(created.text == R"({"name":"Deadpond","age":null,"id":1})");
    client.post("/heroes/", {.json = fa::Json{{"name", "Rusty-Man"}, {"age", 48}, {"secret_name", "Tommy Sharp"}}});
    client.post("/heroes/", {.json = fa::Json{{"name", "Spider-Boy"}, {"secret_name", "Pedro Parqueador"}}});
    CHECK(client.get("/heroes/2").text == R"({"name":"Rusty-Man","age":48,"id":2})");
    CHECK(client.get("/heroes/?offset=1&limit=1").text == R"([{"name":"Rusty-Man","age":48,"id":2}])");
    CHECK(client.get("/heroes/").json().size() == 3);
    auto missing = client.get("/heroes/999");
    CHECK(missing.status == 404);
    CHECK(missing.text == R"({"detail":"Hero not found"})");
    auto too_many = client.get("/heroes/?limit=101");
    CHECK(too_many.status == 422);
    CHECK(too_many.text == R"({"detail":[{"type":"less_than_equal","loc":["query","limit"],)"
                           R"("msg":"Input should be less than or equal to 100","input":"101","ctx":{"le":100}}]})");
    auto no_secret = client.post("/heroes/", {.json = fa::Json{{"name", "Nobody"}}});
    CHECK(no_secret.status == 422);
    CHECK(
        no_secret.text ==
        R"({"detail":[{"type":"missing","loc":["body","secret_name"],"msg":"Field required","input":{"name":"Nobody"}}]})");
    CHECK(client.delete_("/heroes/1").text == R"({"ok":true})");
    CHECK(client.delete_("/heroes/1").status == 404);
    CHECK(client.get("/heroes/").json().size() == 2);
  }

  TEST_CASE("a handler that fails after writing leaves nothing behind; what was committed outlives the process") {
    tutorial_32::DatabaseFile file;
    {
      fa::App app;
      sql_databases::build(app, file.path);
      app.post("/heroes/then-fail",
               [](sql_databases::HeroCreate hero, sql_databases::SessionDep session) -> fa::Json {
                 session->add(hero);
                 throw fa::HTTPException(409, "changed my mind");
               },
               {.blocking = true});
      fa::testing::TestClient client{app};
      client.post("/heroes/", {.json = fa::Json{{"name", "Deadpond"}, {"secret_name", "Dive Wilson"}}});
      auto failed =
          client.post("/heroes/then-fail", {.json = fa::Json{{"name", "Ghost"}, {"secret_name", "Nobody at all"}}});
      CHECK(failed.status == 409);
      CHECK(client.get("/heroes/").text == R"([{"name":"Deadpond","age":null,"id":1}])");
    }
    fa::App again;  // a new app on the same file: the table is there, with its row
    sql_databases::build(again, file.path);
    fa::testing::TestClient client{again};
    CHECK(client.get("/heroes/1").text == R"({"name":"Deadpond","age":null,"id":1})");
  }
}
