// testing/test_client.hpp: fa::testing::TestClient, Starlette's TestClient for C++: runs the app on
// 127.0.0.1:<free port> in a background thread and talks to it over a real socket with plain blocking calls.
// Fed by user tests; feeds the whole assembly line. Knows nothing of the app's internals.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <sys/time.h>

#include <asio.hpp>

#include "fastapi/app/app.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/parser.hpp"
#include "fastapi/http/url.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi::testing {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// What one request sends. `client.get("/items", {.params = {{"q", "x"}}, .headers = {{"x-token", "t"}}})`
struct RequestOptions {
  KeyValues params{};                ///< query parameters, percent-encoded for you
  KeyValues headers{};                ///< extra request headers
  std::optional<Json> json{};        ///< JSON body (sets Content-Type: application/json)
  std::optional<std::string> content{};  ///< raw body
  KeyValues data{};                  ///< form body (application/x-www-form-urlencoded)
  KeyValues cookies{};               ///< sent as one Cookie header
  bool follow_redirects = true;      ///< as Starlette's TestClient (up to 20 hops)
  std::chrono::milliseconds timeout{10000};  ///< for the whole exchange
};

/// A response as the client saw it.
struct TestResponse {
  int status = 0;
  Headers headers{};
  std::string text{};
  /// The body parsed as JSON (throws fa::JsonParseError when it is not JSON).
  Json json() const { return Json::parse(text); }
  /// A header's first value, or "" when absent.
  std::string header(std::string_view name) const { return std::string(headers.get(name).value_or("")); }
};

/// Runs `app` for the lifetime of the client. `fa::testing::TestClient client{app};`
/// `auto r = client.get("/"); CHECK(r.status == 200); CHECK(r.json()["message"] == "Hello World");`
class TestClient {
 public:
  explicit TestClient(App& app, Config config = default_config());
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  TestResponse get(std::string_view path, const RequestOptions& o = {}) { return request("GET", path, o); }
  TestResponse post(std::string_view path, const RequestOptions& o = {}) { return request("POST", path, o); }
  TestResponse put(std::string_view path, const RequestOptions& o = {}) { return request("PUT", path, o); }
  TestResponse patch(std::string_view path, const RequestOptions& o = {}) { return request("PATCH", path, o); }
  TestResponse delete_(std::string_view path, const RequestOptions& o = {}) { return request("DELETE", path, o); }
  TestResponse options(std::string_view path, const RequestOptions& o = {}) { return request("OPTIONS", path, o); }
  TestResponse head(std::string_view path, const RequestOptions& o = {}) { return request("HEAD", path, o); }
  /// Any method; keeps one keep-alive connection and reconnects when the server closed it.
  TestResponse request(std::string_view method, std::string_view path, const RequestOptions& o = {});

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>"
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Stops the app now (graceful drain) and waits for run() to return; the destructor does it too.
  void close();

  static Config default_config() {
    Config c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.workers = 1;
    c.handle_signals = false;
    return c;
  }

 private:
  TestResponse exchange(std::string_view method, std::string_view target, const RequestOptions& o,
                        bool retry_on_closed);
  void connect();

