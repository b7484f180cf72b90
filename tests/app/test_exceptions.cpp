// tests/app/test_exceptions.cpp: app.exception_handler<E> through the TestClient: a handler per type, the
// most derived one winning, replacing the HTTPException and validation-error defaults (the router's 404/405
// included), coroutine handlers, a handler that throws, the logged 500 for what nothing handles, and handlers keyed
// by a status code (app.exception_handler(404, fn)) in Starlette 0.26's order.
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

  // Starlette 0.26's lookup (middleware/exceptions.py, errors.py): an HTTPException's status handler first,
  // then the type handlers; the 500 handler last, for what no type handler answered.
  TEST_CASE("a status-code handler answers the router's 404 and 405 and a raised HTTPException of its code") {
    fa::App app;
    app.exception_handler(404, [](fa::Request& req, const fa::HTTPException& e) {
      return fa::HTMLResponse("<h1>" + e.detail + ": " + std::string(req.path) + "</h1>", 404);
    });
    app.exception_handler(405, [](fa::Request&, const fa::HTTPException& e) {
      fa::Response r = fa::PlainTextResponse("no " + e.detail, 405);
      for (const auto& [name, value] : e.headers) r.headers.add(name, value);  // the Allow header
      return r;
    });
    app.get("/items/{id}", [](fa::Path<"id", int> id) -> std::string {
      if (*id == 0) throw fa::HTTPException(404, "Item not found");
      if (*id == 1) throw fa::HTTPException(400, "Bad item");  // no handler for 400: the default
      return "item";
    });
    fa::testing::TestClient client{app};
    auto unknown = client.get("/nowhere");
    CHECK(unknown.status == 404);
    CHECK(unknown.text == "<h1>Not Found: /nowhere</h1>");
    CHECK(unknown.header("content-type") == "text/html; charset=utf-8");
    auto raised = client.get("/items/0");
    CHECK(raised.status == 404);
    CHECK(raised.text == "<h1>Item not found: /items/0</h1>");
    auto wrong_method = client.post("/items/2");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.text == "no Method Not Allowed");
    CHECK(wrong_method.header("allow") == "GET, HEAD");
    auto other = client.get("/items/1");
    CHECK(other.status == 400);
    CHECK(other.text == R"({"detail":"Bad item"})");
    CHECK(client.get("/items/2").text == "item");
  }

  TEST_CASE("the status handler wins over the HTTPException handler; a type handler over the 500 handler") {
    fa::App app;
    test_support::LogCapture log(app);
    app.exception_handler<fa::HTTPException>(
        [](fa::Request&, const fa::HTTPException& e) { return fa::PlainTextResponse("by type", e.status_code); });
    app.exception_handler(404, [](fa::Request&, const fa::HTTPException&) -> fa::Task<fa::Response> {
      co_return fa::PlainTextResponse("by status", 404);  // a coroutine handler
    });
    app.exception_handler<BaseError>(
        [](fa::Request&, const BaseError& e) { return fa::PlainTextResponse(std::string("base: ") + e.what(), 409); });
    app.exception_handler(500, [](fa::Request&, const std::exception& e) {
      return fa::JSONResponse(fa::Json{{"oops", e.what()}}, 500);
    });
    app.get("/missing", []() -> std::string { throw fa::HTTPException(404); });
    app.get("/teapot", []() -> std::string { throw fa::HTTPException(418); });
    app.get("/http500", []() -> std::string { throw fa::HTTPException(500, "raised"); });
    app.get("/derived", []() -> std::string { throw DerivedError("d"); });
    app.get("/boom", []() -> std::string { throw std::logic_error("boom"); });
    app.get("/odd", []() -> std::string { throw NotAnException{7}; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/missing").text == "by status");
    CHECK(client.get("/nowhere").text == "by status");
    auto teapot = client.get("/teapot");
    CHECK(teapot.status == 418);
    CHECK(teapot.text == "by type");
    auto http500 = client.get("/http500");  // Starlette keeps the 500 handler out of ExceptionMiddleware
    CHECK(http500.status == 500);
    CHECK(http500.text == "by type");
    auto derived = client.get("/derived");
    CHECK(derived.status == 409);
    CHECK(derived.text == "base: d");
    auto boom = client.get("/boom");
    CHECK(boom.status == 500);
    CHECK(boom.text == R"({"oops":"boom"})");
    CHECK(log.contains("exception in GET /boom: std::logic_error: boom"));  // logged still, as uvicorn does
    auto odd = client.get("/odd");  // not a std::exception: the handler gets HTTPException(500)
    CHECK(odd.status == 500);
    CHECK(odd.text == R"({"oops":"Internal Server Error"})");
  }

  TEST_CASE("the 500 handler answers an exception from a middleware and one from a route with teardown; a "
            "throwing 500 handler gives the default 500") {
    db_events.clear();
    fa::App app;
    test_support::LogCapture log(app);
    int calls = 0;
    app.exception_handler(500, [&calls](fa::Request& req, const fa::HTTPException& e) {
      ++calls;
      if (req.path == "/worse") throw std::runtime_error("the 500 handler broke");
      return fa::PlainTextResponse("sorry: " + e.detail, e.status_code);
    });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      if (req.path == "/mw") throw std::runtime_error("middleware");
      co_return co_await next(req);
    });
    app.get("/db", [](fa::Depends<get_db> db) -> std::string {
      (void)db;
      throw std::runtime_error("db");
    });
    app.get("/worse", []() -> std::string { throw std::runtime_error("worse"); });
    {
      fa::testing::TestClient client{app};
      CHECK(client.get("/mw").text == "sorry: Internal Server Error");
      auto db = client.get("/db");
      CHECK(db.status == 500);
      CHECK(db.text == "sorry: Internal Server Error");
      auto worse = client.get("/worse");
      CHECK(worse.status == 500);
      CHECK(worse.text == R"({"detail":"Internal Server Error"})");
    }
    CHECK(calls == 3);
    CHECK(db_events.empty());  // not a BaseError: get_db neither rolls back nor commits
    CHECK(log.contains("the 500 handler broke"));
  }

  TEST_CASE("a status code outside 100..599 is a registration mistake") {
    fa::App app;
    app.exception_handler(
        99, [](fa::Request&, const fa::HTTPException& e) { return fa::PlainTextResponse(e.detail, e.status_code); });
    REQUIRE(app.configuration_errors().size() == 1);
    CHECK(app.configuration_errors()[0] == "fastapi: exception_handler(99): a status code is between 100 and 599");
  }
}

}  // namespace test_errors_file
