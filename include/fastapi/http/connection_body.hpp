// http/connection_body.hpp: a connection's bodies: a request body read whole before the handler (Content-Length
// in place or owned, chunked decoded), or read as the handler asks for it (fa::RequestStream: 100-continue at
// the first read, the limit and the body timeout as bytes arrive, TCP backpressure), and a response written as
// its stream produces it (cancelled when the client goes, or the server drains an event stream), or a file body
// sent with sendfile(2) on plain TCP and Unix sockets (send_file_body). Part of
// Connection (http/connection.hpp); fed by Connection::serve / dispatch_and_write and the handler's
// ClientChannel. Knows nothing of routes or JSON.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include <sys/sendfile.h>
#include <sys/socket.h>

#include "fastapi/core/async_call.hpp"
#include "fastapi/http/connection.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

namespace fastapi::detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
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
      std::size_t got = stream_.read_some(asio::buffer(body_.data() + old, n - old), ec);
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

FASTAPI_DETAIL_INLINE Task<bool> Connection::write_stream(Response& res) {
  // A file's stream, as FileResponse made it: sendfile(2) when no TLS record has to wrap the bytes.
  if (auto* file = res.stream.target<FileStreamBody>(); file && !stream_.tls() && res.stream_size)
    co_return co_await send_file_body(res, *file->stream);
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

/// A sendfile(2) that ran on the blocking pool: its result and errno.
struct SendfileResult {
  ssize_t sent;
  int error;
};

/// Sends a file response's head, then each segment's text and bytes, then the tail: the texts with
/// send(MSG_MORE) so they leave in the same packets as the file's first bytes, the bytes with sendfile(2),
/// from the page cache to the socket without a copy through user space. A range of the file the page cache
/// does not hold is sent from the blocking pool (sendfile would wait for the disk on the loop); the socket
/// is non-blocking, so there it only waits for the disk. Backpressure and the write timeout as flush():
/// a full socket buffer waits for writability, and a client that takes nothing for write_timeout is dropped.
/// A file that became shorter than its Content-Length ends the connection (sendfile then returns 0): the
/// client sees a short body and a close, never bytes of something else. False on error, timeout or close.
FASTAPI_DETAIL_INLINE Task<bool> Connection::send_file_body(Response& res, FileStream& file) {
  write_head(out_, res,
             WriteOptions{.version_minor = req_.version_minor,
                          .keep_alive = !close_after_,
                          .date_line = hub_.date.line(),
                          .server = hub_.config.server_header},
             BodyFraming::length);
  const int sock = static_cast<int>(stream_.socket().native_handle());
  const int fd = file.file->fd;
  Phase before = phase_;
  Clock::time_point outer_deadline = deadline_;
  phase_ = Phase::write;
  std::uint64_t progress = 0, progress_when_armed = 0;
  bool armed = false;
  std::size_t sent = 0;  // of out_
  for (std::size_t i = 0; i <= file.segments.size(); ++i) {
    bool last = i == file.segments.size();
    out_.append(last ? file.tail : file.segments[i].head);
    std::uint64_t offset = last ? 0 : file.segments[i].offset;
    std::uint64_t left = last ? 0 : file.segments[i].length;
    while (sent < out_.size() || left > 0) {
      ssize_t n = 0;
      int error = 0;
      if (sent < out_.size()) {
        n = ::send(sock, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL | (left > 0 ? MSG_MORE : 0));
        error = errno;
        if (n > 0) sent += static_cast<std::size_t>(n);
        if (sent == out_.size()) out_.clear(), sent = 0;
      } else {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, sendfile_chunk_size));
        auto at = static_cast<off_t>(offset);
        if (file_range_cached(fd, offset, want)) {
          n = ::sendfile(sock, fd, &at, want);
          error = errno;
        } else {
          SendfileResult r{-1, EAGAIN};
          bool pooled = true;
          try {
            r = co_await to_thread([sock, fd, at, want] {
              off_t from = at;
              ssize_t got = ::sendfile(sock, fd, &from, want);
              return SendfileResult{got, got < 0 ? errno : 0};
            });
          } catch (const HTTPException&) {
            pooled = false;  // the pool is full: read on the loop this once, as nginx without aio does
          }
          if (!pooled) r.sent = ::sendfile(sock, fd, &at, want), r.error = errno;
          n = r.sent;
          error = r.error;
        }
        if (n == 0) {  // the file became shorter than its Content-Length: only a close tells the client
          close_after_ = true;
          log(LogLevel::warning, "a file being sent became shorter than its Content-Length: connection closed");
          co_return false;
        }
        if (n > 0) offset += static_cast<std::uint64_t>(n), left -= static_cast<std::uint64_t>(n);
      }
      if (n > 0) {
        progress += static_cast<std::uint64_t>(n);
        continue;
      }
      if (n == 0 || error == EINTR) continue;
      if (error != EAGAIN && error != EWOULDBLOCK) co_return false;  // the client went (EPIPE, ECONNRESET)
      if (!armed || progress != progress_when_armed) {
        set_deadline(hub_.config.write_timeout);
        armed = true;
        progress_when_armed = progress;
      }
      if (!co_await wait(asio::socket_base::wait_write)) co_return false;
    }
  }
  if (armed) deadline_ = outer_deadline;
  phase_ = before;
  co_return true;
}

