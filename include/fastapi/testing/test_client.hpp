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
#include "fastapi/testing/websocket_session.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi::testing {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

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

/// One cookie the jar holds, as RFC 6265 stores it.
struct Cookie {
  std::string name;
  std::string value;
  std::string domain = "testserver";  ///< lower case, no leading dot
  std::string path = "/";
  bool host_only = true;  ///< no Domain attribute: sent to this host only, not to its subdomains
  bool secure = false;    ///< sent over https only (so never by this client)
  bool http_only = false;
  std::optional<std::chrono::system_clock::time_point> expires{};  ///< none: until the client goes
};

/// The client's cookie jar (httpx's `client.cookies`): every Set-Cookie of every response is stored, and
/// later requests send what matches their host and path in one Cookie header, longest path first.
class CookieJar {
 public:
  /// The value of the first live cookie named `name`, whatever its domain and path.
  std::optional<std::string> get(std::string_view name) const {
    for (const Cookie& c : cookies_)
      if (c.name == name && live(c)) return c.value;
    return std::nullopt;
  }
  /// Sets a cookie by hand, as `client.cookies.set(name, value)` (sent to testserver, every path).
  void set(std::string name, std::string value, std::string domain = "testserver", std::string path = "/") {
    Cookie c;
    c.name = std::move(name);
    c.value = std::move(value);
    c.domain = std::move(domain);
    c.path = std::move(path);
    put(std::move(c));
  }
  /// Removes every cookie named `name`.
  void erase(std::string_view name) {
    std::erase_if(cookies_, [&](const Cookie& c) { return c.name == name; });
  }
  void clear() { cookies_.clear(); }
  /// The live cookies, in the order they were first set.
  std::vector<Cookie> all() const {
    std::vector<Cookie> out;
    for (const Cookie& c : cookies_)
      if (live(c)) out.push_back(c);
    return out;
  }
  std::size_t size() const { return all().size(); }
  bool empty() const { return size() == 0; }

  /// Stores one Set-Cookie value received for `host` and `request_path` (RFC 6265 section 5.2-5.3): a
  /// cookie for another domain, or without `=`, is ignored; Max-Age <= 0 or a past Expires deletes it.
  void store(std::string_view set_cookie, std::string_view host, std::string_view request_path) {
    std::string_view pair = set_cookie.substr(0, set_cookie.find(';'));
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) return;
    Cookie c;
    c.name = std::string(trim(pair.substr(0, eq)));
    c.value = std::string(trim(pair.substr(eq + 1)));
    if (c.name.empty()) return;
    c.domain = lower(host);
    c.path = default_path(request_path);
    std::optional<std::chrono::system_clock::time_point> max_age_expiry;
    std::string_view rest = set_cookie.size() > pair.size() ? set_cookie.substr(pair.size() + 1) : "";
    while (!rest.empty()) {
      std::string_view attr = rest.substr(0, rest.find(';'));
      rest = attr.size() < rest.size() ? rest.substr(attr.size() + 1) : "";
      auto aeq = attr.find('=');
      std::string key = lower(trim(attr.substr(0, aeq)));
      std::string_view value = aeq == std::string_view::npos ? "" : trim(attr.substr(aeq + 1));
      if (key == "domain" && !value.empty()) {
        std::string d = lower(value.front() == '.' ? value.substr(1) : value);
        std::string h = lower(host);
        if (h != d && !(h.size() > d.size() && h.ends_with("." + d))) return;  // another site's cookie
        c.domain = d;
        c.host_only = false;
      } else if (key == "path") {
        c.path = !value.empty() && value.front() == '/' ? std::string(value) : default_path(request_path);
      } else if (key == "secure") {
        c.secure = true;
      } else if (key == "httponly") {
        c.http_only = true;
      } else if (key == "max-age" && !value.empty()) {
        long long seconds = 0;
        bool negative = value.front() == '-';
        std::string_view digits = negative ? value.substr(1) : value;
        if (digits.empty() ||
            !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
          continue;
        for (char ch : digits.substr(0, 12)) seconds = seconds * 10 + (ch - '0');
        max_age_expiry = negative || seconds == 0 ? std::chrono::system_clock::time_point::min()
                                                  : std::chrono::system_clock::now() + std::chrono::seconds(seconds);
      } else if (key == "expires") {
        if (auto t = parse_http_date(value)) c.expires = t;
      }
    }
    if (max_age_expiry) c.expires = max_age_expiry;  // Max-Age wins over Expires
    put(std::move(c));
  }

  /// The Cookie header for a request to `host` and `path` ("" when nothing matches); `overrides` (the
  /// request's own cookies) replace the jar's cookies of the same name for this request only.
  std::string header_for(std::string_view host, std::string_view path, bool https, const KeyValues& overrides) const {
    std::vector<const Cookie*> match;
    std::string h = lower(host);
    for (const Cookie& c : cookies_) {
      if (!live(c) || (c.secure && !https)) continue;
      bool domain_ok = c.host_only ? h == c.domain : (h == c.domain || h.ends_with("." + c.domain));
      if (!domain_ok || !path_match(path, c.path)) continue;
      if (std::any_of(overrides.begin(), overrides.end(), [&](const auto& o) { return o.first == c.name; })) continue;
      match.push_back(&c);
    }
    std::stable_sort(match.begin(), match.end(),
                     [](const Cookie* a, const Cookie* b) { return a->path.size() > b->path.size(); });
    std::string out;
    for (const Cookie* c : match) out.append(out.empty() ? "" : "; ").append(c->name).append("=").append(c->value);
    for (const auto& [k, v] : overrides) out.append(out.empty() ? "" : "; ").append(k).append("=").append(v);
    return out;
  }

  /// An HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`, also with dashes: `06-Nov-94`), RFC 6265's
  /// lenient reading: a day, a month name, a year and hh:mm:ss in any order.
  static std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
    int day = -1, month = -1, year = -1, hh = -1, mm = -1, ss = -1;
    static constexpr std::string_view months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '-' || s[i] == '\t')) ++i;
      std::size_t j = i;
      while (j < s.size() && s[j] != ' ' && s[j] != ',' && s[j] != '-' && s[j] != '\t') ++j;
      std::string_view tok = s.substr(i, j - i);
      i = j;
      if (tok.empty()) continue;
      if (tok.find(':') != std::string_view::npos) {
        if (std::sscanf(std::string(tok).c_str(), "%d:%d:%d", &hh, &mm, &ss) != 3) return std::nullopt;
      } else if (tok.front() >= '0' && tok.front() <= '9') {
        int n = std::atoi(std::string(tok).c_str());
        if (day < 0 && tok.size() <= 2) day = n;
        else if (year < 0) year = tok.size() <= 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
      } else if (tok.size() >= 3) {
        std::string m = lower(tok.substr(0, 3));
        for (int k = 0; k < 12; ++k)
          if (months[k] == m) month = k;
      }
    }
    if (day < 1 || day > 31 || month < 0 || year < 1601 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
      return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    return std::chrono::system_clock::from_time_t(::timegm(&tm));
  }

 private:
  static bool live(const Cookie& c) { return !c.expires || *c.expires > std::chrono::system_clock::now(); }
  static std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
  }
  static std::string lower(std::string_view v) {
    std::string out(v);
    for (char& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
  }
  /// RFC 6265 5.1.4: the request path up to its last '/', or "/".
  static std::string default_path(std::string_view request_path) {
    auto slash = request_path.rfind('/');
    if (request_path.empty() || request_path.front() != '/' || slash == 0 || slash == std::string_view::npos)
      return "/";
    return std::string(request_path.substr(0, slash));
  }
  static bool path_match(std::string_view request_path, std::string_view cookie_path) {
    if (request_path == cookie_path) return true;
    return request_path.starts_with(cookie_path) &&
           (cookie_path.ends_with('/') || request_path[cookie_path.size()] == '/');
  }
  /// Replaces the cookie of the same name, domain and path, or adds it; an expired one only deletes.
  void put(Cookie c) {
    auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& o) {
      return o.name == c.name && o.domain == c.domain && o.path == c.path;
    });
    if (!live(c)) {
      if (same != cookies_.end()) cookies_.erase(same);
    } else if (same != cookies_.end()) {
      *same = std::move(c);
    } else {
      cookies_.push_back(std::move(c));
    }
  }

  std::vector<Cookie> cookies_;
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
