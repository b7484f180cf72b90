// tests/app/test_app.cpp: fa::App through the TestClient: return types, Request&/Response& parameters,
// FastAPI's 404/405/307, HTTPException, unhandled exceptions, blocking routes, hooks, arguments.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_app_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

namespace app_test {
fa::Json hello() { return fa::Json{{"message", "Hello World"}}; }
struct UserIn {
  std::string username;
  std::string password;
  std::optional<std::string> bio;
};
struct UserOut {
  std::string username;
  std::optional<std::string> bio;
};
// More than the 256 bytes of arguments an endpoint keeps in its own coroutine frame: they go to the heap.
struct Wide {
  std::string a, b, c, d, e, f, g, h, i, j;
};
struct alignas(64) Aligned {  // over-aligned arguments go to the heap too (UBSan checks the alignment)
  int x;
};
}  // namespace app_test

TEST_SUITE("app/app") {
  TEST_CASE("a handler's return type decides the response: Json, string, void, Response") {
    fa::App app;
    app.get("/json", app_test::hello);
    app.get("/text", [] { return std::string("plain words"); });
    app.get("/literal", [] { return "a literal"; });
    app.get("/void", [] {});
    app.get("/response", [] {
      fa::Response r = fa::HTMLResponse("<h1>hi</h1>", 202);
      r.headers.add("x-custom", "yes");
      return r;
    });
    app.post("/created", [] { return fa::Json{{"id", 1}}; }, {.status_code = 201});
    fa::testing::TestClient client{app};

    auto r = client.get("/json");
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.text == R"({"message":"Hello World"})");
    CHECK(r.json()["message"] == "Hello World");

    r = client.get("/text");
    CHECK(r.header("content-type") == "text/plain; charset=utf-8");
    CHECK(r.text == "plain words");
    CHECK(client.get("/literal").text == "a literal");

    r = client.get("/void");
    CHECK(r.status == 200);
    CHECK(r.text == "null");

    r = client.get("/response");
    CHECK(r.status == 202);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    CHECK(r.header("x-custom") == "yes");
    CHECK(r.text == "<h1>hi</h1>");

    r = client.post("/created");
    CHECK(r.status == 201);
    CHECK(r.json()["id"] == 1);
  }

  TEST_CASE("a returned struct is JSON; a response model is the wall: fields it does not name never leave") {
    fa::App app;
    app.post("/users", [](app_test::UserIn user) { return user; },
             {.status_code = 201, .response_model = fa::response_model<app_test::UserOut>});
    app.get("/me", [] { return app_test::UserOut{"ann", std::nullopt}; });
    app.get("/me-lean", [] { return app_test::UserOut{"ann", std::nullopt}; }, {.response_model_exclude_none = true});
    app.get("/all", [] { return std::vector<app_test::UserOut>{{"a", "x"}, {"b", std::nullopt}}; });
    app.get("/broken",
            [] {
              return fa::Json{{"bio", "no username"}};
            },
            {.response_model = fa::response_model<app_test::UserOut>});
    fa::testing::TestClient client{app};
    auto r = client.post("/users", {.json = fa::Json{{"username", "ann"}, {"password", "s3cret!!"}, {"bio", "hi"}}});
    CHECK(r.status == 201);
    CHECK(r.text == R"({"username":"ann","bio":"hi"})");
    CHECK(client.get("/me").text == R"({"username":"ann","bio":null})");
    CHECK(client.get("/me-lean").text == R"({"username":"ann"})");
    CHECK(client.get("/all").text == R"([{"username":"a","bio":"x"},{"username":"b","bio":null}])");
    r = client.get("/broken");
    CHECK(r.status == 500);  // FastAPI's ResponseValidationError: never a half-valid body
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
    r = client.post("/users", {.json = fa::Json{{"username", "ann"}}});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":{"username":"ann"}}]})");
  }

  TEST_CASE("Request& shows method, path, query, headers, path params and client address") {
    fa::App app;
    app.get("/items/{item_id}", [](fa::Request& req) {
      auto tags = req.query.get_all("tag");
      return fa::Json{{"method", std::string(req.method_name)},
                      {"path", std::string(req.path)},
                      {"item_id", std::string(req.path_params.get("item_id").value_or(""))},
                      {"q", std::string(req.query.get("q").value_or(""))},
                      {"tags", fa::Json(std::vector<std::string>(tags.begin(), tags.end()))},
                      {"token", std::string(req.headers.get("X-Token").value_or(""))},
                      {"client", std::string(req.client_host)}};
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/items/a%20b",
                        {.params = {{"q", "x y"}, {"tag", "1"}, {"tag", "2"}}, .headers = {{"x-token", "secret"}}});
    REQUIRE(r.status == 200);
    auto j = r.json();
    CHECK(j["method"] == "GET");
    CHECK(j["path"] == "/items/a b");
    CHECK(j["item_id"] == "a b");
    CHECK(j["q"] == "x y");
    CHECK(j["tags"] == fa::Json::array({"1", "2"}));
    CHECK(j["token"] == "secret");
    CHECK(j["client"] == "127.0.0.1");
  }

  TEST_CASE("Response& lets a handler set status, headers and cookies on the returned value") {
    fa::App app;
    app.get("/cookie", [](fa::Response& res) {
      res.status = 203;
      res.headers.add("x-extra", "1");
      res.set_cookie("session", "abc", {.max_age = 60, .httponly = true});
      return fa::Json{{"ok", true}};
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/cookie");
    CHECK(r.status == 203);
    CHECK(r.header("x-extra") == "1");
    CHECK(r.header("set-cookie") == "session=abc; HttpOnly; Max-Age=60; Path=/; SameSite=lax");
    CHECK(r.text == R"({"ok":true})");
  }

  TEST_CASE("unknown path is 404, wrong method is 405 with Allow, HEAD is served by GET") {
    fa::App app;
    app.get("/items", [] { return "list"; });
    app.post("/items", [] { return "made"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/nope");
    CHECK(r.status == 404);
    CHECK(r.text == R"({"detail":"Not Found"})");
    r = client.delete_("/items");
    CHECK(r.status == 405);
    CHECK(r.text == R"({"detail":"Method Not Allowed"})");
    CHECK(r.header("allow") == "GET, HEAD, POST");
    r = client.head("/items");
    CHECK(r.status == 200);
    CHECK(r.header("content-length") == "4");
    CHECK(r.text.empty());
    CHECK(client.get("/items").text == "list");  // the connection is still in step after HEAD
  }

  TEST_CASE("a trailing slash mismatch is a 307 to the other spelling, query kept, unless turned off") {
    fa::App app;
    app.get("/items", [] { return "no slash"; });
    app.get("/users/", [] { return "slash"; });
    {
      fa::testing::TestClient client{app};
      auto r = client.get("/items/?q=1", {.follow_redirects = false});
      CHECK(r.status == 307);
      CHECK(r.header("location") == "http://testserver/items?q=1");
      r = client.get("/users", {.follow_redirects = false});
      CHECK(r.status == 307);
      CHECK(r.header("location") == "http://testserver/users/");
      CHECK(client.get("/items/").text == "no slash");  // followed
    }
    auto config = fa::testing::TestClient::default_config();
    config.redirect_slashes = false;
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/items/", {.follow_redirects = false}).status == 404);
  }

  TEST_CASE("HTTPException becomes its status, {\"detail\": ...} and its headers") {
    fa::App app;
    app.get("/items/{id}", [](fa::Request& req) -> fa::Json {
      if (req.path_params.get("id") != "foo")
        throw fa::HTTPException{404, "Item not found", {{"X-Error", "There goes my error"}}};
      return fa::Json{{"item", "The Foo Wrestlers"}};
    });
    app.get("/teapot", []() -> std::string { throw fa::HTTPException(418); });
    app.get("/quote", []() -> std::string { throw fa::HTTPException(400, "bad \"quote\"\n"); });
    fa::testing::TestClient client{app};
    auto r = client.get("/items/bar");
    CHECK(r.status == 404);
    CHECK(r.text == R"({"detail":"Item not found"})");
    CHECK(r.header("x-error") == "There goes my error");
    CHECK(client.get("/items/foo").json()["item"] == "The Foo Wrestlers");
    r = client.get("/teapot");
    CHECK(r.status == 418);
    CHECK(r.text == R"({"detail":"I'm a Teapot"})");  // empty detail -> the status phrase, as FastAPI
    CHECK(client.get("/quote").text == R"({"detail":"bad \"quote\"\n"})");
  }

  TEST_CASE("an unexpected exception is a 500 with the message only in the log, and the server lives on") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/boom", []() -> std::string { throw std::runtime_error("database is on fire"); });
    app.get("/ok", [] { return "fine"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/boom");
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
    CHECK(r.text.find("fire") == std::string::npos);
    CHECK(logs.contains("GET /boom"));
    CHECK(logs.contains("database is on fire"));
    CHECK(client.get("/ok").text == "fine");
  }

  TEST_CASE("coroutine handlers await sleep and to_thread; blocking routes run off the loop") {
    fa::App app;
    std::atomic<std::thread::id> loop_thread{};
    app.get("/loop", [&] {
      loop_thread = std::this_thread::get_id();
      return "loop";
    });
    app.get("/blocking",
            [&] { return std::string(std::this_thread::get_id() == loop_thread.load() ? "on loop" : "off loop"); },
            {.blocking = true});
    app.get("/async", []() -> fa::Task<fa::Json> {
      co_await fa::sleep(10ms);
      int v = co_await fa::to_thread([] { return 6 * 7; });
      co_return fa::Json{{"v", v}};
    });
    app.get("/async-void", []() -> fa::Task<void> { co_return; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/loop").text == "loop");
    CHECK(client.get("/blocking").text == "off loop");
    CHECK(client.get("/async").json()["v"] == 42);
    CHECK(client.get("/async-void").text == "null");
  }

  TEST_CASE("arguments of any size and alignment are bound; Task and blocking handlers' values and errors") {
    fa::App app;
    app.post("/wide", [](app_test::Wide w, fa::Query<"n", int> n) { return w.a + w.j + std::to_string(*n); });
    app.post("/aligned", [](app_test::Aligned a) { return fa::Json{{"x", a.x}}; });
    app.get("/blocking", [](fa::Query<"n", int> n) { return fa::Json{{"n", *n * 2}}; }, {.blocking = true});
    app.get("/blocking-teapot", []() -> fa::Json { throw fa::HTTPException{418, "teapot"}; }, {.blocking = true});
    app.get("/task", [](fa::Query<"n", int> n, fa::Response& res) -> fa::Task<fa::Json> {
      res.headers.set("x-n", std::to_string(*n));
      co_return fa::Json{{"n", *n}};
    });
    app.get("/task-teapot", []() -> fa::Task<fa::Json> {
      throw fa::HTTPException{418, "teapot"};
      co_return fa::Json{};
    });
    fa::testing::TestClient client{app};
    CHECK(client
              .post("/wide?n=7", {.json = fa::Json{{"a", "A"},
                                                   {"b", ""},
                                                   {"c", ""},
                                                   {"d", ""},
                                                   {"e", ""},
                                                   {"f", ""},
                                                   {"g", ""},
                                                   {"h", ""},
                                                   {"i", ""},
                                                   {"j", "J"}}})
              .text == "AJ7");
    CHECK(client.post("/wide?n=x", {.json = fa::Json::object({})}).status == 422);
    CHECK(client.post("/aligned", {.json = fa::Json{{"x", 5}}}).json()["x"] == 5);
    CHECK(client.get("/blocking?n=4").json()["n"] == 8);
    CHECK(client.get("/blocking?n=x").status == 422);
    CHECK(client.get("/blocking-teapot").status == 418);
    auto task = client.get("/task?n=3");
    CHECK(task.json()["n"] == 3);
    CHECK(task.header("x-n") == "3");
    CHECK(client.get("/task?n=x").status == 422);
    CHECK(client.get("/task-teapot").status == 418);
  }

  TEST_CASE("a plain handler that holds the loop is named in a warning") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/slow", [] {
      std::this_thread::sleep_for(150ms);
      return "done";
    });
    auto config = fa::testing::TestClient::default_config();
    config.stall_warning = 50ms;
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/slow").text == "done");
    CHECK(logs.contains("handler of GET /slow held the event loop for"));
  }

  TEST_CASE("the same method and path registered twice is refused at registration, in words") {
    fa::App app;
    app.get("/items/{id}", [](fa::Path<"id", int>) { return "a"; });
    CHECK_NOTHROW(app.get("/items/{id}", [](fa::Path<"id", int>) { return "b"; }));  // recorded for run()
    CHECK_NOTHROW(app.post("/items/{id}", [](fa::Path<"id", int>) { return "c"; }));
    CHECK(app.configuration_errors() == std::vector<std::string>{"fastapi: route GET /items/{id} is registered twice"});
  }

  TEST_CASE("api_route serves several methods with one handler") {
    fa::App app;
    app.api_route("/multi", {fa::Method::get, fa::Method::put},
                  [](fa::Request& req) { return std::string(req.method_name); });
    fa::testing::TestClient client{app};
    CHECK(client.get("/multi").text == "GET");
    CHECK(client.put("/multi").text == "PUT");
    CHECK(client.post("/multi").status == 405);
  }

  TEST_CASE("startup hooks run before serving, shutdown hooks after; a failing startup stops run()") {
    std::vector<std::string> events;
    {
      fa::App app;
      app.on_startup([&] { events.push_back("startup"); });
      app.on_shutdown([&] { events.push_back("shutdown"); });
      app.get("/", [&] {
        events.push_back("request");
        return "";
      });
      fa::testing::TestClient client{app};
      client.get("/");
    }
    CHECK(events == std::vector<std::string>{"startup", "request", "shutdown"});

    fa::App broken;
    test_support::LogCapture logs(broken);
    broken.on_startup([] { throw std::runtime_error("no database"); });
    auto config = fa::testing::TestClient::default_config();
    CHECK(broken.run(config) == 1);
    CHECK(logs.contains("startup failed: no database"));
  }

  TEST_CASE("command-line arguments and PORT set host, port and workers") {
    const char* argv[] = {"app", "--host", "0.0.0.0", "--port=9001", "--workers", "3"};
    auto c = fa::parse_args(6, const_cast<char**>(argv));
    CHECK(c.host == "0.0.0.0");
    CHECK(c.port == 9001);
    CHECK(c.workers == 3);
    const char* bad[] = {"app", "--port", "70000"};
    CHECK_THROWS_AS(fa::parse_args(3, const_cast<char**>(bad)), std::invalid_argument);
    ::setenv("PORT", "8123", 1);
    const char* none[] = {"app"};
    CHECK(fa::parse_args(1, const_cast<char**>(none)).port == 8123);
    const char* both[] = {"app", "--port", "8124"};
    CHECK(fa::parse_args(3, const_cast<char**>(both)).port == 8124);  // the flag wins over PORT
    ::unsetenv("PORT");
    const char* unknown[] = {"app", "--verbose"};
    CHECK_THROWS_WITH(fa::parse_args(2, const_cast<char**>(unknown)),
                      "fastapi: unknown argument '--verbose'. Try 'app --help' for the options; an app's own flags "
                      "are declared with fa::load_settings_or_exit<Settings>(argc, argv), or passed after --");
    const char* logged[] = {"app", "--access-log"};
    CHECK(fa::parse_args(2, const_cast<char**>(logged)).access_log);
    const char* unlogged[] = {"app", "--access-log", "--no-access-log"};
    CHECK_FALSE(fa::parse_args(3, const_cast<char**>(unlogged)).access_log);
  }

  TEST_CASE("--log-level takes uvicorn's names, and everything after -- is the app's own") {
    const char* levels[] = {"app", "--log-level", "warning", "--log-level=debug"};
    CHECK_NOTHROW(fa::parse_args(4, const_cast<char**>(levels)));
    const char* bad_level[] = {"app", "--log-level", "loud"};
    CHECK_THROWS_WITH(fa::parse_args(3, const_cast<char**>(bad_level)),
                      "fastapi: --log-level expects critical, error, warning, info, debug or trace, got 'loud'");
    CHECK(fa::detail::log_level_from_name("trace") == fa::LogLevel::debug);
    CHECK(fa::detail::log_level_from_name("critical") == fa::LogLevel::critical);
    const char* mine[] = {"app", "--port", "9002", "--", "--db", "./data.sqlite", "--port", "1"};
    CHECK(fa::parse_args(8, const_cast<char**>(mine)).port == 9002);  // the app's --port is not ours
    auto rest = fa::app_args(8, const_cast<char**>(mine));
    CHECK(rest == std::vector<std::string_view>{"--db", "./data.sqlite", "--port", "1"});
    CHECK(fa::app_args(3, const_cast<char**>(mine)).empty());
  }

  TEST_CASE("run(argc, argv) with --log-level error keeps the startup's info lines out of the log") {
    fa::App app;
    test_support::LogCapture log(app);
    app.get("/", [] { return std::string("ok"); });
    app.get("/", [] { return std::string("again"); });  // a mistake: run() logs it at error level and returns 1
    const char* argv[] = {"app", "--port", "0", "--log-level", "error"};
    CHECK(app.run(5, const_cast<char**>(argv), fa::testing::TestClient::default_config()) == 1);
    CHECK(log.contains("ERROR:    fastapi: route GET / is registered twice"));
    CHECK(app.logger().level() == fa::LogLevel::error);
  }

  TEST_CASE("Config::access_log adds uvicorn's access line for every request, through the app's logger") {
    fa::App app;
    test_support::LogCapture log(app);
    app.get("/items/{id}", [](fa::Path<"id", int> id) { return std::to_string(*id); });
    fa::Config config = fa::testing::TestClient::default_config();
    config.access_log = true;
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/items/5?q=x").status == 200);
    CHECK(client.get("/nope").status == 404);
    CHECK(log.contains("\"GET /items/5?q=x HTTP/1.1\" 200 1 "));
    CHECK(log.contains("\"GET /nope HTTP/1.1\" 404 22 "));
  }
}

}  // namespace test_app_file
