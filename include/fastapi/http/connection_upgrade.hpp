// http/connection_upgrade.hpp: a connection after a 101 Switching Protocols: its head written, the request kept
// without the read buffer, and the connection's stream (TCP, Unix socket or TLS alike) offered to the new
// protocol as an UpgradedStream (http/upgrade.hpp). Part of Connection (http/connection.hpp); fed by
// Connection::dispatch_and_write; feeds the Upgrade hook (the WebSocket session). Knows nothing of frames.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <asio.hpp>

#include "fastapi/http/connection.hpp"

namespace fastapi::detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// The 101: its head is written (no Content-Length, no body) and res.upgrade kept; false either way, so the HTTP
/// loop (serve() and the frames below it) returns, and run() goes on with run_upgraded(). The connection's
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

/// The socket handed to the upgrade hook, which gets the bytes already read past the request head; the hook
/// returns when its protocol is over (then the 101's after_send runs), and the connection closes.
FASTAPI_DETAIL_INLINE Task<void> Connection::run_upgraded() {
  std::string leftover(buf_ + start_, end_ - start_);
  keep_request_without_buffer();
  co_await upgrade_->run(*this, std::move(leftover));
  if (auto after = std::move(after_upgrade_)) co_await after();
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
      [&](auto handler) { stream_.async_wait(asio::socket_base::wait_read, std::move(handler)); });
  if (timed_out_) co_return Wait::closed;
  if (ec == asio::error::operation_aborted) co_return Wait::woken;
  co_return ec ? Wait::closed : Wait::ready;
}

/// A plain socket that gave fewer bytes than asked for was emptied: the next read would only say EAGAIN (a
/// syscall per message), so it is skipped and the caller waits; the wait re-arms epoll, which reports bytes
/// that came in meanwhile at once. Not for TLS, whose library may hold decrypted bytes the socket no longer has.
FASTAPI_DETAIL_INLINE std::size_t Connection::read_some(char* buf, std::size_t n, bool& closed) {
  if (std::exchange(read_drained_, false)) return 0;
  asio::error_code ec;
  std::size_t got = stream_.read_some(asio::buffer(buf, n), ec);
  if (!ec) {
    read_drained_ = got < n && !stream_.tls();
    return got;
  }
  closed = ec != asio::error::would_block && ec != asio::error::try_again;
  return 0;
}

FASTAPI_DETAIL_INLINE std::size_t Connection::try_write(std::string_view data, bool& closed) {
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

/// As flush() (one write loop, http/connection.hpp's write_pieces): a peer that takes no byte for write_timeout
/// is dropped (the sweep aborts the socket).
FASTAPI_DETAIL_INLINE Task<bool> Connection::write(std::string_view data) { return write_pieces(data, {}, false); }
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
