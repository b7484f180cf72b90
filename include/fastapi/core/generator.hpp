// core/generator.hpp: fa::AsyncGenerator<T>, a coroutine that co_yields values and may co_await between them
// (Python's async generator): what an event stream is written as. Frames are recycled per thread, as Task's;
// a generator awaited from a cancellable chain (a streamed response) inherits its Cancellation. Fed by nothing;
// feeds http/event_source.hpp. Knows nothing of HTTP.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "fastapi/core/task.hpp"

namespace fastapi {

/// A lazy asynchronous sequence of T:
///     fa::AsyncGenerator<int> count(int n) {
///       for (int i = 1; i <= n; ++i) {
///         co_await fa::sleep(std::chrono::milliseconds(10));
///         co_yield i;
///       }
///     }
///     ... while (std::optional<int> i = co_await gen.next()) use(*i);
/// The body runs only while a next() is awaited; an exception it throws is rethrown by that next(). Destroying
/// the generator while it is suspended at a co_yield runs the destructors of its locals (its cleanup).
/// Arguments are copied into the frame; a lambda's captures are not (make the lambda take parameters).
/// g++ 12 destroys a temporary in a co_yield expression twice (`co_yield T{...};` crashes; clang is right):
/// yield a named value, `T value{...}; co_yield std::move(value);`, which every compiler gets right.
template <class T>
class [[nodiscard]] AsyncGenerator {
 public:
  struct promise_type : detail::PromiseBase {
    AsyncGenerator get_return_object() noexcept {
      return AsyncGenerator(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    struct YieldAwaiter {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        return detail::transfer_to(h.promise().continuation);  // back to the consumer's next()
      }
      void await_resume() const noexcept {}
    };
    // Not templates, so `co_yield {.data = "x"};` works too.
    YieldAwaiter yield_value(T&& value) {
      current.emplace(std::move(value));
      return {};
    }
    YieldAwaiter yield_value(const T& value) {
      current.emplace(value);
      return {};
    }
    void return_void() const noexcept {}
    std::optional<T> current;
  };

  AsyncGenerator() noexcept = default;
  AsyncGenerator(AsyncGenerator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  AsyncGenerator& operator=(AsyncGenerator&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  AsyncGenerator(const AsyncGenerator&) = delete;
  AsyncGenerator& operator=(const AsyncGenerator&) = delete;
  ~AsyncGenerator() {
    if (handle_) handle_.destroy();
  }

  /// True while the generator may still yield (it has not ended, nor thrown).
  bool valid() const noexcept { return handle_ && !handle_.done(); }

  struct NextAwaiter {
    std::coroutine_handle<promise_type> handle;
    bool await_ready() const noexcept { return !handle || handle.done(); }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> awaiting) noexcept {
      promise_type& p = handle.promise();
      p.continuation = awaiting;
      p.current.reset();
      if (!p.cancellation) p.cancellation = detail::cancellation_of(awaiting);
      return detail::transfer_to(handle);
    }
    /// The next value, or nullopt once the body has ended; its exception, once.
    std::optional<T> await_resume() {
      if (!handle) return std::nullopt;
      promise_type& p = handle.promise();
      if (p.exception) std::rethrow_exception(std::exchange(p.exception, nullptr));
      if (handle.done()) return std::nullopt;
      return std::move(p.current);
    }
  };
  /// Runs the body to its next co_yield (or its end): `std::optional<T> v = co_await gen.next();`
  NextAwaiter next() noexcept { return NextAwaiter{handle_}; }

 private:
  explicit AsyncGenerator(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace fastapi
