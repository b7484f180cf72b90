// http/upgrade.hpp: what a connection hands over after a 101 Switching Protocols: the byte stream (never the
// socket type) and the hook that takes it. Fed by nothing (interfaces); implemented by http/connection.hpp (the
// stream) and by the WebSocket session (the hook, websocket/session.hpp). Knows nothing of frames or routes.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <string>
#include <string_view>

#include "fastapi/core/task.hpp"

namespace fastapi::detail {

/// The connection's socket after the 101, as the protocol above it sees it. One reader and one writer at a
/// time; reads and writes may be pending together. Non-blocking calls never suspend.
///
/// Memory: an idle upgraded socket is a suspended reader and nothing else, so the wait for bytes is an awaiter
/// (no coroutine frame of its own) and the connection keeps no coroutine of its own while the protocol runs.
class UpgradedStream {
 public:
  enum class Wait : unsigned char {
    ready,   ///< bytes can be read (or the peer closed: read_some says which)
    woken,   ///< wake() was called: the hook has an errand (a ping, the drain); wait again after it
    closed,  ///< the peer is gone, or the connection was aborted (write timeout, the drain's grace is over)
  };
  struct ReadableAwaiter {
    UpgradedStream* stream;
    Wait result = Wait::closed;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { stream->await_readable(h, result); }
    Wait await_resume() const noexcept { return result; }
  };
  virtual ~UpgradedStream() = default;
  /// Waits until bytes can be read, holding no buffer meanwhile (an idle WebSocket is cheap):
  /// `auto w = co_await stream.wait_readable();`
  ReadableAwaiter wait_readable() noexcept { return ReadableAwaiter{this}; }
  /// Reads what is there now into buf (non-blocking); 0 when nothing is, with `closed` set at EOF or error.
  virtual std::size_t read_some(char* buf, std::size_t n, bool& closed) = 0;
  /// Writes what the socket takes now (non-blocking); `closed` set on error.
  virtual std::size_t try_write(std::string_view data, bool& closed) = 0;
  /// Writes all of `data`, waiting for the socket when it is full; false when the peer is gone or read
  /// nothing for Config::write_timeout (then the connection is aborted).
  virtual Task<bool> write(std::string_view data) = 0;
  /// Ends a pending wait_readable() with Wait::woken (a pending write() goes on waiting).
  virtual void wake() = 0;
  /// Shuts the socket down both ways now: pending waits end with Wait::closed / false.
  virtual void abort() = 0;
  /// The protocol is over: the connection closes (from the loop, once the caller has returned) and frees the
  /// Upgrade hook with it. Called once; nothing of the stream may be used afterwards.
  virtual void finished() = 0;

 protected:
  /// Starts the wait of wait_readable(): `h` is resumed from the loop with `result` set.
  virtual void await_readable(std::coroutine_handle<> h, Wait& result) = 0;
};

/// What takes an upgraded connection over (Response::upgrade). The connection calls start() once the 101 is
/// written and, meanwhile, on_tick() from its worker's tick (every 250 ms: keep-alive pings, close timeouts)
/// and on_drain() once when the server shuts down. All three run on the connection's worker thread. The hook
/// calls stream.finished() when its protocol is over; the connection frees the hook after that.
class Upgrade {
 public:
  virtual ~Upgrade() = default;
  /// Takes `stream` over and returns at once (the protocol runs in the hook's own coroutines); `leftover` holds
  /// the bytes the client sent after the request head (its first frames may come in the handshake's packet).
  virtual void start(UpgradedStream& stream, std::string leftover) = 0;
  virtual void on_tick(std::chrono::steady_clock::time_point now) = 0;
  virtual void on_drain() = 0;
};

}  // namespace fastapi::detail
