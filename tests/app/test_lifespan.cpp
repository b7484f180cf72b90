// tests/app/test_lifespan.cpp: app.lifespan (setup before the first accept, teardown after the drain, in
// order and in reverse), app.state<T> / fa::State<T> shared by every worker, App::ready(), startup failures
// (exit code 1, the reason logged, nothing listening), and background tasks finished before shutdown.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/di/state.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"

namespace test_lifespan_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

struct Events {
  std::mutex mutex;
  std::vector<std::string> list;
  void add(std::string e) {
    std::lock_guard lock(mutex);
    list.push_back(std::move(e));
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mutex);
    return list;
  }
};

/// A stand-in for a connection pool: opened in the lifespan, shared by every request.
struct Pool {
  explicit Pool(std::string u) : url(std::move(u)) {}
  std::string url;
  std::atomic<int> used{0};
  bool open = true;
};
struct Settings {
  std::string greeting = "hello";
};

std::string pool_url(fa::State<Pool> pool) { return pool->url; }

fa::Config quiet_config() {
  fa::Config c = fa::testing::TestClient::default_config();
  return c;
}

TEST_SUITE("app/lifespan") {
  TEST_CASE("startup before the first request and shutdown after the drain, lifespans nested in reverse order") {
    Events events;
    fa::App app;
    app.on_startup([&] { events.add("on_startup"); });
    app.on_shutdown([&] { events.add("on_shutdown"); });
    app.lifespan([&events](fa::App& a) -> fa::Yield<void> {
      events.add("outer startup");
      Pool& pool = a.state<Pool>("db://test");
      co_await fa::sleep(1ms);  // a lifespan may await
      co_yield {};
      pool.open = false;
      events.add("outer shutdown");
    });
    app.lifespan([&events]() -> fa::Yield<void> {
      events.add("inner startup");
      co_yield {};
      co_await fa::sleep(1ms);
      events.add("inner shutdown");
    });
    app.get("/url", [&events](fa::State<Pool> pool) {
      events.add("request");
      pool->used++;
      return pool->url;
    });
    {
      fa::testing::TestClient client{app};
      auto r = client.get("/url");
      CHECK(r.status == 200);
      CHECK(r.text == "db://test");
    }
    CHECK(events.get() == std::vector<std::string>{"on_startup", "outer startup", "inner startup", "request",
                                                   "inner shutdown", "outer shutdown", "on_shutdown"});
    CHECK_FALSE(app.get_state<Pool>().open);  // the state outlives the run, as FastAPI's app.state
    CHECK(app.get_state<Pool>().used == 1);
  }

  TEST_CASE("fa::State<T> reaches dependencies too, and app.state<T>(...) replaces the object") {
    fa::App app;
    app.state<Pool>("first");
    app.state<Pool>("second");
    app.state<Settings>();
    app.get("/",
            [](fa::Depends<pool_url> url, fa::State<Settings> settings) { return settings->greeting + " " + *url; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/").text == "hello second");
  }

  TEST_CASE("one State object is shared by every worker thread") {
    fa::App app;
    app.state<Pool>("shared");
    std::mutex mutex;
    std::vector<std::thread::id> threads;
    app.get("/", [&](fa::State<Pool> pool) {
      {
        std::lock_guard lock(mutex);
        threads.push_back(std::this_thread::get_id());
      }
      return std::to_string(++pool->used);
    });
    fa::Config config = quiet_config();
    config.workers = 2;
    {
      fa::testing::TestClient client{app, config};
      std::vector<std::thread> clients;
      for (int t = 0; t < 4; ++t)
        clients.emplace_back([&client] {
          fa::testing::TestClient* c = &client;
          // Each thread its own connection: TestClient keeps one per call site, so use raw requests.
          for (int i = 0; i < 25; ++i) {
            asio::io_context io;
            asio::ip::tcp::socket s(io);
            s.connect({asio::ip::make_address("127.0.0.1"), c->port()});
            std::string req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            asio::write(s, asio::buffer(req));
            asio::error_code ec;
            std::string out;
            asio::read(s, asio::dynamic_buffer(out), ec);
          }
        });
      for (auto& t : clients) t.join();
    }
    CHECK(app.get_state<Pool>().used == 100);
  }

  TEST_CASE("a State nobody set is a logged 500 naming the type; get_state says the same") {
    fa::App app;
    test_support::LogCapture lines(app);
    app.get("/", [](fa::State<Settings> s) { return s->greeting; });
    fa::testing::TestClient client{app};
    auto r = client.get("/");
    CHECK(r.status == 500);
    CHECK(lines.contains("fa::State<"));
    CHECK(lines.contains("Settings> was asked for but the app holds none: call app.state<T>(...) at startup"));
    CHECK_THROWS_AS(app.get_state<Settings>(), fa::ConfigurationError);
  }

  TEST_CASE("a startup failure exits 1 with the reason before listening; entered lifespans are unwound") {
    Events events;
    fa::App app;
    test_support::LogCapture lines(app);
    app.lifespan([&events]() -> fa::Yield<void> {
      events.add("first startup");
      co_yield {};
      events.add("first shutdown");
    });
    app.lifespan([&events]() -> fa::Yield<void> {
      events.add("second startup");
      throw std::runtime_error("database unreachable");
      co_yield {};
    });
    app.get("/", [] { return "never"; });
    fa::Config config = quiet_config();
    std::atomic<int> code{-1};
    std::thread runner([&] { code = app.run(config); });
    CHECK(app.wait_until_listening() == 0);
    runner.join();
    CHECK(code == 1);
    CHECK(lines.contains("startup failed: database unreachable"));
    CHECK(events.get() == std::vector<std::string>{"first startup", "second startup", "first shutdown"});
    CHECK_FALSE(app.ready());
  }

  TEST_CASE("a lifespan that never reaches co_yield is a startup failure that says so") {
    fa::App app;
    test_support::LogCapture lines(app);
    app.lifespan([]() -> fa::Yield<void> { co_return; });
    CHECK(app.run(quiet_config()) == 1);
    CHECK(lines.contains("a lifespan ended without `co_yield {};`"));
  }

  TEST_CASE("a failing lifespan shutdown is logged and makes run() return 1") {
    fa::App app;
    test_support::LogCapture lines(app);
    app.lifespan([]() -> fa::Yield<void> {
      co_yield {};
      throw std::runtime_error("could not flush");
    });
    std::atomic<int> code{-1};
    std::thread runner([&] { code = app.run(quiet_config()); });
    REQUIRE(app.wait_until_listening() != 0);
    app.stop();
    runner.join();
    CHECK(code == 1);
    CHECK(lines.contains("lifespan shutdown failed: could not flush"));
  }

  TEST_CASE("ready() is false before startup is done, true while serving, false once the drain starts") {
    fa::App app;
    std::atomic<bool> release{false};
    std::atomic<bool> in_startup{false};
    app.lifespan([&]() -> fa::Yield<void> {
      in_startup = true;
      while (!release) std::this_thread::sleep_for(1ms);
      co_yield {};
    });
    app.get("/ready", [&app] { return app.ready() ? "yes" : "no"; });
    std::thread runner([&] { app.run(quiet_config()); });
    while (!in_startup) std::this_thread::sleep_for(1ms);
    CHECK_FALSE(app.ready());
    release = true;
    REQUIRE(app.wait_until_listening() != 0);
    CHECK(app.ready());
    app.stop();
    CHECK_FALSE(app.ready());
    runner.join();
    CHECK_FALSE(app.ready());
  }

  TEST_CASE("shutdown waits for queued background tasks (within the grace period)") {
    std::atomic<int> finished{0};
    fa::App app;
    app.post("/send", [&finished](fa::BackgroundTasks& tasks) {
      tasks.add([&finished]() -> fa::Task<void> {
        co_await fa::sleep(200ms);
        ++finished;
      });
      return "queued";
    });
    {
      fa::testing::TestClient client{app};
      auto r = client.post("/send");
      CHECK(r.text == "queued");
      CHECK(finished == 0);  // the response came first
    }                        // close(): stop and wait for run() to return
    CHECK(finished == 1);
  }
}

}  // namespace test_lifespan_file
