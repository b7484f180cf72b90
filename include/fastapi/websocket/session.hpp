// websocket/session.hpp: one WebSocket after the 101, over the connection's UpgradedStream: frames in through
// the FrameParser (pings answered, fragments joined, hostile input closed with 1002/1007/1009), frames out
// through a bounded queue (backpressure), keep-alive pings and close timeouts from the worker's tick, the
// closing handshake, and the drain's 1001. Fed by the connection (run, on_tick, on_drain) and by fa::WebSocket
// (receive, send, close: app/websocket.hpp). Knows nothing of sockets, routes or JSON.
//
// Memory while idle: no read buffer (bytes are read into a per-thread scratch buffer once the socket is
// readable, and only an unfinished frame is kept), no write buffer (the queue is emptied, a large one freed).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/upgrade.hpp"
#include "fastapi/websocket/deflate.hpp"
#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/frame_parser.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi {

/// What fa::WebSocket::receive() gives (Session::receive makes it, app/websocket.hpp documents it): a text or
/// binary message, or the disconnect (Starlette's websocket.disconnect).
struct WebSocketMessage {
  enum class Type : std::uint8_t { text, binary, disconnect };
  Type type = Type::disconnect;
  std::string data{};      ///< text/binary: the message
  std::uint16_t code = 0;  ///< disconnect: the close code
  std::string reason{};    ///< disconnect: the close reason
  bool is_text() const { return type == Type::text; }
  bool is_binary() const { return type == Type::binary; }
  bool is_disconnect() const { return type == Type::disconnect; }
};

}  // namespace fastapi

namespace fastapi::ws {

/// The session's limits and timers (from fa::Config's ws_* fields).
struct SessionOptions {
  std::size_t max_size = 16 * 1024 * 1024;         ///< Config::ws_max_size: 1009 above it
  std::chrono::milliseconds ping_interval{20000};  ///< Config::ws_ping_interval; 0 = no keep-alive pings
  std::chrono::milliseconds ping_timeout{20000};   ///< Config::ws_ping_timeout: no pong -> 1011
  std::chrono::milliseconds close_timeout{10000};  ///< the peer's answer to our close (websockets' default)
  std::size_t send_queue_limit = 1024 * 1024;      ///< queued bytes past which a sender waits for the socket
  DeflateSettings deflate{};                       ///< permessage-deflate (Config::ws_per_message_deflate...)
};

class Session;

namespace detail {

/// Resumes `h` from the loop (not from inside the caller's stack); directly when no loop runs here.
inline void resume_later(std::coroutine_handle<> h) {
  if (asio::io_context* io = fastapi::detail::this_loop().io) {
    fastapi::detail::post_resume(io, h);  // compiled once: no Asio template instantiated here
  } else {
    h.resume();
  }
}

/// A one-shot event one coroutine waits for (`co_await signal.wait();`), fired on the same loop. The awaiter
/// is a pointer to the signal, never a copy of it (g++ 12 copies an awaiter co_awaited as an lvalue).
class Signal {
 public:
  Signal() = default;
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;
  struct Awaiter {
    Signal* signal;
    bool await_ready() const noexcept { return signal->fired_; }
    void await_suspend(std::coroutine_handle<> h) noexcept { signal->waiter_ = h; }
    void await_resume() const noexcept {}
  };
  Awaiter wait() noexcept { return Awaiter{this}; }
  void fire() {
    fired_ = true;
    if (auto h = std::exchange(waiter_, {})) resume_later(h);
  }
  bool fired() const noexcept { return fired_; }

