// client/stream.hpp: the byte stream one exchange runs over, whatever carries it: a TCP connection, a Unix
// domain socket (ClientOptions::uds), and TLS over either (https://, FASTAPI_ENABLE_TLS). Opens it (async
// DNS, each address in turn, then the TLS handshake, all within connect_timeout), reads and writes it, and
// trades it with the pool as a descriptor plus TLS session. client/exchange.hpp is written against
// ClientStream alone: one exchange, every transport. Fed by client/exchange.hpp; knows nothing of HTTP.
//
// Why one socket type for TCP and Unix sockets (asio::generic::stream_protocol): the pool hands back bare
// descriptors of either family, and a runtime choice keeps the exchange a plain function, compiled once
// (a template per transport would double it). TLS is a second layer chosen at run time too.
#pragma once

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <sys/socket.h>

#include "fastapi/client/options.hpp"
#include "fastapi/client/pool.hpp"
#include "fastapi/client/response.hpp"
#include "fastapi/client/tls.hpp"
#include "fastapi/client/url.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX; only a build with FASTAPI_ENABLE_TLS ever passes one

namespace fastapi::detail {

/// One hop of a call, fixed before it is sent: the method, where to, the request's bytes, and the call's
/// deadline (`total` after it started: the redirects it follows share it).
struct ClientCall {
  std::string method;
  ClientUrl url;
  std::string wire;  ///< the request, serialized
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds total;
};

/// A failed exchange, before it becomes a ClientError: what, in words, and whether a fresh connection may
/// try again (a reused keep-alive connection the server had closed: nothing of the response arrived).
struct Failure {
  ClientErrorKind kind;
  std::string detail;
  bool retry = false;
  bool eof = false;  ///< the server closed the connection (the end of a close-delimited body)
};

}  // namespace fastapi::detail

// What follows names Asio's types: declared only where Asio is included (core/config.hpp's FASTAPI_DETAIL_ASIO),
// so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them (HttpClient names only the above).
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#ifdef FASTAPI_ENABLE_TLS
#include <asio/ssl.hpp>
#endif

namespace fastapi::detail {

/// Awaits an Asio operation raced against `timer` set to `deadline`. When the deadline comes first,
/// `cancel()` runs (the operation then ends with operation_aborted) and the first result is true.
/// Resumes once both handlers have run, so neither outlives the awaiting frame.
/// `auto [late, r] = co_await race<asio::error_code>(timer, t, [&](auto h) { s.async_connect(ep, std::move(h)); },
///                                                   [&] { s.cancel(); });`
template <class Start, class Cancel, class... Args>
class RaceAwaiter {
 public:
  RaceAwaiter(asio::steady_timer& timer, std::chrono::steady_clock::time_point deadline, Start start, Cancel cancel)
      : timer_(timer), deadline_(deadline), start_(std::move(start)), cancel_(std::move(cancel)) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    handle_ = h;
    timer_.expires_at(deadline_);
    timer_.async_wait([this](const asio::error_code& ec) {
      if (!ec && !finished_) {
        timed_out_ = true;
        cancel_();
      }
      done();
    });
    start_([this](Args... args) {
      result_.emplace(std::move(args)...);
      finished_ = true;
      timer_.cancel();
      done();
    });
  }
  std::pair<bool, std::tuple<Args...>> await_resume() { return {timed_out_, std::move(*result_)}; }

 private:
  void done() {
    if (--pending_ == 0) resume_from_loop(handle_);
  }
  asio::steady_timer& timer_;
  std::chrono::steady_clock::time_point deadline_;
  Start start_;
  Cancel cancel_;
  std::coroutine_handle<> handle_;
  std::optional<std::tuple<Args...>> result_;
  int pending_ = 2;
  bool finished_ = false;
  bool timed_out_ = false;
};

template <class... Args, class Start, class Cancel>
RaceAwaiter<std::decay_t<Start>, std::decay_t<Cancel>, Args...> race(asio::steady_timer& timer,
                                                                     std::chrono::steady_clock::time_point deadline,
                                                                     Start&& start, Cancel&& cancel) {
  return {timer, deadline, std::forward<Start>(start), std::forward<Cancel>(cancel)};
}

/// One connection's byte stream: a socket of any stream family, with TLS over it for https://.
/// `co_await open_connection(stream, ...)`, then `stream.async_read_some(buf, handler)` whatever it is.
class ClientStream {
 public:
  using Socket = asio::generic::stream_protocol::socket;
  explicit ClientStream(asio::io_context& io) : socket_(io) {}
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  Socket& socket() { return socket_; }
  /// The socket's address family once open or adopted (AF_INET, AF_INET6, AF_UNIX).
  int family() const { return family_; }
  /// Notes that the socket was connected, in `family`.
  void opened(int family) { family_ = family; }

