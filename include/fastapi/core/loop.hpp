// core/loop.hpp: what a coroutine knows of the event loop it runs on: fa::sleep, fa::to_thread and the
// bounded pool for blocking work. Fed by the server (which sets the loop of each worker thread); used by
// handlers and dependencies. Knows nothing of HTTP.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/async_call.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/task.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace asio {
class io_context;  // a loop is named by pointer only: fa::sleep and the hand-offs below are compiled where Asio is
}  // namespace asio

namespace fastapi {

/// A fixed set of threads for blocking work, with a bounded queue: submit() refuses when it is full,
/// so overload becomes a 503 instead of an ever-growing queue.
class ThreadPool {
 public:
  ThreadPool(unsigned threads, std::size_t queue_limit);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Queues `job`; false when the queue already holds queue_limit jobs beyond the busy threads.
  bool try_submit(std::function<void()> job);
  /// Jobs waiting (not yet running).
  std::size_t queued() const;
  unsigned size() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::size_t queue_limit_;
  unsigned idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

namespace detail {

/// The loop this thread runs (set by the server's workers; null on other threads).
struct LoopContext {
  asio::io_context* io = nullptr;
  ThreadPool* pool = nullptr;
  std::string_view route;                      ///< the route whose handler ran last (stall warnings)
  std::chrono::milliseconds stall_warning{0};  ///< Config::stall_warning of this loop's server
};
inline LoopContext& this_loop() {
  thread_local LoopContext context;
  return context;
}

/// The loop-stall warning for a resume that held the loop while a handler ran in it (detail::ResumeWatch).
inline void report_stall(std::chrono::steady_clock::duration held) {
  std::string_view route = this_loop().route;
  log(LogLevel::warning, "handler of " + (route.empty() ? std::string("a route") : std::string(route)) +
                             " held the event loop for " +
                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(held).count()) +
                             " ms: use co_await fa::to_thread(...) or a .blocking = true route for blocking work");
}

/// Resumes `h` on the loop `io` (an asio::io_context*) from any thread: every loop's Resumer, and the way back
/// from the pool (fa::to_thread). One non-template function, so Asio's post is instantiated where it is defined
/// (once per program with FASTAPI_SEPARATE_COMPILATION), not in every translation unit and route.
FASTAPI_DETAIL_INLINE void post_resume(void* io, std::coroutine_handle<> h);
/// fa::to_thread's hand-off, the same for every job: runs `run(job)` on the loop's pool, then resumes `h` on the
/// loop (a work guard keeps the loop running meanwhile). False when the pool refused the job (its queue is full).
FASTAPI_DETAIL_INLINE bool run_on_pool_then_resume(const LoopContext& loop, void (*run)(void* job), void* job,
                                                   std::coroutine_handle<> h);

/// Makes `io` this thread's loop for the scope: fa::sleep/to_thread find it, long synchronous chains
/// of coroutine transfers bounce through it (see detail::transfer_to), and with a stall_warning every
/// resume of a handler is timed (see detail::ResumeWatch).
class LoopScope {
 public:
  explicit LoopScope(LoopContext context)
      : saved_(this_loop()), saved_resumer_(thread_resumer()), saved_watch_(resume_watch()) {
    this_loop() = context;
    thread_resumer() = Resumer{context.io, &post_resume};
    resume_watch() = ResumeWatch{};
    if (context.stall_warning.count() > 0) {
      resume_watch().threshold = context.stall_warning;
      resume_watch().report = &report_stall;
    }
  }
  ~LoopScope() {
    this_loop() = saved_;
    thread_resumer() = saved_resumer_;
    resume_watch() = saved_watch_;
  }
  LoopScope(const LoopScope&) = delete;
  LoopScope& operator=(const LoopScope&) = delete;

 private:
  LoopContext saved_;
  Resumer saved_resumer_;
  ResumeWatch saved_watch_;
};

/// Times a stretch of code that runs on the loop (a plain handler) and logs one warning naming `what`
/// when it held the loop longer than Config::stall_warning. Costs nothing when the warning is off.
class StallWatch {
 public:
  explicit StallWatch(std::string_view what) : what_(what) {
    if (this_loop().stall_warning.count() > 0) start_ = std::chrono::steady_clock::now();
  }
  ~StallWatch() {
    LoopContext& loop = this_loop();
    if (loop.stall_warning.count() <= 0 || start_ == std::chrono::steady_clock::time_point{}) return;
    auto held = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
    if (held <= loop.stall_warning) return;
    ++resume_watch().reports;  // the resume around this handler does not log it again
    log(LogLevel::warning, "handler of " + std::string(what_) + " held the event loop for " +
                               std::to_string(held.count()) +
                               " ms: mark the route .blocking = true or use co_await fa::to_thread(...)");
  }
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;

 private:
  std::string_view what_;
  std::chrono::steady_clock::time_point start_{};
};

}  // namespace detail

/// Suspends the calling coroutine for `duration` without blocking the loop.
/// `co_await fa::sleep(std::chrono::milliseconds(400));` Must run on a worker (a handler, a dependency).
/// Inside a streamed response that is cancelled (its client went away; an event stream at shutdown) it
/// throws fa::CancelledError at once.
FASTAPI_DETAIL_INLINE Task<void> sleep(std::chrono::steady_clock::duration duration);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<void> sleep(std::chrono::steady_clock::duration duration) {
  asio::io_context* io = detail::this_loop().io;
  if (!io) {
    std::this_thread::sleep_for(duration);  // not on a loop: nothing else to serve
    co_return;
  }
  asio::steady_timer timer(*io, duration);
  auto [ec] =
      co_await detail::async_call<asio::error_code>([&](auto handler) { timer.async_wait(std::move(handler)); });
  if (ec == asio::error::operation_aborted) throw CancelledError();  // the stream it runs in was cancelled
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {

/// The awaitable behind fa::to_thread: runs `fn` on the pool, then resumes the awaiting coroutine on
/// its own loop. A class, not a coroutine, so a user's lambda never becomes a field of a coroutine frame
/// (g++ 12 warns -Wsubobject-linkage on those).
template <class F>
class ToThread {
 public:
  using Result = std::invoke_result_t<F&>;

  explicit ToThread(F fn) : fn_(std::move(fn)), loop_(this_loop()) {}

  bool await_ready() {
    if (loop_.io && loop_.pool) return false;
    run();  // not on a loop: nothing else to serve, run in place
    ran_ = true;
    return true;
  }
  bool await_suspend(std::coroutine_handle<> h) {
    ran_ = run_on_pool_then_resume(
        loop_, [](void* self) { static_cast<ToThread*>(self)->run(); }, this, h);
    return ran_;  // false: resume now; the pool refused the job
  }
  Result await_resume() {
    if (!ran_) throw HTTPException(503, "Service Unavailable");
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<Result>) return std::move(*result_);
  }

 private:
  void run() {
    try {
      if constexpr (std::is_void_v<Result>) {
        fn_();
      } else {
        result_.emplace(fn_());
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }

  F fn_;
  LoopContext loop_;
  bool ran_ = false;
  std::exception_ptr error_;
  std::optional<std::conditional_t<std::is_void_v<Result>, char, Result>> result_;
};

}  // namespace detail

/// Runs blocking `fn` on the app's thread pool and resumes on the caller's loop with its result
/// (or its exception). `auto rows = co_await fa::to_thread([&] { return db.query(sql); });`
/// When the pool's queue is full: HTTPException 503 "Service Unavailable" (the handler may catch it).
/// Outside a worker thread, `fn` simply runs in place.
template <class F>
detail::ToThread<std::decay_t<F>> to_thread(F&& fn) {
  return detail::ToThread<std::decay_t<F>>(std::forward<F>(fn));
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void detail::post_resume(void* io, std::coroutine_handle<> h) {
  asio::post(*static_cast<asio::io_context*>(io), [h] { resume_from_loop(h); });
}

FASTAPI_DETAIL_INLINE bool detail::run_on_pool_then_resume(const LoopContext& loop, void (*run)(void* job), void* job,
                                                           std::coroutine_handle<> h) {
  return loop.pool->try_submit([run, job, h, io = loop.io, work = asio::make_work_guard(*loop.io)] {
    run(job);
    post_resume(io, h);
  });
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

inline ThreadPool::ThreadPool(unsigned threads, std::size_t queue_limit) : queue_limit_(queue_limit) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

inline ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

inline bool ThreadPool::try_submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    // After this job, at most queue_limit_ jobs may wait beyond the idle threads.
    if (jobs_.size() + 1 > idle_ + queue_limit_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

inline std::size_t ThreadPool::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

inline void ThreadPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ++idle_;
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace fastapi
