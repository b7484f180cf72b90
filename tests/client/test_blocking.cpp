// tests/client/test_blocking.cpp: blocking work, end to end over real sockets (issue 7, section 2). What
// tests/core/test_task.cpp and tests/app/test_app.cpp already prove (to_thread on the pool, its 503 at the
// pool's level, the warning naming a plain handler) is not repeated; here: the 503 a client sees when the
// bounded queue overflows (from a .blocking route and from to_thread), the pool size from fa::Config, a
// blocking route leaving the loop free, and the loop-stall warning for a coroutine handler that blocks.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_blocking_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

namespace blocking_test {

using fastapi::test_support::scaled;

/// Waits, bounded (2 s, scaled), until done() is true; returns done().
template <class Done>
bool eventually(Done done) {
  auto deadline = std::chrono::steady_clock::now() + scaled(2000ms);
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
  return done();
}

/// A raw HTTP/1.1 exchange on its own connection: send now, read the whole answer later.
struct Pending {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  Pending(std::uint16_t port, std::string_view target) {
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    fa::testing::detail::set_socket_timeout(socket, 5000ms);
    std::string req = "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    asio::write(socket, asio::buffer(req));
  }
  std::string answer() {
    std::string out;
    char buf[2048];
    asio::error_code ec;
    for (;;) {
      std::size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) return out;
      out.append(buf, n);
    }
  }
};

inline fa::Config small_pool(unsigned threads, std::size_t queue) {
  fa::Config c = fa::testing::TestClient::default_config();
  c.blocking_threads = threads;
  c.blocking_queue = queue;
  return c;
}

}  // namespace blocking_test

TEST_SUITE("client/blocking") {
  using namespace blocking_test;

  TEST_CASE("a full blocking pool answers the overflow of a .blocking route with 503, and serves the rest") {
    fa::App app;
    std::atomic<bool> release{false};
    std::atomic<int> ran{0};
    app.get("/work",
            [&] {
              ++ran;
              for (int i = 0; i < 400 && !release; ++i) std::this_thread::sleep_for(5ms);
              return "worked";
            },
            {.blocking = true});
    fa::testing::TestClient client{app, small_pool(1, 1)};  // one thread, one queued job
    Pending first(client.port(), "/work");
    REQUIRE(eventually([&] { return ran == 1; }));  // running on the only thread
    Pending second(client.port(), "/work");
    std::this_thread::sleep_for(scaled(100ms));  // reaches the queue (nothing to observe: it does not run yet)
    Pending third(client.port(), "/work");
    std::string refused = third.answer();  // answered at once: the queue is full
    CHECK(refused.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
    CHECK(refused.ends_with(R"({"detail":"Service Unavailable"})"));
    release = true;
    CHECK(first.answer().ends_with("worked"));
    CHECK(second.answer().ends_with("worked"));
    CHECK(ran == 2);                              // the refused request never ran
    CHECK(client.get("/work").text == "worked");  // the pool serves again
  }

  TEST_CASE("co_await fa::to_thread in a coroutine handler: 503 when the bounded queue is full, catchable") {
    fa::App app;
    std::atomic<bool> release{false};
    std::atomic<int> holding{0};
    auto wait = [&] {
      ++holding;
      for (int i = 0; i < 400 && !release; ++i) std::this_thread::sleep_for(5ms);
      return 1;
    };
    app.get("/hold", [&]() -> fa::Task<std::string> {
      co_await fa::to_thread(wait);
      co_return "held";
    });
    app.get("/fallback", [&]() -> fa::Task<std::string> {
      try {
        co_await fa::to_thread([] { return 2; });
      } catch (const fa::HTTPException& e) {
        co_return "pool full: " + std::to_string(e.status_code);
      }
      co_return "ran";
    });
    fa::testing::TestClient client{app, small_pool(1, 1)};  // one thread, one queued job
    Pending running(client.port(), "/hold");
    REQUIRE(eventually([&] { return holding == 1; }));  // running on the only thread
    Pending queued(client.port(), "/hold");
    std::this_thread::sleep_for(scaled(100ms));  // reaches the queue (nothing to observe: it does not run yet)
    fa::testing::TestResponse r = client.get("/hold");
    CHECK(r.status == 503);  // uncaught: the app's HTTPException answer
    CHECK(r.text == R"({"detail":"Service Unavailable"})");
    CHECK(client.get("/fallback").text == "pool full: 503");
    release = true;
    CHECK(running.answer().ends_with("held"));
    CHECK(queued.answer().ends_with("held"));
    CHECK(client.get("/fallback").text == "ran");
  }

  TEST_CASE("Config::blocking_threads sizes the pool: that many blocking handlers run at once") {
    fa::App app;
    std::atomic<int> active{0}, peak{0};
    app.get("/job",
            [&] {
              int now = ++active;
              int before = peak.load();
              while (now > before && !peak.compare_exchange_weak(before, now)) {
              }
              eventually([&] { return peak >= 2; });  // both threads busy at once, however slowly the jobs arrive
              std::this_thread::sleep_for(50ms);      // held a little: a third thread, if there were one, would show
              --active;
              return "job";
            },
            {.blocking = true});
    fa::testing::TestClient client{app, small_pool(2, 16)};
    std::vector<std::unique_ptr<Pending>> calls;
    for (int i = 0; i < 5; ++i) calls.push_back(std::make_unique<Pending>(client.port(), "/job"));
    for (auto& c : calls) CHECK(c->answer().ends_with("job"));
    CHECK(peak == 2);  // two threads, never more; the other three waited in the queue (no 503)
  }

  TEST_CASE(
      "a .blocking route leaves the loop free: with one worker, other requests are served meanwhile, no warning") {
    fa::App app;
    test_support::LogCapture logs(app);
    std::atomic<bool> slow_started{false};
    app.get("/slow",
            [&] {
              slow_started = true;
              std::this_thread::sleep_for(scaled(600ms));
              return "slow";
            },
            {.blocking = true});
    app.get("/fast", [] { return "fast"; });
    fa::Config config = fa::testing::TestClient::default_config();
    config.stall_warning = 50ms;
    fa::testing::TestClient client{app, config};
    Pending slow(client.port(), "/slow");
    REQUIRE(eventually([&] { return slow_started.load(); }));
    auto start = std::chrono::steady_clock::now();
    CHECK(client.get("/fast").text == "fast");
    CHECK(std::chrono::steady_clock::now() - start < scaled(400ms));  // not queued behind the 600 ms job
    CHECK(slow.answer().ends_with("slow"));
    CHECK_FALSE(logs.contains("held the event loop"));
    CHECK_FALSE(logs.contains("event loop blocked"));
  }

  TEST_CASE("a coroutine handler that blocks between awaits is named by the loop-stall warning") {
    fa::App app;
    test_support::LogCapture logs(app);
    app.get("/co-block", []() -> fa::Task<std::string> {
      co_await fa::sleep(1ms);
      std::this_thread::sleep_for(450ms);  // the classic mistake: a blocking call inside an async handler
      co_return "done";
    });
    fa::Config config = fa::testing::TestClient::default_config();
    config.stall_warning = 50ms;
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/co-block").text == "done");
    CHECK(client.get("/co-block-done").status == 404);  // served after the warning was logged, on the same loop
    CHECK(logs.contains("handler of GET /co-block held the event loop for"));
    CHECK(logs.contains("use co_await fa::to_thread(...) or a .blocking = true route"));
  }
}

}  // namespace test_blocking_file
