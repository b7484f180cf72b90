// tests/examples/test_realtime_streams.cpp: examples/20_realtime.cpp's streaming part, driven as a process with
// clients nobody here wrote: curl -N reads GET /events?count=K (Server-Sent Events), curl uploads a few MiB to
// POST /upload with Content-Length and chunked, and the sha256 the example answers is compared with sha256sum's
// and Python hashlib's. (Its WebSocket routes are tested beside the WebSocket code.)
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/exchange.hpp"
#include "support/process.hpp"
#include "support/time_scale.hpp"

namespace test_realtime_streams_file {

using namespace std::chrono_literals;
using fastapi::test_support::scaled;

/// A file of `size` pseudo-random bytes in the temporary directory, removed with the object.
struct TempFile {
  explicit TempFile(std::size_t size) {
    char name[] = "/tmp/fastapi_upload_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream out(path, std::ios::binary);
    std::uint32_t x = 88172645u;
    for (std::size_t i = 0; i < size; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      out.put(static_cast<char>(x));
    }
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

/// The one line a command prints that contains `text` (its whole output up to it), or "".
std::string line_of(const std::string& program, const std::vector<std::string>& args, const std::string& text) {
  test_support::Process p(program, args);
  auto line = p.wait_for_line(text, scaled(20000ms));
  p.wait(scaled(20000ms));
  return line.value_or("");
}

TEST_SUITE("examples") {
  TEST_CASE("20_realtime: curl -N reads K events from /events, and /upload's sha256 matches sha256sum and hashlib") {
    test_support::Process app(test_support::example("20_realtime"), {"--port", "0"});
    auto listening = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(listening);
    const std::string base = "http://127.0.0.1:" + std::to_string(test_support::port_of(*listening));

    SUBCASE("GET /events?count=5 with curl -N: five events, ids and data in order, then the end") {
      test_support::Process curl("/usr/bin/curl", {"-sN", base + "/events?count=5"});
      for (int i = 1; i <= 5; ++i) {
        auto id = curl.wait_for_line("id: ", scaled(5000ms));
        REQUIRE(id);
        CHECK(*id == "id: " + std::to_string(i) + "\r");
        auto data = curl.wait_for_line("data: ", scaled(5000ms));
        REQUIRE(data);
        CHECK(*data == "data: {\"i\": " + std::to_string(i) + "}\r");
      }
      CHECK(curl.wait(scaled(5000ms)) == 0);  // the stream ended after the fifth event
    }

    SUBCASE("POST /upload with Content-Length and chunked: bytes and sha256 as sha256sum and hashlib say") {
      TempFile file(3u << 20);
      std::string expected = line_of("/usr/bin/sha256sum", {file.path}, file.path).substr(0, 64);
      std::string python = line_of("/usr/bin/python3",
                                   {"-c",
                                    "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read())"
                                    ".hexdigest())",
                                    file.path},
                                   "");
      CHECK(python == expected);
      const std::string answer = "{\"bytes\":3145728,\"sha256\":\"" + expected + "\"}";
      CHECK(line_of("/usr/bin/curl", {"-s", "-w", "\\n", "--data-binary", "@" + file.path, base + "/upload"},
                    "bytes") == answer);
      CHECK(line_of("/usr/bin/curl",
                    {"-s", "-w", "\\n", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file.path,
                     base + "/upload"},
                    "bytes") == answer);
    }
    SUBCASE("a 32 MiB upload from a pipe (chunked) grows the server's peak RSS by at most 8 MiB") {
      auto hwm_kib = [&] {
        std::ifstream status("/proc/" + std::to_string(app.pid()) + "/status");
        std::string line;
        while (std::getline(status, line))
          if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
        return 0L;
      };
      CHECK(line_of("/usr/bin/curl", {"-s", "-w", "\\n", base + "/upload", "--data-binary", "x"}, "bytes") != "");
      long before = hwm_kib();
      std::string answer = line_of(
          "/bin/sh", {"-c", "head -c 33554432 /dev/zero | /usr/bin/curl -s -w '\\n' -X POST -T - " + base + "/upload"},
          "bytes");
      CHECK(answer.find("\"bytes\":33554432,") != std::string::npos);
      long growth = hwm_kib() - before;
      CAPTURE(growth);
      CHECK(growth <= 8192);
    }
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}

}  // namespace test_realtime_streams_file
