// tests/examples/test_examples.cpp: every example is built by CMake and driven here as a user would run
// it: started with --port 0 (or PORT), asked over a real socket, stopped with SIGTERM, exit code checked.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "fastapi/core/version.hpp"
#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_examples_file {

using namespace std::chrono_literals;

namespace examples_test {
using test_support::example;
using test_support::http_get;

}  // namespace examples_test

TEST_SUITE("examples") {
  using namespace examples_test;

  TEST_CASE("01_hello serves {\"message\":\"Hello World\"} on --port 0 and exits 0 on SIGTERM") {
    test_support::Process app(example("01_hello"), {"--port", "0"});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    CHECK(port > 0);
    std::string reply = http_get(port, "/");
    CHECK(reply.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(reply.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(reply.ends_with("\r\n\r\n{\"message\":\"Hello World\"}"));
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }

  TEST_CASE("01_hello takes its port from PORT, and --workers 2") {
    test_support::Process probe(example("01_hello"), {"--port", "0"});
    auto first = probe.wait_for_line("Listening on", 10s);
    REQUIRE(first);
    int port = test_support::port_of(*first);
    probe.signal(SIGTERM);
    REQUIRE(probe.wait(10s) == 0);  // the port is free again: reuse it through PORT

    test_support::Process app(example("01_hello"), {"--workers", "2"}, {"PORT=" + std::to_string(port)});
    auto line = app.wait_for_line("Listening on", 10s);
    REQUIRE(line);
    CHECK(test_support::port_of(*line) == port);
    for (int i = 0; i < 8; ++i) CHECK(http_get(port, "/").find("Hello World") != std::string::npos);
    app.signal(SIGINT);
    CHECK(app.wait(10s) == 0);
  }

  TEST_CASE("out of file descriptors (EMFILE) the server pauses accepting without spinning, then serves again") {
    // prlimit execs the app with at most 40 descriptors: the same pid, a tiny fd budget.
    test_support::Process app("/usr/bin/prlimit",
                              {"--nofile=40", example("01_hello"), "--port", "0", "--workers", "1"});
    auto line = app.wait_for_line("Listening on", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    asio::io_context io;
    std::vector<asio::ip::tcp::socket> held;
    for (int i = 0; i < 60; ++i) {  // more than it can accept: the rest wait in the kernel's backlog
      held.emplace_back(io);
      held.back().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    }
    std::this_thread::sleep_for(300ms);
    auto cpu_ticks = [&] {
      std::ifstream f("/proc/" + std::to_string(app.pid()) + "/stat");
      std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      std::istringstream rest(stat.substr(stat.rfind(')') + 2));
      std::string field;
      long utime = 0, stime = 0;
      for (int i = 3; rest >> field; ++i) {  // fields 14 and 15 of proc(5)
        if (i == 14) utime = std::stol(field);
        if (i == 15) {
          stime = std::stol(field);
          break;
        }
      }
      return utime + stime;
    };
    long before = cpu_ticks();
    std::this_thread::sleep_for(1s);
    CHECK(cpu_ticks() - before < 20);  // under 0.2 s of CPU in 1 s at EMFILE: backing off, not spinning
    held.clear();                      // the clients leave: descriptors come back
    std::string reply;
    for (int i = 0; i < 50 && reply.find("Hello World") == std::string::npos; ++i) {
      std::this_thread::sleep_for(100ms);
      try {
        reply = http_get(port, "/");
      } catch (const std::exception&) {
      }
    }
    CHECK(reply.find("Hello World") != std::string::npos);
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }

  TEST_CASE("01_hello --help lists the flags and --version names the release, each with exit code 0") {
    test_support::Process help(example("01_hello"), {"--help"});
    auto usage = help.wait_for_line("Usage:", 10s);
    REQUIRE(usage);
    CHECK(usage->find("[OPTIONS] [-- APP ARGS...]") != std::string::npos);
    CHECK(help.wait_for_line("--log-level LEVEL", 10s));
    CHECK(help.wait(10s) == 0);
    test_support::Process version(example("01_hello"), {"--version"});
    auto line = version.wait_for_line("fastapi.hpp ", 10s);
    REQUIRE(line);
    CHECK(line->find(FASTAPI_VERSION_STRING) != std::string::npos);
    CHECK(version.wait(10s) == 0);
  }

  TEST_CASE("01_hello refuses a bad argument with exit code 2, and a busy port with exit code 1") {
    test_support::Process bad(example("01_hello"), {"--port", "abc"});
    CHECK(bad.wait(10s) == 2);

    test_support::Process first(example("01_hello"), {"--port", "0", "--workers", "1"});
    auto line = first.wait_for_line("Listening on", 10s);
    REQUIRE(line);
    test_support::Process second(example("01_hello"),
                                 {"--port", std::to_string(test_support::port_of(*line)), "--workers", "1"});
    CHECK(second.wait(10s) == 1);
    first.signal(SIGTERM);
    CHECK(first.wait(10s) == 0);
  }
}

}  // namespace test_examples_file