// ---- streamed request bodies ----------------------------------------------------------------------

/// A streamed Content-Length body is read 64 KiB at a time, and while every read fills the buffer (the client
/// sends faster than the handler takes the bytes: a large upload on a fast link) the buffer doubles up to 1 MiB.
/// Fewer, larger reads and spool writes: a 1 GiB multipart upload costs the server ~40% less CPU at 1 MiB than
/// at 64 KiB (bench/results/2026-12-06-debian12-2core-realtime-upload-2.md), while a slow client, whose reads
/// come back short, keeps 64 KiB.
inline constexpr std::size_t streamed_read_min = 64 * 1024;
inline constexpr std::size_t streamed_read_max = 1024 * 1024;

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
    b.raw.resize(static_cast<std::size_t>(std::min<std::uint64_t>(b.remaining, streamed_read_min)));
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
    std::size_t n = stream_.read_some(asio::buffer(into, most), ec);
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

FASTAPI_DETAIL_INLINE Task<std::string_view> Connection::next_body_chunk() {
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
    if (b.last_read_full && b.raw.size() < streamed_read_max && b.remaining > b.raw.size()) {
      // The client sends faster than the handler reads: read more at once (the previous chunk is consumed).
      std::size_t grown = std::min<std::size_t>(b.raw.size() * 2, streamed_read_max);
      b.raw.clear();
      b.raw.resize(static_cast<std::size_t>(std::min<std::uint64_t>(b.remaining, grown)));
    }
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(b.remaining, b.raw.size()));
    std::size_t n = co_await read_streamed_bytes(b.raw.data(), want);
    b.last_read_full = n == b.raw.size();
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
FASTAPI_DETAIL_INLINE bool Connection::poll_peer_closed() {
  if (!peer_gone_ && stream_.peer_closed()) peer_gone_ = true;
  return peer_gone_;
}

// ---- streamed responses: noticing that the client left ------------------------------------------------

/// Waits (in the background) for the socket to become readable while a stream is written: an EOF or reset
/// then cancels the stream. Bytes instead (a pipelined request) end the watch: the close behind them cannot
/// be seen without reading them, and the next write will fail anyway.
FASTAPI_DETAIL_INLINE void Connection::watch_peer() {
  if (!self_ref_) self_ref_ = std::make_shared<Connection*>(this);
  unsigned generation = ++watch_generation_;
  stream_.async_wait(asio::socket_base::wait_read, [ref = self_ref_, generation](const asio::error_code& ec) {
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
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO
