// tests/support/raw_socket.hpp: a small blocking HTTP/1.x client over a plain POSIX socket, for tests that
// must send exactly the bytes they want (malformed, slow, pipelined) and see exactly what comes back.
// Every read has a deadline: a test that waits for a server that never answers fails instead of hanging.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fastapi::test_support {

using namespace std::chrono_literals;

/// One response as received: status line, headers in order, de-chunked body.
struct RawResponse {
  int status = 0;
  std::string status_line;                                   ///< "HTTP/1.1 200 OK"
  std::vector<std::pair<std::string, std::string>> headers;  ///< as sent, in order
  std::string body;                                          ///< de-chunked
  bool chunked = false;                                      ///< Transfer-Encoding: chunked was used
  bool close_delimited = false;                              ///< neither length nor chunked: read to EOF

  /// First value of a header (case-insensitive name), or nullopt.
  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (equal_ci(k, name)) return v;
    return std::nullopt;
  }
  /// How many times a header appears.
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& [k, v] : headers) n += equal_ci(k, name) ? 1 : 0;
    return n;
  }
  static bool equal_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char x = a[i], y = b[i];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
      if (x != y) return false;
    }
    return true;
  }
};

/// A blocking client socket to 127.0.0.1:port.
/// `RawSocket s{port}; s.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"); auto r = s.read_response(); CHECK(r->status == 200);`
class RawSocket {
 public:
  /// Connects (throws std::runtime_error when the connection is refused). `rcvbuf` > 0 shrinks the
  /// receive buffer before connecting (to make a client that reads nothing fill up fast).
  explicit RawSocket(std::uint16_t port, std::chrono::milliseconds timeout = 3000ms, int rcvbuf = 0);
  ~RawSocket() { close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  /// Tries to connect; nullopt-like false when refused (for "new connections are refused" tests).
  static bool can_connect(std::uint16_t port);

  /// Writes all of `bytes`; false when the peer is gone (EPIPE/ECONNRESET) or the send blocks past the timeout.
  bool send(std::string_view bytes);
  /// Writes `bytes` one at a time with `per_byte` between them; false as soon as a write fails.
  bool send_slowly(std::string_view bytes, std::chrono::milliseconds per_byte);
  /// One full response (head, then Content-Length, chunked or close-delimited body). `head_request`: the
  /// request was HEAD, so no body follows. nullopt when the connection closed or the timeout passed first.
  std::optional<RawResponse> read_response(bool head_request = false);
  /// Everything until the peer closes (or `timeout`), the buffered leftovers first.
  std::string read_until_close(std::chrono::milliseconds timeout = 3000ms);
  /// True when the peer closes (EOF or reset) within `timeout`; data that arrives meanwhile is kept
  /// in the buffer. False when the connection is still open at the deadline.
  bool is_closed_by_peer(std::chrono::milliseconds timeout = 1000ms);
  /// True when at least one byte arrives within `timeout` (kept in the buffer).
  bool has_data_within(std::chrono::milliseconds timeout);
  /// Half-close: no more bytes from us.
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  /// recv() calls that returned data so far (to check that pipelined answers came gathered).
  std::size_t reads() const { return reads_; }
  /// Bytes received but not yet consumed by read_response().
  const std::string& buffered() const { return buf_; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
  int fd() const { return fd_; }

 private:
  /// Receives once into buf_ before `deadline`. 1: data, 0: EOF/reset, -1: timeout.
  int fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buf_;
  std::size_t reads_ = 0;
  bool eof_ = false;
};

inline RawSocket::RawSocket(std::uint16_t port, std::chrono::milliseconds timeout, int rcvbuf) : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int e = errno;
    close();
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed: errno " + std::to_string(e));
  }
  // Non-blocking: every wait goes through poll() with a deadline.
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

inline bool RawSocket::can_connect(std::uint16_t port) {
  try {
    RawSocket s(port, 500ms);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

inline bool RawSocket::send(std::string_view bytes) {
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

inline bool RawSocket::send_slowly(std::string_view bytes, std::chrono::milliseconds per_byte) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!send(bytes.substr(i, 1))) return false;
    if (i + 1 < bytes.size()) std::this_thread::sleep_for(per_byte);
  }
  return true;
}

inline int RawSocket::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return 0;
  for (;;) {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buf_.append(chunk, static_cast<std::size_t>(n));
      ++reads_;
      return 1;
    }
    if (n == 0) {
      eof_ = true;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {  // ECONNRESET and friends: the peer is gone
      eof_ = true;
      return 0;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
}

inline std::optional<RawResponse> RawSocket::read_response(bool head_request) {
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  std::size_t head_end;
  while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos)
    if (fill(deadline) != 1) return std::nullopt;
  RawResponse r;
  std::string head = buf_.substr(0, head_end);
  buf_.erase(0, head_end + 4);
  std::size_t eol = head.find("\r\n");
  r.status_line = head.substr(0, eol);
  if (r.status_line.size() < 12 || r.status_line.compare(0, 7, "HTTP/1.") != 0) return std::nullopt;
  r.status = std::stoi(r.status_line.substr(9, 3));
  std::size_t pos = eol == std::string::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    std::size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      r.headers.emplace_back(line.substr(0, colon), line.substr(v));
    }
    pos = e + 2;
  }
  if (head_request || (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304) return r;
  auto te = r.header("transfer-encoding");
  if (te && RawResponse::equal_ci(*te, "chunked")) {
    r.chunked = true;
    for (;;) {  // chunk-size CRLF data CRLF ... 0 CRLF CRLF (we send no trailers, neither does the server)
      std::size_t line_end;
      while ((line_end = buf_.find("\r\n")) == std::string::npos)
        if (fill(deadline) != 1) return std::nullopt;
      std::size_t size = std::stoul(buf_.substr(0, line_end), nullptr, 16);
      while (buf_.size() < line_end + 2 + size + 2)
        if (fill(deadline) != 1) return std::nullopt;
      r.body.append(buf_, line_end + 2, size);
      if (buf_.compare(line_end + 2 + size, 2, "\r\n") != 0) return std::nullopt;
      buf_.erase(0, line_end + 2 + size + 2);
      if (size == 0) return r;
    }
  }
  if (auto cl = r.header("content-length")) {
    std::size_t n = std::stoul(*cl);
    while (buf_.size() < n)
      if (fill(deadline) != 1) return std::nullopt;
    r.body = buf_.substr(0, n);
    buf_.erase(0, n);
    return r;
  }
  r.close_delimited = true;
  while (fill(deadline) == 1) {
  }
  if (!eof_) return std::nullopt;
  r.body = std::move(buf_);
  buf_.clear();
  return r;
}

inline std::string RawSocket::read_until_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline) == 1) {
  }
  std::string all = std::move(buf_);
  buf_.clear();
  return all;
}

inline bool RawSocket::is_closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int r = fill(deadline);
    if (r == 0) return true;
    if (r == -1) return false;
  }
}

inline bool RawSocket::has_data_within(std::chrono::milliseconds timeout) {
  if (!buf_.empty()) return true;
  return fill(std::chrono::steady_clock::now() + timeout) == 1;
}

}  // namespace fastapi::test_support