  /// Adopts a pooled connection (its descriptor, and its TLS session if any: both owned from here on).
  /// false (and both closed) when the descriptor cannot be adopted.
  bool adopt(const Lease& lease, asio::error_code& ec);
  /// Gives the connection up for the pool (descriptor and TLS session), or nullopt when it cannot be kept
  /// (TLS bytes beyond the response already read): it is closed with the stream.
  std::optional<Lease> release();

  template <class Handler>
  void async_read_some(asio::mutable_buffer buffer, Handler&& handler) {
#ifdef FASTAPI_ENABLE_TLS
    if (tls_) return tls_->async_read_some(buffer, std::forward<Handler>(handler));
#endif
    socket_.async_read_some(buffer, std::forward<Handler>(handler));
  }
  template <class Handler>
  void async_write(asio::const_buffer buffer, Handler&& handler) {
#ifdef FASTAPI_ENABLE_TLS
    if (tls_) return asio::async_write(*tls_, buffer, std::forward<Handler>(handler));
#endif
    asio::async_write(socket_, buffer, std::forward<Handler>(handler));
  }
  /// Ends the pending operations (they complete with operation_aborted).
  void cancel() {
    asio::error_code ignored;
    socket_.cancel(ignored);
  }
  /// Closes what is open, to open another connection.
  void close();

#ifdef FASTAPI_ENABLE_TLS
  using Tls = asio::ssl::stream<Socket&>;
  /// Runs TLS over the open socket with `session` (owned from here on); the handshake comes next.
  Tls& start_tls(SSL* session) { return tls_.emplace(socket_, session); }
#endif

 private:
  Socket socket_;
  int family_ = AF_INET;
#ifdef FASTAPI_ENABLE_TLS
  std::optional<Tls> tls_;  // after socket_: destroyed (SSL_free) before the socket closes
#endif
};

/// True for the end of the stream: a TCP FIN, or TLS ended with or without its close_notify (servers often
/// just close; Python's ssl and curl read that as the end too).
FASTAPI_DETAIL_INLINE bool is_end_of_stream(const asio::error_code& ec);
/// True for an error of the TLS layer (a bad record, an alert such as "certificate required").
FASTAPI_DETAIL_INLINE bool is_tls_error(const asio::error_code& ec);

/// Opens `stream` for the call: to ClientOptions::uds, or to the call's host (a literal address, or each
/// address DNS gives, in turn), then the TLS handshake for https:// (with `tls_context`, the client's). All
/// of it within connect_timeout and the call's deadline.
FASTAPI_DETAIL_INLINE Task<std::optional<Failure>> open_connection(ClientStream& stream, asio::steady_timer& timer,
                                                                   const ClientCall& call, const ClientOptions& options,
                                                                   ::ssl_ctx_st* tls_context);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool ClientStream::adopt(const Lease& lease, asio::error_code& ec) {
  family_ = lease.family;
  socket_.assign(asio::generic::stream_protocol(lease.family, lease.family == AF_UNIX ? 0 : IPPROTO_TCP), lease.fd, ec);
  if (ec) {
    close_pooled(lease.fd, lease.tls);
    return false;
  }
#ifdef FASTAPI_ENABLE_TLS
  if (lease.tls) start_tls(lease.tls);
#endif
  return true;
}

FASTAPI_DETAIL_INLINE std::optional<Lease> ClientStream::release() {
  Lease out;
  out.family = family_;
#ifdef FASTAPI_ENABLE_TLS
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    // Bytes the TLS layer holds beyond the response (decrypted, or still encrypted in its buffer) would be
    // lost with the stream's buffers: such a connection is not reused.
    if (SSL_pending(ssl) > 0 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0) return std::nullopt;
    // asio::ssl::stream owns its SSL* and has no release(): one more reference keeps the session alive
    // past the stream. The next stream made from it (adopt) gives it new buffers (SSL_set_bio).
    SSL_up_ref(ssl);
    tls_.reset();
    out.tls = ssl;
  }
#endif
  asio::error_code ec;
  out.fd = socket_.release(ec);
  if (ec) {
#ifdef FASTAPI_ENABLE_TLS
    if (out.tls) SSL_free(out.tls);
#endif
    return std::nullopt;
  }
  return out;
}

FASTAPI_DETAIL_INLINE void ClientStream::close() {
#ifdef FASTAPI_ENABLE_TLS
  tls_.reset();
#endif
  asio::error_code ignored;
  socket_.close(ignored);
}

FASTAPI_DETAIL_INLINE bool is_end_of_stream(const asio::error_code& ec) {
#ifdef FASTAPI_ENABLE_TLS
  if (ec == asio::ssl::error::stream_truncated) return true;
#endif
  return ec == asio::error::eof;
}

FASTAPI_DETAIL_INLINE bool is_tls_error(const asio::error_code& ec) {
#ifdef FASTAPI_ENABLE_TLS
  return ec.category() == asio::error::get_ssl_category();
#else
  (void)ec;
  return false;
#endif
}

FASTAPI_DETAIL_INLINE Task<std::optional<Failure>> open_connection(ClientStream& stream, asio::steady_timer& timer,
                                                                   const ClientCall& call, const ClientOptions& options,
                                                                   ::ssl_ctx_st* tls_context) {
  using tcp = asio::ip::tcp;
  using Endpoint = asio::generic::stream_protocol::endpoint;
  ClientStream::Socket& socket = stream.socket();
  auto connect_deadline = std::min(call.deadline, std::chrono::steady_clock::now() + options.connect_timeout);
  bool total_first = call.deadline <= connect_deadline;
  auto late = [&](std::string_view what) {
    return total_first
               ? Failure{ClientErrorKind::timeout, std::string(what) + " did not finish within the total timeout of " +
                                                       std::to_string(call.total.count()) + " ms"}
               : Failure{ClientErrorKind::connect_timeout, std::string(what) + " took longer than connect_timeout (" +
                                                               std::to_string(options.connect_timeout.count()) +
                                                               " ms)"};
  };
  // Where to: the Unix socket, or the host's addresses (each with the words an error names it by).
  std::vector<std::pair<Endpoint, std::string>> endpoints;
  asio::error_code ec;
  if (!options.uds.empty()) {
    endpoints.emplace_back(Endpoint(asio::local::stream_protocol::endpoint(options.uds)), "unix:" + options.uds);
  } else {
    std::vector<tcp::endpoint> found;
    asio::ip::address literal = asio::ip::make_address(call.url.host, ec);
    if (!ec) {
      found.emplace_back(literal, call.url.port);
    } else {
      tcp::resolver resolver(socket.get_executor());
      auto [timed_out, result] = co_await race<asio::error_code, tcp::resolver::results_type>(
          timer, connect_deadline,
          [&](auto handler) {
            resolver.async_resolve(call.url.host, std::to_string(call.url.port), std::move(handler));
          },
          [&] { resolver.cancel(); });
      if (timed_out) co_return late("resolving " + call.url.host);
      auto& [resolve_ec, results] = result;
      if (resolve_ec || results.empty())
        co_return Failure{ClientErrorKind::resolve,
                          call.url.host + ": " + (resolve_ec ? resolve_ec.message() : "no address")};
      for (const auto& entry : results) found.push_back(entry.endpoint());
    }
    for (const tcp::endpoint& e : found) {
      std::string address = e.address().to_string();
      endpoints.emplace_back(Endpoint(e),
                             (e.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(e.port()));
    }
  }
  std::string errors;
  bool connected = false;
  for (const auto& [target, name] : endpoints) {
    const Endpoint& endpoint = target;  // a lambda cannot capture a structured binding (C++20, clang)
    stream.close();
    socket.open(endpoint.protocol(), ec);
    if (!ec) {
      auto [timed_out, result] = co_await race<asio::error_code>(
          timer, connect_deadline, [&](auto handler) { socket.async_connect(endpoint, std::move(handler)); },
          [&] { stream.cancel(); });
      if (timed_out)
        co_return late("connecting to " + (options.uds.empty() ? call.url.host_header : "unix:" + options.uds));
      ec = std::get<0>(result);
    }
    if (!ec) {
      stream.opened(endpoint.protocol().family());
      if (stream.family() != AF_UNIX) socket.set_option(tcp::no_delay(true), ec);
      connected = true;
      break;
    }
    errors += (errors.empty() ? "" : "; ") + name + ": " + ec.message();
  }
  if (!connected) co_return Failure{ClientErrorKind::connect, errors};
  if (!call.url.tls()) co_return std::nullopt;
#ifdef FASTAPI_ENABLE_TLS
  std::string error;
  SSL* session = new_tls_session(tls_context, call.url.host, options.verify, error);
  if (!session) co_return Failure{ClientErrorKind::tls, error};
  ClientStream::Tls& tls = stream.start_tls(session);
  auto [timed_out, result] = co_await race<asio::error_code>(
      timer, connect_deadline,
      [&](auto handler) { tls.async_handshake(asio::ssl::stream_base::client, std::move(handler)); },
      [&] { stream.cancel(); });
  if (timed_out) co_return late("the TLS handshake with " + call.url.host_header);
  if (asio::error_code handshake_ec = std::get<0>(result))
    co_return Failure{ClientErrorKind::tls, tls_failure_text(session, options.verify, handshake_ec)};
  co_return std::nullopt;
#else
  (void)tls_context;
  co_return Failure{ClientErrorKind::unsupported_scheme, "https:// needs FASTAPI_ENABLE_TLS"};
#endif
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO
