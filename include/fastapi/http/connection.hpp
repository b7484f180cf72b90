// http/connection.hpp: one connection's life: [TLS handshake ->] read -> parse -> body -> Service -> write, again
// and again (keep-alive, pipelining), with the limits, timeouts and backpressure of Config. Written against
// http/stream.hpp's ServerStream, so TCP, Unix sockets and TLS are one code. Fed by the server's acceptor; feeds
// the Service (the app's middleware chain). Knows nothing of routes or JSON. Reading bodies and writing streamed
// responses is in http/connection_body.hpp, the hand-over after a 101 in http/connection_upgrade.hpp.
//
// Memory: a connection waiting for its next request holds no read or write buffer: both come from the
// worker's pools when bytes arrive and go back when the connection is idle again.
// Timeouts: no timer per connection. The worker's tick (every 250 ms) sweeps its connections and cancels
// those whose deadline passed: a request head or body that is too slow gets 408, an idle keep-alive is closed.
// Every read checks the deadline too, for a client that keeps the socket readable (nothing to cancel then).
// Streamed bodies: for a route that takes fa::RequestStream&, the body is not read before the handler; the
// handler's `co_await stream.next()` reads it (Connection::read_body_chunk), so a client that sends faster than
// the handler consumes waits (TCP backpressure). Streamed responses: while one is written, the connection
// watches the socket for the client's close and cancels the stream's coroutines when it goes (an event stream
// also when the server drains), so their cleanup runs at once.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include <sys/socket.h>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/async_call.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/chunked.hpp"
#include "fastapi/http/file_response.hpp"
#include "fastapi/http/hub.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/request_parser.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/stream.hpp"
#include "fastapi/http/upgrade.hpp"
#include "fastapi/http/writer.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

namespace fastapi::detail {

/// True when `s` owns no heap buffer: its capacity is a default-constructed string's (15 in libstdc++'s
/// small-string form, not 0), so a pooled write buffer is taken only when there is none to reuse.
inline bool holds_no_buffer(const std::string& s) noexcept { return s.capacity() <= std::string().capacity(); }

/// The root coroutine of a connection. Like spawn() it starts at once and frees itself at the end, but it
/// keeps its handle, so a server whose grace period is over can destroy a connection stuck in a handler
/// (its whole chain of frames, the handler's included) instead of waiting for the handler to finish.
struct ConnectionRoot {
  struct promise_type {
    ConnectionRoot get_return_object() noexcept { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // Connection::run() catches everything
    static void* operator new(std::size_t n) { return frame_allocate(n); }
    static void operator delete(void* p, std::size_t n) noexcept { frame_deallocate(p, n); }
  };
  std::coroutine_handle<promise_type> handle;
};

inline ConnectionRoot connection_root(Task<void> task) { co_await std::move(task); }

/// One HTTP/1.x connection. Created by the acceptor; frees itself when its run() coroutine ends.
/// After a 101 (Response::upgrade) it is the UpgradedStream the new protocol reads and writes through; while a
/// handler runs it is the ClientChannel a streamed body and is_disconnected() read through.
class Connection final : private UpgradedStream, private ClientChannel {
 public:
  enum class Phase { idle, head, body, handler, write, closing, upgraded };

