// tests/client/test_client.cpp: fa::HttpClient over real sockets, against our own server (an fa::App on a free
// port) and against scripted raw upstreams that misbehave on purpose: pooling, every timeout, a body cut
// short, malformed and huge responses, chunked and close-delimited bodies, redirects, json<T>, and one client
// shared by the handlers of a two-worker app through fa::State<fa::HttpClient>.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio.hpp>

#include "fastapi/app/app.hpp"
#include "fastapi/client/client.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/run_task.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_client_file {

namespace fa = fastapi;
using namespace std::chrono_literals;
using Kind = fa::ClientErrorKind;

namespace client_test {

/// Runs `task` on an event loop of this thread and returns its value (or rethrows its exception), at most 10 s.
template <class T>
T run(fa::Task<T> task) {
  return fa::test_support::run_task(std::move(task));
}

/// The ClientError a call ends with; fails the test when the call succeeds.
inline fa::ClientError failure(fa::Task<fa::ClientResponse> task) {
  try {
    fa::ClientResponse r = run(std::move(task));
    FAIL("expected a ClientError, got status " << r.status);
  } catch (const fa::ClientError& e) {
    return e;
  }
  throw std::logic_error("unreachable");
}

inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

/// Our own server as the upstream, with a route for each test. Remembers the client ports it saw (one per
/// connection) and how many /slow requests ran at once.
struct Upstream {
  fa::App app;
  std::mutex mutex;
  std::set<std::uint16_t> ports;
  std::atomic<int> active{0};
  std::atomic<int> peak{0};
  std::optional<fa::testing::TestClient> server;

  explicit Upstream(fa::Config config = fa::testing::TestClient::default_config()) {
    app.get("/hello", [this](fa::Request& req) {
      seen(req.client_port);
      return std::string("hello");
    });
    app.get("/slow", [this](fa::Request& req, fa::Query<"ms", int> ms) -> fa::Task<std::string> {
      seen(req.client_port);
      int now = ++active;
      int before = peak.load();
      while (now > before && !peak.compare_exchange_weak(before, now)) {
      }
      co_await fa::sleep(std::chrono::milliseconds(*ms));
      --active;
      co_return "slow";
    });
    app.get("/query", [](fa::Request& req) {
      fa::Json j = fa::Json::object({});
      for (const auto& p : req.query) j[std::string(p.key)] = std::string(p.value);
      j["raw"] = std::string(req.query_string);
      return j;
    });
    app.api_route(
        "/echo",
        {fa::Method::get, fa::Method::post, fa::Method::put, fa::Method::patch, fa::Method::del, fa::Method::options},
        [](fa::Request& req) {
          return fa::Json{{"method", std::string(req.method_name)},
                          {"body", std::string(req.body)},
                          {"type", std::string(req.headers.get("content-type").value_or(""))},
                          {"token", std::string(req.headers.get("x-token").value_or(""))},
                          {"agent", std::string(req.headers.get("user-agent").value_or(""))},
                          {"auth", std::string(req.headers.get("authorization").value_or(""))}};
        });
    app.get("/big", [](fa::Query<"n", int> n) { return std::string(static_cast<std::size_t>(*n), 'b'); });
    app.get("/stream", [this](fa::Request& req) {
      seen(req.client_port);
      auto n = std::make_shared<int>(0);
      return fa::StreamingResponse([n](std::string& chunk) -> fa::Task<bool> {
        if (*n == 3) co_return false;
        chunk = "part" + std::to_string((*n)++) + ";";
        co_return true;
      });
    });
    app.get("/redirect/{n}", [](fa::Path<"n", int> n) {
      if (*n == 0) return fa::PlainTextResponse("arrived");
      return fa::RedirectResponse("/redirect/" + std::to_string(*n - 1), 307);
    });
    app.post("/see-other", [] { return fa::RedirectResponse("/echo", 303); });
    app.get("/rel/start", [] { return fa::RedirectResponse("next?x=1", 302); });
    app.get("/rel/next", [](fa::Request& req) { return "relative " + std::string(req.query_string); });
    app.get("/quote", [] { return fa::Json{{"sku", "A1"}, {"price", 12.5}}; });
    app.get("/bad-quote", [] { return fa::Json{{"sku", 5}, {"price", "cheap"}}; });
    app.get("/not-json", [] { return fa::HTMLResponse("<html>oops</html>"); });
    app.get("/nocontent", [] { return fa::Response{.status = 204}; });
    app.get("/status/{code}", [](fa::Path<"code", int> code) { return fa::PlainTextResponse("status", *code); });
    server.emplace(app, config);
  }
  void seen(std::uint16_t port) {
    std::lock_guard lock(mutex);
    ports.insert(port);
  }
  std::size_t connections() {
    std::lock_guard lock(mutex);
    return ports.size();
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::string url(std::string_view path) const { return origin() + std::string(path); }
};

/// Reads one request head (and a Content-Length body) from `fd`; "" when the peer closed or 2 s passed.
inline std::string read_request(int fd) {
  std::string in;
  char buf[4096];
  for (;;) {
    if (auto end = in.find("\r\n\r\n"); end != std::string::npos) {
      auto cl = in.find("Content-Length: ");
      std::size_t want = end + 4 + (cl != std::string::npos && cl < end ? std::stoul(in.substr(cl + 16)) : 0);
      if (in.size() >= want) return in;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return {};
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    in.append(buf, static_cast<std::size_t>(n));
  }
}
inline void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}
/// Waits until the peer closes `fd` (at most `limit`): a script that must not close first.
inline void wait_for_close(int fd, std::chrono::milliseconds limit) {
  char buf[256];
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) > 0 && ::recv(fd, buf, sizeof buf, 0) <= 0) return;
  }
}

/// A scripted upstream on a plain POSIX socket: each accepted connection is handed to `script(fd, index)`
/// in the server's thread (one connection at a time), then closed.
class RawUpstream {
 public:
  explicit RawUpstream(std::function<void(int fd, int index)> script, int backlog = 16, bool accept = true)
      : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, backlog) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    if (accept) thread_ = std::thread([this] { serve(); });
  }
  ~RawUpstream() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  RawUpstream(const RawUpstream&) = delete;
  RawUpstream& operator=(const RawUpstream&) = delete;

  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
  }
  int accepted() const { return accepted_.load(); }

  std::uint16_t port = 0;

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      int index = accepted_++;
      script_(c, index);
      ::close(c);
    }
  }
  std::function<void(int, int)> script_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
};

struct Quote {
  std::string sku;
  double price = 0;
};

/// Several GETs at once on one loop (with their own total timeouts when given): the bodies, or "error: <kind>".
inline std::vector<std::string> concurrently(fa::HttpClient& client, std::vector<std::string> urls,
                                             std::vector<std::chrono::milliseconds> timeouts = {}) {
  return run([](fa::HttpClient& c, std::vector<std::string> list,
                std::vector<std::chrono::milliseconds> limits) -> fa::Task<std::vector<std::string>> {
    std::vector<std::string> out(list.size());
    int left = static_cast<int>(list.size());
    asio::steady_timer all_done(*fa::detail::this_loop().io, std::chrono::steady_clock::time_point::max());
    for (std::size_t i = 0; i < list.size(); ++i)
      fa::detail::spawn([](fa::HttpClient& c, std::string url, fa::CallOptions o, std::string& slot, int& left,
                           asio::steady_timer& t) -> fa::Task<void> {
        try {
          fa::ClientResponse r = co_await c.get(url, o);
          slot = r.text();
        } catch (const fa::ClientError& e) {
          slot = std::string("error: ") + std::string(fa::client_error_kind_name(e.kind));
        }
        if (--left == 0) t.cancel();
      }(c, list[i], limits.empty() ? fa::CallOptions{} : fa::CallOptions{.timeout = limits[i]}, out[i], left,
                                                  all_done));
    if (left > 0) co_await fa::detail::async_call<asio::error_code>([&](auto h) { all_done.async_wait(std::move(h)); });
    co_return out;
  }(client, std::move(urls), std::move(timeouts)));
}

}  // namespace client_test

