// http/connection.hpp: one TCP connection's life: read -> parse -> body -> Service -> write, again and again
// (keep-alive, pipelining), with the limits, timeouts and backpressure of Config. Fed by the server's
// acceptor; feeds the Service (the app's middleware chain). Knows nothing of routes or JSON.
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

#include <sys/socket.h>

#include <asio.hpp>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/chunked.hpp"
#include "fastapi/http/hub.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/request_parser.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/upgrade.hpp"
#include "fastapi/http/writer.hpp"

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

  Connection(Hub& hub, asio::ip::tcp::socket socket);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Starts serving on the current thread (the hub's worker); deletes itself at the end.
  static void start(Hub& hub, asio::ip::tcp::socket socket);
  /// Called by the worker's tick: cancels the pending read/write when its deadline has passed,
  /// and wakes idle connections when the server drains.
  void sweep();
  /// Shuts the socket down now (the drain's grace period is over): a connection waiting on I/O ends.
  void abort() override;
  /// Frees a connection that is still suspended (in a handler) after its worker's loop stopped: destroys
  /// its coroutine frames and closes the socket. Only when the loop that ran it no longer runs.
  void destroy_suspended();

  Phase phase() const { return phase_; }
  Connection* next = nullptr;
  Connection* prev = nullptr;

 private:
  Task<void> run();
  Task<void> serve();
  Task<bool> wait_for_request();
  Task<bool> read_more();
  Task<bool> read_body(std::size_t head_size);
  Task<bool> dispatch_and_write();
  Task<bool> write_stream(Response& res);
  Task<bool> hand_over(Response& res);
  void keep_request_without_buffer();
  Task<bool> flush();
  Task<void> send_error(int status, std::string_view reason);
  Task<void> linger_close();
  Task<bool> wait(asio::socket_base::wait_type type);

  // The read side of a streamed request body (fa::RequestStream) and of the client's presence (ClientChannel).
  Task<std::string_view> read_body_chunk() override;
  bool peer_closed() override;
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
  std::coroutine_handle<> root_;  ///< the ConnectionRoot frame, alive as long as *this
  asio::ip::tcp::socket socket_;
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
  std::string head_copy_;
  bool drain_told_ = false;
  // UpgradedStream: the socket as the upgraded protocol sees it.
  Task<Wait> wait_readable() override;
  std::size_t read_some(char* buf, std::size_t n, bool& closed) override;
  std::size_t try_write(std::string_view data, bool& closed) override;
  Task<bool> write(std::string_view data) override;
  void wake() override {
    asio::error_code ec;
    socket_.cancel(ec);
  }
  void abort_socket();
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
FASTAPI_DETAIL_INLINE Connection::Connection(Hub& hub, asio::ip::tcp::socket socket)
    : hub_(hub), socket_(std::move(socket)),
      parser_(HeadLimits{hub.config.max_request_line, hub.config.max_header_bytes, hub.config.max_headers}),
      chunked_(hub.config.max_body_size), arena_(512) {
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  auto peer = socket_.remote_endpoint(ec);
  if (!ec) {
    client_host_ = peer.address().to_string();
    client_port_ = peer.port();
  }
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
  if (prev) prev->next = next;
  else hub_.first = next;
  if (next) next->prev = prev;
  --hub_.count;
  hub_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  if (hub_.draining && hub_.count == 0 && hub_.ticker) hub_.ticker->cancel();  // the drain is over: now
}

FASTAPI_DETAIL_INLINE void Connection::start(Hub& hub, asio::ip::tcp::socket socket) {
  auto* c = new Connection(hub, std::move(socket));
  c->root_ = connection_root(c->run()).handle;
  c->root_.resume();  // may have deleted c already: do not touch it after this
}

FASTAPI_DETAIL_INLINE Task<void> Connection::run() {
  try {
    co_await serve();
  } catch (const std::exception& e) {
    log(LogLevel::error, std::string("connection error: ") + e.what());
  } catch (...) {
    log(LogLevel::error, "connection error: unknown exception type");
  }
  asio::error_code ec;
  socket_.shutdown(asio::socket_base::shutdown_both, ec);
  socket_.close(ec);
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
  bool drain_idle = hub_.draining && phase_ == Phase::idle;
  if (!expired && !drain_idle) return;
  if (expired) timed_out_ = true;
  deadline_ = Clock::time_point::max();
  asio::error_code ec;
  socket_.cancel(ec);  // the pending wait completes with operation_aborted
}

FASTAPI_DETAIL_INLINE void Connection::abort() { abort_socket(); }

FASTAPI_DETAIL_INLINE void Connection::abort_socket() {
  timed_out_ = true;
  asio::error_code ec;
  socket_.cancel(ec);
  socket_.shutdown(asio::socket_base::shutdown_both, ec);
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
      co_await async_call<asio::error_code>([&](auto handler) { socket_.async_wait(type, std::move(handler)); });
  co_return !ec && !timed_out_;
}

/// Idle: nothing buffered. Waits for the first bytes of the next request without holding a buffer.
FASTAPI_DETAIL_INLINE Task<bool> Connection::wait_for_request() {
  phase_ = Phase::idle;
  release_idle_memory();
  set_deadline(first_request_ ? hub_.config.header_timeout : hub_.config.keep_alive_timeout);
  for (;;) {
    if (hub_.draining) co_return false;
    if (!co_await wait(asio::socket_base::wait_read)) co_return false;
    acquire_buffer();
    asio::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(buf_, cap_), ec);
    if (!ec) {
      end_ = n;
      co_return true;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;  // EOF, reset
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
    std::size_t n = socket_.read_some(asio::buffer(buf_ + end_, cap_ - end_), ec);
    if (!ec) {
      end_ += n;
      co_return true;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
    if (!co_await wait(asio::socket_base::wait_read)) co_return false;
  }
}

/// Writes out_ (and big_body_) completely: non-blocking first, waiting for writability when the socket
/// buffer is full. A client that reads nothing for write_timeout is dropped; one that reads slowly but
/// steadily is not (the deadline restarts whenever the socket took bytes). False on error/timeout.
FASTAPI_DETAIL_INLINE Task<bool> Connection::flush() {
  Phase before = phase_;
  Clock::time_point outer_deadline = deadline_;  // the head or body deadline keeps running meanwhile
  phase_ = Phase::write;
  std::size_t done = 0;
  std::size_t total = out_.size() + big_body_.size();
  bool armed = false;
  std::size_t done_when_armed = 0;
  while (done < total) {
    std::size_t head_done = std::min(done, out_.size());
    std::size_t body_done = done - head_done;
    std::array<asio::const_buffer, 2> bufs{asio::buffer(out_.data() + head_done, out_.size() - head_done),
                                           asio::buffer(big_body_.data() + body_done, big_body_.size() - body_done)};
    asio::error_code ec;
    std::size_t n = socket_.write_some(bufs, ec);
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
    if (!co_await wait(asio::socket_base::wait_write)) co_return false;
  }
  out_.clear();
  big_body_.clear();
  if (armed) deadline_ = outer_deadline;
  phase_ = before;
  co_return true;
}

FASTAPI_DETAIL_INLINE Task<void> Connection::serve() {
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

/// Reads the body of req_ (Content-Length or chunked) and sets req_.body. Answers 413/400/408 itself.
FASTAPI_DETAIL_INLINE Task<bool> Connection::read_body(std::size_t head_size) {
  std::size_t body_begin = start_ + head_size;
  bool has_body = req_.chunked || (req_.content_length && *req_.content_length > 0);
  if (!has_body) {
    start_ = body_begin;
    co_return true;
  }
  phase_ = Phase::body;
  set_deadline(hub_.config.body_timeout);
  BodyPolicy policy = hub_.service.body_policy(req_);
  std::size_t limit = policy.limit;
  if (req_.content_length && *req_.content_length > limit) {
    co_await send_error(413, "Request Entity Too Large");
    co_return false;
  }
  if (policy.streamed) {  // the handler reads it (read_body_chunk)
    start_streamed_body(body_begin, limit);
    co_return true;
  }
  if (req_.expect_continue && end_ == body_begin) {
    out_.append("HTTP/1.1 100 Continue\r\n\r\n");
    if (!co_await flush()) co_return false;
  }
  auto fail = [&](bool) -> Task<bool> {
    if (timed_out_) co_await send_error(408, "Request Timeout");
    co_return false;
  };

  if (!req_.chunked) {
    std::size_t n = *req_.content_length;
    if (body_begin + n <= cap_) {  // fits after the head: read in place, zero copy
      while (end_ - body_begin < n)
        if (!co_await read_more()) co_return co_await fail(false);
      req_.body = std::string_view(buf_ + body_begin, n);
      start_ = body_begin + n;
      co_return true;
    }
    // Larger than the buffer: an owned body of exactly n bytes.
    body_.clear();
    body_.reserve(n);
    std::size_t have = std::min(end_ - body_begin, n);
    body_.append(buf_ + body_begin, have);
    end_ = body_begin;  // the head stays in place (req_ views point into it)
    while (body_.size() < n) {
      if (past_deadline()) co_return co_await fail(false);
      std::size_t old = body_.size();
      body_.resize(n);
      asio::error_code ec;
      std::size_t got = socket_.read_some(asio::buffer(body_.data() + old, n - old), ec);
      body_.resize(old + (ec ? 0 : got));
      if (ec) {
        if (ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
        if (!co_await wait(asio::socket_base::wait_read)) co_return co_await fail(false);
      }
    }
    req_.body = body_;
    start_ = end_;
    co_return true;
  }

  // Chunked: decode from the buffer region after the head, compacting that region as it is consumed.
  chunked_ = ChunkedDecoder(limit, hub_.config.max_header_bytes);
  body_.clear();
  std::size_t pos = body_begin;
  for (;;) {
    std::size_t consumed = 0;
    auto r = chunked_.feed(std::string_view(buf_ + pos, end_ - pos), body_, consumed);
    pos += consumed;
    if (r == ChunkedDecoder::Result::complete) break;
    if (r == ChunkedDecoder::Result::error) {
      co_await send_error(chunked_.error().status, chunked_.error().reason);
      co_return false;
    }
    if (end_ == cap_ || pos == end_) {  // make room: keep only the unconsumed bytes after the head
      std::memmove(buf_ + body_begin, buf_ + pos, end_ - pos);
      end_ = body_begin + (end_ - pos);
      pos = body_begin;
    }
    if (end_ == cap_) {  // a single chunk-size line or trailer larger than the buffer
      co_await send_error(400, "Chunk framing too large");
      co_return false;
    }
    if (!co_await read_more()) co_return co_await fail(false);
  }
  req_.body = body_;
  start_ = pos;
  co_return true;
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

/// The 101: its head is written (no Content-Length, no body), then the socket is handed to res.upgrade, which
/// gets the bytes already read past the request head. The connection's read deadline and idle sweep stop
/// applying; the hook returns when its protocol is over, and the connection closes.
FASTAPI_DETAIL_INLINE Task<bool> Connection::hand_over(Response& res) {
  if (holds_no_buffer(out_)) out_ = hub_.take_out_buffer();
  write_head(out_, res,
             WriteOptions{.version_minor = req_.version_minor,
                          .keep_alive = true,
                          .date_line = hub_.date.line(),
                          .server = hub_.config.server_header},
             BodyFraming::none);
  if (!co_await flush()) {
    if (res.after_send) co_await res.after_send();
    co_return false;  // the hook is dropped unrun: its handler is destroyed with it
  }
  upgrade_ = std::move(res.upgrade);
  phase_ = Phase::upgraded;
  deadline_ = Clock::time_point::max();
  timed_out_ = false;
  std::string leftover(buf_ + start_, end_ - start_);
  keep_request_without_buffer();
  co_await upgrade_->run(*this, std::move(leftover));
  if (res.after_send) co_await res.after_send();
  co_return false;
}

/// Copies the handshake request out of the read buffer (only what it occupies, typically a few hundred
/// bytes), points req_'s views at the copy, and gives the buffers back: the handler may read its request for
/// as long as the WebSocket lives, and an idle WebSocket holds no 16 KiB buffer.
FASTAPI_DETAIL_INLINE void Connection::keep_request_without_buffer() {
  head_copy_.assign(buf_, start_);
  const char* from = buf_;
  const char* to = head_copy_.data();
  const std::size_t size = start_;
  auto rebase = [&](std::string_view v) -> std::string_view {
    std::less_equal<const char*> le;
    if (v.data() && le(from, v.data()) && le(v.data() + v.size(), from + size))
      return {to + (v.data() - from), v.size()};
    return v;  // in the arena, the body buffer, the router's templates: stays where it is
  };
  req_.method_name = rebase(req_.method_name);
  req_.target = rebase(req_.target);
  req_.raw_path = rebase(req_.raw_path);
  req_.path = rebase(req_.path);
  req_.query_string = rebase(req_.query_string);
  req_.body = rebase(req_.body);
  req_.route_memo.path = rebase(req_.route_memo.path);
  HeaderViews headers;
  headers.reserve(req_.headers.size());
  for (const auto& f : req_.headers) headers.add(rebase(f.name), rebase(f.value));
  req_.headers = std::move(headers);
  QueryParams query;
  for (const auto& q : req_.query) query.add(rebase(q.key), rebase(q.value));
  req_.query = std::move(query);
  PathParams params = req_.path_params;
  req_.path_params.clear();
  for (const auto& p : params) req_.path_params.push(rebase(p.name), rebase(p.value));
  release_idle_memory();
}

FASTAPI_DETAIL_INLINE Task<UpgradedStream::Wait> Connection::wait_readable() {
  auto [ec] = co_await async_call<asio::error_code>(
      [&](auto handler) { socket_.async_wait(asio::socket_base::wait_read, std::move(handler)); });
  if (timed_out_) co_return Wait::closed;
  if (ec == asio::error::operation_aborted) co_return Wait::woken;
  co_return ec ? Wait::closed : Wait::ready;
}

FASTAPI_DETAIL_INLINE std::size_t Connection::read_some(char* buf, std::size_t n, bool& closed) {
  asio::error_code ec;
  std::size_t got = socket_.read_some(asio::buffer(buf, n), ec);
  if (!ec) return got;
  closed = ec != asio::error::would_block && ec != asio::error::try_again;
  return 0;
}

FASTAPI_DETAIL_INLINE std::size_t Connection::try_write(std::string_view data, bool& closed) {
  if (timed_out_) {
    closed = true;
    return 0;
  }
  asio::error_code ec;
  std::size_t n = socket_.write_some(asio::buffer(data.data(), data.size()), ec);
  if (!ec) return n;
  closed = ec != asio::error::would_block && ec != asio::error::try_again;
  return 0;
}

/// As flush(): a peer that takes no byte for write_timeout is dropped (the sweep aborts the socket). A
/// wake() meant for the reader cancels this wait too: it simply waits again.
FASTAPI_DETAIL_INLINE Task<bool> Connection::write(std::string_view data) {
  std::size_t done = 0;
  bool armed = false;
  std::size_t done_when_armed = 0;
  while (done < data.size()) {
    if (timed_out_) co_return false;
    asio::error_code ec;
    std::size_t n = socket_.write_some(asio::buffer(data.data() + done, data.size() - done), ec);
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
        [&](auto handler) { socket_.async_wait(asio::socket_base::wait_write, std::move(handler)); });
    if (timed_out_ || (wait_ec && wait_ec != asio::error::operation_aborted)) co_return false;
  }
  if (armed) deadline_ = Clock::time_point::max();
  co_return !timed_out_;
}

FASTAPI_DETAIL_INLINE Task<bool> Connection::write_stream(Response& res) {
  // A stream of known size (a file) is sent with Content-Length; its head goes out with its first bytes.
  bool sized = res.stream_size.has_value();
  bool chunked = req_.version_minor == 1 && !sized;
  std::size_t left = sized ? *res.stream_size : 0;
  write_head(out_, res,
             WriteOptions{.version_minor = req_.version_minor,
                          .keep_alive = !close_after_,
                          .date_line = hub_.date.line(),
                          .server = hub_.config.server_header},
             sized     ? BodyFraming::length
             : chunked ? BodyFraming::chunked
                       : BodyFraming::none);
  if (!sized && !co_await flush()) co_return false;
  std::string chunk;
  for (;;) {
    chunk.clear();
    bool more = co_await next_stream_chunk(res, chunk);
    if (!more) break;
    if (chunk.empty()) continue;
    if (sized) {
      if (chunk.size() > left) chunk.resize(left);  // never more than the Content-Length said
      left -= chunk.size();
    }
    if (chunked) {
      write_chunk(out_, chunk);
    } else {
      out_.append(chunk);
    }
    if (!co_await flush()) co_return false;
  }
  if (chunked) write_chunk(out_, {});
  if (sized && left > 0) {  // fewer bytes than announced: only closing tells the client
    close_after_ = true;
    co_await flush();
    co_return false;
  }
  co_return co_await flush();
}

// ---- streamed request bodies ----------------------------------------------------------------------

/// Sets up the body of req_ to be read by the handler. Until it has read all of it, the request counts as
/// not keep-alive: a handler that stops early gets its answer sent with `Connection: close`, and the unread
/// rest is never mistaken for the next request.
FASTAPI_DETAIL_INLINE void Connection::start_streamed_body(std::size_t body_begin, std::size_t limit) {
  StreamedBody& b = streamed_;
  b = StreamedBody{};
  b.active = true;
  b.keep_alive = req_.keep_alive;
  b.continue_due = req_.expect_continue && end_ == body_begin;
  req_.body_streamed = true;
  req_.keep_alive = false;
  phase_ = Phase::handler;
  deadline_ = Clock::time_point::max();
  if (!req_.chunked) {
    // Bytes of the body that came with the head are the first chunk, read in place; what follows them in
    // buf_ (only when the whole body is there) is the next pipelined request.
    std::size_t n = *req_.content_length;
    b.first_begin = body_begin;
    b.first_size = std::min(end_ - body_begin, n);
    b.remaining = n - b.first_size;
    start_ = body_begin + b.first_size;
    b.raw.resize(static_cast<std::size_t>(std::min<std::uint64_t>(b.remaining, 65536)));
    return;
  }
  // Chunked: every raw byte goes through the decoder, from b.raw. Reads are at most a read buffer's size, so
  // the bytes after the body (a pipelined request) always fit back into buf_ (end_streamed_request).
  chunked_ = ChunkedDecoder(limit, hub_.config.max_header_bytes);
  b.raw.resize(cap_);
  b.raw_end = end_ - body_begin;
  std::memcpy(b.raw.data(), buf_ + body_begin, b.raw_end);
  start_ = end_ = body_begin;  // the head stays in place (req_ views point into it)
}

/// Remembers the failure (a later read fails the same way) and throws it as the answer's HTTPException.
FASTAPI_DETAIL_INLINE void Connection::fail_streamed_body(int status, std::string_view reason) {
  streamed_.error_status = status;
  streamed_.error_reason = reason;
  deadline_ = Clock::time_point::max();
  if (status == 0) throw ClientDisconnect();
  throw HTTPException(status, std::string(reason));
}

FASTAPI_DETAIL_INLINE void Connection::finish_streamed_body() {
  streamed_.done = true;
  req_.keep_alive = streamed_.keep_alive;
}

/// Up to `most` bytes from the socket (at least one). The body timeout counts from the last byte received:
/// a long upload that keeps moving is never cut, one that stalls for body_timeout gets 408.
FASTAPI_DETAIL_INLINE Task<std::size_t> Connection::read_streamed_bytes(char* into, std::size_t most) {
  set_deadline(hub_.config.body_timeout);
  for (;;) {
    if (past_deadline()) {
      timed_out_ = false;
      fail_streamed_body(408, "Request Timeout");
    }
    if (++streamed_.reads_in_a_row > 8) {
      // A fast client keeps the socket readable, so the handler would read on without ever giving the loop
      // back: every 8 reads, let the other connections of this worker run.
      streamed_.reads_in_a_row = 0;
      co_await async_call<>([&](auto handler) { asio::post(hub_.io, std::move(handler)); });
    }
    asio::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(into, most), ec);
    if (!ec) {
      deadline_ = Clock::time_point::max();
      co_return n;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) {  // EOF or reset: the client went
      peer_gone_ = true;
      fail_streamed_body(0, {});
    }
    streamed_.reads_in_a_row = 0;
    if (!co_await wait(asio::socket_base::wait_read)) {
      if (timed_out_) {
        timed_out_ = false;
        fail_streamed_body(408, "Request Timeout");
      }
      peer_gone_ = true;
      fail_streamed_body(0, {});
    }
  }
}

FASTAPI_DETAIL_INLINE Task<std::string_view> Connection::read_body_chunk() {
  StreamedBody& b = streamed_;
  if (!b.active || b.done) co_return std::string_view();
  if (b.error_status || peer_gone_) fail_streamed_body(b.error_status, b.error_reason);
  if (b.continue_due) {
    // RFC 9110 section 10.1.1: the client waits for this before sending the body; sent only now that the
    // handler reads (a handler that answers without reading never asks for the body).
    b.continue_due = false;
    if (holds_no_buffer(out_)) out_ = hub_.take_out_buffer();
    out_.append("HTTP/1.1 100 Continue\r\n\r\n");
    if (!co_await flush()) {
      peer_gone_ = true;
      fail_streamed_body(0, {});
    }
  }
  if (!req_.chunked) {
    if (b.first_size) {
      std::string_view first(buf_ + b.first_begin, b.first_size);
      b.first_size = 0;
      if (b.remaining == 0) finish_streamed_body();
      co_return first;
    }
    if (b.remaining == 0) {
      finish_streamed_body();
      co_return std::string_view();
    }
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(b.remaining, b.raw.size()));
    std::size_t n = co_await read_streamed_bytes(b.raw.data(), want);
    b.remaining -= n;
    if (b.remaining == 0) finish_streamed_body();
    co_return std::string_view(b.raw.data(), n);
  }
  for (;;) {
    if (b.raw_pos < b.raw_end) {
      b.decoded.clear();
      std::size_t consumed = 0;
      auto r = chunked_.feed(std::string_view(b.raw.data() + b.raw_pos, b.raw_end - b.raw_pos), b.decoded, consumed);
      b.raw_pos += consumed;
      if (r == ChunkedDecoder::Result::error) fail_streamed_body(chunked_.error().status, chunked_.error().reason);
      if (r == ChunkedDecoder::Result::complete) finish_streamed_body();
      if (!b.decoded.empty()) co_return std::string_view(b.decoded);
      if (b.done) co_return std::string_view();
    }
    b.raw_pos = 0;
    b.raw_end = co_await read_streamed_bytes(b.raw.data(), b.raw.size());
  }
}

/// After the answer to a streamed request: the bytes read past its body (chunked) start the next request.
/// A body the handler did not read whole was answered with `Connection: close` (start_streamed_body).
FASTAPI_DETAIL_INLINE void Connection::end_streamed_request() {
  StreamedBody& b = streamed_;
  if (b.done && req_.chunked && b.raw_pos < b.raw_end) {
    std::size_t left = b.raw_end - b.raw_pos;  // <= cap_: the raw reads were at most that
    acquire_buffer();
    std::memmove(buf_, b.raw.data() + b.raw_pos, left);
    start_ = 0;
    end_ = left;
  }
  b = StreamedBody{};  // its buffers go: a streamed request is rare enough to allocate them afresh
}

/// True when the client has closed (or reset) its side: a peek of one byte that never consumes it, so a
/// pipelined request waiting behind is still read normally.
FASTAPI_DETAIL_INLINE bool Connection::peer_closed() {
  if (peer_gone_) return true;
  char byte;
  ssize_t n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) peer_gone_ = true;
  return peer_gone_;
}

// ---- streamed responses: noticing that the client left ------------------------------------------------

/// Waits (in the background) for the socket to become readable while a stream is written: an EOF or reset
/// then cancels the stream. Bytes instead (a pipelined request) end the watch: the close behind them cannot
/// be seen without reading them, and the next write will fail anyway.
FASTAPI_DETAIL_INLINE void Connection::watch_peer() {
  if (!self_ref_) self_ref_ = std::make_shared<Connection*>(this);
  unsigned generation = ++watch_generation_;
  socket_.async_wait(asio::socket_base::wait_read, [ref = self_ref_, generation](const asio::error_code& ec) {
    Connection* self = *ref;
    if (ec || !self || generation != self->watch_generation_ || !self->streaming_) return;
    if (self->peer_closed()) self->stream_cancel_.cancel();
  });
}

/// The stream's next chunk, awaited under stream_cancel_: false at its end, or once it was cancelled (its
/// CancelledError, or any error it throws because its waits were aborted, ends it quietly).
FASTAPI_DETAIL_INLINE Task<bool> Connection::next_stream_chunk(Response& res, std::string& chunk) {
  if (!streaming_) {
    streaming_ = true;
    cancel_on_drain_ = res.cancel_on_shutdown;
    stream_cancel_.reset();
    watch_peer();
  }
  bool more = false;
  if (!stream_cancel_.requested() && !(hub_.draining && cancel_on_drain_) && !peer_gone_) {
    Task<bool> step = res.stream(chunk);
    step.bind_cancellation(&stream_cancel_);
    try {
      more = co_await step;
    } catch (...) {
      if (!stream_cancel_.requested()) {
        streaming_ = false;
        throw;
      }
    }
  }
  if (!more) {
    streaming_ = false;
    ++watch_generation_;  // a watch still pending ends quietly
  }
  co_return more;
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
  socket_.shutdown(asio::socket_base::shutdown_send, ec);
  deadline_ = hub_.now + std::chrono::seconds(2);
  acquire_buffer();
  std::size_t drained = 0;
  while (drained < (1u << 20)) {
    std::size_t n = socket_.read_some(asio::buffer(buf_, cap_), ec);
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