  Connection(Hub& hub, ServerStream::Socket socket);
  FASTAPI_DETAIL_INLINE ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Starts serving on the current thread (the hub's worker); deletes itself at the end.
  static void start(Hub& hub, ServerStream::Socket socket);
  /// Called by the worker's tick: cancels the pending read/write when its deadline has passed,
  /// and wakes idle connections when the server drains.
  void sweep();
  /// Shuts the socket down now (the drain's grace period is over): a connection waiting on I/O ends.
  FASTAPI_DETAIL_INLINE void abort() override;
  /// Frees a connection that is still suspended (in a handler) after its worker's loop stopped: destroys
  /// its coroutine frames and closes the socket. Only when the loop that ran it no longer runs.
  void destroy_suspended();

  Phase phase() const { return phase_; }
  Connection* next = nullptr;
  Connection* prev = nullptr;

 private:
  Task<void> run();
  Task<void> serve();
  Task<bool> handshake();
  Task<bool> wait_for_request();
  Task<bool> read_more();
  Task<bool> read_body(std::size_t head_size);
  Task<bool> dispatch_and_write();
  Task<bool> write_stream(Response& res);
  Task<bool> send_file_body(Response& res, FileStream& file);
  Task<bool> hand_over(Response& res);
  void start_upgraded();
  Task<void> end_upgraded();
  void keep_request_without_buffer();
  Task<bool> flush();
  Task<bool> write_pieces(std::string_view head, std::string_view body, bool response);
  Task<void> send_error(int status, std::string_view reason);
  Task<void> linger_close();
  Task<bool> wait(asio::socket_base::wait_type type);

  // The read side of a streamed request body (fa::RequestStream) and of the client's presence (ClientChannel).
  // The virtual functions of both interfaces are defined in the class, each calling the function that does its
  // work (in connection_body.hpp and connection_upgrade.hpp, modules after this one): declared plainly and
  // defined there, the first would be Connection's key function, and every header-only file would compile the
  // server (core/config.hpp); declared inline, they would be undefined in a file that includes this module alone.
  Task<std::string_view> read_body_chunk() override { return next_body_chunk(); }
  bool peer_closed() override { return poll_peer_closed(); }
  Task<std::string_view> next_body_chunk();
  bool poll_peer_closed();
  void start_streamed_body(std::size_t body_begin, std::size_t limit);
  Task<std::size_t> read_streamed_bytes(char* into, std::size_t most);
  [[noreturn]] void fail_streamed_body(int status, std::string_view reason);
  void finish_streamed_body();
  void end_streamed_request();
  // A streamed response: its next chunk, cancelled when the client goes (or the server drains an event stream).
  Task<bool> next_stream_chunk(Response& res, std::string& chunk);
  void watch_peer();

  void acquire_buffer();
  void release_idle_memory();
  /// From the precise clock (one vDSO read): the tick's coarse `now` could make a timeout fire up to a
  /// tick early; this way a client always gets at least its timeout, and at most a tick more.
  void set_deadline(std::chrono::milliseconds timeout) { deadline_ = Clock::now() + timeout; }
  /// The deadline has passed (precise clock): marks the connection timed out, as the sweeper would.
  bool past_deadline() {
    if (Clock::now() < deadline_) return false;
    timed_out_ = true;
    return true;
  }
  std::string_view buffered() const { return {buf_ + start_, end_ - start_}; }

  Hub& hub_;
  std::coroutine_handle<> root_;  ///< the ConnectionRoot frame (none while an upgraded protocol runs)
  ServerStream stream_;
  Phase phase_ = Phase::idle;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  bool close_after_ = false;
  bool first_request_ = true;

  char* buf_ = nullptr;  ///< from hub_.buffers while a request is in progress
  std::size_t cap_ = 0;
  std::size_t start_ = 0;  ///< first byte of the current request in buf_
  std::size_t end_ = 0;    ///< end of the bytes received
  std::string out_;        ///< responses waiting to be written (gathered)
  std::string big_body_;   ///< a large response body, written from here instead of copied into out_
  std::string body_;       ///< request body when it does not fit buf_ or is chunked

  RequestParser parser_;
  ChunkedDecoder chunked_;
  Request req_;
  Arena arena_;
  std::string client_host_;
  std::uint16_t client_port_ = 0;

  // After a 101: the hook that owns the protocol now, and the handshake request's head, copied out of the
  // read buffer (which goes back to the pool: an idle WebSocket holds no buffer) so req_ stays valid.
  std::shared_ptr<Upgrade> upgrade_;
  std::function<Task<void>()> after_upgrade_;  ///< the 101's after_send: once the protocol is over
  std::string head_copy_;
  bool drain_told_ = false;
  bool read_drained_ = false;  ///< the last read_some emptied the socket (a plain one): skip the next
  // A busy upgraded socket waits with a read into a pooled buffer (held_): Asio's reactor reads it when bytes
  // come, and the next wait re-arms nothing (a plain wait costs an epoll_ctl each time). A socket that read
  // nothing for a tick goes back to waiting without a buffer (connection_upgrade.hpp).
  unsigned char reads_this_tick_ = 0;  ///< reads that got bytes since the last tick (saturating)
  bool held_pending_ = false;          ///< a read into held_ is pending
  bool held_demote_ = false;           ///< the tick cancelled it to give the buffer back
  char* held_ = nullptr;               ///< from hub_.buffers: [size_t got][size_t taken][bytes...]
  // UpgradedStream: the socket as the upgraded protocol sees it.
  void await_readable(std::coroutine_handle<> h, Wait& result) override { arm_read(h, result); }
  void finished() override { end_upgraded_later(); }
  std::size_t read_some(char* buf, std::size_t n, bool& closed) override { return read_upgraded(buf, n, closed); }
  std::size_t try_write(std::string_view data, bool& closed) override { return write_upgraded(data, closed); }
  /// As flush() (one write loop, write_pieces): a peer that takes no byte for write_timeout is dropped (the sweep
  /// aborts the socket).
  Task<bool> write(std::string_view data) override { return write_pieces(data, {}, false); }
  void wake() override { stream_.cancel(); }
  void arm_read(std::coroutine_handle<> h, Wait& result);
  void end_upgraded_later();
  std::size_t read_upgraded(char* buf, std::size_t n, bool& closed);
  std::size_t write_upgraded(std::string_view data, bool& closed);
  void abort_socket();
  void start_held_read(std::coroutine_handle<> h, Wait& result);
  void wait_without_buffer(std::coroutine_handle<> h, Wait& result);
  void release_held();
  void sweep_upgraded_read();
  /// The body of the current request when its route streams it (Request::body_streamed).
  struct StreamedBody {
    bool active = false;        ///< this request's body is streamed
    bool done = false;          ///< every byte given to the handler
    bool keep_alive = true;     ///< the request's own keep-alive, restored once the whole body is read
    bool continue_due = false;  ///< `100 Continue` goes out at the first read
    int error_status = 0;       ///< a failed body fails every later read the same way
    std::string_view error_reason;
    std::size_t first_begin = 0;  ///< Content-Length: body bytes that came with the head, in buf_
    std::size_t first_size = 0;
    std::uint64_t remaining = 0;  ///< Content-Length: bytes not yet read from the socket
    std::string raw;              ///< bytes read for the handler (chunked: framing included)
    std::size_t raw_pos = 0;
    std::size_t raw_end = 0;
    std::string decoded;          ///< chunked: the data of the bytes decoded last
    unsigned reads_in_a_row = 0;  ///< reads that found bytes without waiting
    bool last_read_full = false;  ///< Content-Length: the last read filled raw (grow it: read_body_chunk)
  };
  StreamedBody streamed_;
  bool peer_gone_ = false;
  // A streamed response being written: cancelled when the peer goes, or (cancel_on_shutdown) when draining.
  Cancellation stream_cancel_;
  bool streaming_ = false;
  bool cancel_on_drain_ = false;
  unsigned watch_generation_ = 0;
  std::shared_ptr<Connection*> self_ref_;  ///< the watch's way to find *this, null once it is gone
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Connection::Connection(Hub& hub, ServerStream::Socket socket)
    : hub_(hub), stream_(std::move(socket)),
      parser_(HeadLimits{hub.config.max_request_line, hub.config.max_header_bytes, hub.config.max_headers}),
      chunked_(hub.config.max_body_size), arena_(512) {
  asio::error_code ec;
  std::tie(client_host_, client_port_) = stream_.peer();
  if (client_port_ != 0) stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);  // not a Unix socket
  stream_.socket().non_blocking(true, ec);
  req_.arena = &arena_;
  req_.channel = this;
  // Link into the worker's list for the sweeper.
  next = hub_.first;
  if (next) next->prev = this;
  hub_.first = this;
  ++hub_.count;
}

FASTAPI_DETAIL_INLINE Connection::~Connection() {
  if (self_ref_) *self_ref_ = nullptr;  // a watch that completes later finds nobody
  if (buf_) hub_.buffers.release(buf_);
  if (held_) hub_.buffers.release(held_);  // a read still pending on it is cancelled unperformed by the close
  if (prev) prev->next = next;
  else hub_.first = next;
  if (next) next->prev = prev;
  --hub_.count;
  hub_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  if (hub_.draining && hub_.count == 0 && hub_.ticker) hub_.ticker->cancel();  // the drain is over: now
}

FASTAPI_DETAIL_INLINE void Connection::start(Hub& hub, ServerStream::Socket socket) {
  auto* c = new Connection(hub, std::move(socket));
  c->root_ = connection_root(c->run()).handle;
  c->root_.resume();  // may have deleted c already: do not touch it after this
}

FASTAPI_DETAIL_INLINE Task<void> Connection::run() {
  try {
    co_await serve();
    if (phase_ == Phase::upgraded) {
      // After a 101 the HTTP loop has returned, and this coroutine ends too: the protocol runs in the hook's
      // own coroutines, so an idle WebSocket keeps no frame of the connection. finished() starts a new root
      // (end_upgraded) that closes the connection.
      start_upgraded();
      root_ = {};
      co_return;
    }
  } catch (const std::exception& e) {
    log(LogLevel::error, std::string("connection error: ") + e.what());
  } catch (...) {
    log(LogLevel::error, "connection error: unknown exception type");
  }
  stream_.shutdown_send();  // TLS: the close_notify, when the session is sound
  stream_.shutdown_both();
  // The frame of run() must not touch `this` after the delete; the root frame ends right after it.
  delete this;
}

FASTAPI_DETAIL_INLINE void Connection::sweep() {
  if (phase_ == Phase::upgraded) {
    // Only a write has a deadline now (a peer that reads nothing); the upgraded protocol keeps its own
    // keep-alive (pings) through on_tick, and is told once that the server drains.
    if (hub_.now >= deadline_) {
      deadline_ = Clock::time_point::max();
      abort_socket();
    }
    sweep_upgraded_read();
    if (upgrade_) {
      if (hub_.draining && !drain_told_) {
        drain_told_ = true;
        upgrade_->on_drain();
      }
      upgrade_->on_tick(hub_.now);
    }
    return;
  }
  // An event stream ends when the server drains (sse-starlette stops on shutdown too); other streams finish.
  if (hub_.draining && streaming_ && cancel_on_drain_ && !stream_cancel_.requested()) stream_cancel_.cancel();
  bool expired = hub_.now >= deadline_;
  // A connection that has not sent its first request yet (accepted from the backlog as the drain began)
  // is given it: its client is sending it now. Idle keep-alive ones are woken to close.
  bool drain_idle = hub_.draining && phase_ == Phase::idle && !first_request_;
  if (!expired && !drain_idle) return;
  if (expired) timed_out_ = true;
  deadline_ = Clock::time_point::max();
  stream_.cancel();  // the pending wait completes with operation_aborted
}

FASTAPI_DETAIL_INLINE void Connection::abort() { abort_socket(); }

FASTAPI_DETAIL_INLINE void Connection::abort_socket() {
  timed_out_ = true;
  stream_.cancel();
  stream_.shutdown_both();
}

FASTAPI_DETAIL_INLINE void Connection::destroy_suspended() {
  std::coroutine_handle<> root = root_;
  root_ = {};
  // Destroying the root destroys run(), serve(), the handler... in turn: their locals only point into
  // *this, which is still alive here. Operations they had pending (a timer, a socket wait) are cancelled
  // into the stopped io_context's queue and freed with it, never invoked.
  if (root) root.destroy();
  delete this;
}

FASTAPI_DETAIL_INLINE void Connection::acquire_buffer() {
  if (!buf_) {
    buf_ = hub_.buffers.acquire();
    cap_ = hub_.buffers.buffer_size();
  }
}

FASTAPI_DETAIL_INLINE void Connection::release_idle_memory() {
  if (buf_) {
    hub_.buffers.release(buf_);
    buf_ = nullptr;
    cap_ = 0;
  }
  start_ = end_ = 0;
  if (!holds_no_buffer(out_)) hub_.give_out_buffer(std::move(out_));
  out_ = std::string();
  if (body_.capacity() > 4096) body_ = std::string();
}

/// Waits until the socket is readable/writable, or the sweeper cancels the wait. False on cancel/error.
FASTAPI_DETAIL_INLINE Task<bool> Connection::wait(asio::socket_base::wait_type type) {
  auto [ec] =
      co_await async_call<asio::error_code>([&](auto handler) { stream_.async_wait(type, std::move(handler)); });
  co_return !ec && !timed_out_;
}

/// TLS: the server's side of the handshake, before the first request, within header_timeout (a client that
/// opens the connection and sends nothing, or half a ClientHello, is cut by the sweeper like a slow head).
/// False when it failed (plain HTTP on the TLS port, no client certificate where one is required, a
/// timeout): the connection just closes, as uvicorn's and nginx's do.
FASTAPI_DETAIL_INLINE Task<bool> Connection::handshake() {
  phase_ = Phase::head;
  set_deadline(hub_.config.header_timeout);
  if (!stream_.start_tls(hub_.tls)) co_return false;
  for (;;) {
    if (past_deadline()) co_return false;
    asio::error_code ec;
    if (stream_.handshake(ec)) co_return true;
    if (ec != asio::error::would_block) {
      log(LogLevel::debug, "TLS handshake with " + client_host_ + " failed: " + ec.message());
      co_return false;
    }
    if (!co_await wait(asio::socket_base::wait_read)) co_return false;
  }
}

/// Idle: nothing buffered. Waits for the first bytes of the next request without holding a buffer.
FASTAPI_DETAIL_INLINE Task<bool> Connection::wait_for_request() {
  phase_ = Phase::idle;
  release_idle_memory();
  // The first request's head is due within header_timeout of the connection's start, the TLS handshake
  // included (its deadline runs on).
  if (!first_request_ || !stream_.tls()) {
    set_deadline(first_request_ ? hub_.config.header_timeout : hub_.config.keep_alive_timeout);
  }
  for (;;) {
    // Draining: a keep-alive connection is closed, but not before a request that has already arrived on it
    // is served (with Connection: close): nginx may have sent it on this reused connection just before the
    // drain, and cannot send a POST again (its closed connection would be its client's 502). A connection
    // still to send its first request (taken from the backlog at the drain) waits for it as usual.
    bool draining = hub_.draining && !first_request_;
    bool ready = !draining && co_await wait(asio::socket_base::wait_read);
    if (!ready && !hub_.draining) co_return false;  // the keep-alive timeout, an error
    acquire_buffer();
    asio::error_code ec;
    std::size_t n = stream_.read_some(asio::buffer(buf_, cap_), ec);
    if (!ec) {
      end_ = n;
      co_return true;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;  // EOF, reset
    if (hub_.draining && !first_request_) co_return false;
    if (!ready) co_return false;  // a fresh connection's wait ended by the sweeper: its deadline passed
  }
}

/// Reads more bytes of the current request into buf_[end_, cap_). Flushes pending output first so a
/// pipelining client never waits for answers it already earned. False on EOF, error or timeout.
FASTAPI_DETAIL_INLINE Task<bool> Connection::read_more() {
  if (!out_.empty() && !co_await flush()) co_return false;
  for (;;) {
    // A client that keeps the socket readable never lets this wait, so the sweeper never gets to cancel
    // it: the head or body deadline is checked here too (a body flooded faster than it is decoded).
    if (past_deadline()) co_return false;
    asio::error_code ec;
    std::size_t n = stream_.read_some(asio::buffer(buf_ + end_, cap_ - end_), ec);
    if (!ec) {
      end_ += n;
      co_return true;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
    if (!co_await wait(asio::socket_base::wait_read)) co_return false;
  }
}

/// Writes out_ (and big_body_) completely, then empties them (write_pieces below).
FASTAPI_DETAIL_INLINE Task<bool> Connection::flush() { return write_pieces(out_, big_body_, true); }

/// The one write loop (a response's out_ and big_body_, an upgraded protocol's bytes): `head` then `body`,
/// gathered in one write_some while the socket takes them, non-blocking first, waiting for writability when
/// the socket buffer is full. A client that reads nothing for write_timeout is dropped; one that reads slowly
/// but steadily is not (the deadline restarts whenever the socket took bytes); the deadline that ran before
/// (a head's or body's) runs on afterwards. A wait cancelled without a timeout (an upgraded protocol's wake()
/// meant for its reader) simply waits again. `response`: the pieces are out_ and big_body_, cleared once
/// written. A plain function returning the coroutine's task, so flush() costs no frame of its own.
FASTAPI_DETAIL_INLINE Task<bool> Connection::write_pieces(std::string_view head, std::string_view body, bool response) {
  Phase before = phase_;
  Clock::time_point outer_deadline = deadline_;
  if (phase_ != Phase::upgraded) phase_ = Phase::write;
  std::size_t done = 0;
  std::size_t total = head.size() + body.size();
  bool armed = false;
  std::size_t done_when_armed = 0;
  while (done < total) {
    std::size_t head_done = std::min(done, head.size());
    std::size_t body_done = done - head_done;
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head.data() + head_done, head.size() - head_done),
                                           asio::buffer(body.data() + body_done, body.size() - body_done)};
    asio::error_code ec;
    std::size_t n = stream_.write_some(bufs, ec);
    if (!ec) {
      done += n;
      continue;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
    if (!armed || done != done_when_armed) {
      set_deadline(hub_.config.write_timeout);
      armed = true;
      done_when_armed = done;
    }
    auto [wait_ec] = co_await async_call<asio::error_code>(
        [&](auto handler) { stream_.async_wait(asio::socket_base::wait_write, std::move(handler)); });
    if (timed_out_ || (wait_ec && wait_ec != asio::error::operation_aborted)) co_return false;
  }
  if (response) {
    out_.clear();
    big_body_.clear();
  }
  if (armed) deadline_ = outer_deadline;
  phase_ = before;
  co_return response || !timed_out_;  // an upgraded write aborted meanwhile failed
}

FASTAPI_DETAIL_INLINE Task<void> Connection::serve() {
  if (hub_.tls && !co_await handshake()) co_return;
  for (;;) {
    if (start_ == end_ && !co_await wait_for_request()) co_return;
    first_request_ = false;
    phase_ = Phase::head;
    set_deadline(hub_.config.header_timeout);
    parser_.reset();
    req_.reset();
    arena_.reset();

    // The head: parse what we have, read more until it is complete or rejected.
    for (;;) {
      auto r = parser_.parse_head(buffered(), req_);
      if (r == RequestParser::Result::complete) break;
      if (r == RequestParser::Result::error) {
        co_await send_error(parser_.error().status, parser_.error().reason);
        co_return;
      }
      if (end_ == cap_) {
        if (start_ == 0) {  // cannot happen while cap_ > max_header_bytes, but never loop on it
          co_await send_error(431, "Request Header Fields Too Large");
          co_return;
        }
        std::memmove(buf_, buf_ + start_, end_ - start_);  // the parser keeps offsets, not pointers
        end_ -= start_;
        start_ = 0;
      }
      if (!co_await read_more()) {
        if (timed_out_) co_await send_error(408, "Request Timeout");
        co_return;
      }
    }
    if (req_.method == Method::connect) {
      // CONNECT asks for a tunnel (RFC 9110 section 9.3.6), which an app cannot give: answered here, before
      // any middleware, and closed (bytes meant for the tunnel may follow). nginx answers 400 too; uvicorn
      // hands it to the app, whose router answers 404 for the authority-form target.
      co_await send_error(400, "CONNECT is not supported: this server is not a proxy.");
      co_return;
    }
    req_.client_host = client_host_;  // afresh: a middleware (ProxyHeaders) may have changed them
    req_.client_port = client_port_;
    if (stream_.tls()) req_.scheme = "https";  // the parser's reset() made it "http"
    req_.client_certificate_ = stream_.client_certificate();

    if (!co_await read_body(parser_.head_size())) co_return;
    if (!co_await dispatch_and_write()) co_return;
    if (streamed_.active) end_streamed_request();
    if (close_after_) {
      if (!co_await flush()) co_return;
      co_await linger_close();
      co_return;
    }
  }
}

FASTAPI_DETAIL_INLINE Task<bool> Connection::dispatch_and_write() {
  phase_ = Phase::handler;
  deadline_ = Clock::time_point::max();
  Response res;
  try {
    res = co_await hub_.service.handle(req_);
  } catch (const std::exception& e) {
    log(LogLevel::error, std::string("unhandled exception: ") + e.what());
    res = RawJSONResponse(R"({"detail":"Internal Server Error"})", 500);
  } catch (...) {
    log(LogLevel::error, "unhandled exception of unknown type");
    res = RawJSONResponse(R"({"detail":"Internal Server Error"})", 500);
  }
  // Whatever the handler, a middleware or an exception handler put into the head is checked here, once:
  // a control byte in a header, a bad name or a non-final status is a logged 500, never a split response.
  refuse_invalid_head(res, this_loop().route, req_);
  if (res.status == 101 && res.upgrade) co_return co_await hand_over(res);
  if (auto c = res.headers.get("connection"); c && iequals(*c, "close")) close_after_ = true;
  close_after_ = close_after_ || !req_.keep_alive || hub_.draining;
  WriteOptions wo{.version_minor = req_.version_minor,
                  .keep_alive = !close_after_,
                  .head_only = req_.method == Method::head,
                  .date_line = hub_.date.line(),
                  .server = hub_.config.server_header};
  if (holds_no_buffer(out_)) out_ = hub_.take_out_buffer();
  if (res.stream && !wo.head_only) {
    if (req_.version_minor == 0 && !res.stream_size) close_after_ = true;  // HTTP/1.0: the close ends the body
    bool ok = co_await write_stream(res);
    if (res.after_send) co_await res.after_send();
    co_return ok;
  }
  // HEAD of a streamed body: its length is unknown, so no Content-Length (RFC 9110 section 9.3.2).
  write_head(out_, res, wo, res.stream && !res.stream_size ? BodyFraming::none : BodyFraming::length);
  if (!wo.head_only && !status_forbids_body(res.status)) {
    if (res.body.size() <= 16384) {
      out_.append(res.body);
    } else {
      big_body_ = std::move(res.body);
    }
  }
  // Pipelining: when more request bytes are already here, answer them before writing.
  bool more = end_ > start_ && !close_after_ && big_body_.empty() && out_.size() < 65536 && !res.after_send;
  bool ok = more || co_await flush();
  if (res.after_send) co_await res.after_send();  // teardown and background tasks: the client has its answer
  co_return ok;
}

/// Answers a framing error or timeout with `{"detail": reason}` and closes. The reasons are our own
/// fixed ASCII sentences, so they need no JSON escaping.
FASTAPI_DETAIL_INLINE Task<void> Connection::send_error(int status, std::string_view reason) {
  close_after_ = true;
  timed_out_ = false;
  Response res = RawJSONResponse(std::string(R"({"detail":")").append(reason).append("\"}"), status);
  if (holds_no_buffer(out_)) out_ = hub_.take_out_buffer();
  write_head(
      out_, res,
      WriteOptions{
          .version_minor = 1, .keep_alive = false, .date_line = hub_.date.line(), .server = hub_.config.server_header},
      BodyFraming::length);
  out_.append(res.body);
  if (co_await flush()) co_await linger_close();
}

/// Half-closes and drains what the client still sends (briefly), so our last response is not destroyed
/// by a TCP reset when unread request bytes remain (RFC 9112 section 9.6).
FASTAPI_DETAIL_INLINE Task<void> Connection::linger_close() {
  phase_ = Phase::closing;
  asio::error_code ec;
  stream_.shutdown_send();
  deadline_ = hub_.now + std::chrono::seconds(2);
  acquire_buffer();
  std::size_t drained = 0;
  while (drained < (1u << 20)) {
    std::size_t n = stream_.read_some(asio::buffer(buf_, cap_), ec);
    if (!ec) {
      drained += n;
      continue;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) break;
    if (!co_await wait(asio::socket_base::wait_read)) break;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO
