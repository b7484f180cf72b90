// http/stream.hpp: the byte stream one server connection runs over, whatever carries it: TCP, a Unix domain
// socket (Config::uds), and TLS over either (Config::ssl_certfile, FASTAPI_ENABLE_TLS). Non-blocking reads and
// writes that say "would block", and a wait for the socket to be ready: the connection's own style (try the
// socket first, wait only when it is empty or full). Fed by the server's acceptor; feeds http/connection.hpp,
// which is written against ServerStream alone. Knows nothing of HTTP.
//
// Why OpenSSL straight over the non-blocking descriptor (SSL_set_fd) and not asio::ssl::stream: the
// connection never blocks and never posts a read it does not need; Asio's synchronous TLS calls assume a
// blocking socket (a partial write of an encrypted record would be lost), and its asynchronous ones would
// turn every read into a posted operation. This is how nginx drives OpenSSL: try, and on WANT_READ /
// WANT_WRITE wait for that readiness. Two things a socket wait cannot see are handled here: a record
// decrypted past the caller's buffer (SSL_has_pending: the wait completes at once), and a read that must
// write first or a write that must read first (the wait is for the direction OpenSSL asked for).
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <netinet/in.h>
#include <sys/socket.h>

#ifdef FASTAPI_ENABLE_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

#include "fastapi/core/config.hpp"
#include "fastapi/http/tls_context.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX; only a build with FASTAPI_ENABLE_TLS ever makes one
struct ssl_st;      // OpenSSL's SSL

namespace fastapi::detail {

/// One accepted connection's byte stream: a socket of any stream family, with TLS over it when the server
/// has a certificate. `stream.read_some(buf, ec)`; on would_block, `stream.async_wait(wait_read, handler)`.
class ServerStream {
 public:
  /// The io_context's own executor, not the type-erased any_io_executor: each pending wait's operation is
  /// ~150 bytes smaller and the socket 48 (an idle WebSocket is one pending wait), and no call goes through it.
  using Socket = asio::basic_stream_socket<asio::generic::stream_protocol, asio::io_context::executor_type>;
  explicit ServerStream(Socket socket) : socket_(std::move(socket)) {}
  ~ServerStream();
  ServerStream(const ServerStream&) = delete;
  ServerStream& operator=(const ServerStream&) = delete;

  Socket& socket() { return socket_; }
  /// The peer's address and port as text ("" and 0 for a Unix socket).
  std::pair<std::string, std::uint16_t> peer() const;
  /// True once TLS runs over the socket (start_tls).
  bool tls() const { return ssl_ != nullptr; }
  /// The client's certificate, read when the handshake finished; null when it sent none (or no TLS).
  const ClientCertificate* client_certificate() const { return client_certificate_.get(); }

  /// Reads what is there now (never waits): would_block when nothing is, eof at the end.
  std::size_t read_some(asio::mutable_buffer buffer, asio::error_code& ec);
  /// Writes what the socket takes now (never waits): would_block when it takes nothing.
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, asio::error_code& ec);
  /// Waits until a read (or write) can make progress. With TLS that may be the other readiness (OpenSSL
  /// asked for it), or none at all (bytes already decrypted): the handler then runs from the loop at once.
  template <class Handler>
  void async_wait(asio::socket_base::wait_type type, Handler&& handler);
  /// Ends the pending waits (they complete with operation_aborted).
  void cancel() {
    asio::error_code ignored;
    socket_.cancel(ignored);
  }
  /// No more bytes from us: TLS's close_notify first (when the session is sound), then the TCP FIN.
  void shutdown_send();
  /// Both directions, now (the drain's grace is over, a write timed out).
  void shutdown_both() {
    asio::error_code ignored;
    socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  }
  /// True when the peer has closed (or reset), without consuming a byte of what it sent.
  bool peer_closed();

  /// Runs TLS over the socket with a session of `ctx`: the handshake comes next. False when OpenSSL cannot
  /// make a session (out of memory).
  bool start_tls(::ssl_ctx_st* ctx);
  /// One step of the server's handshake: true when it is done; else false with would_block (wait for
  /// async_wait(wait_read) then call again) or the error that ended it.
  bool handshake(asio::error_code& ec);

 private:
  /// OpenSSL's answer to the last call, as the connection's error codes: WANT_* -> would_block (and, when
  /// it is not `natural`, the caller's own readiness, the one to wait for), a close_notify or bare FIN -> eof,
  /// anything else fatal.
  asio::error_code tls_error(int result, asio::socket_base::wait_type natural);

  Socket socket_;
  ::ssl_st* ssl_ = nullptr;
#ifdef FASTAPI_ENABLE_TLS
  asio::socket_base::wait_type want_ = asio::socket_base::wait_read;
  bool want_other_ = false;  ///< the last TLS call needs the readiness want_, not the one its caller waits for
  bool broken_ = false;      ///< a fatal TLS error: no close_notify may follow (OpenSSL forbids it)
  bool close_sent_ = false;  ///< our close_notify went out (once: a second SSL_shutdown would wait for theirs)
#endif
  std::unique_ptr<ClientCertificate> client_certificate_;  ///< read by handshake(); null without one
};

/// The port of a TCP endpoint held as a generic one (0 for a Unix socket).
FASTAPI_DETAIL_INLINE std::uint16_t endpoint_port(const asio::generic::stream_protocol::endpoint& ep);

template <class ConstBuffers>
std::size_t ServerStream::write_some(const ConstBuffers& buffers, asio::error_code& ec) {
#ifdef FASTAPI_ENABLE_TLS
  if (ssl_) {
    // One SSL_write per buffer (a record or more each). After a would_block the caller offers the same bytes
    // again (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: maybe from another address), as OpenSSL requires.
    std::size_t total = 0;
    ec = {};
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      asio::const_buffer b = *it;
      while (b.size() > 0) {
        ERR_clear_error();
        std::size_t written = 0;
        int r = SSL_write_ex(ssl_, b.data(), b.size(), &written);
        if (r <= 0) {
          asio::error_code e = tls_error(r, asio::socket_base::wait_write);
          if (total == 0) ec = e;  // else: the bytes taken are reported; the next call meets the error again
          return total;
        }
        total += written;
        want_other_ = false;
        b += written;
      }
    }
    return total;
  }
#endif
  return socket_.write_some(buffers, ec);
}

template <class Handler>
void ServerStream::async_wait(asio::socket_base::wait_type type, Handler&& handler) {
#ifdef FASTAPI_ENABLE_TLS
  if (ssl_) {
    if (type == asio::socket_base::wait_read && SSL_has_pending(ssl_)) {
      asio::post(socket_.get_executor(), [h = std::forward<Handler>(handler)]() mutable { h(asio::error_code()); });
      return;
    }
    if (want_other_) type = want_;
  }
#endif
  socket_.async_wait(type, std::forward<Handler>(handler));
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE ServerStream::~ServerStream() {
#ifdef FASTAPI_ENABLE_TLS
  if (ssl_) SSL_free(ssl_);
#endif
}

FASTAPI_DETAIL_INLINE std::uint16_t endpoint_port(const asio::generic::stream_protocol::endpoint& ep) {
  if (ep.protocol().family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(ep.data())->sin_port);
  if (ep.protocol().family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(ep.data())->sin6_port);
  return 0;
}

FASTAPI_DETAIL_INLINE std::pair<std::string, std::uint16_t> ServerStream::peer() const {
  asio::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (ec) return {"", 0};
  if (ep.protocol().family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(ep.data());
    asio::ip::address_v4 a(ntohl(in->sin_addr.s_addr));
    return {a.to_string(), ntohs(in->sin_port)};
  }
  if (ep.protocol().family() == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(ep.data());
    asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &in->sin6_addr, bytes.size());
    asio::ip::address_v6 a(bytes, in->sin6_scope_id);
    return {a.is_v4_mapped() ? asio::ip::make_address_v4(asio::ip::v4_mapped, a).to_string() : a.to_string(),
            ntohs(in->sin6_port)};
  }
  return {"", 0};
}