  App& app_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  asio::io_context io_;
  asio::ip::tcp::socket socket_;  // made in the constructor: an initializer here would instantiate Asio in every TU
  std::string leftover_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE TestClient::TestClient(App& app, Config config) : app_(app), socket_(io_) {
  thread_ = std::thread([this, config] { app_.run(config); });
  port_ = app_.wait_until_listening();
  if (port_ == 0) {
    thread_.join();
    throw std::runtime_error("fastapi::testing::TestClient: the app failed to start (see its log)");
  }
}

FASTAPI_DETAIL_INLINE TestClient::~TestClient() { close(); }

FASTAPI_DETAIL_INLINE void TestClient::close() {
  asio::error_code ec;
  socket_.close(ec);
  if (thread_.joinable()) {
    app_.stop();
    thread_.join();
  }
}

FASTAPI_DETAIL_INLINE void TestClient::connect() {
  asio::error_code ec;
  socket_.close(ec);
  socket_ = asio::ip::tcp::socket(io_);
  socket_.connect({asio::ip::make_address("127.0.0.1"), port_});
  socket_.set_option(asio::ip::tcp::no_delay(true));
  leftover_.clear();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {
inline void set_socket_timeout(asio::ip::tcp::socket& s, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE TestResponse TestClient::request(std::string_view method, std::string_view path, const RequestOptions& o) {
  std::string target(path);
  if (!o.params.empty()) {
    target += target.find('?') == std::string::npos ? '?' : '&';
    for (std::size_t i = 0; i < o.params.size(); ++i) {
      if (i) target += '&';
      target += percent_encode(o.params[i].first, true) + "=" + percent_encode(o.params[i].second, true);
    }
  }
  std::string m(method);
  for (int hop = 0; hop < 20; ++hop) {
    TestResponse r = exchange(m, target, o, true);
    bool redirect = r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308;
    if (!o.follow_redirects || !redirect || !r.headers.contains("location")) return r;
    std::string location = r.header("location");
    if (auto p = location.find("://"); p != std::string::npos) {
      auto slash = location.find('/', p + 3);
      location = slash == std::string::npos ? "/" : location.substr(slash);
    }
    target = location;
    if (r.status == 303) m = "GET";
  }
  throw std::runtime_error("fastapi::testing::TestClient: more than 20 redirects");
}

FASTAPI_DETAIL_INLINE TestResponse TestClient::exchange(std::string_view method, std::string_view target, const RequestOptions& o,
                                                        bool retry_on_closed) {
  if (!socket_.is_open()) connect();
  detail::set_socket_timeout(socket_, o.timeout);
  std::string body;
  std::string content_type;
  if (o.json) {
    body = o.json->dump();
    content_type = "application/json";
  } else if (o.content) {
    body = *o.content;
  } else if (!o.data.empty()) {
    for (std::size_t i = 0; i < o.data.size(); ++i) {
      if (i) body += '&';
      body += percent_encode(o.data[i].first, true) + "=" + percent_encode(o.data[i].second, true);
    }
    content_type = "application/x-www-form-urlencoded";
  }
  std::string req;
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: testserver\r\n");
  bool has_user_agent = false;
  for (const auto& [k, v] : o.headers) {
    req.append(k).append(": ").append(v).append("\r\n");
    if (iequals(k, "user-agent")) has_user_agent = true;
    if (iequals(k, "content-type")) content_type.clear();
  }
  if (!has_user_agent) req.append("User-Agent: testclient\r\n");
  if (!content_type.empty()) req.append("Content-Type: ").append(content_type).append("\r\n");
  if (!o.cookies.empty()) {
    req.append("Cookie: ");
    for (std::size_t i = 0; i < o.cookies.size(); ++i)
      req.append(i ? "; " : "").append(o.cookies[i].first).append("=").append(o.cookies[i].second);
    req.append("\r\n");
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  req.append("\r\n").append(body);

  asio::error_code ec;
  asio::write(socket_, asio::buffer(req), ec);
  // Read the head.
  std::string buf = std::move(leftover_);
  leftover_.clear();
  std::size_t head_end;
  char chunk[16384];
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    std::size_t n = ec ? 0 : socket_.read_some(asio::buffer(chunk), ec);
    if (ec || n == 0) {
      if (retry_on_closed && buf.empty() && ec != asio::error::would_block && ec != asio::error::try_again) {
        connect();  // the server closed our idle keep-alive connection: once more on a new one
        return exchange(method, target, o, false);
      }
      throw std::runtime_error("fastapi::testing::TestClient: no complete response (" + ec.message() + ")");
    }
    buf.append(chunk, n);
  }
  TestResponse r;
  std::string_view head(buf.data(), head_end);
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1."))
    throw std::runtime_error("fastapi::testing::TestClient: bad status line: " + std::string(status_line));
  r.status = std::stoi(std::string(status_line.substr(9, 3)));
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto e = head.find("\r\n", pos);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(pos, e - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.add(std::string(line.substr(0, colon)), std::string(value));
    }
    pos = e + 2;
  }
  std::string rest = buf.substr(head_end + 4);
  bool no_body = method == "HEAD" || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  auto read_more = [&] {
    std::size_t n = socket_.read_some(asio::buffer(chunk), ec);
    if (ec) return false;
    rest.append(chunk, n);
    return true;
  };
  if (no_body) {
    leftover_ = rest;
  } else if (auto te = r.headers.get("transfer-encoding"); te && iequals(*te, "chunked")) {
    ChunkedDecoder dec(std::size_t(1) << 40);
    for (;;) {
      std::size_t consumed = 0;
      auto res = dec.feed(rest, r.text, consumed);
      rest.erase(0, consumed);
      if (res == ChunkedDecoder::Result::complete) break;
      if (res == ChunkedDecoder::Result::error || !read_more())
        throw std::runtime_error("fastapi::testing::TestClient: bad chunked body");
    }
    leftover_ = rest;
  } else if (auto cl = r.headers.get("content-length")) {
    std::size_t n = std::stoull(std::string(*cl));
    while (rest.size() < n)
      if (!read_more()) throw std::runtime_error("fastapi::testing::TestClient: body cut short");
    r.text = rest.substr(0, n);
    leftover_ = rest.substr(n);
  } else {
    while (read_more()) {
    }
    r.text = rest;
    socket_.close(ec);
  }
  if (auto c = r.headers.get("connection"); c && iequals(*c, "close")) socket_.close(ec);
  return r;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::testing
