// tests/middleware/test_chain.cpp: app.add_middleware through the TestClient: Starlette's order (the last
// added runs first), answering without next, changing the request before and the response after, the three
// spellings (coroutine, plain callable, class), and the built-in stack around them.
#include <doctest/doctest.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/chain.hpp"
#include "fastapi/testing/test_client.hpp"

namespace test_chain_file {

namespace fa = fastapi;

/// Records the order in which middleware and the handler run.
struct Trace {
  std::mutex mutex;
  std::vector<std::string> events;
  void add(std::string e) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(e));
  }
};

/// A middleware as a class: tags the way in and the way out with its name.
struct Tagger {
  Trace* trace;
  std::string name;
  fa::Task<fa::Response> operator()(fa::Request& req, fa::Next next) const {
    trace->add(name + " in");
    fa::Response res = co_await next(req);
    trace->add(name + " out");
    res.headers.add("x-order", name);
    co_return res;
  }
};

TEST_SUITE("middleware/chain") {
  TEST_CASE("the last middleware added runs first, and sees the response last (Starlette's order)") {
    Trace trace;
    fa::App app;
    app.get("/", [&trace] {
      trace.add("handler");
      return "ok";
    });
    app.add_middleware(Tagger{&trace, "A"});
    app.add_middleware(Tagger{&trace, "B"});
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 200);
    CHECK(r.text == "ok");
    CHECK(trace.events == std::vector<std::string>{"B in", "A in", "handler", "A out", "B out"});
    // A added its header first (inner), B after it.
    std::vector<std::string> order;
    for (const auto& f : r.headers)
      if (f.name == "x-order") order.emplace_back(f.value);
    CHECK(order == std::vector<std::string>{"A", "B"});
  }

  TEST_CASE("a middleware may answer without calling next: the route never runs") {
    int calls = 0;
    fa::App app;
    app.get("/private", [&calls] {
      ++calls;
      return "secret";
    });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      if (req.headers.get("x-key").value_or("") != "let-me-in")
        co_return fa::RawJSONResponse(R"({"detail":"no key"})", 401);
      co_return co_await next(req);
    });
    fa::testing::TestClient client{app};
    auto denied = client.get("/private");
    CHECK(denied.status == 401);
    CHECK(denied.text == R"({"detail":"no key"})");
    CHECK(calls == 0);
    auto allowed = client.get("/private", {.headers = {{"x-key", "let-me-in"}}});
    CHECK(allowed.status == 200);
    CHECK(allowed.text == "secret");
    CHECK(calls == 1);
  }

  TEST_CASE("a middleware changes the request before the route and the response after it") {
    fa::App app;
    app.get("/where", [](fa::Request& req) { return std::string(req.path); });
    app.get("/rewritten", [] { return "rewritten route"; });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      if (req.path == "/old") req.path = "/rewritten";  // routing happens after the middleware
      fa::Response res = co_await next(req);
      res.status = res.status == 200 ? 203 : res.status;
      res.headers.set("x-seen-path", std::string(req.path));
      co_return res;
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/old");
    CHECK(r.status == 203);
    CHECK(r.text == "rewritten route");
    CHECK(r.header("x-seen-path") == "/rewritten");
    auto w = client.get("/where");
    CHECK(w.text == "/where");
  }

  TEST_CASE("a plain callable returning fa::Response is a middleware that answers by itself") {
    fa::App app;
    app.get("/", [] { return "route"; });
    app.add_middleware(
        [](fa::Request& req, fa::Next) { return fa::PlainTextResponse("maintenance: " + std::string(req.path), 503); });
    fa::testing::TestClient client{app};
    auto r = client.get("/anything");
    CHECK(r.status == 503);
    CHECK(r.text == "maintenance: /anything");
  }

  TEST_CASE("middleware sees the router's own answers: 404 and 405 pass through it") {
    fa::App app;
    app.get("/only-get", [] { return "x"; });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      fa::Response res = co_await next(req);
      res.headers.set("x-wrapped", std::to_string(res.status));
      co_return res;
    });
    fa::testing::TestClient client{app};
    auto missing = client.get("/nope");
    CHECK(missing.status == 404);
    CHECK(missing.header("x-wrapped") == "404");
    auto wrong = client.post("/only-get");
    CHECK(wrong.status == 405);
    CHECK(wrong.header("allow") == "GET, HEAD");
    CHECK(wrong.header("x-wrapped") == "405");
  }

  TEST_CASE("next may be awaited twice: the rest of the chain runs again (a retry middleware)") {
    int calls = 0;
    fa::App app;
    app.get("/flaky", [&calls] {
      ++calls;
      if (calls == 1) throw fa::HTTPException(503, "try again");
      return std::string("worked on call ") + std::to_string(calls);
    });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      fa::Response res = co_await next(req);
      if (res.status == 503) res = co_await next(req);
      co_return res;
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/flaky");
    CHECK(r.status == 200);
    CHECK(r.text == "worked on call 2");
  }

  TEST_CASE("a middleware that throws gets the exception handlers, else a logged 500; the server lives on") {
    fa::App app;
    std::mutex mutex;
    std::vector<std::string> lines;
    app.logger().set_sink([&](fa::LogLevel, std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    });
    app.get("/", [] { return "fine"; });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      if (req.query_string == "auth") throw fa::HTTPException(401, "who are you?");
      if (req.query_string == "boom") throw std::runtime_error("middleware exploded");
      co_return co_await next(req);
    });
    fa::testing::TestClient client{app};
    auto unauthorized = client.get("/?auth");
    CHECK(unauthorized.status == 401);
    CHECK(unauthorized.text == R"({"detail":"who are you?"})");
    auto boom = client.get("/?boom");
    CHECK(boom.status == 500);
    CHECK(boom.text == R"({"detail":"Internal Server Error"})");
    CHECK(boom.text.find("exploded") == std::string::npos);
    auto after = client.get("/");
    CHECK(after.status == 200);
    CHECK(after.text == "fine");
    std::lock_guard lock(mutex);
    bool logged = false;
    for (const auto& l : lines) logged = logged || l.find("middleware exploded") != std::string::npos;
    CHECK(logged);
  }

  TEST_CASE("yield-dependency teardown and background tasks still run after the response behind middleware") {
    Trace trace;
    fa::App app;
    app.get("/", [&trace](fa::BackgroundTasks& tasks) {
      tasks.add([&trace] { trace.add("background"); });
      trace.add("handler");
      return "done";
    });
    app.add_middleware(Tagger{&trace, "M"});
    {
      fa::testing::TestClient client{app};
      auto r = client.get("/");
      CHECK(r.status == 200);
    }  // closing the client drains the server: the background task has run
    CHECK(trace.events == std::vector<std::string>{"M in", "handler", "M out", "background"});
  }
}

}  // namespace test_chain_file
