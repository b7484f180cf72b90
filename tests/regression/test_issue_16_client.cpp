// tests/regression/test_issue_16_client.cpp: issue 16, section 4. fa::HttpClient's total timeout holds against
// a hostile upstream that keeps the socket readable: a flood of `100 Continue` heads, endless chunk extensions,
// a chunked body of one-byte chunks, endless trailers; and a bare CR in a response head. Each upstream is a plain POSIX
// socket on 127.0.0.1:0 that writes as fast as the client reads; every call must end within a bounded multiple
// of its 300 ms timeout (bounds generous for a busy 2-core machine), with the timeout error or, where a count
// or size bound comes first, the protocol error that names it.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio.hpp>

#include "fastapi/client/client.hpp"
#include "fastapi/core/loop.hpp"
#include "support/run_task.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_client_file {

namespace fa = fastapi;
using namespace std::chrono_literals;
using Kind = fa::ClientErrorKind;
using Clock = std::chrono::steady_clock;

/// The total timeout of every call here, and how long a call may take at most: the timeout, plus time for a
/// busy machine (the bug made such calls last until a size limit or forever).
constexpr auto timeout = 300ms;
constexpr auto bound = 3000ms;

/// Runs `task` on an event loop of this thread; the ClientError it ends with and how long it took. At most
/// 15 s: a call that never ends fails the test instead of hanging the suite.
struct Outcome {
  std::optional<fa::ClientError> error;
  int status = 0;
  std::chrono::milliseconds took{};
};
inline Outcome run(fa::Task<fa::ClientResponse> task) {
  Outcome out;
  auto start = Clock::now();
  try {
    out.status = fa::test_support::run_task(std::move(task), std::chrono::seconds(15)).status;
  } catch (const fa::ClientError& e) {
    out.error = e;
  }
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return out;
}

/// A hostile upstream: accepts one connection at a time, reads the request head, writes `prefix`, then
/// `flood()` again and again as fast as the client takes it, until the client closes or 10 s passed.
class FloodingUpstream {
 public:
  FloodingUpstream(std::string prefix, std::function<std::string()> flood)
      : prefix_(std::move(prefix)), flood_(std::move(flood)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FloodingUpstream() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  FloodingUpstream(const FloodingUpstream&) = delete;
  FloodingUpstream& operator=(const FloodingUpstream&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      if (read_head(c)) {
        auto end = Clock::now() + 10s;
        bool ok = write_all(c, prefix_, end);
        std::string chunk = flood_();
        if (chunk.empty()) wait_for_close(c, end);  // no flood: hold the connection open
        while (ok && !chunk.empty() && !stop_ && Clock::now() < end) ok = write_all(c, chunk, end);
      }
      ::close(c);
    }
  }
  bool read_head(int c) {
    std::string in;
    char buf[4096];
    while (in.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return false;
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      in.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  void wait_for_close(int c, Clock::time_point end) {
    char buf[4096];
    while (!stop_ && Clock::now() < end) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0 && ::recv(c, buf, sizeof buf, 0) <= 0) return;
    }
  }
  /// False when the client is gone (closed, reset) or the flood's time is up.
  bool write_all(int c, std::string_view bytes, Clock::time_point end) {
    while (!bytes.empty()) {
      if (stop_ || Clock::now() >= end) return false;
      pollfd p{c, POLLOUT, 0};
      int ready = ::poll(&p, 1, 20);
      if (ready < 0 || (ready > 0 && (p.revents & (POLLERR | POLLHUP)))) return false;
      if (ready == 0) continue;
      ssize_t n = ::send(c, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  std::string prefix_;
  std::function<std::string()> flood_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

/// `piece` repeated to about 64 KiB, so the flood costs the test little.
inline std::string repeated(std::string_view piece) {
  std::string out;
  while (out.size() < 65536) out.append(piece);
  return out;
}

inline bool says(const fa::ClientError& e, std::string_view words) {
  return std::string_view(e.what()).find(words) != std::string_view::npos;
}

TEST_SUITE("regression/issue_16/client") {

  TEST_CASE("a flood of 100 Continue heads ends the call with a protocol error naming the interim responses, at once") {
    FloodingUpstream up("", [] { return repeated("HTTP/1.1 100 Continue\r\n\r\n"); });
    fa::HttpClient client{{.timeout = timeout}};
    Outcome o = run(client.get(up.url()));
    REQUIRE(o.error);
    CHECK(o.error->kind == Kind::protocol);
    CHECK(says(*o.error, "more than 10 interim 1xx responses before the final one"));
    CHECK(o.took < bound);
  }

  TEST_CASE("up to ten interim responses (100 Continue, 103 Early Hints) are skipped and the final response is read") {
    std::string interim;
    for (int i = 0; i < 5; ++i)
      interim += "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n";
    FloodingUpstream up(interim + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                        [] { return std::string(); });
    fa::HttpClient client{{.timeout = 2s}};
    Outcome o = run(client.get(up.url()));
    CHECK_FALSE(o.error);
    CHECK(o.status == 200);
  }

  TEST_CASE("a bare CR in the response head is a protocol error at once, not a wait for the timeout") {
    for (std::string_view head :
         {"HTTP/1.1 200 OK\rContent-Length: 0\r\r", "HTTP/1.1 200 OK\r\nContent-Length: 0\rX: 1\r\r",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\rok"}) {
      CAPTURE(head);
      FloodingUpstream up(std::string(head), [] { return std::string(); });
      fa::HttpClient client{{.timeout = 2s}};
      Outcome o = run(client.get(up.url()));
      REQUIRE(o.error);
      CHECK(o.error->kind == Kind::protocol);
      CHECK(o.took < 1500ms);
    }
  }

  TEST_CASE("a chunked body of endless one-byte chunks ends with the total timeout, not at max_response_size") {
    FloodingUpstream up("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", [] { return repeated("1\r\nx\r\n"); });
    // A large max_response_size: the decoded body (a sixth of the flood) must not end the call first.
    fa::HttpClient client{{.timeout = timeout, .max_response_size = std::size_t(1) << 34}};
    Outcome o = run(client.get(up.url()));
    REQUIRE(o.error);
    CHECK(o.error->kind == Kind::timeout);
    CHECK(says(*o.error, "the chunked body did not arrive within the total timeout of 300 ms"));
    CHECK(o.took >= timeout - 20ms);
    CHECK(o.took < bound);
  }

  TEST_CASE("endless chunk extensions, a few bytes per chunk, end with a protocol error at 16 KiB of extensions") {
    FloodingUpstream up("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                        [] { return repeated("1;name=value;other=\"quoted\"\r\nx\r\n"); });
    fa::HttpClient client{{.timeout = timeout}};
    Outcome o = run(client.get(up.url()));
    REQUIRE(o.error);
    CHECK(o.error->kind == Kind::protocol);
    CHECK(says(*o.error, "chunked body: Chunk extensions too long."));
    CHECK(o.took < bound);
  }

  TEST_CASE("endless trailer fields end with a protocol error at the trailer limit") {
    FloodingUpstream up("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n",
                        [] { return repeated("X-Trailer: aaaaaaaaaaaaaaaa\r\n"); });
    fa::HttpClient client{{.timeout = timeout}};
    Outcome o = run(client.get(up.url()));
    REQUIRE(o.error);
    CHECK(o.error->kind == Kind::protocol);
    CHECK(says(*o.error, "Trailer fields too large."));
    CHECK(o.took < bound);
  }

}  // TEST_SUITE

}  // namespace test_issue_16_client_file
