// tests/regression/test_issue_16_startup.cpp: issue 16 section 7, startup and misuse in words. A second server on
// a port we hold refuses to start; registration mistakes end run() with exit code 1 and the sentence; a Task that
// falls off its end answers 500; app.dependencies() leave the docs pages alone; the loop-stall warning blames
// handlers, not a busy machine; `*q` of an optional parameter is the std::optional.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include "fastapi.hpp"
#include "support/exchange.hpp"
#include "support/log_capture.hpp"
#include "support/process.hpp"
#include "support/raw_socket.hpp"

namespace fa = fastapi;
using namespace std::chrono_literals;

namespace regression_issue_16_startup_file {

/// Runs `app` on a thread of its own with `config`; run()'s exit code once it has returned.
class Running {
 public:
  Running(fa::App& app, fa::Config config) : app_(app) {
    thread_ = std::thread([this, config] { code_ = app_.run(config); });
    port_ = app_.wait_until_listening();
  }
  ~Running() { stop(); }
  std::uint16_t port() const { return port_; }
  int stop() {
    if (thread_.joinable()) {
      app_.stop();
      thread_.join();
    }
    return code_;
  }

 private:
  fa::App& app_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<int> code_{-1};
};

fa::Config local(std::uint16_t port, unsigned workers) {
  fa::Config c = fa::testing::TestClient::default_config();
  c.port = port;
  c.workers = workers;
  return c;
}

fa::Task<std::string> verify_key(fa::Header<"x_key", std::string> key) {
  if (*key != "secret") throw fa::HTTPException{403, "bad key"};
  co_return *key;
}

TEST_SUITE("regression/issue_16/startup") {
  TEST_CASE("a second server on a port the first one holds refuses to start: uvicorn's [Errno 98] line, exit code 1") {
    fa::App first;
    first.get("/", [] { return "first"; });
    Running one(first, local(0, 2));  // two workers: SO_REUSEPORT listeners
    REQUIRE(one.port() != 0);

    fa::App second;
    test_support::LogCapture logs(second);
    second.get("/", [] { return "second"; });
    Running two(second, local(one.port(), 2));
    CHECK(two.port() == 0);  // before: it listened too, and the kernel split the requests between the two apps
    CHECK(two.stop() == 1);
    std::string expected =
        "ERROR:    [Errno 98] error while attempting to bind on 127.0.0.1:" + std::to_string(one.port()) +
        ": Address already in use";
    CHECK(logs.contains(expected));
    CHECK(second.port() == 0);
    CHECK(one.stop() == 0);
  }

  TEST_CASE("a second copy of an example started on the first one's port exits 1; the first serves every request") {
    test_support::Process first(test_support::example("01_hello"), {"--port", "0", "--workers", "2"});
    auto line = first.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    test_support::Process second(test_support::example("01_hello"), {"--port", std::to_string(port), "--workers", "2"});
    CHECK(second.wait(10s) == 1);  // before: it listened on the same port and never exited
    CHECK_FALSE(second.wait_for_line("Listening on", 1s));
    for (int i = 0; i < 8; ++i) CHECK(test_support::http_get(port, "/").find("Hello World") != std::string::npos);
    first.signal(SIGTERM);
    CHECK(first.wait(10s) == 0);
  }

  TEST_CASE("our own workers still share their port through SO_REUSEPORT, and a restart after a stop binds again") {
    fa::App app;
    app.get("/", [] { return "ok"; });
    std::uint16_t port = 0;
    {
      Running r(app, local(0, 3));
      port = r.port();
      REQUIRE(port != 0);
      CHECK(r.stop() == 0);
    }
    Running again(app, local(port, 3));  // the same fixed port, three SO_REUSEPORT workers
    CHECK(again.port() == port);
    CHECK(again.stop() == 0);
  }

  TEST_CASE("a duplicate route does not abort main: run() prints the sentence and returns 1 without listening") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/items/{id}", [](fa::Path<"id", int> id) { return std::to_string(*id); });
    app.get("/items/{id}", [](fa::Path<"id", int> id) { return std::to_string(*id); });  // no throw
    app.get("/users/{id}", [](fa::Path<"user_id", int> id) { return std::to_string(*id); });
    REQUIRE(app.configuration_errors().size() == 2);
    CHECK(app.configuration_errors()[0] == "fastapi: route GET /items/{id} is registered twice");
    CHECK(app.configuration_errors()[1] ==
          "fastapi: route GET /users/{id}: the path has {id} but the handler has no fa::Path<\"id\", T> parameter");
    CHECK_THROWS_WITH_AS(app.check_configuration(), "fastapi: route GET /items/{id} is registered twice",
                         fa::ConfigurationError);
    CHECK(app.run(local(0, 1)) == 1);
    CHECK(logs.contains("ERROR:    fastapi: route GET /items/{id} is registered twice"));
    CHECK(logs.contains("ERROR:    fastapi: route GET /users/{id}: the path has {id} but the handler has no"));
    CHECK_FALSE(logs.contains("Listening"));
    CHECK(app.wait_until_listening() == 0);
  }

  TEST_CASE("every registration mistake is a sentence starting with fastapi:, routers included later too") {
    fa::App app;
    fa::APIRouter bad_prefix{{.prefix = "items/"}};  // no throw either
    bad_prefix.get("/", [] { return "x"; });
    fa::APIRouter ok;
    ok.get("/{item_id}", [] { return "no Path"; });
    app.get("/x{", [] { return "bad template"; });
    app.include_router(bad_prefix);
    app.include_router(ok, {.prefix = "/v1/"});
    app.include_router(ok, {.prefix = "/v2"});
    const auto& errors = app.configuration_errors();
    REQUIRE(errors.size() == 4);
    for (const auto& e : errors) CHECK(e.starts_with("fastapi: "));
    CHECK(errors[0].starts_with("fastapi: route GET /x{: invalid path template"));
    CHECK(errors[1] == "fastapi: a router prefix must start with '/' and must not end with '/' (got 'items/')");
    CHECK(errors[2] == "fastapi: a router prefix must start with '/' and must not end with '/' (got '/v1/')");
    CHECK(errors[3] == "fastapi: route GET /v2/{item_id}: the path has {item_id} but the handler has no "
                       "fa::Path<\"item_id\", T> parameter");
    test_support::LogCapture logs(app);
    CHECK(app.run(local(0, 1)) == 1);
    CHECK(logs.count("ERROR:    fastapi: ") == 4);
    CHECK_THROWS_AS(fa::testing::TestClient{app}, std::runtime_error);  // the test client cannot start it either
  }

  TEST_CASE("a route given as a template argument is checked at compile time and served like any other") {
    fa::App app;
    app.get<"/items/{item_id}">([](fa::Path<"item_id", int> item_id) { return fa::Json{{"item_id", *item_id}}; });
    app.post<"/files/{rest:path}">([](fa::Path<"rest", std::string> rest) { return *rest; }, {.status_code = 201});
    app.put<"/raw/{anything}">(
        [](fa::Request& req) { return std::string(req.path_params.get("anything").value_or("")); });
    fa::APIRouter router{{.prefix = "/r"}};
    router.delete_<"/{id}">([](fa::Path<"id", int> id) { return std::to_string(*id); });
    app.include_router(router);
    CHECK(app.configuration_errors().empty());
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/7").text == R"({"item_id":7})");
    auto r = client.post("/files/a/b.txt");
    CHECK(r.status == 201);
    CHECK(r.text == "a/b.txt");
    CHECK(client.put("/raw/x").text == "x");
    CHECK(client.request("DELETE", "/r/3").text == "3");
  }

  TEST_CASE("a Task handler that falls off its end without co_return answers 500 and the log names the route") {
    fa::App app;
    test_support::LogCapture logs(app);
// clang++ warns here (-Wreturn-type), g++ 12 says nothing: the mistake this test makes on purpose.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wreturn-type"
    app.get("/forgot", [](fa::Query<"n", int> n) -> fa::Task<fa::Json> {
      if (*n > 0) co_return fa::Json{{"n", *n}};
      // falls off here: undefined behaviour
    });
#pragma GCC diagnostic pop
    fa::testing::TestClient client{app};
    CHECK(client.get("/forgot", {.params = {{"n", "1"}}}).text == R"({"n":1})");
    auto r = client.get("/forgot", {.params = {{"n", "0"}}});
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
    CHECK(logs.contains("GET /forgot"));
    CHECK(logs.contains("fastapi: a coroutine returning fa::Task<T> ended without `co_return value;`"));
  }

  TEST_CASE("app.dependencies() guard the app's routes but not /docs, /redoc, /openapi.json and the OAuth2 redirect") {
    fa::App app;
    app.dependencies({fa::dependency<verify_key>()});
    app.get("/items", [] { return "items"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/items").status == 422);
    CHECK(client.get("/items", {.headers = {{"x-key", "wrong"}}}).status == 403);
    CHECK(client.get("/items", {.headers = {{"x-key", "secret"}}}).text == "items");
    for (const char* page : {"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}) {
      CAPTURE(page);
      CHECK(client.get(page).status == 200);
    }
    // The document still lists the app's dependency on its own routes.
    CHECK(client.get("/openapi.json").json()["paths"]["/items"]["get"].dump().find("x-key") != std::string::npos);
  }

  TEST_CASE("a user's own /docs route is the app's: the app's dependencies guard it") {
    fa::App app;
    app.dependencies({fa::dependency<verify_key>()});
    app.get("/docs", [] { return "my docs"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/docs").status == 422);
    CHECK(client.get("/docs", {.headers = {{"x-key", "secret"}}}).text == "my docs");
  }

  TEST_CASE("an idle app on a CPU-busy machine logs no loop-stall warning") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/", [] { return "idle"; });
    fa::Config config = local(0, 1);
    config.stall_warning = 1ms;  // the old ticker called any late tick a stall: on a busy machine, every one
    std::atomic<bool> stop{false};
    std::vector<std::thread> burners;
    unsigned n = std::max(2u, std::thread::hardware_concurrency()) * 2;
    for (unsigned i = 0; i < n; ++i)
      burners.emplace_back([&stop] {
        volatile unsigned long x = 0;
        while (!stop.load(std::memory_order_relaxed)) x = x + 1;
      });
    {
      fa::testing::TestClient client{app, config};
      std::this_thread::sleep_for(1500ms);  // six ticks of an idle loop, not a synchronisation
    }
    stop = true;
    for (auto& t : burners) t.join();
    CHECK_FALSE(logs.contains("held the event loop"));
    CHECK_FALSE(logs.contains("event loop blocked"));
  }

  TEST_CASE("a coroutine handler that blocks 300 ms is named by the loop-stall warning") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/co-block", []() -> fa::Task<std::string> {
      co_await fa::sleep(1ms);
      std::this_thread::sleep_for(300ms);  // the classic mistake: a blocking call inside an async handler
      co_return "done";
    });
    app.get("/fast", [] { return "fast"; });
    fa::Config config = local(0, 1);
    config.stall_warning = 100ms;
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/co-block").text == "done");
    CHECK(client.get("/fast").text == "fast");  // served after the warning was written, on the same loop
    CHECK(logs.count("handler of GET /co-block held the event loop for ") == 1);
    CHECK(logs.contains("use co_await fa::to_thread(...) or a .blocking = true route"));
    CHECK_FALSE(logs.contains("GET /fast held"));
  }

  TEST_CASE("*q of an optional parameter is the std::optional itself: an absent parameter is never dereferenced") {
    using Q = fa::Query<"q", std::optional<std::string>>;
    static_assert(std::is_same_v<decltype(*std::declval<Q&>()), std::optional<std::string>&>);
    static_assert(std::is_same_v<decltype(*std::declval<const fa::Header<"h", std::optional<int>>&>()),
                                 const std::optional<int>&>);
    static_assert(std::is_same_v<decltype(*std::declval<fa::Cookie<"c", std::optional<int>>&>()), std::optional<int>&>);
    static_assert(std::is_same_v<decltype(*std::declval<fa::Form<"f", std::optional<int>>&>()), std::optional<int>&>);
    static_assert(std::is_same_v<decltype(*std::declval<fa::Query<"n", int>&>()), int&>);  // required: the value
    fa::App app;
    app.get("/search", [](Q q, fa::Header<"x_n", std::optional<int>> n) {
      return fa::Json{{"q", *q}, {"or", q->value_or("none")}, {"n", *n}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/search").text == R"({"q":null,"or":"none","n":null})");
    CHECK(client.get("/search", {.params = {{"q", "x"}}, .headers = {{"x-n", "3"}}}).text ==
          R"({"q":"x","or":"x","n":3})");
  }
  TEST_CASE("a middleware added in Starlette's spelling with bad options is recorded too: run() returns 1") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/", [] { return std::string("ok"); });
    app.add_middleware<fa::TrustedHostMiddleware>({.allowed_hosts = {"ex*ample.com"}});      // no throw
    app.add_middleware<fa::CORSMiddleware>({.allow_origin_regex = "https://(a)\\1\\.org"});  // a backreference
    REQUIRE(app.configuration_errors().size() == 2);
    CHECK(app.configuration_errors()[0].starts_with("fastapi: TrustedHostMiddleware: allowed host \"ex*ample.com\""));
    CHECK(app.configuration_errors()[1].starts_with("fastapi: CORSMiddleware: allow_origin_regex"));
    CHECK(app.run(local(0, 1)) == 1);
    CHECK(logs.contains("ERROR:    fastapi: TrustedHostMiddleware"));
    CHECK_FALSE(logs.contains("Listening"));
  }

  TEST_CASE("a middleware added in Starlette's spelling with good options serves like the object form") {
    fa::App app;
    app.get("/", [] { return std::string("ok"); });
    app.add_middleware<fa::TrustedHostMiddleware>({.allowed_hosts = {"testserver"}});
    app.add_middleware<fa::CORSMiddleware>({.allow_origins = {"https://app.example"}});
    REQUIRE(app.configuration_errors().empty());
    fa::testing::TestClient client{app};
    auto ok = client.get("/", {.headers = {{"origin", "https://app.example"}}});
    CHECK(ok.status == 200);
    CHECK(ok.header("access-control-allow-origin") == "https://app.example");
    CHECK(client.get("/", {.headers = {{"host", "evil.example"}}}).status == 400);
  }
  TEST_CASE("a Server header with a control byte stops run() with exit 1 and a sentence; a fixed one serves") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/", [] { return std::string("ok"); });
    fa::Config bad = local(0, 1);
    bad.server_header = "fastapi.hpp\r\nX-Injected: 1";
    CHECK(app.run(bad) == 1);
    CHECK(logs.contains("ERROR:    fastapi: Config::server_header holds a control byte"));
    CHECK_FALSE(logs.contains("Listening"));
    fa::App fixed;  // (an App whose run() failed reports that to wait_until_listening: a new one serves)
    fixed.get("/", [] { return std::string("ok"); });
    fa::Config good = local(0, 1);
    good.server_header = "inventory/1.0";
    Running running(fixed, good);
    REQUIRE(running.port() != 0);
    fa::test_support::RawSocket sock(running.port());
    REQUIRE(sock.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    std::string answer = sock.read_until_close();
    CHECK(answer.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(answer.find("\r\nServer: inventory/1.0\r\n") != std::string::npos);
  }
}

}  // namespace regression_issue_16_startup_file