 private:
  std::coroutine_handle<> waiter_{};
  bool fired_ = false;
};

/// Where a readable socket's bytes land before the parser takes them: one buffer per thread, never held by
/// a session across a suspension. On the heap, made at the first read: a 64 KiB array in static TLS would be
/// carried by every thread of the program (the blocking pool's, the user's), and a thread whose stack is
/// smaller than the static TLS cannot even be created.
inline std::span<char> read_scratch() {
  constexpr std::size_t size = 65536;
  thread_local std::unique_ptr<char[]> buffer;
  if (!buffer) buffer.reset(new char[size]);
  return {buffer.get(), size};
}

/// The sessions of this thread whose sends wait for the end of the loop turn, to go out in one write each:
/// an echo of 16 messages that came in one read is one write, not 16. A drain is posted to `io` whenever the
/// list goes from empty to not empty (a drain lost with a stopped loop is noticed: its sessions are destroyed
/// with the loop and leave the list, or the next loop is another io_context and the list is dropped).
struct QueuedWrites {
  std::vector<Session*> sessions;
  asio::io_context* io = nullptr;
};
inline QueuedWrites& queued_writes() {
  thread_local QueuedWrites queue;
  return queue;
}
inline void forget_queued_write(Session* s) {
  auto& v = queued_writes().sessions;
  v.erase(std::remove(v.begin(), v.end(), s), v.end());
}

}  // namespace detail

/// A whole message or the end (the peer's close, a protocol error, the connection lost: 1006), as the test
/// client's session (testing/websocket_session.hpp) gives it.
struct Incoming {
  enum class Kind : std::uint8_t { text, binary, close };
  Kind kind = Kind::close;
  std::string data{};      ///< text/binary: the message
  std::uint16_t code = 0;  ///< close: the code (the peer's; ours for a protocol error; 1006 when it dropped)
  std::string reason{};    ///< close: the peer's reason
};

class Session {
 public:
  /// `options` outlive the session (the app's, or default_options()): a pointer, not a copy, in every socket.
  explicit Session(const SessionOptions& options)
      : options_(&options), parser_(ParserOptions{.max_message = options.max_size, .require_mask = true}) {}
  static const SessionOptions& default_options() {
    static const SessionOptions defaults;
    return defaults;
  }
  ~Session() {
    if (write_queued_) detail::forget_queued_write(this);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- the connection's side (detail::Upgrade, forwarded) ----
  /// Takes the stream and lets accept() return (attached()); the stream is the session's until finish().
  void start(fastapi::detail::UpgradedStream& stream, std::string leftover);
  void on_tick(std::chrono::steady_clock::time_point now);
  /// The server shuts down: close with 1001 (going away); the peer's answer ends receive().
  void on_drain();

  // ---- the application's side ----
  /// Fired once run() has the stream (the 101 is written).
  detail::Signal& attached() { return attached_; }
  /// The handler is done: the connection closes (from the loop).
  void finish() {
    if (auto* stream = std::exchange(stream_, nullptr)) stream->finished();
  }
  /// The next message, or the close (then every later call gives the same close at once).
  Task<WebSocketMessage> receive();
  /// receive() has given the close (the application has seen the disconnect).
  bool close_delivered() const { return close_delivered_; }
  /// Queues one message (waiting while the queue is over its limit) and writes it; false when the
  /// connection is closing or closed (nothing sent).
  Task<bool> send(Opcode op, std::string_view payload);
  /// Queues one message without waiting, for a sender on this loop that must not block (a broadcast): written
  /// now as far as the socket takes it, the rest by the reader's loop (woken for it) or the next flush. A
  /// reader so slow that the queue is past its limit is closed with 1013 (try again later): it cannot hold the
  /// sender up nor grow memory. False when the connection is closing or closed.
  bool post(Opcode op, std::string_view payload);
  /// Sends our close (once) and waits for the peer's, at most close_timeout. No-op once closed.
  Task<void> close(std::uint16_t code, std::string_view reason = {});
  /// True once the connection is over for sending: we sent a close, or the peer closed or dropped.
  bool closing() const { return close_sent_ || peer_gone_; }
  bool peer_gone() const { return peer_gone_; }
  const SessionOptions& options() const { return *options_; }
#ifdef FASTAPI_ENABLE_GZIP
  /// permessage-deflate was negotiated (before the 101 goes out): messages are compressed both ways.
  void enable_deflate(const DeflateParams& params) {
    parser_.enable_deflate(params);
    deflater_ = std::make_unique<detail::MessageDeflater>(params);
  }
#endif
  /// Writes what out_ holds as far as the socket takes it now (the end of a loop turn's gathered sends); the
  /// rest is left to the reader's loop (woken for it) or the next flush.
  void write_queued();
  /// The close code as the application sees it: the peer's, ours (a protocol error, the drain's 1001), 1006.
  std::uint16_t close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }

 private:
  struct DrainAwaiter {
    Session& self;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { self.senders_.push_back(h); }
    void await_resume() const noexcept {}
  };
  Task<bool> flush();
  /// Queues this session's out_ for write_queued() at the end of the loop turn (once per turn).
  void queue_write();
  /// Writes out_ without waiting (post(), write_queued()): false when the connection is lost.
  bool try_write_out();
  /// Appends one text/binary message's frame to the queue: compressed (RSV1) when permessage-deflate is on.
  void append_message(Opcode op, std::string_view payload);
  /// A control frame from outside a coroutine (the tick, the drain, an answer): queued, written at once
  /// when no flush is running; a rest the socket did not take is written by the next flush.
  void push_now(std::string_view frame);
  /// What receive() does after next_step(): give the message, wait for bytes, or write out_ first (then go
  /// on, give the message, or abort the connection and give it: a protocol error's close).
  enum class Step : std::uint8_t { message, wait, flush, flush_then_message, flush_then_abort };
  /// Parses what was read and reads what the socket has, without suspending, until receive() has to.
  Step next_step(WebSocketMessage& out);
  /// What an event from the parser means: a step for receive(), or nothing (a pong; a ping while flushing).
  std::optional<Step> on_event(const Event& ev, WebSocketMessage& out);
  void lost(std::uint16_t code) {
    peer_gone_ = true;
    if (!close_code_) close_code_ = code;
  }
  /// `n` bytes of out_'s front were written: erases them, keeping partial_front_ (what is left of the frame
  /// they cut) right. Our frames are unmasked, so each one's size is read from its header.
  void wrote_front(std::size_t n) {
    for (std::size_t at = 0; at < n;) {
      if (partial_front_ == 0) partial_front_ = frame_size_at(at);
      const std::size_t k = std::min(partial_front_, n - at);
      partial_front_ -= k;
      at += k;
    }
    out_.erase(0, n);
  }
  std::size_t frame_size_at(std::size_t at) const {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(out_[at + i]); };
    const unsigned len7 = byte(1) & 0x7F;
    if (len7 <= 125) return 2 + len7;
    if (len7 == 126) return 4 + (std::size_t{byte(2)} << 8 | byte(3));
    std::size_t len = 0;
    for (std::size_t i = 2; i < 10; ++i) len = len << 8 | byte(i);
    return 10 + len;
  }
  void wake_senders() {
    for (auto h : std::exchange(senders_, {})) detail::resume_later(h);
  }
  WebSocketMessage deliver_close() {
    close_delivered_ = true;
    return WebSocketMessage{
        WebSocketMessage::Type::disconnect, {}, close_code_ ? close_code_ : close_code::abnormal, close_reason_};
  }

  const SessionOptions* options_;
  FrameParser parser_;
  fastapi::detail::UpgradedStream* stream_ = nullptr;
  detail::Signal attached_;
  std::string pending_;            ///< bytes read but not yet parsed (after an event in the middle of a read)
  std::size_t pending_at_ = 0;     ///< where the parser is in pending_ (erased once all of it is parsed)
  std::string out_;                ///< frames queued for the socket
  std::size_t partial_front_ = 0;  ///< bytes at out_'s front that end a frame partly written already
  std::vector<std::coroutine_handle<>> senders_;  ///< waiting for the queue to drain
  bool flushing_ = false;
  bool write_queued_ = false;  ///< in this thread's queue of writes for the end of the loop turn
  bool close_sent_ = false;
  bool peer_gone_ = false;
  bool ping_outstanding_ = false;
  bool close_delivered_ = false;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
  std::chrono::steady_clock::time_point next_ping_{};
  std::chrono::steady_clock::time_point ping_sent_at_{};
  std::chrono::steady_clock::time_point close_deadline_ = std::chrono::steady_clock::time_point::max();
#ifdef FASTAPI_ENABLE_GZIP
  std::unique_ptr<detail::MessageDeflater> deflater_;  ///< set when permessage-deflate is negotiated
#endif
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void Session::start(fastapi::detail::UpgradedStream& stream, std::string leftover) {
  stream_ = &stream;
  pending_ = std::move(leftover);
  pending_at_ = 0;
  next_ping_ = std::chrono::steady_clock::now() + options_->ping_interval;
  attached_.fire();
}

FASTAPI_DETAIL_INLINE void Session::push_now(std::string_view frame) {
  out_.append(frame);
  if (flushing_ || !stream_) return;
  try_write_out();
}

FASTAPI_DETAIL_INLINE bool Session::try_write_out() {
  bool closed = false;
  std::size_t n = stream_->try_write(out_, closed);
  wrote_front(n);
  if (!closed) return true;
  out_.clear();
  lost(close_code::abnormal);
  return false;
}

FASTAPI_DETAIL_INLINE void Session::write_queued() {
  if (flushing_ || !stream_ || out_.empty()) return;
  if (try_write_out() && !out_.empty()) stream_->wake();  // the reader's loop writes the rest
}

FASTAPI_DETAIL_INLINE void Session::queue_write() {
  if (write_queued_) return;
  auto& queue = detail::queued_writes();
  asio::io_context* io = fastapi::detail::this_loop().io;
  // Another loop runs on this thread now: the list belonged to one that stopped with its drain unrun, and is
  // not touched (its sessions may be freed elsewhere; one still alive writes its frames at its next flush).
  if (queue.io != io) queue.sessions.clear();
  const bool post = queue.sessions.empty();
  queue.sessions.push_back(this);
  write_queued_ = true;
  if (!post) return;
  queue.io = io;
  asio::post(*io, [] {
    std::vector<Session*> sessions;
    sessions.swap(detail::queued_writes().sessions);
    // Writing never resumes a coroutine here (a wake() posts), so no session of the list is destroyed meanwhile.
    for (Session* s : sessions) {
      s->write_queued_ = false;
      s->write_queued();
    }
    auto& left = detail::queued_writes().sessions;
    if (left.empty()) {
      sessions.clear();
      left.swap(sessions);  // keeps the capacity for the next turn
    }
  });
}

FASTAPI_DETAIL_INLINE void Session::on_tick(std::chrono::steady_clock::time_point now) {
  if (!stream_ || peer_gone_) return;
  // send() keeps out_'s buffer from message to message (no allocation per message); a socket that has
  // nothing queued at a tick gives it back, so an idle one holds none.
  if (!flushing_ && out_.empty() && !write_queued_) out_ = std::string();
  if (close_sent_) {
    if (now >= close_deadline_) stream_->abort();  // the peer never answered our close
    return;
  }
  if (options_->ping_interval.count() <= 0) return;
  if (ping_outstanding_ && now - ping_sent_at_ >= options_->ping_timeout) {
    // As websockets (uvicorn's library) does: 1011 "keepalive ping timeout", and the connection dropped.
    close_code_ = close_code::internal_error;
    close_reason_ = "keepalive ping timeout";
    close_sent_ = true;
    push_now(encode_close(close_code::internal_error, close_reason_));
    stream_->abort();
    return;
  }
  if (!ping_outstanding_ && now >= next_ping_) {
    ping_outstanding_ = true;
    ping_sent_at_ = now;
    next_ping_ = now + options_->ping_interval;
    push_now(encode_frame(Opcode::ping, {}));
  }
}

FASTAPI_DETAIL_INLINE void Session::on_drain() {
  if (!stream_ || close_sent_ || peer_gone_) return;
  close_sent_ = true;
  close_code_ = close_code::going_away;
  close_deadline_ = std::chrono::steady_clock::now() + options_->close_timeout;
  push_now(encode_close(close_code::going_away));
}

FASTAPI_DETAIL_INLINE Task<bool> Session::flush() {
  flushing_ = true;
  bool ok = true;
  std::string chunk;
  while (!out_.empty() && stream_) {
    chunk.swap(out_);    // senders append to out_ while chunk is written
    partial_front_ = 0;  // a half-written frame went with chunk: out_ starts at a frame again
    ok = co_await stream_->write(chunk);
    chunk.clear();
    wake_senders();
    if (!ok) {
      out_.clear();
      lost(close_code::abnormal);
      break;
    }
  }
  if (out_.capacity() > 4096) out_ = std::string();  // an idle socket keeps no large buffer
  flushing_ = false;
  wake_senders();
  co_return ok;
}

FASTAPI_DETAIL_INLINE void Session::append_message(Opcode op, std::string_view payload) {
#ifdef FASTAPI_ENABLE_GZIP
  if (deflater_) {
    // compressed into a per-thread buffer first (the frame header needs the compressed length)
    thread_local std::string packed;
    packed.clear();
    const bool ok = deflater_->compress(payload, packed);
    if (ok) append_frame(out_, op, packed, true, std::nullopt, 4);
    if (packed.capacity() > (1u << 20)) packed = std::string();
    if (ok) return;
  }
#endif
  append_frame(out_, op, payload);
}

FASTAPI_DETAIL_INLINE Task<bool> Session::send(Opcode op, std::string_view payload) {
  // Backpressure: a slow reader makes its senders wait here, so the queue never grows past its limit by
  // more than one message each.
  while (flushing_ && out_.size() >= options_->send_queue_limit && !closing()) co_await DrainAwaiter{*this};
  if (closing() || !stream_) co_return false;
  append_message(op, payload);
  if (flushing_) co_return true;  // the running flush writes it
  // More of what the peer sent is read and waits to be parsed: the handler is likely answering message after
  // message of one read (an echo, a request/reply protocol). Its answers are gathered and go out in one write,
  // when receive() has parsed all it read, or at the end of this loop turn at the latest.
  if (pending_at_ < pending_.size() && fastapi::detail::this_loop().io) {
    queue_write();
    co_return true;
  }
  // Written at once when the socket takes it all (the usual case): no flush coroutine, and out_ keeps its
  // buffer for the next message.
  if (!try_write_out()) co_return false;
  if (out_.empty()) co_return true;
  co_return co_await flush();
}

FASTAPI_DETAIL_INLINE bool Session::post(Opcode op, std::string_view payload) {
  if (closing() || !stream_) return false;
  if (out_.size() >= options_->send_queue_limit) {
    // The frames not begun are dropped (the one half-written is finished) and our close follows at once, so
    // a client that reads again learns why (1013); one that never reads is cut at the close timeout.
    out_.resize(partial_front_);
    close_sent_ = true;
    close_code_ = close_code::try_again_later;
    close_reason_ = "the client reads too slowly";
    close_deadline_ = std::chrono::steady_clock::now() + options_->close_timeout;
    push_now(encode_close(close_code_, close_reason_));
    wake_senders();
    return false;
  }
  append_message(op, payload);
  if (flushing_) return true;
  if (!try_write_out()) return false;
  if (!out_.empty()) stream_->wake();  // the reader's loop flushes the rest (receive() flushes before waiting)
  return true;
}

FASTAPI_DETAIL_INLINE std::optional<Session::Step> Session::on_event(const Event& ev, WebSocketMessage& out) {
  switch (ev.kind) {
    case Event::Kind::text:
    case Event::Kind::binary:
      out.type = ev.kind == Event::Kind::text ? WebSocketMessage::Type::text : WebSocketMessage::Type::binary;
      out.data = parser_.take_message();
      return Step::message;
    case Event::Kind::ping:
      // Answered at once (RFC 6455 section 5.5.2), ahead of nothing: the queue keeps frames in order.
      if (closing()) return std::nullopt;
      append_frame(out_, Opcode::pong, ev.data);
      return flushing_ ? std::nullopt : std::optional<Step>(Step::flush);
    case Event::Kind::pong: ping_outstanding_ = false; return std::nullopt;
    case Event::Kind::close: {
      // The closing handshake (section 5.5.1): echo the peer's code, unless we sent our close first.
      const std::uint16_t code = ev.code;
      std::string reason(ev.data);
      bool answer = false;
      if (!close_sent_) {
        close_sent_ = true;
        out_.append(encode_close(code == close_code::no_status ? close_code::no_status : code));
        answer = !flushing_;
        close_code_ = code;
        close_reason_ = std::move(reason);
      } else if (close_code_ == close_code::going_away || close_code_ == 0) {
        close_code_ = code;  // the drain's close answered: report the peer's word (1001 echoed, usually)
        close_reason_ = std::move(reason);
      }
      peer_gone_ = true;
      out = deliver_close();
      return answer ? Step::flush_then_message : Step::message;
    }
    case Event::Kind::error: {
      // Fail the connection (section 7.1.7): our close with the code, then the TCP connection goes.
      bool answer = false;
      if (!close_sent_) {
        close_sent_ = true;
        out_.append(encode_close(ev.code));
        answer = !flushing_;
      }
      close_code_ = ev.code;
      close_reason_.clear();
      peer_gone_ = true;
      out = deliver_close();
      if (answer) return Step::flush_then_abort;
      if (stream_) stream_->abort();
      return Step::message;
    }
    case Event::Kind::none: break;
  }
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE Session::Step Session::next_step(WebSocketMessage& out) {
  for (;;) {
    if (peer_gone_ || !stream_) {
      out = deliver_close();
      return Step::message;
    }
    if (pending_at_ < pending_.size()) {
      // (an offset, not an erase per message: 16 messages of one read would be moved 15 times)
      auto r = parser_.feed(std::string_view(pending_).substr(pending_at_));
      pending_at_ += r.consumed;
      if (pending_at_ == pending_.size()) {
        pending_.clear();  // (its bytes stay put: r.event may point into them)
        pending_at_ = 0;
      }
      if (r.event.kind != Event::Kind::none) {
        if (auto step = on_event(r.event, out)) return *step;
      }
      continue;
    }
    if (pending_.capacity() > 4096) pending_ = std::string();  // an idle socket keeps no large buffer
    if (!out_.empty() && !flushing_) return Step::flush;       // a ping's or a pong's rest the socket did not take
    bool closed = false;
    const std::span<char> scratch = detail::read_scratch();
    std::size_t n = stream_->read_some(scratch.data(), scratch.size(), closed);
    if (n > 0) {
      std::string_view bytes(scratch.data(), n);
      while (!bytes.empty()) {
        auto r = parser_.feed(bytes);
        bytes.remove_prefix(r.consumed);
        if (r.event.kind != Event::Kind::none) {
          pending_.assign(bytes);  // the scratch buffer is not ours past a suspension
          pending_at_ = 0;
          if (auto step = on_event(r.event, out)) return *step;
          break;
        }
      }
      continue;
    }
    if (closed) {
      lost(close_code::abnormal);
      continue;
    }
    return Step::wait;
  }
}

/// A coroutine that only waits: the parsing and reading are next_step()'s, so an idle socket's frame here is
/// small (the message, the promise, one awaiter at a time).
FASTAPI_DETAIL_INLINE Task<WebSocketMessage> Session::receive() {
  WebSocketMessage message;
  for (;;) {
    const Step step = next_step(message);
    if (step == Step::message) co_return std::move(message);
    if (step == Step::wait) {
      const auto w = co_await stream_->wait_readable();
      if (w == fastapi::detail::UpgradedStream::Wait::closed) lost(close_code::abnormal);
      continue;
    }
    const bool written = co_await flush();
    (void)written;
    if (step == Step::flush) continue;
    if (step == Step::flush_then_abort && stream_) stream_->abort();
    co_return std::move(message);
  }
}

FASTAPI_DETAIL_INLINE Task<void> Session::close(std::uint16_t code, std::string_view reason) {
  if (!stream_) co_return;
  if (!close_sent_ && !peer_gone_) {
    close_sent_ = true;
    close_code_ = code;
    close_reason_ = std::string(reason);
    close_deadline_ = std::chrono::steady_clock::now() + options_->close_timeout;
    out_.append(encode_close(code, reason));
    if (!flushing_) co_await flush();
  }
  // The peer's close ends it (data still in flight is dropped); the tick aborts a peer that never answers.
  while (!peer_gone_ && stream_) (void)co_await receive();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::ws
