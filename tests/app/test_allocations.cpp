// tests/app/test_allocations.cpp: a keep-alive request on the plaintext route allocates nothing on the
// server's worker thread in steady state (coroutine frames, buffers and Request storage are recycled).
// It is a count, not a timing, so it is a test and not a benchmark.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include <asio.hpp>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/alloc_counter.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_allocations_file {

namespace fa = fastapi;

TEST_SUITE("app/allocations") {
  TEST_CASE("10,000 keep-alive plaintext requests allocate at most 1 per request on the worker (goal 0)") {
    constexpr int warmup = 1000;
    constexpr int measured = 10000;
    std::atomic<long> at_start{-1};
    std::atomic<long> at_end{-1};
    std::atomic<int> served{0};
    fa::App app;
    app.get("/plaintext", [&] {
      int n = ++served;
      // The counter is per thread: read on the worker, it sees exactly the server's allocations.
      if (n == warmup) at_start = fastapi_test_alloc_count();
      if (n == warmup + measured) at_end = fastapi_test_alloc_count();
      return fa::PlainTextResponse("Hello, World!");
    });
    fa::testing::TestClient client{app};

    asio::io_context io;
    asio::ip::tcp::socket sock(io);
    sock.connect({asio::ip::make_address("127.0.0.1"), client.port()});
    sock.set_option(asio::ip::tcp::no_delay(true));
    const std::string request = "GET /plaintext HTTP/1.1\r\nHost: bench\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n";
    std::string buf;
    char chunk[4096];
    for (int i = 0; i < warmup + measured; ++i) {
      asio::write(sock, asio::buffer(request));
      buf.clear();
      while (buf.size() < 13 || buf.compare(buf.size() - 13, 13, "Hello, World!") != 0) {
        std::size_t n = sock.read_some(asio::buffer(chunk));
        buf.append(chunk, n);
      }
      REQUIRE(buf.starts_with("HTTP/1.1 200 OK\r\n"));
    }
    REQUIRE(at_start >= 0);
    REQUIRE(at_end >= 0);
    long per_thousand = (at_end - at_start) * 1000 / measured;
    MESSAGE("worker allocations over ", measured, " requests: ", at_end - at_start);
    CHECK(at_end - at_start <= measured);  // at most 1 per request
    CHECK(per_thousand <= 1000);
  }
}

}  // namespace test_allocations_file
