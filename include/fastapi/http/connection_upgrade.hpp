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

#include <asio.hpp>

#include "fastapi/http/connection.hpp"

namespace fastapi::detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
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
      [&](auto handler) { stream_.async_wait(asio::socket_base::wait_read, std::move(handler)); });
  if (timed_out_) co_return Wait::closed;
  if (ec == asio::error::operation_aborted) co_return Wait::woken;
  co_return ec ? Wait::closed : Wait::ready;
}

FASTAPI_DETAIL_INLINE std::size_t Connection::read_some(char* buf, std::size_t n, bool& closed) {
  asio::error_code ec;
  std::size_t got = stream_.read_some(asio::buffer(buf, n), ec);
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
  std::size_t n = stream_.write_some(asio::buffer(data.data(), data.size()), ec);
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
    std::size_t n = stream_.write_some(asio::buffer(data.data() + done, data.size() - done), ec);
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
  if (armed) deadline_ = Clock::time_point::max();
  co_return !timed_out_;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
