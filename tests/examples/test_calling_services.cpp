// tests/examples/test_calling_services.cpp: examples/13_calling_services run as a user would: started with
// --port 0, both routes asked over real sockets (and at once, to see the loop overlap the awaits of /price
// while /price-blocking serializes), stopped with SIGTERM by its pid, exit code checked.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/exchange.hpp"
#include "support/process.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_calling_services_file {

using namespace std::chrono_literals;

namespace calling_test {
using test_support::example;
using test_support::http_get;

/// `count` GETs of `target` at once; how long until the last answered, and how many were 200.
inline std::pair<std::chrono::milliseconds, int> at_once(int port, const std::string& target, int count) {
  std::vector<std::thread> threads;
  std::vector<std::string> replies(static_cast<std::size_t>(count));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i)
    threads.emplace_back([&, i] { replies[static_cast<std::size_t>(i)] = http_get(port, target); });
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const auto& r : replies) ok += r.starts_with("HTTP/1.1 200 OK\r\n") ? 1 : 0;
  return {std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start), ok};
}
}  // namespace calling_test

TEST_SUITE("examples") {
  using namespace calling_test;

  TEST_CASE("13_calling_services: /price awaits the upstream, /price-blocking blocks the loop; both answer") {
    test_support::Process app(example("13_calling_services"), {"--port", "0", "--workers", "1"});
    // Two apps in the process, each prints its Listening line (the upstream's first): this app is the one
    // with /health.
    int port = 0;
    for (int i = 0; i < 2 && port == 0; ++i) {
      auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
      REQUIRE(line);
      int candidate = test_support::port_of(*line);
      if (http_get(candidate, "/health").ends_with("{\"status\":\"ok\"}")) port = candidate;
    }
    REQUIRE(port > 0);

    std::string reply = http_get(port, "/price?sku=B2");
    CHECK(reply.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(reply.ends_with("\r\n\r\n{\"sku\":\"B2\",\"price\":12.5,\"via\":\"async\"}"));
    reply = http_get(port, "/price-blocking?sku=C3");
    CHECK(reply.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(reply.ends_with("\r\n\r\n{\"sku\":\"C3\",\"price\":12.5,\"via\":\"blocking\"}"));
    CHECK(http_get(port, "/health").ends_with("{\"status\":\"ok\"}"));

    // The story in small: ten awaited calls overlap (about 400 ms in all), three blocking ones queue up
    // behind each other on the one worker (at least 3 x 400 ms).
    auto [async_took, async_ok] = at_once(port, "/price", 10);
    CHECK(async_ok == 10);
    CHECK(async_took < fastapi::test_support::scaled(1100ms));  // the lower bound below is the example's own sleeps
    auto [blocking_took, blocking_ok] = at_once(port, "/price-blocking", 3);
    CHECK(blocking_ok == 3);
    CHECK(blocking_took >= 1150ms);

    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}

}  // namespace test_calling_services_file