FASTAPI_DETAIL_INLINE std::size_t ServerStream::read_some(asio::mutable_buffer buffer, asio::error_code& ec) {
#ifdef FASTAPI_ENABLE_TLS
  if (ssl_) {
    ERR_clear_error();
    std::size_t n = 0;
    int r = SSL_read_ex(ssl_, buffer.data(), buffer.size(), &n);
    if (r > 0) {
      ec = {};
      want_other_ = false;
      return n;
    }
    ec = tls_error(r, asio::socket_base::wait_read);
    return 0;
  }
#endif
  return socket_.read_some(buffer, ec);
}

FASTAPI_DETAIL_INLINE bool ServerStream::peer_closed() {
#ifdef FASTAPI_ENABLE_TLS
  if (ssl_) {
    // A peek decrypts the next record (kept for the next read): a close_notify or the FIN says "gone",
    // application bytes or nothing yet say "still there".
    ERR_clear_error();
    char byte;
    std::size_t n = 0;
    if (SSL_peek_ex(ssl_, &byte, 1, &n) > 0) return false;
    asio::error_code ec = tls_error(0, asio::socket_base::wait_read);
    return ec != asio::error::would_block;
  }
#endif
  char byte;
  ssize_t n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

FASTAPI_DETAIL_INLINE void ServerStream::shutdown_send() {
#ifdef FASTAPI_ENABLE_TLS
  // One try at the close_notify: a peer that does not read it loses nothing (the FIN follows), and a second
  // call would wait for the peer's own close_notify, which HTTP clients rarely send.
  if (ssl_ && !broken_ && !close_sent_ && SSL_is_init_finished(ssl_)) {
    close_sent_ = true;
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
#endif
  asio::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_send, ignored);
}

#ifdef FASTAPI_ENABLE_TLS
FASTAPI_DETAIL_INLINE bool ServerStream::start_tls(::ssl_ctx_st* ctx) {
  ssl_ = SSL_new(ctx);
  if (!ssl_) return false;
  SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle()));
  SSL_set_accept_state(ssl_);
  return true;
}

FASTAPI_DETAIL_INLINE bool ServerStream::handshake(asio::error_code& ec) {
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    ec = {};
    want_other_ = false;
    client_certificate_ = client_certificate_of(ssl_);  // once per connection, for every request on it
    return true;
  }
  ec = tls_error(r, asio::socket_base::wait_read);
  // The handshake reads and writes in turn: its wait is always for what OpenSSL asked for.
  if (ec == asio::error::would_block) want_other_ = true;
  return false;
}

FASTAPI_DETAIL_INLINE asio::error_code ServerStream::tls_error(int result, asio::socket_base::wait_type natural) {
  int err = SSL_get_error(ssl_, result);
  switch (err) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: {
      auto wanted = err == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write;
      // Remembered for the next wait: a read that must first write (or the reverse) waits for that.
      want_other_ = wanted != natural;
      want_ = wanted;
      return asio::error::would_block;
    }
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      return asio::error::eof;
    case SSL_ERROR_SYSCALL: {
      broken_ = true;
      int e = errno;
      bool queued = ERR_peek_error() != 0;
      ERR_clear_error();
      // A FIN without close_notify: the end, as curl and Python read it too.
      if (!queued && (result == 0 || e == 0)) return asio::error::eof;
      return asio::error_code(e ? e : ECONNRESET, asio::error::get_system_category());
    }
    default:  // SSL_ERROR_SSL: a bad record, a failed handshake (plain HTTP on the TLS port, no certificate)
      broken_ = true;
      ERR_clear_error();
      return asio::error::connection_aborted;
  }
}
#else
FASTAPI_DETAIL_INLINE bool ServerStream::start_tls(::ssl_ctx_st*) { return false; }
FASTAPI_DETAIL_INLINE bool ServerStream::handshake(asio::error_code& ec) {
  ec = asio::error::operation_not_supported;
  return false;
}
FASTAPI_DETAIL_INLINE asio::error_code ServerStream::tls_error(int, asio::socket_base::wait_type) {
  return asio::error::operation_not_supported;
}
#endif  // FASTAPI_ENABLE_TLS
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO
