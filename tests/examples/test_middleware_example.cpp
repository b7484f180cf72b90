// tests/examples/test_middleware_example.cpp: examples/10_middleware.cpp run as a user runs it: started with
// --port 0 (stderr joined to stdout, so its access log can be read), asked over a real socket for
// X-Process-Time, gzip and the access-log lines, stopped with SIGTERM by its pid.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <string_view>

#ifdef FASTAPI_ENABLE_GZIP
#include <zlib.h>
#endif

#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_middleware_example_file {

using namespace std::chrono_literals;

namespace middleware_example_test {
using test_support::body_of;
using test_support::example;
/// GET `target` with extra header lines; the raw response.
inline std::string exchange(int port, const std::string& target, const std::string& headers = "") {
  return test_support::http_get(port, target, headers);
}

/// A header's value (name case-insensitive), or "" when absent.
inline std::string header_of(const std::string& reply, std::string_view name) {
  std::string_view head(reply.data(), reply.find("\r\n\r\n"));
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    std::size_t start = pos + 2;
    std::size_t end = head.find("\r\n", start);
    std::string_view line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    auto colon = line.find(':');
    if (colon == name.size()) {
      bool same = true;
      for (std::size_t i = 0; i < name.size() && same; ++i) same = (line[i] | 0x20) == (name[i] | 0x20);
      if (same) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        return std::string(value);
      }
    }
    pos = end;
  }
  return {};
}

/// X-Process-Time parses as seconds: a number from 0 up to a few seconds.
inline bool plausible_process_time(const std::string& value) {
  if (value.empty()) return false;
  std::size_t used = 0;
  double seconds = std::stod(value, &used);
  return used == value.size() && seconds >= 0.0 && seconds < 5.0;
}

#ifdef FASTAPI_ENABLE_GZIP
inline std::string gunzip(const std::string& in) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return "<inflateInit2 failed>";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "<corrupt gzip>";
}
#endif

}  // namespace middleware_example_test

TEST_SUITE("examples") {
  using namespace middleware_example_test;

  TEST_CASE("10_middleware: X-Process-Time on every answer, gzip for the large report, one access-log line each") {
    // sh execs the example (same pid) with its stderr, where the access log goes, on the stdout pipe.
    test_support::Process app("/bin/sh", {"-c", "exec \"$0\" --port 0 --workers 1 2>&1", example("10_middleware")});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);

    std::string item = exchange(port, "/items/1", "Accept-Encoding: gzip\r\n");
    REQUIRE(item.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(body_of(item) == R"({"item_id":1,"name":"Item 1"})");
    CHECK(header_of(item, "content-encoding").empty());  // 29 bytes: below minimum_size
    CHECK(plausible_process_time(header_of(item, "x-process-time")));
    auto logged = app.wait_for_line("\"GET /items/1 HTTP/1.1\"", 10s);
    REQUIRE(logged);
    CHECK(logged->starts_with("INFO:     127.0.0.1:"));
    CHECK(logged->find("\"GET /items/1 HTTP/1.1\" 200 29 ") != std::string::npos);

    std::string plain = exchange(port, "/report");
    REQUIRE(plain.starts_with("HTTP/1.1 200 OK\r\n"));
    std::string report = body_of(plain);
    CHECK(report.size() >= 20000);
    CHECK(report.starts_with("day 1: 42 orders"));
    CHECK(header_of(plain, "content-encoding").empty());
    CHECK(plausible_process_time(header_of(plain, "x-process-time")));
    logged = app.wait_for_line("\"GET /report HTTP/1.1\"", 10s);
    REQUIRE(logged);
    CHECK(logged->find("\" 200 " + std::to_string(report.size()) + " ") != std::string::npos);

    std::string packed = exchange(port, "/report", "Accept-Encoding: gzip, deflate\r\n");
    REQUIRE(packed.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(plausible_process_time(header_of(packed, "x-process-time")));  // timing wraps gzip: still there
#ifdef FASTAPI_ENABLE_GZIP
    CHECK(header_of(packed, "content-encoding") == "gzip");
    CHECK(header_of(packed, "vary") == "Accept-Encoding");
    std::string wire = body_of(packed);
    CHECK(header_of(packed, "content-length") == std::to_string(wire.size()));
    CHECK(wire.size() < report.size() / 4);
    CHECK(gunzip(wire) == report);
    logged = app.wait_for_line("\"GET /report HTTP/1.1\"", 10s);
    REQUIRE(logged);
    CHECK(logged->find("\" 200 " + std::to_string(wire.size()) + " ") != std::string::npos);  // wire bytes
#else
    CHECK(header_of(packed, "content-encoding").empty());
    CHECK(body_of(packed) == report);
#endif

    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}

}  // namespace test_middleware_example_file
