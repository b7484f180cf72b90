// tests/core/test_task.cpp: fa::Task, the Asio bridge, fa::sleep, fa::to_thread and frame recycling.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "support/alloc_counter.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_task_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

namespace task_test {

/// Runs `task` on a fresh io_context that acts as a worker loop (with a pool), to completion.
inline void run_on_loop(fa::Task<void> task, fa::ThreadPool* pool = nullptr) {
  asio::io_context io(1);
  fa::detail::LoopScope scope(fa::detail::LoopContext{&io, pool, {}, {}});
  bool done = false;
  auto wrapper = [](fa::Task<void> t, bool& flag) -> fa::Task<void> {
    co_await std::move(t);
    flag = true;
  };
  asio::post(io, [&] { fa::detail::spawn(wrapper(std::move(task), done)); });
  io.run();
  REQUIRE(done);
}

fa::Task<int> answer() { co_return 42; }
fa::Task<int> add_answers() {
  int a = co_await answer();
  int b = co_await answer();
  co_return a + b;
}
fa::Task<void> fail() {
  throw std::runtime_error("boom");
  co_return;
}
fa::Task<int> count_down(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await count_down(n - 1);
}
fa::Task<void> sequential(int n, long& total) {
  for (int i = 0; i < n; ++i) total += co_await answer();
}

}  // namespace task_test

TEST_SUITE("core/task") {
  using namespace task_test;

  TEST_CASE("a task is lazy: its body runs only when awaited") {
    bool ran = false;
    auto make = [&]() -> fa::Task<void> {
      ran = true;
      co_return;
    };
    {
      auto t = make();
      CHECK_FALSE(ran);  // created, never awaited, destroyed: never ran
    }
    CHECK_FALSE(ran);
    run_on_loop(make());
    CHECK(ran);
  }

  TEST_CASE("awaiting a task gives its value, nested tasks compose") {
    int result = 0;
    run_on_loop([](int& out) -> fa::Task<void> { out = co_await add_answers(); }(result));
    CHECK(result == 84);
  }

  TEST_CASE("an exception propagates to the awaiter") {
    std::string message;
    run_on_loop([](std::string& out) -> fa::Task<void> {
      try {
        co_await fail();
      } catch (const std::runtime_error& e) {
        out = e.what();
      }
    }(message));
    CHECK(message == "boom");
  }

  TEST_CASE("100000 awaits that complete at once, in a row or nested, do not overflow the stack (even at -O0)") {
    long total = 0;
    run_on_loop(sequential(100000, total));
    CHECK(total == 42L * 100000);
    int depth = 0;
    run_on_loop([](int& out) -> fa::Task<void> { out = co_await count_down(20000); }(depth));
    CHECK(depth == 20000);
  }

  TEST_CASE("a task awaits an Asio timer and fa::sleep without blocking the loop") {
    asio::io_context io(1);
    fa::detail::LoopScope scope(fa::detail::LoopContext{&io, nullptr, {}, {}});
    std::vector<int> order;
    auto sleeper = [](std::vector<int>& out, int id, std::chrono::milliseconds d) -> fa::Task<void> {
      co_await fa::sleep(d);
      out.push_back(id);
    };
    auto start = std::chrono::steady_clock::now();
    fa::detail::spawn(sleeper(order, 1, 60ms));
    fa::detail::spawn(sleeper(order, 2, 20ms));
    fa::detail::spawn(sleeper(order, 3, 40ms));
    io.run();
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(order == std::vector<int>{2, 3, 1});  // they overlapped: woken in deadline order, not spawn order
    CHECK(took >= 60ms);                        // the longest sleep was honoured
    CHECK(took <
          fastapi::test_support::scaled(1000ms));  // and nothing blocked (FASTAPI_TEST_TIME_SCALE on a busy machine)
  }

  TEST_CASE("async_call resumes with the completion arguments of an Asio operation") {
    asio::io_context io(1);
    asio::steady_timer timer(io, 1h);
    asio::error_code got;
    auto waiter = [](asio::steady_timer& t, asio::error_code& out) -> fa::Task<void> {
      auto [ec] = co_await fa::detail::async_call<asio::error_code>([&](auto h) { t.async_wait(std::move(h)); });
      out = ec;
    };
    fa::detail::spawn(waiter(timer, got));
    asio::post(io, [&] { timer.cancel(); });
    io.run();
    CHECK(got == asio::error::operation_aborted);
  }

  TEST_CASE("to_thread runs on the pool and resumes on the loop thread with the value") {
    fa::ThreadPool pool(2, 16);
    std::thread::id loop_thread = std::this_thread::get_id();
    std::thread::id work_thread, resumed_thread;
    int value = 0;
    run_on_loop(
        [](auto& work, auto& resumed, int& out) -> fa::Task<void> {
          out = co_await fa::to_thread([&] {
            work = std::this_thread::get_id();
            return 7;
          });
          resumed = std::this_thread::get_id();
        }(work_thread, resumed_thread, value),
        &pool);
    CHECK(value == 7);
    CHECK(work_thread != loop_thread);
    CHECK(resumed_thread == loop_thread);
  }

  TEST_CASE("to_thread rethrows the job's exception in the awaiting coroutine") {
    fa::ThreadPool pool(1, 4);
    std::string message;
    run_on_loop(
        [](std::string& out) -> fa::Task<void> {
          try {
            co_await fa::to_thread([]() -> int { throw std::logic_error("from the pool"); });
          } catch (const std::logic_error& e) {
            out = e.what();
          }
        }(message),
        &pool);
    CHECK(message == "from the pool");
  }

  TEST_CASE("to_thread answers 503 when the pool's bounded queue is full") {
    std::atomic<bool> release{false};  // declared first: the pool's threads use it until the pool is gone
    fa::ThreadPool pool(1, 1);
    // Occupy the only thread, then fill the one queue slot.
    REQUIRE(pool.try_submit([&] {
      while (!release) std::this_thread::sleep_for(1ms);
    }));
    std::this_thread::sleep_for(20ms);  // let the thread pick it up
    REQUIRE(pool.try_submit([] {}));
    CHECK_FALSE(pool.try_submit([] {}));  // beyond the bound: refused, not queued
    int status = 0;
    run_on_loop(
        [](int& out) -> fa::Task<void> {
          try {
            co_await fa::to_thread([] { return 1; });
          } catch (const fa::HTTPException& e) {
            out = e.status_code;
          }
        }(status),
        &pool);
    release = true;
    CHECK(status == 503);
  }

  TEST_CASE("outside a loop, to_thread and sleep run in place") {
    int value = 0;
    auto t = [](int& out) -> fa::Task<void> {
      co_await fa::sleep(1ms);
      out = co_await fa::to_thread([] { return 5; });
    }(value);
    fa::detail::spawn(std::move(t));  // no loop on this thread: completes synchronously
    CHECK(value == 5);
  }

  TEST_CASE("coroutine frames are recycled: awaiting tasks in steady state allocates nothing" *
            doctest::skip(!fastapi_test_alloc_counted)) {
    long total = 0;
    run_on_loop(sequential(100, total));  // warm the frame pool of this thread
    long before = fastapi_test_alloc_count();
    long total2 = 0;
    auto t = sequential(1000, total2);
    fa::detail::spawn(std::move(t));
    long after = fastapi_test_alloc_count();
    CHECK(total2 == 42L * 1000);
    CHECK(after - before <= 1);  // the outer frame at most; the 1000 inner frames come from the pool
  }
}

}  // namespace test_task_file
