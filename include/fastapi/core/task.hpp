// core/task.hpp: fa::Task<T>, the one coroutine type of handlers and dependencies. Frames come from a
// per-thread recycling pool, so steady-state requests allocate nothing for their coroutines. Fed by nothing;
// used by every async station. Knows nothing of HTTP, nor of Asio: the bridge to Asio's operations
// (Cancellation, async_call) is core/async_call.hpp, which only the I/O stations include.
#pragma once

#include <array>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>

#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"

namespace fastapi {

namespace detail {

/// Per-thread free lists of coroutine frames, by 64-byte size class. A frame may be freed on another
/// thread than the one that allocated it: it then joins that thread's lists (blocks are plain operator new).
class FramePool {
 public:
  static constexpr std::size_t granularity = 64;
  static constexpr std::size_t classes = 64;       // frames up to 4 KiB are recycled
  static constexpr std::size_t max_cached = 1024;  // per class: bounds what an idle thread keeps

  void* allocate(std::size_t n) {
    std::size_t c = (n + granularity - 1) / granularity;
    if (c < classes && heads_[c]) {
      Node* node = heads_[c];
      heads_[c] = node->next;
      --counts_[c];
      return node;
    }
    return ::operator new(c < classes ? c * granularity : n);
  }
  void deallocate(void* p, std::size_t n) noexcept {
    std::size_t c = (n + granularity - 1) / granularity;
    if (c < classes && counts_[c] < max_cached) {
      heads_[c] = new (p) Node{heads_[c]};
      ++counts_[c];
      return;
    }
    ::operator delete(p);
  }
  ~FramePool() {
    alive() = false;
    for (Node* head : heads_)
      while (head) {
        Node* next = head->next;
        ::operator delete(head);
        head = next;
      }
  }
  /// False once this thread's pool is destroyed (frames freed later go straight to the heap).
  static bool& alive() {
    thread_local bool is_alive = true;
    return is_alive;
  }

 private:
  struct Node {
    Node* next;
  };
  std::array<Node*, classes> heads_{};
  std::array<std::size_t, classes> counts_{};
};

inline FramePool* thread_frame_pool() {
  if (!FramePool::alive()) return nullptr;
  thread_local FramePool pool;
  return &pool;
}

inline void* frame_allocate(std::size_t n) {
  if (FramePool* pool = thread_frame_pool()) return pool->allocate(n);
  return ::operator new(n);
}

inline void frame_deallocate(void* p, std::size_t n) noexcept {
  if (FramePool* pool = thread_frame_pool()) return pool->deallocate(p, n);
  ::operator delete(p);
}

/// Symmetric transfer is a tail call only when the compiler optimizes (g++ -O0 makes it a nested call),
/// so a long run of awaits that complete at once would grow the stack in a debug build. Every transfer
/// counts; after max_transfer_depth in a row the next coroutine is posted to the loop instead, which
/// unwinds the stack. The loop resets the count whenever it resumes a coroutine from its own stack.
inline constexpr unsigned max_transfer_depth = 256;
inline unsigned& transfer_depth() {
  thread_local unsigned depth = 0;
  return depth;
}
/// How this thread's loop takes a coroutine to resume later (set by the loop; empty elsewhere).
struct Resumer {
  void* context = nullptr;
  void (*post)(void* context, std::coroutine_handle<> h) = nullptr;
};
inline Resumer& thread_resumer() {
  thread_local Resumer resumer;
  return resumer;
}
inline std::coroutine_handle<> transfer_to(std::coroutine_handle<> next) {
  unsigned& depth = transfer_depth();
  if (++depth < max_transfer_depth) return next;
  Resumer& r = thread_resumer();
  if (!r.post) return next;  // no loop on this thread: nothing to bounce through
  depth = 0;
  r.post(r.context, next);
  return std::noop_coroutine();
}
/// How long each resume from the loop held the thread, for the loop-stall warning (Config::stall_warning).
/// The loop sets `report` and `threshold`; handlers count themselves in `busy`/`started` (detail::HandlerRunning),
/// so a resume is blamed only when a handler ran in it: an idle loop that the machine was slow to schedule
/// (a busy CPU delays its timers) is not a stall.
struct ResumeWatch {
  std::chrono::steady_clock::duration threshold{};
  void (*report)(std::chrono::steady_clock::duration held) = nullptr;  ///< null: the warning is off
  unsigned busy = 0;     ///< handlers in progress on this loop (started, not yet finished)
  unsigned started = 0;  ///< handlers started on this loop so far
  unsigned reports = 0;  ///< warnings already logged (a plain handler's StallWatch logs its own)
  bool timing = false;   ///< inside a timed resume (a nested one is part of it)
};
inline ResumeWatch& resume_watch() {
  thread_local ResumeWatch watch;
  return watch;
}

/// Counts a handler as running on this thread's loop for its lifetime (a local of the endpoint's coroutine).
class HandlerRunning {
 public:
  HandlerRunning() : watch_(&resume_watch()) {
    ++watch_->busy;
    ++watch_->started;
  }
  ~HandlerRunning() {
    if (watch_ == &resume_watch()) --watch_->busy;  // a frame freed by another thread after its loop ended: no count
  }
  HandlerRunning(const HandlerRunning&) = delete;
  HandlerRunning& operator=(const HandlerRunning&) = delete;

 private:
  ResumeWatch* watch_;
};

/// Resumes `h` from the loop's own stack (a completion handler, a posted job), timing it when the loop asks.
inline void resume_from_loop(std::coroutine_handle<> h) {
  transfer_depth() = 0;
  ResumeWatch& w = resume_watch();
  if (!w.report || w.timing) return h.resume();
  w.timing = true;
  const bool was_busy = w.busy > 0;
  const unsigned started = w.started, reports = w.reports;
  const auto start = std::chrono::steady_clock::now();
  h.resume();
  const auto held = std::chrono::steady_clock::now() - start;
  w.timing = false;
  if (held > w.threshold && (was_busy || w.started != started) && w.reports == reports) {
    ++w.reports;
    w.report(held);
  }
}

/// Cancels what a chain of coroutines is waiting for (core/async_call.hpp); a promise holds a pointer to it.
class Cancellation;

/// What every promise of ours shares: the awaiting coroutine, the exception, the recycled frame, and the
/// Cancellation inherited from the awaiting coroutine (null: not cancellable).
struct PromiseBase {
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      std::coroutine_handle<> next = h.promise().continuation;
      return next ? transfer_to(next) : std::noop_coroutine();  // symmetric transfer
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }
  void rethrow_if_failed() const {
    if (exception) std::rethrow_exception(exception);
  }

  static void* operator new(std::size_t n) { return frame_allocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept { frame_deallocate(p, n); }

  std::coroutine_handle<> continuation;
  std::exception_ptr exception;
  Cancellation* cancellation = nullptr;
};

/// The Cancellation of the coroutine awaiting with handle `h` (null for a promise type not ours).
template <class P>
Cancellation* cancellation_of(std::coroutine_handle<P> h) noexcept {
  if constexpr (std::is_base_of_v<PromiseBase, P>) return h.promise().cancellation;
  else return nullptr;
}

/// `Cancellation* c = co_await detail::current_cancellation();`: the calling coroutine's own.
struct current_cancellation {
  Cancellation* value = nullptr;
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) noexcept {
    value = cancellation_of(h);
    return false;  // never suspends
  }
  Cancellation* await_resume() const noexcept { return value; }
};

template <class T>
struct TaskPromise;

}  // namespace detail

/// A lazy coroutine returning T: it starts when awaited, resumes its awaiter by symmetric transfer when it
/// finishes, and rethrows its exception there. `fa::Task<int> f() { co_return 42; }` ... `int x = co_await f();`
template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  Task() noexcept = default;
  explicit Task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool valid() const noexcept { return static_cast<bool>(handle_); }
  /// Makes the task cancellable by `c` (before it is awaited); otherwise it inherits its awaiter's.
  void bind_cancellation(detail::Cancellation* c) noexcept { handle_.promise().cancellation = c; }

  struct Awaiter {
    std::coroutine_handle<promise_type> handle;
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> awaiting) noexcept {
      auto& promise = handle.promise();
      promise.continuation = awaiting;
      if (!promise.cancellation) promise.cancellation = detail::cancellation_of(awaiting);
      return detail::transfer_to(handle);
    }
    T await_resume() { return handle.promise().result(); }
  };
  Awaiter operator co_await() && noexcept { return Awaiter{handle_}; }
  Awaiter operator co_await() & noexcept { return Awaiter{handle_}; }

 private:
  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

template <class T>
struct TaskPromise : PromiseBase {
  Task<T> get_return_object() noexcept { return Task<T>{std::coroutine_handle<TaskPromise>::from_promise(*this)}; }
  template <class U = T>
    requires std::is_convertible_v<U&&, T>
  void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
  T result() {
    rethrow_if_failed();
    // Flowing off the end of a coroutine whose promise has no return_void is undefined behaviour that no
    // compiler warns about (-Wall -Wextra say nothing); what they do is reach final_suspend with no value.
    // Refuse to make one up: the endpoint answers 500 and the log names the route.
    if (!value) throw std::logic_error(missing_co_return_message);
    return std::move(*value);
  }
  static constexpr const char* missing_co_return_message =
      "fastapi: a coroutine returning fa::Task<T> ended without `co_return value;` (it fell off its end)";
  std::optional<T> value;
};

template <>
struct TaskPromise<void> : PromiseBase {
  Task<void> get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<TaskPromise>::from_promise(*this)};
  }
  void return_void() const noexcept {}
  void result() const { rethrow_if_failed(); }
};

/// A fire-and-forget coroutine: starts at once, frees itself at the end. Only spawn() makes them.
struct DetachedTask {
  struct promise_type {
    DetachedTask get_return_object() const noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // spawn() catches everything first
    static void* operator new(std::size_t n) { return frame_allocate(n); }
    static void operator delete(void* p, std::size_t n) noexcept { frame_deallocate(p, n); }
  };
};

inline DetachedTask run_detached(Task<void> task) {
  try {
    co_await std::move(task);
  } catch (const std::exception& e) {
    log(LogLevel::error, std::string("unhandled exception in a background coroutine: ") + e.what());
  } catch (...) {
    log(LogLevel::error, "unhandled exception in a background coroutine");
  }
}

/// Starts `task` now, on this thread, without waiting for it; exceptions are logged.
inline void spawn(Task<void> task) { run_detached(std::move(task)); }

}  // namespace detail

/// True for fa::Task<U> (any U).
template <class T>
inline constexpr bool is_task_v = false;
template <class U>
inline constexpr bool is_task_v<Task<U>> = true;

}  // namespace fastapi
