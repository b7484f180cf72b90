// http/connection_upgrade.hpp: a connection after a 101 Switching Protocols: its head written, the request kept
// without the read buffer, and the connection's stream (TCP, Unix socket or TLS alike) offered to the new
// protocol as an UpgradedStream (http/upgrade.hpp). Part of Connection (http/connection.hpp); fed by
// Connection::dispatch_and_write; feeds the Upgrade hook (the WebSocket session). Knows nothing of frames.
#pragma once

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/http/connection.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

namespace fastapi::detail {

/// An allocator over the thread's frame pool (core/task.hpp), for an Asio operation that an idle connection
/// keeps pending for hours: it gets a block of its own size class, reused by later ones of the same size.
template <class T>
struct FramePoolAllocator {
  using value_type = T;
  FramePoolAllocator() = default;
  template <class U>
  FramePoolAllocator(const FramePoolAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(frame_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { frame_deallocate(p, n * sizeof(T)); }
  friend bool operator==(const FramePoolAllocator&, const FramePoolAllocator&) noexcept { return true; }
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// The 101: its head is written (no Content-Length, no body) and res.upgrade kept; false either way, so the HTTP
/// loop (serve() and the frames below it) returns, and run() hands the stream to the hook (start_upgraded). The connection's
/// read deadline and idle sweep stop applying.
FASTAPI_DETAIL_INLINE Task<bool> Connection::hand_over(Response& res) {
  if (holds_no_buffer(out_)) out_ = hub_.take_out_buffer();
  write_head(out_, res,
             WriteOptions{.version_minor = req_.version_minor,
                          .keep_alive = true,
                          .date_line = hub_.date.line(),
                          .server = hub_.config.server_header},
             BodyFraming::none);
  // (not `if (!co_await flush())`: g++ 12 then builds a frame whose first resume traps when no await follows)
  const bool written = co_await flush();
  if (!written) {
    if (res.after_send) co_await res.after_send();
    co_return false;  // the hook is dropped unrun: its handler is destroyed with it
  }
  upgrade_ = std::move(res.upgrade);
  after_upgrade_ = std::move(res.after_send);
  phase_ = Phase::upgraded;
  deadline_ = Clock::time_point::max();
  timed_out_ = false;
  co_return false;
}

/// The socket handed to the upgrade hook, which gets the bytes already read past the request head. run() ends
/// right after this (the hook's coroutines run the protocol); the hook's finished() closes the connection.
FASTAPI_DETAIL_INLINE void Connection::start_upgraded() {
  std::string leftover(buf_ + start_, end_ - start_);
  keep_request_without_buffer();
  upgrade_->start(*this, std::move(leftover));
}

/// The protocol is over (the hook said so from its coroutine): a new root, run from the loop once that
/// coroutine has returned, runs the 101's after_send and closes. While it waits for the loop, destroy_suspended
/// can still free it.
FASTAPI_DETAIL_INLINE void Connection::end_upgraded_later() {
  root_ = connection_root(end_upgraded()).handle;
  post_resume(&hub_.io, root_);
}

FASTAPI_DETAIL_INLINE Task<void> Connection::end_upgraded() {
  try {
    if (auto after = std::move(after_upgrade_)) co_await after();
  } catch (const std::exception& e) {
    log(LogLevel::error, std::string("connection error: ") + e.what());
  } catch (...) {
    log(LogLevel::error, "connection error: unknown exception type");
  }
  stream_.shutdown_send();
  stream_.shutdown_both();
  delete this;  // the root frame ends right after this, as run()'s does
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

/// Messages come often (two reads or more since the last tick; a keep-alive pong every 20 s is not that): the
/// wait is a read into a pooled buffer (a plain socket's; TLS reads through its library). Else a wait that
/// holds no buffer. Either is a plain completion handler resuming the
/// reader (no coroutine frame is kept for it), whose operation comes from the frame pool at its own size:
/// through Asio's default allocator it would take a block recycled from a larger operation (the accept's),
/// which an idle socket would then hold for its whole life.
FASTAPI_DETAIL_INLINE void Connection::arm_read(std::coroutine_handle<> h, Wait& result) {
  if ((held_ || reads_this_tick_ >= 2) && !stream_.tls()) return start_held_read(h, result);
  wait_without_buffer(h, result);
}

FASTAPI_DETAIL_INLINE void Connection::wait_without_buffer(std::coroutine_handle<> h, Wait& result) {
  stream_.async_wait(asio::socket_base::wait_read,
                     asio::bind_allocator(FramePoolAllocator<void>(), [this, h, &result](const asio::error_code& ec) {
                       if (timed_out_) result = Wait::closed;
                       else if (ec == asio::error::operation_aborted) result = Wait::woken;
                       else result = ec ? Wait::closed : Wait::ready;
                       resume_from_loop(h);
                     }));
}

namespace held {
// held_ is [got][taken][bytes]: what the pending read got, what read_some has given of it.
inline constexpr std::size_t header = 2 * sizeof(std::size_t);
inline std::size_t* counts(char* buffer) { return reinterpret_cast<std::size_t*>(buffer); }
}  // namespace held

/// Asio tries the read at once (usually nothing yet) and then leaves it with the reactor, which performs it
/// when bytes come. A read that emptied the socket (fewer bytes than room) tells Asio not to try the next one
/// at once, and the descriptor stays registered as it is: no syscall between the answer and the next message.
FASTAPI_DETAIL_INLINE void Connection::start_held_read(std::coroutine_handle<> h, Wait& result) {
  if (!held_) held_ = hub_.buffers.acquire();
  held::counts(held_)[0] = held::counts(held_)[1] = 0;
  held_pending_ = true;
  stream_.socket().async_receive(
      asio::buffer(held_ + held::header, hub_.buffers.buffer_size() - held::header),
      asio::bind_allocator(FramePoolAllocator<void>(), [this, h, &result](const asio::error_code& ec, std::size_t n) {
        held_pending_ = false;
        const bool demoted = std::exchange(held_demote_, false);
        if (timed_out_) {
          result = Wait::closed;
        } else if (ec == asio::error::operation_aborted) {
          // The tick took the buffer back (the socket was quiet), or wake(): the reader's next wait holds none
          // (a wake() in the same turn is not lost: woken is what it asked for).
          if (demoted) release_held();
          result = Wait::woken;
        } else if (ec) {
          read_drained_ = false;  // read_some then meets the EOF itself
          result = ec == asio::error::eof ? Wait::ready : Wait::closed;
        } else {
          held::counts(held_)[0] = n;
          result = Wait::ready;
        }
        resume_from_loop(h);
      }));
}

FASTAPI_DETAIL_INLINE void Connection::release_held() {
  if (!held_) return;
  hub_.buffers.release(held_);
  held_ = nullptr;
}

/// The tick: a socket that read nothing since the last one gives its buffer back (a pending read is cancelled
/// for it, and its reader waits again without one).
FASTAPI_DETAIL_INLINE void Connection::sweep_upgraded_read() {
  if (std::exchange(reads_this_tick_, 0) > 0 || !held_) return;
  if (held_pending_) {
    held_demote_ = true;
    stream_.cancel();
  } else if (held::counts(held_)[1] >= held::counts(held_)[0]) {
    release_held();
  }
}

/// Bytes a held read got come first. A plain socket that gave fewer bytes than asked for was emptied: the next
/// read would only say EAGAIN (a syscall per message), so it is skipped and the caller waits; the wait re-arms
/// epoll, which reports bytes that came in meanwhile at once. Not for TLS, whose library may hold decrypted
/// bytes the socket no longer has.
FASTAPI_DETAIL_INLINE std::size_t Connection::read_upgraded(char* buf, std::size_t n, bool& closed) {
  if (held_) {
    std::size_t* counts = held::counts(held_);
    if (counts[1] < counts[0]) {
      const std::size_t k = std::min(n, counts[0] - counts[1]);
      std::memcpy(buf, held_ + held::header + counts[1], k);
      counts[1] += k;
      if (reads_this_tick_ < 255) ++reads_this_tick_;
      if (counts[1] == counts[0]) read_drained_ = counts[0] < hub_.buffers.buffer_size() - held::header;
      return k;
    }
  }
  if (std::exchange(read_drained_, false)) return 0;
  asio::error_code ec;
  std::size_t got = stream_.read_some(asio::buffer(buf, n), ec);
  if (!ec) {
    read_drained_ = got < n && !stream_.tls();
    if (reads_this_tick_ < 255) ++reads_this_tick_;
    return got;
  }
  closed = ec != asio::error::would_block && ec != asio::error::try_again;
  return 0;
}

FASTAPI_DETAIL_INLINE std::size_t Connection::write_upgraded(std::string_view data, bool& closed) {
  if (timed_out_) {
    closed = true;
    return 0;
  }
  asio::error_code ec;
  std::size_t n = stream_.write_some(asio::buffer(data.data(), data.size()), ec);
  if (!ec) return n;
  closed = ec != asio::error::would_block && ec != asio::error::try_again;
  return 0;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO
