// tests/http/test_server.cpp: http/server.hpp over real sockets: max_connections (and no busy loop while at
// the limit), graceful shutdown (in-flight requests finish, idle ones close, new ones are refused, what had
// already arrived is served, hooks run), the grace period cutting off a handler that takes too long, several
// workers on SO_REUSEPORT, and a bind failure in words.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_server_file {

namespace fa = fastapi;

// A named namespace, not an anonymous one: the test target is a unity build.
namespace server_test {

using fastapi::test_support::RawSocket;
using fastapi::test_support::scaled;
using namespace std::chrono_literals;

/// The drain, SIGTERM and max_connections tests run with one worker and with two (run() defaults to one per
/// core): `unsigned workers = 1; SUBCASE("one worker") {} SUBCASE("two workers") { workers = 2; }`.
fa::Config server_config(unsigned workers = 1) {
  fa::Config c = fa::testing::TestClient::default_config();
  c.workers = workers;
  c.header_timeout = 2000ms;
  c.keep_alive_timeout = 5000ms;
  c.graceful_timeout = 3000ms;
  return c;
}

std::string get(std::string_view target) { return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n"; }

/// CPU time (user + system) this process has used.
std::chrono::microseconds cpu_time() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto us = [](const timeval& t) { return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec); };
  return us(u.ru_utime) + us(u.ru_stime);
}

/// Listening TCP sockets on `port`, counted in /proc/net/tcp (state 0A): one per SO_REUSEPORT acceptor.
int listening_sockets(std::uint16_t port) {
  std::ifstream f("/proc/net/tcp");
  std::string line;
  std::getline(f, line);  // header
  int n = 0;
  char want[8];
  std::snprintf(want, sizeof(want), ":%04X", port);
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state;
    in >> slot >> local >> remote >> state;
    if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == want) ++n;
  }
  return n;
}

struct ShutdownProbe {
  std::atomic<bool> hook_ran{false};
  std::atomic<int> slow_started{0};
  std::atomic<int> slow_finished{0};
};

/// Waits (bounded, scaled) until a slow route's handler has started.
void wait_until_started(const ShutdownProbe& probe) {
  auto deadline = std::chrono::steady_clock::now() + scaled(2000ms);
  while (probe.slow_started == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
}

/// stop() asks every worker to close its acceptor; each does so on its own thread, so a busy machine may
/// take a moment. True once `port` refuses connections (polled, bounded and scaled).
bool refuses_connections_soon(std::uint16_t port) {
  auto deadline = std::chrono::steady_clock::now() + scaled(1000ms);
  while (RawSocket::can_connect(port)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

void add_routes(fa::App& app, ShutdownProbe& probe) {
  app.logger().set_level(fa::LogLevel::off);
  app.get("/fast", []() { return std::string("fast"); });
  app.get("/slow", [&probe]() -> fa::Task<std::string> {
    ++probe.slow_started;
    co_await fa::sleep(500ms);
    ++probe.slow_finished;
    co_return std::string("slow done");
  });
  app.get("/forever", [&probe]() -> fa::Task<std::string> {
    ++probe.slow_started;
    co_await fa::sleep(5s);
    ++probe.slow_finished;
    co_return std::string("too late");
  });
  app.on_shutdown([&probe] { probe.hook_ran = true; });
}

TEST_SUITE("http/server") {

  TEST_CASE("with max_connections = 4 a fifth connection waits, without a busy loop, until one closes") {
    unsigned workers = 1;
    SUBCASE("one worker") { workers = 1; }
    SUBCASE("two workers") { workers = 2; }
    CAPTURE(workers);
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    fa::Config c = server_config(workers);
    c.max_connections = 4;
    fa::testing::TestClient client(app, c);

    std::vector<std::unique_ptr<RawSocket>> held;
    for (int i = 0; i < 4; ++i) {
      held.push_back(std::make_unique<RawSocket>(client.port()));
      REQUIRE(held.back()->send(get("/fast")));
      auto r = held.back()->read_response();
      REQUIRE(r);
      CHECK(r->status == 200);
    }
    RawSocket fifth(client.port());  // the kernel completes the handshake; the server does not accept yet
    REQUIRE(fifth.send(get("/fast")));
    auto cpu_before = cpu_time();
    CHECK_FALSE(fifth.has_data_within(1000ms));
    auto cpu_used = cpu_time() - cpu_before;
    CHECK(cpu_used < scaled(100ms));  // waiting at the limit costs (almost) nothing

    held[0].reset();  // one closes: the fifth is accepted and served
    auto start = std::chrono::steady_clock::now();
    auto r = fifth.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "fast");
    CHECK(std::chrono::steady_clock::now() - start < scaled(1000ms));
  }

  TEST_CASE("an idle server burns no CPU") {
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    fa::testing::TestClient client(app, server_config());
    RawSocket idle(client.port());
    REQUIRE(idle.send(get("/fast")));
    REQUIRE(idle.read_response());
    auto cpu_before = cpu_time();
    std::this_thread::sleep_for(1000ms);
    CHECK(cpu_time() - cpu_before < scaled(50ms));
  }

  TEST_CASE("graceful shutdown: the in-flight request finishes with Connection: close, idle ones close, "
            "new ones are refused, hooks run and run() returns") {
    unsigned workers = 1;
    SUBCASE("one worker") { workers = 1; }
    SUBCASE("two workers") { workers = 2; }
    CAPTURE(workers);
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    fa::testing::TestClient client(app, server_config(workers));
    std::uint16_t port = client.port();

    RawSocket idle(port);
    REQUIRE(idle.send(get("/fast")));
    REQUIRE(idle.read_response());
    RawSocket busy(port);
    REQUIRE(busy.send(get("/slow")));
    wait_until_started(probe);
    REQUIRE(probe.slow_started == 1);

    app.stop();
    CHECK(idle.is_closed_by_peer(scaled(500ms)));  // idle keep-alive: closed at once, without a response
    CHECK(idle.buffered().empty());
    CHECK(refuses_connections_soon(port));  // every worker's acceptor is closed

    auto r = busy.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "slow done");
    CHECK(r->header("connection") == "close");
    CHECK(busy.is_closed_by_peer(scaled(500ms)));
    busy.close();

    auto start = std::chrono::steady_clock::now();
    client.close();  // joins the thread running app.run()
    CHECK(std::chrono::steady_clock::now() - start < scaled(1000ms));
    CHECK(probe.hook_ran);
    CHECK(probe.slow_finished == 1);
  }

  TEST_CASE("the drain serves what has already arrived: a POST on an idle keep-alive connection and a connection "
            "waiting in the listen backlog are answered (Connection: close), not reset") {
    // nginx reuses its keep-alive connections to the app: a POST it sent on one just as the drain begins
    // cannot be sent again (nginx never retries a POST), and neither can a request on a connection the kernel
    // had already accepted. The loop is held busy while both arrive, so the drain finds them waiting.
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    app.get("/hold", [&probe] {
      ++probe.slow_started;
      std::this_thread::sleep_for(400ms);  // blocks the one worker's loop on purpose
      return std::string("held");
    });
    app.post("/post", [](fa::Request& req) { return "posted " + std::string(req.body); });
    fa::testing::TestClient client(app, server_config(1));
    std::uint16_t port = client.port();

    RawSocket idle(port);
    REQUIRE(idle.send(get("/fast")));
    REQUIRE(idle.read_response());
    RawSocket busy(port);
    REQUIRE(busy.send(get("/hold")));
    wait_until_started(probe);
    REQUIRE(probe.slow_started == 1);
    // While the loop is held: a POST on the idle connection, a new connection with its request, the drain.
    REQUIRE(idle.send("POST /post HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello"));
    RawSocket fresh(port);  // completed by the kernel: it waits in the backlog
    REQUIRE(fresh.send(get("/fast")));
    app.stop();

    auto held = busy.read_response();
    REQUIRE(held);
    CHECK(held->body == "held");
    auto posted = idle.read_response();
    REQUIRE(posted);
    CHECK(posted->status == 200);
    CHECK(posted->body == "posted hello");
    CHECK(posted->header("connection") == "close");
    CHECK(idle.is_closed_by_peer(scaled(1000ms)));
    auto served = fresh.read_response();
    REQUIRE(served);
    CHECK(served->status == 200);
    CHECK(served->body == "fast");
    CHECK(served->header("connection") == "close");
    CHECK(refuses_connections_soon(port));
    client.close();
  }

  TEST_CASE("SIGTERM drains like stop(): the slow request in flight gets its whole response, new connections "
            "are refused, run() returns 0") {
    unsigned workers = 1;
    SUBCASE("one worker") { workers = 1; }
    SUBCASE("two workers") { workers = 2; }
    CAPTURE(workers);
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    fa::Config c = server_config(workers);
    c.handle_signals = true;  // the server installs its SIGTERM handler before it says where it listens
    std::atomic<int> exit_code{-1};
    std::thread runner([&] { exit_code = app.run(c); });
    std::uint16_t port = app.wait_until_listening();
    REQUIRE(port != 0);

    RawSocket busy(port);
    REQUIRE(busy.send(get("/slow")));
    wait_until_started(probe);
    REQUIRE(probe.slow_started == 1);
    ::kill(::getpid(), SIGTERM);  // to ourselves: the server's signal set catches it

    auto r = busy.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "slow done");
    CHECK(r->header("connection") == "close");
    CHECK(refuses_connections_soon(port));
    runner.join();
    CHECK(exit_code == 0);
    CHECK(probe.hook_ran);
  }

  TEST_CASE("the grace period cuts off a handler that outlives graceful_timeout, and run() returns early") {
    unsigned workers = 1;
    SUBCASE("one worker") { workers = 1; }
    SUBCASE("two workers") { workers = 2; }
    CAPTURE(workers);
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    fa::Config c = server_config(workers);
    c.graceful_timeout = 300ms;
    fa::testing::TestClient client(app, c);

    RawSocket busy(client.port());
    REQUIRE(busy.send(get("/forever")));
    wait_until_started(probe);
    REQUIRE(probe.slow_started == 1);

    auto start = std::chrono::steady_clock::now();
    app.stop();
    client.close();
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 300ms);
    CHECK(took < scaled(1500ms));
    CHECK(probe.hook_ran);
    CHECK(probe.slow_finished == 0);
    CHECK(busy.is_closed_by_peer(scaled(500ms)));
    CHECK(busy.buffered().find("too late") == std::string::npos);
  }

  TEST_CASE("stop() before any request returns run() promptly") {
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    fa::testing::TestClient client(app, server_config());
    auto start = std::chrono::steady_clock::now();
    client.close();
    CHECK(std::chrono::steady_clock::now() - start < scaled(600ms));
    CHECK(probe.hook_ran);
  }

  TEST_CASE("two workers each listen with SO_REUSEPORT and serve many connections") {
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    app.get("/who", [&]() {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
      return std::string("me");
    });
    fa::Config c = server_config();
    c.workers = 2;
    fa::testing::TestClient client(app, c);
    CHECK(listening_sockets(client.port()) == 2);

    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&] {
        for (int i = 0; i < 16; ++i) {
          RawSocket s(client.port());
          for (int k = 0; k < 3; ++k) {
            if (!s.send(get("/who"))) return;
            auto r = s.read_response();
            if (r && r->status == 200 && r->body == "me") ++ok;
          }
        }
      });
    for (auto& t : clients) t.join();
    CHECK(ok == 4 * 16 * 3);
    CHECK(threads.size() == 2);  // both workers took connections
  }

  TEST_CASE("without SO_REUSEPORT one acceptor hands connections to both workers in turn") {
    ShutdownProbe probe;
    fa::App app;
    add_routes(app, probe);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    app.get("/who", [&]() {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
      return std::string("me");
    });
    fa::Config c = server_config();
    c.workers = 2;
    c.reuse_port = false;  // the fallback used where SO_REUSEPORT is missing
    fa::testing::TestClient client(app, c);
    CHECK(listening_sockets(client.port()) == 1);
    int ok = 0;
    for (int i = 0; i < 8; ++i) {
      RawSocket s(client.port());
      REQUIRE(s.send(get("/who")));
      auto r = s.read_response();
      if (r && r->status == 200 && r->body == "me") ++ok;
    }
    CHECK(ok == 8);
    CHECK(threads.size() == 2);  // round robin: both workers served
  }

  TEST_CASE("a port already in use makes the app fail to start, with the address in words") {
    ShutdownProbe probe;
    fa::App first;
    add_routes(first, probe);
    fa::testing::TestClient running(first, server_config());

    fa::App second;
    std::string logged;
    second.logger().set_sink([&](fa::LogLevel, std::string_view line) { logged += std::string(line) + "\n"; });
    fa::Config c = server_config();
    c.port = running.port();
    CHECK_THROWS_AS(fa::testing::TestClient(second, c), std::runtime_error);
    CHECK(logged.find("127.0.0.1:" + std::to_string(running.port())) != std::string::npos);
  }

}  // TEST_SUITE

}  // namespace server_test

}  // namespace test_server_file
