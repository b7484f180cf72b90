// tests/tutorial/test_programs.cpp: a tutorial page's program runs as the page says: `./01_first_steps --port 0`
// prints `Listening on http://127.0.0.1:PORT`, serves the page's app, and exits 0 on SIGTERM. Every page's main()
// is the same five lines (tests/docs/check_tutorial_snippets.py checks it), so the first program stands for all:
// the suite builds that one only (CMakeLists.txt), the pages' apps are tested through their build() functions.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "support/exchange.hpp"
#include "support/process.hpp"

TEST_SUITE("tutorial/programs") {
  TEST_CASE("01_first_steps --port 0 prints where it listens, serves Hello World, and exits 0 on SIGTERM") {
    using namespace std::chrono_literals;
    test_support::Process app(test_support::example("tutorial/01_first_steps"), {"--port", "0"});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE_MESSAGE(line, "build/tutorial/01_first_steps did not start (is it built? cmake builds it with the tests)");
    std::string reply = test_support::http_get(test_support::port_of(*line), "/");
    CHECK(reply.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(reply.ends_with("\r\n\r\n{\"message\":\"Hello World\"}"));
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
}