TEST_SUITE("client/client") {
  using namespace client_test;

  TEST_CASE("get gives status, reason, headers and body; params are percent-encoded after the URL's own query") {
    Upstream up;
    fa::HttpClient client;
    fa::ClientResponse r = run(client.get(up.url("/query?a=1"), {.params = {{"q", "a b&c=d/é"}, {"n", "2"}}}));
    CHECK(r.status == 200);
    CHECK(r.reason == "OK");
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.method == "GET");
    CHECK(r.url == up.url("/query?a=1&q=a%20b%26c%3Dd%2F%C3%A9&n=2"));
    fa::Json j = r.json();
    CHECK(j["a"] == "1");
    CHECK(j["q"] == "a b&c=d/é");
    CHECK(j["n"] == "2");
    CHECK(r.is_success());
    CHECK(&r.raise_for_status() == &r);
  }

  TEST_CASE(
      "post sends JSON, raw content and form bodies with their types; the client's headers and User-Agent go along") {
    Upstream up;
    fa::HttpClient client{{.base_url = up.origin() + "/", .headers = {{"X-Token", "client"}}}};
    fa::Json j = run(client.post("/echo", {.json = fa::Json{{"id", 1}, {"tags", fa::Json::array({"a"})}}})).json();
    CHECK(j["method"] == "POST");
    CHECK(j["body"] == R"({"id":1,"tags":["a"]})");
    CHECK(j["type"] == "application/json");
    CHECK(j["token"] == "client");
    CHECK(j["agent"] == std::string("fastapi.hpp/") + fa::version);
    j = run(client.post("/echo",
                        {.headers = {{"x-token", "call"}, {"Content-Type", "text/csv"}}, .content = "a,b\n1,2"}))
            .json();
    CHECK(j["body"] == "a,b\n1,2");
    CHECK(j["type"] == "text/csv");
    CHECK(j["token"] == "call");  // the call's header replaces the client's of the same name
    j = run(client.post("/echo", {.data = {{"name", "Ann Lee"}, {"x", "1&2"}}})).json();
    CHECK(j["body"] == "name=Ann%20Lee&x=1%262");
    CHECK(j["type"] == "application/x-www-form-urlencoded");
    j = run(client.post("/echo")).json();  // an empty POST still says Content-Length: 0
    CHECK(j["body"] == "");
  }

  TEST_CASE("the other verbs: put, patch, delete_, options, request(any method) and head (no body read)") {
    Upstream up;
    fa::HttpClient client{{.base_url = up.origin()}};
    CHECK(run(client.put("/echo", {.content = "p"})).json()["method"] == "PUT");
    CHECK(run(client.patch("/echo", {.content = "p"})).json()["method"] == "PATCH");
    CHECK(run(client.delete_("/echo")).json()["method"] == "DELETE");
    CHECK(run(client.options("/echo")).json()["method"] == "OPTIONS");
    CHECK(run(client.request("GET", "/echo")).json()["method"] == "GET");
    fa::ClientResponse h = run(client.head("/big", {.params = {{"n", "5000"}}}));
    CHECK(h.status == 200);
    CHECK(h.header("content-length") == "5000");
    CHECK(h.content.empty());
    CHECK(run(client.get("/nocontent")).status == 204);
    // HEAD and 204 left the connection clean: every call above used the same one.
    CHECK(client.connections(up.origin()) == std::pair<std::size_t, std::size_t>{1, 1});
  }

  TEST_CASE("pooling: sequential requests reuse one keep-alive connection") {
    Upstream up;
    fa::HttpClient client;
    for (int i = 0; i < 5; ++i) CHECK(run(client.get(up.url("/hello"))).text() == "hello");
    CHECK(up.connections() == 1);
    CHECK(client.connections(up.origin()) == std::pair<std::size_t, std::size_t>{1, 1});
    // A response whose status is an error is still a whole response: the connection stays pooled.
    CHECK(run(client.get(up.url("/status/503"))).status == 503);
    CHECK(up.connections() == 1);
    client.close();
    CHECK(client.connections(up.origin()) == std::pair<std::size_t, std::size_t>{0, 0});
    CHECK(run(client.get(up.url("/hello"))).text() == "hello");
    CHECK(up.connections() == 2);
  }

  TEST_CASE("max_connections_per_host bounds the connections; the calls beyond it wait their turn") {
    Upstream up;
    fa::HttpClient client{{.max_connections_per_host = 2}};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::string> urls(6, up.url("/slow?ms=100"));
    CHECK(concurrently(client, urls) == std::vector<std::string>(6, "slow"));
    CHECK(since(start) >= 280ms);  // three rounds of two
    CHECK(up.peak == 2);
    CHECK(up.connections() == 2);
    CHECK(client.connections(up.origin()) == std::pair<std::size_t, std::size_t>{2, 2});
  }

  TEST_CASE("pool timeout: a call that cannot get a connection before its timeout fails with pool_timeout") {
    Upstream up;
    fa::HttpClient client{{.timeout = 2000ms, .max_connections_per_host = 1}};
    std::vector<std::string> urls{up.url("/slow?ms=400"), up.url("/hello")};
    auto out = concurrently(client, urls);
    CHECK(out[0] == "slow");
    CHECK(out[1] == "hello");  // waited for the one connection, within its 2 s
    auto start = std::chrono::steady_clock::now();
    out = concurrently(client, urls, {2000ms, 150ms});
    CHECK(out[0] == "slow");
    CHECK(out[1] == "error: pool timeout");  // never got the connection within its 150 ms
    CHECK(since(start) < fastapi::test_support::scaled(1500ms));
    CHECK(up.connections() == 1);
    // A call that times out while it holds the connection closes it: the waiter then opens a new one.
    out = concurrently(client, urls, {150ms, 2000ms});
    CHECK(out[0] == "error: timeout");
    CHECK(out[1] == "hello");
    CHECK(up.connections() == 2);
    CHECK(client.connections(up.origin()) == std::pair<std::size_t, std::size_t>{1, 1});
  }

  TEST_CASE("connection refused is a ClientError of kind connect naming the address") {
    int port;
    {
      RawUpstream closed([](int, int) {}, 1, false);
      port = closed.port;
    }  // nothing listens there any more
    fa::HttpClient client;
    fa::ClientError e = failure(client.get("http://127.0.0.1:" + std::to_string(port) + "/x"));
    CHECK(e.kind == Kind::connect);
    CHECK(std::string(e.what()).starts_with("GET http://127.0.0.1:" + std::to_string(port) +
                                            "/x: connection failed: 127.0.0.1:"));
    CHECK(std::string(e.what()).find("refused") != std::string::npos);
    CHECK_FALSE(e.is_timeout());
  }

  TEST_CASE("connect timeout: a listener whose backlog is full never completes the handshake") {
    RawUpstream full([](int, int) {}, 0, false);  // listens, never accepts
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {  // fill the accept queue; later SYNs are dropped
      int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(full.port);
      ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers.push_back(s);
    }
    std::this_thread::sleep_for(50ms);
    fa::HttpClient client{{.connect_timeout = 200ms}};
    auto start = std::chrono::steady_clock::now();
    fa::ClientError e = failure(client.get(full.url("/")));
    CHECK(e.kind == Kind::connect_timeout);
    CHECK(e.is_timeout());
    CHECK(std::string(e.what()).find("connect_timeout (200 ms)") != std::string::npos);
    CHECK(since(start) >= 190ms);
    CHECK(since(start) < fastapi::test_support::scaled(2000ms));
    CHECK(client.connections(full.url("")).first == 0);
    for (int s : fillers) ::close(s);
  }

  TEST_CASE("read timeout: an upstream that accepts and never answers; the connection is closed, not pooled") {
    RawUpstream silent([](int fd, int) {
      read_request(fd);
      wait_for_close(fd, 3s);  // answers nothing
    });
    fa::HttpClient client{{.read_timeout = 150ms}};
    auto start = std::chrono::steady_clock::now();
    fa::ClientError e = failure(client.get(silent.url("/")));
    CHECK(e.kind == Kind::read_timeout);
    CHECK(std::string(e.what()).find("nothing of the response head arrived for 150 ms (read_timeout)") !=
          std::string::npos);
    CHECK(since(start) >= 140ms);
    CHECK(since(start) < fastapi::test_support::scaled(2000ms));
    CHECK(client.connections(silent.url("")) == std::pair<std::size_t, std::size_t>{0, 0});
  }

  TEST_CASE("read timeout also covers a body that stalls halfway") {
    RawUpstream stalls([](int fd, int) {
      read_request(fd);
      write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
      wait_for_close(fd, 3s);
    });
    fa::HttpClient client{{.read_timeout = 150ms}};
    fa::ClientError e = failure(client.get(stalls.url("/")));
    CHECK(e.kind == Kind::read_timeout);
    CHECK(std::string(e.what()).find("nothing of the body arrived") != std::string::npos);
  }

  TEST_CASE("total timeout: a slow upstream beyond the call's .timeout; the next call opens a fresh connection") {
    Upstream up;
    fa::HttpClient client;
    auto start = std::chrono::steady_clock::now();
    fa::ClientError e = failure(client.get(up.url("/slow?ms=1000"), {.timeout = 200ms}));
    CHECK(e.kind == Kind::timeout);
    CHECK(e.is_timeout());
    CHECK(std::string(e.what()) ==
          "GET " + up.url("/slow?ms=1000") +
              ": timeout: the response head did not arrive within the total timeout of 200 ms");
    CHECK(since(start) >= 190ms);
    CHECK(since(start) < fastapi::test_support::scaled(900ms));
    CHECK(client.connections(up.origin()) == std::pair<std::size_t, std::size_t>{0, 0});
    CHECK(run(client.get(up.url("/hello"))).text() == "hello");
    CHECK(up.connections() == 2);  // the timed-out connection was not reused
  }

  TEST_CASE("an upstream that closes mid-body is a ClientError closed saying how much arrived") {
    RawUpstream cut([](int fd, int index) {
      read_request(fd);
      if (index == 0) write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
      else write_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwo");
    });
    fa::HttpClient client;
    fa::ClientError e = failure(client.get(cut.url("/")));
    CHECK(e.kind == Kind::closed);
    CHECK(std::string(e.what()).ends_with("the server closed the connection after 10 of 100 body bytes"));
    e = failure(client.get(cut.url("/")));
    CHECK(e.kind == Kind::closed);
    CHECK(std::string(e.what()).ends_with("the server closed the connection before the chunked body was whole"));
    CHECK(client.connections(cut.url("")).first == 0);
  }

  TEST_CASE("malformed upstream responses are ClientError protocol with the parser's reason") {
    std::vector<std::string> replies = {
        "garbage\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    };
    RawUpstream bad([&](int fd, int index) {
      read_request(fd);
      write_all(fd, replies[static_cast<std::size_t>(index) % replies.size()]);
    });
    fa::HttpClient client;
    std::vector<std::string> reasons;
    for (std::size_t i = 0; i < replies.size(); ++i) {
      fa::ClientError e = failure(client.get(bad.url("/")));
      CHECK_MESSAGE(e.kind == Kind::protocol, replies[i]);
      std::string what = e.what();
      reasons.push_back(what.substr(what.find("malformed response: ") + 20));
    }
    CHECK(reasons == std::vector<std::string>{
                         "Malformed status line.",
                         "Both Transfer-Encoding and Content-Length in the response.",
                         "No whitespace is allowed between a header name and its colon.",
                         "Line ends must be CRLF.",
                         "chunked body: Invalid chunk size.",
                         "Invalid or conflicting Content-Length in the response.",
                         "101 Switching Protocols is not supported",
                     });
  }

  TEST_CASE("max_response_size: a huge body (Content-Length, chunked or close-delimited) is refused, not buffered") {
    Upstream up;
    fa::HttpClient client{{.max_response_size = 100000}};
    CHECK(run(client.get(up.url("/big?n=100000"))).content.size() == 100000);  // the limit itself is fine
    fa::ClientError e = failure(client.get(up.url("/big?n=5000000")));
    CHECK(e.kind == Kind::too_large);
    CHECK(std::string(e.what()).ends_with("Content-Length 5000000 exceeds max_response_size (100000)"));
    RawUpstream endless([](int fd, int index) {
      read_request(fd);
      std::string block(65536, 'x');
      if (index == 0) {
        write_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 64; ++i) write_all(fd, "10000\r\n" + block + "\r\n");
      } else {
        write_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 64; ++i) write_all(fd, block);
      }
    });
    e = failure(client.get(endless.url("/")));
    CHECK(e.kind == Kind::too_large);
    CHECK(std::string(e.what()).ends_with("the chunked body exceeds max_response_size (100000)"));
    e = failure(client.get(endless.url("/")));
    CHECK(e.kind == Kind::too_large);
  }

  TEST_CASE("chunked responses are decoded (ours, and with extensions and trailers), and the connection is reused") {
    Upstream up;
    fa::HttpClient client;
    CHECK(run(client.get(up.url("/stream"))).text() == "part0;part1;part2;");
    CHECK(run(client.get(up.url("/stream"))).text() == "part0;part1;part2;");
    CHECK(up.connections() == 1);
    RawUpstream raw([](int fd, int) {
      for (int i = 0; i < 2; ++i) {  // two responses on one keep-alive connection, the first with an interim 100
        if (read_request(fd).empty()) return;
        write_all(fd,
                  std::string(i == 0 ? "HTTP/1.1 100 Continue\r\n\r\n" : "") +
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "4;name=\"v a\"\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n");
      }
      wait_for_close(fd, 2s);
    });
    CHECK(run(client.get(raw.url("/"))).text() == "Wikipedia in \r\n\r\nchunks.");
    CHECK(run(client.get(raw.url("/"))).text() == "Wikipedia in \r\n\r\nchunks.");
    CHECK(raw.accepted() == 1);
  }

  TEST_CASE("a close-delimited body is read to the end and its connection is not pooled") {
    RawUpstream old([](int fd, int) {
      read_request(fd);
      write_all(fd, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
    });
    fa::HttpClient client;
    fa::ClientResponse r = run(client.get(old.url("/")));
    CHECK(r.text() == "until the end");
    CHECK(client.connections(old.url("")) == std::pair<std::size_t, std::size_t>{0, 0});
  }

  TEST_CASE("a keep-alive connection the server closed meanwhile is replaced transparently") {
    // The server answers once, keeps the connection, then drops it without a word when the next request comes.
    RawUpstream flaky([](int fd, int index) {
      read_request(fd);
      if (index == 0) {
        write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
        read_request(fd);  // the next request on this connection: closed unanswered
        return;
      }
      write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
      wait_for_close(fd, 2s);
    });
    fa::HttpClient client;
    CHECK(run(client.get(flaky.url("/"))).text() == "first");
    CHECK(run(client.get(flaky.url("/"))).text() == "second");
    CHECK(flaky.accepted() == 2);
    // Our own server closes idle keep-alive connections after keep_alive_timeout: the pool notices.
    fa::Config config = fa::testing::TestClient::default_config();
    config.keep_alive_timeout = 100ms;
    Upstream up(config);
    CHECK(run(client.get(up.url("/hello"))).text() == "hello");
    std::this_thread::sleep_for(600ms);  // the server's tick (250 ms) closes it
    CHECK(run(client.get(up.url("/hello"))).text() == "hello");
    CHECK(up.connections() == 2);
  }

  TEST_CASE("redirects: returned as they are by default, followed when asked, bounded, 303 turns POST into GET") {
    Upstream up;
    fa::HttpClient client{{.base_url = up.origin()}};
    fa::ClientResponse r = run(client.get("/redirect/2"));
    CHECK(r.status == 307);
    CHECK(r.header("location") == "/redirect/1");
    CHECK(r.is_redirect());
    r = run(client.get("/redirect/3", {.follow_redirects = true}));
    CHECK(r.status == 200);
    CHECK(r.text() == "arrived");
    CHECK(r.redirects == 3);
    CHECK(r.url == up.url("/redirect/0"));
    fa::HttpClient bounded{{.base_url = up.origin(), .follow_redirects = true, .max_redirects = 2}};
    CHECK(run(bounded.get("/redirect/2")).text() == "arrived");
    fa::ClientError e = failure(bounded.get("/redirect/3"));
    CHECK(e.kind == Kind::too_many_redirects);
    CHECK(std::string(e.what()).ends_with("more than 2 redirects (max_redirects)"));
    r = run(bounded.post("/see-other", {.headers = {{"Authorization", "Bearer t"}}, .json = fa::Json{{"a", 1}}}));
    fa::Json j = r.json();
    CHECK(j["method"] == "GET");
    CHECK(j["body"] == "");
    CHECK(j["type"] == "");
    CHECK(j["auth"] == "Bearer t");  // same origin: kept
    CHECK(r.method == "GET");
    CHECK(run(bounded.get("/rel/start")).text() == "relative x=1");
  }

  TEST_CASE("json<T> reads a model; a body that does not fit throws UpstreamValidationError with every error") {
    Upstream up;
    fa::HttpClient client{{.base_url = up.origin()}};
    Quote q = run(client.get("/quote")).json<Quote>();
    CHECK(q.sku == "A1");
    CHECK(q.price == 12.5);
    fa::ClientResponse bad = run(client.get("/bad-quote"));
    try {
      (void)bad.json<Quote>();
      FAIL("no exception");
    } catch (const fa::UpstreamValidationError& e) {
      CHECK(e.kind == Kind::decode);
      CHECK(e.status == 200);
      REQUIRE(e.errors().size() == 2);
      CHECK(e.errors()[0].type == "string_type");
      CHECK(e.errors()[0].loc.dump() == R"(["body","sku"])");
      CHECK(e.errors()[1].type == "float_parsing");
      CHECK(std::string(e.what()).find("the body does not validate as") != std::string::npos);
      CHECK(std::string(e.what()).find("Quote (2 errors)") != std::string::npos);
    }
    fa::ClientResponse html = run(client.get("/not-json"));
    CHECK_THROWS_AS((void)html.json(), fa::ClientError);
    try {
      (void)html.json<Quote>();
      FAIL("no exception");
    } catch (const fa::ClientError& e) {
      CHECK(e.kind == Kind::decode);
    }
    try {
      run(client.get("/status/404")).raise_for_status();
      FAIL("no exception");
    } catch (const fa::ClientError& e) {
      CHECK(e.kind == Kind::status);
      CHECK(e.status == 404);
    }
  }

  TEST_CASE("bad calls are refused in words: no loop, https without TLS, bad URLs, header injection") {
    fa::HttpClient client;
    std::optional<fa::ClientError> no_loop;
    fa::detail::spawn([](fa::HttpClient& c, std::optional<fa::ClientError>& out) -> fa::Task<void> {
      try {
        co_await c.get("http://127.0.0.1:1/");
      } catch (const fa::ClientError& e) {
        out = e;
      }
    }(client, no_loop));  // this thread has no loop
    REQUIRE(no_loop);
    CHECK(no_loop->kind == Kind::no_loop);
    fa::ClientError e = failure(client.get("ftp://127.0.0.1/"));
#ifndef FASTAPI_ENABLE_TLS  // with it, tests/client/test_tls_client.cpp covers https://
    e = failure(client.get("https://127.0.0.1/"));
    CHECK(e.kind == Kind::unsupported_scheme);
    CHECK(std::string(e.what()).find("needs TLS") != std::string::npos);
    CHECK(std::string(e.what()).find("define FASTAPI_ENABLE_TLS") != std::string::npos);
    CHECK(std::string(e.what()).find("-lssl -lcrypto") != std::string::npos);
#endif
    CHECK(failure(client.get("ftp://127.0.0.1/")).kind == Kind::unsupported_scheme);
    CHECK(failure(client.get("/relative-without-base")).kind == Kind::invalid_url);
    CHECK(failure(client.get("http://user:pw@127.0.0.1/")).kind == Kind::invalid_url);
    CHECK(failure(client.get("http://127.0.0.1:99999/")).kind == Kind::invalid_url);
    CHECK(failure(client.get("http://exa mple.com/")).kind == Kind::invalid_url);
    e = failure(client.get("http://127.0.0.1:1/", {.headers = {{"X-A", "1\r\nInjected: yes"}}}));
    CHECK(e.kind == Kind::invalid_request);
    CHECK(failure(client.get("http://127.0.0.1:1/", {.headers = {{"Bad Name", "1"}}})).kind == Kind::invalid_request);
    CHECK(failure(client.request("GE T", "http://127.0.0.1:1/")).kind == Kind::invalid_request);
  }

  TEST_CASE("host names go through the async resolver: localhost (from /etc/hosts, no DNS traffic)") {
    Upstream up;
    fa::HttpClient client;
    fa::ClientResponse r = run(client.get("http://localhost:" + std::to_string(up.server->port()) + "/hello"));
    CHECK(r.text() == "hello");
    CHECK(r.url == "http://localhost:" + std::to_string(up.server->port()) + "/hello");
  }

  TEST_CASE("one client shared by the handlers of a two-worker app through fa::State<fa::HttpClient>") {
    Upstream up;
    fa::App front;
    std::mutex mutex;
    std::set<std::thread::id> threads;
    front.lifespan([&](fa::App& app) -> fa::Yield<void> {
      app.state<fa::HttpClient>(fa::ClientOptions{.base_url = up.origin(), .max_connections_per_host = 4});
      co_yield {};
    });
    front.get("/via", [&](fa::State<fa::HttpClient> client, fa::Query<"i", int> i) -> fa::Task<fa::Json> {
      {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      fa::ClientResponse r = co_await client->get("/slow", {.params = {{"ms", "30"}}, .timeout = 5s});
      co_return fa::Json{{"i", *i}, {"upstream", r.text()}};
    });
    fa::Config config = fa::testing::TestClient::default_config();
    config.workers = 2;
    fa::testing::TestClient front_server{front, config};
    std::uint16_t port = front_server.port();
    std::atomic<int> good{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 8; ++t)
      callers.emplace_back([&, t] {
        for (int k = 0; k < 4; ++k) {  // a fresh connection each time: spread over both workers
          asio::io_context io;
          asio::ip::tcp::socket s(io);
          asio::error_code ec;
          s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
          if (ec) continue;
          fa::testing::detail::set_socket_timeout(s, 5000ms);
          int i = t * 10 + k;
          std::string req = "GET /via?i=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
          asio::write(s, asio::buffer(req), ec);
          std::string out;
          char buf[1024];
          for (;;) {
            std::size_t n = s.read_some(asio::buffer(buf), ec);
            if (ec) break;
            out.append(buf, n);
          }
          if (out.ends_with("{\"i\":" + std::to_string(i) + ",\"upstream\":\"slow\"}")) ++good;
        }
      });
    for (auto& c : callers) c.join();
    CHECK(good == 32);
    CHECK(threads.size() == 2);  // both workers called the upstream with the one client
    CHECK(up.peak <= 4);         // and the bound per host held across them
    CHECK(up.connections() <= 4);
  }
}

}  // namespace test_client_file
