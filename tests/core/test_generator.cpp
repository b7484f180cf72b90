// tests/core/test_generator.cpp: fa::AsyncGenerator (values in order, co_await between them, its end, its
// exception, cleanup when destroyed at a co_yield) and detail::Cancellation (a cancelled chain's fa::sleep throws
// fa::CancelledError at once, in a generator awaited from it too; an uncancelled chain is untouched).
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <asio.hpp>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/generator.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"

namespace test_generator_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

struct Flag {
  bool* set;
  ~Flag() { *set = true; }
};

fa::AsyncGenerator<std::string> words(int n, bool* cleaned) {
  Flag flag{cleaned};
  for (int i = 0; i < n; ++i) {
    co_await fa::sleep(1ms);
    std::string w = "w" + std::to_string(i);
    co_yield std::move(w);
  }
}

fa::AsyncGenerator<int> failing() {
  co_yield 1;
  throw std::runtime_error("boom");
}

/// Runs `task` on a loop of this thread until it ends (at most 5 s).
void run(fa::Task<void> task) {
  asio::io_context io;
  fa::detail::LoopScope scope(fa::detail::LoopContext{&io, nullptr, {}, {}});
  bool done = false;
  fa::detail::spawn([](fa::Task<void> t, bool& d) -> fa::Task<void> {
    co_await std::move(t);
    d = true;
  }(std::move(task), done));
  io.run_for(5s);
  REQUIRE(done);
}

TEST_SUITE("core/generator") {
  TEST_CASE("an async generator yields its values in order, awaiting between them, then ends") {
    bool cleaned = false;
    std::vector<std::string> got;
    run([](bool* c, std::vector<std::string>& out) -> fa::Task<void> {
      auto gen = words(3, c);
      while (std::optional<std::string> w = co_await gen.next()) out.push_back(*w);
      CHECK_FALSE(gen.valid());
      CHECK_FALSE(co_await gen.next());  // after its end: nullopt again
    }(&cleaned, got));
    CHECK(got == std::vector<std::string>{"w0", "w1", "w2"});
    CHECK(cleaned);
  }

  TEST_CASE("an exception in the generator is rethrown by next(), once") {
    run([]() -> fa::Task<void> {
      auto gen = failing();
      CHECK(*(co_await gen.next()) == 1);
      bool threw = false;
      try {
        co_await gen.next();
      } catch (const std::runtime_error& e) {
        threw = std::string(e.what()) == "boom";
      }
      CHECK(threw);
      CHECK_FALSE(co_await gen.next());
    }());
  }

  TEST_CASE("a generator destroyed at a co_yield runs its cleanup") {
    bool cleaned = false;
    run([](bool* c) -> fa::Task<void> {
      auto gen = words(100, c);
      CHECK(*(co_await gen.next()) == "w0");
    }(&cleaned));
    CHECK(cleaned);
  }

  TEST_CASE("a cancelled chain's sleep throws CancelledError at once, also inside a generator it awaits") {
    fa::detail::Cancellation cancellation;
    bool cleaned = false;
    bool caught = false;
    asio::io_context io;
    fa::detail::LoopScope scope(fa::detail::LoopContext{&io, nullptr, {}, {}});
    fa::Task<void> task = [](bool* c, bool* k) -> fa::Task<void> {
      auto gen = words(100, c);
      try {
        while (co_await gen.next()) {
        }
      } catch (const fa::CancelledError&) {
        *k = true;
      }
    }(&cleaned, &caught);
    task.bind_cancellation(&cancellation);
    bool done = false;
    fa::detail::spawn([](fa::Task<void> t, bool& d) -> fa::Task<void> {
      co_await std::move(t);
      d = true;
    }(std::move(task), done));
    asio::steady_timer later(io, 20ms);
    later.async_wait([&](const asio::error_code&) { cancellation.cancel(); });
    auto start = std::chrono::steady_clock::now();
    io.run_for(5s);
    CHECK(done);
    CHECK(caught);
    CHECK(cleaned);
    CHECK(std::chrono::steady_clock::now() - start < 2s);  // not the 100 sleeps, nor a hang
    CHECK(cancellation.requested());
  }
}

}  // namespace test_generator_file
