// core/async_call.hpp: the bridge that lets a fa::Task co_await Asio's operations: detail::Cancellation (Asio's
// cancellation signal, bound to a chain of coroutines) and detail::async_call (any callback-style operation,
// awaited). Only the I/O stations include it (the loop's timers, the server, the connection, the client), so
// a file built with FASTAPI_SEPARATE_COMPILATION, which sees none of them, parses no Asio header.
#pragma once

#include <coroutine>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "fastapi/core/config.hpp"  // first: it tells Asio (under clang) that coroutines exist
#include "fastapi/core/task.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio/associated_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/cancellation_type.hpp>

namespace fastapi::detail {

/// Cancels what a chain of coroutines is waiting for (a timer, a socket wait). Bound to a Task before it is
/// awaited (Task::bind_cancellation), it is inherited by every Task and generator that Task awaits, and by the
/// Asio operations they await through async_call (each bound to its slot). cancel() aborts the operation
/// pending now and every later one at once: they complete with operation_aborted, and fa::sleep throws
/// fa::CancelledError, so the chain unwinds (its cleanup runs). The connection cancels a streamed response
/// this way when its client goes (http/connection.hpp). Touched by one loop thread only.
class Cancellation {
 public:
  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;
  void cancel() {
    requested_ = true;
    signal_.emit(asio::cancellation_type::terminal);
  }
  bool requested() const { return requested_; }
  /// Ready for the next chain: not requested, no handler installed.
  void reset() {
    requested_ = false;
    signal_.slot().clear();
  }
  asio::cancellation_slot slot() { return signal_.slot(); }

 private:
  asio::cancellation_signal signal_;
  bool requested_ = false;
};

/// Awaits any callback-style asynchronous operation: `init(handler)` starts it, and the operation later
/// calls `handler(args...)` (from its executor), which resumes the coroutine with the args as a tuple.
/// `auto [ec, n] = co_await detail::async_call<asio::error_code, std::size_t>(
///     [&](auto h) { socket.async_read_some(buf, std::move(h)); });`
template <class Init, class... Args>
class CompletionAwaiter {
 public:
  explicit CompletionAwaiter(Init init) : init_(std::move(init)) {}

  struct Handler {
    CompletionAwaiter* self;
    std::coroutine_handle<> coroutine;
    /// Asio asks every handler for its cancellation slot: the awaiting chain's, when it is cancellable.
    using cancellation_slot_type = asio::cancellation_slot;
    cancellation_slot_type get_cancellation_slot() const noexcept {
      return self->cancellation_ ? self->cancellation_->slot() : asio::cancellation_slot();
    }
    void operator()(Args... args) {
      // The operation is over: its cancellation handler (which points at the operation) must not outlive it.
      if (self->cancellation_) self->cancellation_->slot().clear();
      self->result_.emplace(std::move(args)...);
      resume_from_loop(coroutine);
    }
  };

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    cancellation_ = cancellation_of(h);
    Cancellation* c = cancellation_;  // `this` may be resumed (and gone) once init_ has started the operation
    bool cancelled = c && c->requested();
    init_(Handler{this, h});
    if (cancelled) c->cancel();  // cancelled before: abort this operation at once too
  }
  std::tuple<Args...> await_resume() { return std::move(*result_); }

 private:
  Init init_;
  std::optional<std::tuple<Args...>> result_;
  Cancellation* cancellation_ = nullptr;
};

template <class... Args, class Init>
CompletionAwaiter<std::decay_t<Init>, Args...> async_call(Init&& init) {
  return CompletionAwaiter<std::decay_t<Init>, Args...>(std::forward<Init>(init));
}

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO
