// di/yield.hpp: fa::Yield<T>, the coroutine of a yield-style dependency: setup before `co_yield value`, the value injected, teardown after. Fed by user dependencies; driven by di/scope.hpp (setup, then teardown in reverse order). Knows nothing of requests or binding.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "fastapi/core/task.hpp"

namespace fastapi {

template <class T>
class Yield;

namespace detail {

/// What every Yield promise shares: the exception to rethrow at `co_yield` during teardown.
struct YieldPromiseBase : PromiseBase {
  /// Suspends at `co_yield` and hands control back to whoever resumed the frame (setup or teardown).
  struct YieldAwaiter {
    YieldPromiseBase& promise;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<>) noexcept {
      std::coroutine_handle<> next = promise.continuation;
      return next ? transfer_to(next) : std::noop_coroutine();
    }
    /// Resumed for teardown: the handler's (or a later dependency's) exception, if any, is thrown here,
    /// so `try { co_yield db; } catch (...) { db.rollback(); throw; }` rolls back.
    void await_resume() const {
      if (promise.thrown_in) std::rethrow_exception(promise.thrown_in);
    }
  };

  void return_void() const noexcept {}

  std::exception_ptr thrown_in;  ///< set before teardown when the request failed
  int yields = 0;                ///< a Yield must co_yield exactly once
};

template <class T>
struct YieldPromise : YieldPromiseBase {
  Yield<T> get_return_object() noexcept;

  /// `co_yield db;`: the handler sees the dependency's own object (and teardown sees what it did to it).
  YieldAwaiter yield_value(T& v) noexcept { return point_at(v); }
  /// `co_yield Db{...};` or another type: kept in the promise (not relying on the temporary's lifetime
  /// across the suspension, which g++ 12 gets wrong).
  template <class U>
    requires(!std::is_lvalue_reference_v<U> || !std::is_same_v<std::remove_cvref_t<U>, T>)
  YieldAwaiter yield_value(U&& u) {
    own.emplace(std::forward<U>(u));
    return point_at(*own);
  }

  T* value = nullptr;      ///< the yielded object: in the frame, valid until teardown
  std::optional<T> own{};  ///< when the yielded expression was not an lvalue T

 private:
  YieldAwaiter point_at(T& v) noexcept {
    value = &v;
    ++yields;
    return YieldAwaiter{*this};
  }
};

/// fa::Yield<void>, for setup and teardown around nothing handed over (an app's lifespan): `co_yield {};`
template <>
struct YieldPromise<void> : YieldPromiseBase {
  struct Nothing {};
  Yield<void> get_return_object() noexcept;
  YieldAwaiter yield_value(Nothing) noexcept {
    ++yields;
    return YieldAwaiter{*this};
  }
};

/// Resumes a suspended Yield frame and waits until it suspends again (at co_yield) or finishes.
struct ResumeYield {
  std::coroutine_handle<> frame;
  YieldPromiseBase* promise;
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    promise->continuation = awaiting;
    return transfer_to(frame);
  }
  void await_resume() const noexcept {}
};

}  // namespace detail

/// A yield-style dependency (FastAPI's `def get_db(): db = ...; try: yield db; finally: db.close()`):
///
///     fa::Yield<Db> get_db(fa::State<Pool> pool) {
///       Db db = co_await pool->acquire();    // setup: runs before the handler
///       try {
///         co_yield db;                       // the handler runs here; `fa::Depends<get_db> db` is this db
///       } catch (...) {
///         db.rollback();                     // the handler (or a later dependency) threw: rethrown here
///         throw;
///       }
///       db.release();                        // teardown: after the response is sent (fa::scope::request)
///     }
///
/// Teardown runs in reverse order of setup, always (success, error, validation failure, client gone).
/// The client's response is decided before teardown: an exception thrown during teardown is logged with
/// the dependency's name, never sent. A Yield that finishes without co_yield is a 500 (logged).
template <class T>
class [[nodiscard]] Yield {
 public:
  using promise_type = detail::YieldPromise<T>;
  using value_type = T;

  Yield() noexcept = default;
  explicit Yield(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
  Yield(Yield&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Yield& operator=(Yield&& other) noexcept;
  Yield(const Yield&) = delete;
  Yield& operator=(const Yield&) = delete;
  ~Yield() {
    if (handle_) handle_.destroy();
  }

  /// The frame (the framework drives it); release() gives up ownership.
  std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

 private:
  std::coroutine_handle<promise_type> handle_;
};

template <class T>
Yield<T>& Yield<T>::operator=(Yield&& other) noexcept {
  if (this != &other) {
    if (handle_) handle_.destroy();
    handle_ = std::exchange(other.handle_, {});
  }
  return *this;
}

template <class T>
Yield<T> detail::YieldPromise<T>::get_return_object() noexcept {
  return Yield<T>{std::coroutine_handle<YieldPromise>::from_promise(*this)};
}

inline Yield<void> detail::YieldPromise<void>::get_return_object() noexcept {
  return Yield<void>{std::coroutine_handle<YieldPromise>::from_promise(*this)};
}

/// True for fa::Yield<U> (any U).
template <class T>
inline constexpr bool is_yield_v = false;
template <class U>
inline constexpr bool is_yield_v<Yield<U>> = true;

}  // namespace fastapi
