// tests/app/test_exceptions.cpp: app.exception_handler<E> through the TestClient: a handler per type, the
// most derived one winning, replacing the HTTPException and validation-error defaults (the router's 404/405
// included), coroutine handlers, a handler that throws, and the logged 500 for what nothing handles.
#include <doctest/doctest.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/app/exceptions.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"

namespace test_errors_file {

namespace fa = fastapi;

struct UnicornException : std::runtime_error {
  explicit UnicornException(std::string n) : std::runtime_error("unicorn " + n), name(std::move(n)) {}
  std::string name;
};
struct BaseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct DerivedError : BaseError {
  using BaseError::BaseError;
};
struct NotAnException {
  int code;
};

std::vector<std::string> db_events;
struct Db {
  int id = 1;
};
fa::Yield<Db> get_db() {
  Db db;
  try {
    co_yield db;
  } catch (const BaseError&) {
    db_events.push_back("rollback");
    throw;
  }
  db_events.push_back("commit");
}

TEST_SUITE("middleware/errors") {
  TEST_CASE("a handler for a user exception type answers it (FastAPI's UnicornException example)") {
    fa::App app;
    app.exception_handler<UnicornException>([](fa::Request& req, const UnicornException& e) {
      fa::Response res =
          fa::JSONResponse(fa::Json{{"message", "Oops! " + e.name + " did something. There goes a rainbow..."}}, 418);
      res.headers.set("x-path", std::string(req.path));
      return res;
    });
    app.get("/unicorns/{name}", [](fa::Path<"name", std::string> name) -> std::string {
      if (*name == "yolo") throw UnicornException(*name);
      return "unicorn " + *name;
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/unicorns/yolo");
    CHECK(r.status == 418);
    CHECK(r.json()["message"] == "Oops! yolo did something. There goes a rainbow...");
    CHECK(r.header("x-path") == "/unicorns/yolo");
    CHECK(client.get("/unicorns/ok").text == "unicorn ok");
  }

  TEST_CASE("the most derived registered type wins, whatever the order of registration") {
    for (bool base_first : {true, false}) {
      CAPTURE(base_first);
      fa::App app;
      auto base = [](fa::Request&, const BaseError& e) {
        return fa::PlainTextResponse(std::string("base: ") + e.what(), 400);
      };
      auto derived = [](fa::Request&, const DerivedError& e) {
        return fa::PlainTextResponse(std::string("derived: ") + e.what(), 409);
      };
      auto any = [](fa::Request&, const std::exception& e) {
        return fa::PlainTextResponse(std::string("any: ") + e.what(), 502);
      };
      if (base_first) {
        app.exception_handler<std::exception>(any);
        app.exception_handler<BaseError>(base);
        app.exception_handler<DerivedError>(derived);
      } else {
        app.exception_handler<DerivedError>(derived);
        app.exception_handler<BaseError>(base);
        app.exception_handler<std::exception>(any);
      }
      app.get("/base", []() -> std::string { throw BaseError("b"); });
      app.get("/derived", []() -> std::string { throw DerivedError("d"); });
      app.get("/other", []() -> std::string { throw std::out_of_range("o"); });
      app.get("/http", []() -> std::string { throw fa::HTTPException(404, "Item not found"); });
      fa::testing::TestClient client{app};
      auto b = client.get("/base");
      CHECK(b.status == 400);
      CHECK(b.text == "base: b");
      auto d = client.get("/derived");
      CHECK(d.status == 409);
      CHECK(d.text == "derived: d");
      auto o = client.get("/other");
      CHECK(o.status == 502);
      CHECK(o.text == "any: o");
      // HTTPException keeps its own (more precise) default handler even with a std::exception handler.
      auto h = client.get("/http");
      CHECK(h.status == 404);
      CHECK(h.text == R"({"detail":"Item not found"})");
    }
  }

  TEST_CASE("registering the same type twice replaces the handler") {
    fa::App app;
    app.exception_handler<BaseError>(
        [](fa::Request&, const BaseError&) { return fa::PlainTextResponse("first", 400); });
    app.exception_handler<BaseError>(
        [](fa::Request&, const BaseError&) { return fa::PlainTextResponse("second", 400); });
    app.get("/", []() -> std::string { throw BaseError("x"); });
    fa::testing::TestClient client{app};
    CHECK(client.get("/").text == "second");
  }

  TEST_CASE("replacing the HTTPException handler formats the route's errors and the router's 404 and 405") {
    fa::App app;
    app.exception_handler<fa::HTTPException>([](fa::Request& req, const fa::HTTPException& e) {
      fa::Response res = fa::PlainTextResponse(
          std::to_string(e.status_code) + " " + e.detail + " at " + std::string(req.path), e.status_code);
      for (const auto& [k, v] : e.headers) res.headers.add(k, v);
      return res;
    });
    app.get("/items/{id}", [](fa::Path<"id", int> id) -> std::string {
      throw fa::HTTPException(404, "Item " + std::to_string(*id) + " not found", {{"x-error", "yes"}});
    });
    fa::testing::TestClient client{app};
    auto route = client.get("/items/3");
    CHECK(route.status == 404);
    CHECK(route.text == "404 Item 3 not found at /items/3");
    CHECK(route.header("x-error") == "yes");
    auto missing = client.get("/nowhere");
    CHECK(missing.status == 404);
    CHECK(missing.text == "404 Not Found at /nowhere");
    auto wrong = client.delete_("/items/3");
    CHECK(wrong.status == 405);
    CHECK(wrong.text == "405 Method Not Allowed at /items/3");
    CHECK(wrong.header("allow") == "GET, HEAD");
  }

  TEST_CASE("replacing the validation-error handler gives the 422 a custom body; the default is reusable") {
    fa::App app;
    app.exception_handler<fa::RequestValidationError>([](fa::Request& req, const fa::RequestValidationError& e) {
      if (req.path == "/default") return fa::request_validation_error_response(e);
      fa::Json errors = e.body()["detail"];
      return fa::JSONResponse(fa::Json{{"errors", errors.size()}, {"first", errors[0]["loc"]}}, 400);
    });
    app.get("/items", [](fa::Query<"limit", int> limit) { return std::to_string(*limit); });
    app.get("/default", [](fa::Query<"limit", int> limit) { return std::to_string(*limit); });
    fa::testing::TestClient client{app};
    auto custom = client.get("/items", {.params = {{"limit", "many"}}});
    CHECK(custom.status == 400);
    CHECK(custom.json()["errors"] == 1);
    CHECK(custom.json()["first"].dump() == R"(["query","limit"])");
    auto standard = client.get("/default");
    CHECK(standard.status == 422);
    CHECK(standard.json()["detail"][0]["type"] == "missing");
    CHECK(client.get("/items", {.params = {{"limit", "5"}}}).text == "5");
  }

  TEST_CASE("an exception handler may be a coroutine") {
    fa::App app;
    app.exception_handler<BaseError>([](fa::Request&, const BaseError& e) -> fa::Task<fa::Response> {
      co_await fa::sleep(std::chrono::milliseconds(1));
      co_return fa::PlainTextResponse(std::string("later: ") + e.what(), 400);
    });
    app.get("/", []() -> fa::Task<std::string> {
      co_await fa::sleep(std::chrono::milliseconds(1));
      throw BaseError("async");
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 400);
    CHECK(r.text == "later: async");
  }

  TEST_CASE("what nothing handles is a 500 with nothing of the message, logged with the route; a throwing "
            "handler too") {
    fa::App app;
    test_support::LogCapture log(app);
    app.exception_handler<BaseError>(
        [](fa::Request&, const BaseError&) -> fa::Response { throw std::runtime_error("the handler itself broke"); });
    app.get("/items/{id}", [](fa::Path<"id", int>) -> std::string { throw std::logic_error("secret detail"); });
    app.get("/odd", []() -> std::string { throw NotAnException{7}; });
    app.get("/broken-handler", []() -> std::string { throw BaseError("b"); });
    fa::testing::TestClient client{app};
    for (const char* path : {"/items/1", "/odd", "/broken-handler"}) {
      CAPTURE(path);
      auto r = client.get(path);
      CHECK(r.status == 500);
      CHECK(r.text == R"({"detail":"Internal Server Error"})");
    }
    CHECK(log.contains("exception in GET /items/{id}: std::logic_error: secret detail"));
    CHECK(log.contains("exception in GET /odd: test_errors_file::NotAnException"));
    CHECK(log.contains("the handler itself broke"));
    CHECK(client.get("/items/1").status == 500);  // the connection and the server live on
  }

  TEST_CASE("with a yield dependency, the custom handler answers and the teardown still sees the error") {
    db_events.clear();
    fa::App app;
    app.exception_handler<BaseError>([](fa::Request&, const BaseError& e) {
      db_events.push_back("handler");
      return fa::PlainTextResponse(std::string("handled ") + e.what(), 409);
    });
    app.get("/", [](fa::Depends<get_db> db) -> std::string {
      (void)db;
      throw BaseError("conflict");
    });
    {
      fa::testing::TestClient client{app};
      auto r = client.get("/");
      CHECK(r.status == 409);
      CHECK(r.text == "handled conflict");
    }
    CHECK(db_events == std::vector<std::string>{"handler", "rollback"});
  }
}

}  // namespace test_errors_file
