// testing/test_client.hpp: fa::testing::TestClient, Starlette's TestClient for C++: runs the app on
// 127.0.0.1:<free port> in a background thread and talks to it over a real socket with plain blocking calls,
// as httpx does for Starlette: default headers the caller can override, a cookie jar, and gzip/deflate bodies
// decoded. Fed by user tests; feeds the whole assembly line. Knows nothing of the app's internals.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <sys/time.h>

#ifdef FASTAPI_ENABLE_GZIP
#include <zlib.h>
#endif

#include "fastapi/app/app.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/chunked.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/url.hpp"
#include "fastapi/json/parse.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/testing/cookie_jar.hpp"
#include "fastapi/testing/websocket_session.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi::testing {

/// One file of a multipart request, as httpx's `files={"file": ("a.txt", b"...", "text/plain")}`.
struct FileField {
  std::string filename;
  std::string content;
  std::string content_type = "application/octet-stream";
};
using FileFields = std::vector<std::pair<std::string, FileField>>;
/// Writes a multipart/form-data body into `body` as httpx does (`data` as text parts, then `files`; `"` in a
/// name written %22) and returns its boundary (random hex, checked absent from the contents). The client uses it
/// for `.files`; a test may use it to send the same body over a raw socket.
std::string encode_multipart(const KeyValues& data, const FileFields& files, std::string& body);

/// What one request sends. `client.get("/items", {.params = {{"q", "x"}}, .headers = {{"x-token", "t"}}})`
struct RequestOptions {
  KeyValues params{};          ///< query parameters, percent-encoded for you
  KeyValues headers{};         ///< request headers; they replace the defaults (Host, User-Agent...) of the same name
  std::optional<Json> json{};  ///< JSON body (sets Content-Type: application/json)
  std::optional<std::string> content{};  ///< raw body
  KeyValues data{};                      ///< form body (application/x-www-form-urlencoded; with files, multipart)
  FileFields files{};            ///< files: a multipart/form-data body with `data` as its text fields first (as httpx)
  KeyValues cookies{};           ///< for this request only: replace the jar's cookies of the same name
  bool follow_redirects = true;  ///< as Starlette's TestClient (up to 20 hops)
  std::chrono::milliseconds timeout{10000};  ///< for the whole exchange
};

/// A response as the client saw it.
struct TestResponse {
  int status = 0;
  Headers headers{};
  /// The body, with its Content-Encoding (gzip, deflate) undone as httpx does; the header itself stays.
  std::string text{};
  /// The body as it came over the wire, before Content-Encoding was undone.
  std::string raw{};
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
  /// A WebSocket to the app (Starlette's client.websocket_connect), on a socket of its own:
  /// `auto ws = client.websocket_connect("/ws/echo"); ws.send_text("hi"); CHECK(ws.receive_text() == "hi");`
  /// A handshake the app refuses throws fa::WebSocketDisconnect.
  WebSocketTestSession websocket_connect(std::string_view path, const WebSocketConnectOptions& options = {}) {
    return WebSocketTestSession(port_, path, options);
  }

  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>"
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Stops the app now (graceful drain) and waits for run() to return; the destructor does it too.
  void close();

  /// The cookie jar: Set-Cookie of every response lands here and goes back on later requests.
  CookieJar cookies;

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
  struct Net;                 // Asio's loop and the keep-alive socket, defined with the functions: a test's file
  std::unique_ptr<Net> net_;  // parses no Asio header (one allocation per client)
  std::string leftover_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
struct TestClient::Net {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
};

FASTAPI_DETAIL_INLINE TestClient::TestClient(App& app, Config config) : app_(app), net_(std::make_unique<Net>()) {
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
  net_->socket.close(ec);
  if (thread_.joinable()) {
    app_.stop();
    thread_.join();
  }
}

FASTAPI_DETAIL_INLINE void TestClient::connect() {
  asio::error_code ec;
  net_->socket.close(ec);
  net_->socket = asio::ip::tcp::socket(net_->io);
  net_->socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  net_->socket.set_option(asio::ip::tcp::no_delay(true));
  leftover_.clear();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {
/// Undoes a Content-Encoding as httpx does: the codings in reverse order, gzip and deflate (zlib-wrapped or
/// raw) with zlib, identity and unknown ones left as they are. A body that does not decode throws.
inline std::string decode_content([[maybe_unused]] std::string_view content_encoding, std::string body) {
#ifdef FASTAPI_ENABLE_GZIP
  std::vector<std::string> codings;
  for (std::string_view rest = content_encoding; !rest.empty();) {
    std::string_view c = rest.substr(0, rest.find(','));
    rest = c.size() < rest.size() ? rest.substr(c.size() + 1) : "";
    while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
    while (!c.empty() && c.back() == ' ') c.remove_suffix(1);
    codings.emplace_back(c);
  }
  auto inflate_with = [](std::string_view in, int window_bits, std::string& out) {
    z_stream z{};
    if (inflateInit2(&z, window_bits) != Z_OK) return false;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[16384];
    int rc = Z_OK;
    out.clear();
    while (rc == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof(buf);
      rc = inflate(&z, Z_NO_FLUSH);
      out.append(buf, sizeof(buf) - z.avail_out);
      if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended before the stream did
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END;
  };
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    std::string out;
    if (iequals(*it, "gzip") || iequals(*it, "x-gzip")) {
      if (!inflate_with(body, 15 + 16, out))
        throw std::runtime_error("fastapi::testing::TestClient: the body is not valid gzip (Content-Encoding: " +
                                 std::string(content_encoding) + ")");
    } else if (iequals(*it, "deflate")) {
      if (!inflate_with(body, 15, out) && !inflate_with(body, -15, out))
        throw std::runtime_error("fastapi::testing::TestClient: the body is not valid deflate (Content-Encoding: " +
                                 std::string(content_encoding) + ")");
    } else {
      continue;
    }
    body = std::move(out);
  }
#endif
  return body;
}

}  // namespace detail

#if FASTAPI_DETAIL_ASIO  // the tests of the client use it too
namespace detail {
inline void set_socket_timeout(asio::ip::tcp::socket& s, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}
}  // namespace detail
#endif  // FASTAPI_DETAIL_ASIO

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE TestResponse TestClient::request(std::string_view method, std::string_view path,
                                                       const RequestOptions& o) {
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

FASTAPI_DETAIL_INLINE std::string encode_multipart(const KeyValues& data, const FileFields& files, std::string& body) {
  auto quoted = [](std::string_view v) {
    std::string out;
    for (char c : v) {
      if (c == '"') out += "%22";
      else if (c == '\\') out += "\\\\";
      else out += c;
    }
    return out;
  };
  std::string boundary;
  for (;;) {
    static constexpr char digits[] = "0123456789abcdef";
    boundary.clear();
    for (int i = 0; i < 32; ++i) boundary += digits[std::rand() % 16];
    bool clash = false;
    for (const auto& [n, v] : data) clash = clash || v.find(boundary) != std::string::npos;
    for (const auto& [n, f] : files) clash = clash || f.content.find(boundary) != std::string::npos;
    if (!clash) break;
  }
  body.clear();
  for (const auto& [name, value] : data)
    body +=
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"\r\n\r\n" + value + "\r\n";
  for (const auto& [name, f] : files)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"; filename=\"" +
            quoted(f.filename) + "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" + f.content + "\r\n";
  body += "--" + boundary + "--\r\n";
  return boundary;
}

FASTAPI_DETAIL_INLINE TestResponse TestClient::exchange(std::string_view method, std::string_view target,
                                                        const RequestOptions& o, bool retry_on_closed) {
  if (!net_->socket.is_open()) connect();
  detail::set_socket_timeout(net_->socket, o.timeout);
  std::string body;
  std::string content_type;
  if (o.json) {
    body = o.json->dump();
    content_type = "application/json";
  } else if (o.content) {
    body = *o.content;
  } else if (!o.files.empty()) {
    content_type = "multipart/form-data; boundary=" + encode_multipart(o.data, o.files, body);
  } else if (!o.data.empty()) {
    for (std::size_t i = 0; i < o.data.size(); ++i) {
      if (i) body += '&';
      body += percent_encode(o.data[i].first, true) + "=" + percent_encode(o.data[i].second, true);
    }
    content_type = "application/x-www-form-urlencoded";
  }
  // The headers httpx would send; a header the caller sets replaces the default of that name, whatever
  // its case, in the default's place (so `host` gives one Host, not two).
  std::string_view path = target.substr(0, target.find('?'));
  KeyValues defaults{{"Host", "testserver"}, {"User-Agent", "testclient"}};
#ifdef FASTAPI_ENABLE_GZIP
  defaults.emplace_back("Accept-Encoding", "gzip, deflate");  // and undone below, as httpx does
#endif
  if (!content_type.empty()) defaults.emplace_back("Content-Type", content_type);
  if (std::string cookie = cookies.header_for("testserver", path, false, o.cookies); !cookie.empty())
    defaults.emplace_back("Cookie", std::move(cookie));
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    defaults.emplace_back("Content-Length", std::to_string(body.size()));
  std::string req;
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  std::vector<bool> used(o.headers.size(), false);
  for (const auto& [dk, dv] : defaults) {
    bool overridden = false;
    for (std::size_t i = 0; i < o.headers.size(); ++i) {
      if (!iequals(o.headers[i].first, dk)) continue;
      req.append(o.headers[i].first).append(": ").append(o.headers[i].second).append("\r\n");
      used[i] = overridden = true;
    }
    if (!overridden) req.append(dk).append(": ").append(dv).append("\r\n");
  }
  for (std::size_t i = 0; i < o.headers.size(); ++i)
    if (!used[i]) req.append(o.headers[i].first).append(": ").append(o.headers[i].second).append("\r\n");
  req.append("\r\n").append(body);

  asio::error_code ec;
  asio::write(net_->socket, asio::buffer(req), ec);
  // A server may answer before reading the whole body (413 from Content-Length) and close: our write then fails
  // with a broken pipe or a reset while its answer waits in the socket. Read it, as httpx does; a closed idle
  // connection reads nothing and is retried below.
  if (ec == asio::error::broken_pipe || ec == asio::error::connection_reset) ec.clear();
  // Read the head.
  std::string buf = std::move(leftover_);
  leftover_.clear();
  std::size_t head_end;
  char chunk[16384];
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    std::size_t n = ec ? 0 : net_->socket.read_some(asio::buffer(chunk), ec);
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
    std::size_t n = net_->socket.read_some(asio::buffer(chunk), ec);
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
    net_->socket.close(ec);
  }
  if (auto c = r.headers.get("connection"); c && iequals(*c, "close")) net_->socket.close(ec);
  for (std::string_view set_cookie : r.headers.get_all("set-cookie")) cookies.store(set_cookie, "testserver", path);
  r.raw = r.text;
  if (auto ce = r.headers.get("content-encoding"); ce && !r.raw.empty()) r.text = detail::decode_content(*ce, r.raw);
  return r;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::testing
