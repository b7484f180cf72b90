// client/client.hpp: fa::HttpClient, the async outbound HTTP/1.1 client for handlers (httpx.AsyncClient's
// shape): `co_await client.get(url, {...})` suspends the handler, never the loop. Pooled keep-alive
// connections (client/pool.hpp), async DNS, connect/read/total timeouts, opt-in bounded redirects, chunked
// and Content-Length bodies with a size limit, responses read by the server's own parser (http/parser.hpp).
// Fed by handlers, dependencies and lifespans; feeds client/response.hpp. Knows nothing of routes or the App.
#pragma once

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <asio.hpp>

#include "fastapi/client/options.hpp"
#include "fastapi/client/pool.hpp"
#include "fastapi/client/response.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/parser.hpp"
#include "fastapi/http/url.hpp"

namespace fastapi {

namespace detail {

/// An absolute http:// URL split for a request.
struct ClientUrl {
  std::string scheme;       ///< "http"
  std::string host;         ///< without IPv6 brackets ("::1")
  std::uint16_t port = 80;
  std::string host_header;  ///< "host", "host:8080", "[::1]:8080"
  std::string target;       ///< origin-form: "/path?query", never empty, safely encoded
  /// The pool's key: "http://host:port", the port always spelled.
  std::string key() const {
    return scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
  std::string text() const { return scheme + "://" + host_header + target; }
};

/// Splits `url`; on failure the kind (invalid_url or unsupported_scheme) and a sentence.
FASTAPI_DETAIL_INLINE std::optional<std::pair<ClientErrorKind, std::string>> parse_client_url(std::string_view url, ClientUrl& out);
/// `location` (absolute, scheme-relative, absolute path, query or relative path) against `base`, as text.
FASTAPI_DETAIL_INLINE std::string resolve_location(const ClientUrl& base, std::string_view location);

/// A failed exchange, before it becomes a ClientError: what, in words, and whether a fresh connection may
/// try again (a reused keep-alive connection the server had closed: nothing of the response arrived).
struct Failure {
  ClientErrorKind kind;
  std::string detail;
  bool retry = false;
  bool eof = false;  ///< the server closed the connection (the end of a close-delimited body)
};

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

/// Frees the pool slot of a lease unless the connection was given back (every early return, every throw).
struct LeaseGuard {
  ConnectionPool& pool;
  const std::string& key;
  bool given_back = false;
  ~LeaseGuard() {
    if (!given_back) pool.forget(key);
  }
};

}  // namespace detail

/// An async HTTP/1.1 client, made to be opened once and shared by every handler and worker:
/// ```
/// app.lifespan([](fa::App& app) -> fa::Yield<void> {
///   app.state<fa::HttpClient>(fa::ClientOptions{.base_url = "http://127.0.0.1:9000", .timeout = 2s});
///   co_yield {};
/// });
/// app.get("/price", [](fa::State<fa::HttpClient> client) -> fa::Task<fa::Json> {
///   fa::ClientResponse r = co_await client->get("/quote", {.params = {{"sku", "A1"}}});
///   co_return r.json();
/// });
/// ```
/// Thread-safety: every method may be called from any worker at once; the only shared state is the
/// connection pool, behind one mutex never held across an await. A call must be awaited on an event loop
/// (a handler, a dependency, a lifespan: else ClientError no_loop) and the client must outlive its calls
/// (held by the app's state, it does: the app drains requests before its state goes).
/// Failures: fa::ClientError (its `kind` says which), never a crash, never a hang; a connection that
/// timed out or failed is closed, never pooled. Plain http:// only: https:// is ClientError
/// unsupported_scheme (no TLS in this version).
class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Task<ClientResponse> get(std::string url, const CallOptions& o = {}) { return request("GET", std::move(url), o); }
  Task<ClientResponse> post(std::string url, const CallOptions& o = {}) { return request("POST", std::move(url), o); }
  Task<ClientResponse> put(std::string url, const CallOptions& o = {}) { return request("PUT", std::move(url), o); }
  Task<ClientResponse> patch(std::string url, const CallOptions& o = {}) { return request("PATCH", std::move(url), o); }
  Task<ClientResponse> delete_(std::string url, const CallOptions& o = {}) { return request("DELETE", std::move(url), o); }
  Task<ClientResponse> head(std::string url, const CallOptions& o = {}) { return request("HEAD", std::move(url), o); }
  Task<ClientResponse> options(std::string url, const CallOptions& o = {}) { return request("OPTIONS", std::move(url), o); }
  /// Any method (a token: "PROPFIND"). The response of any status is returned; failures throw ClientError.
  /// What `o` refers to is copied now: the returned task owns everything it needs.
  Task<ClientResponse> request(std::string method, std::string url, const CallOptions& o = {}) {
    return send(std::move(method), std::move(url), detail::CallData(o));
  }

  const ClientOptions& settings() const { return options_; }
  /// Connections to `origin` ("http://host:port") counted against its bound, and those idle in the pool.
  std::pair<std::size_t, std::size_t> connections(std::string_view origin) const;
  /// Closes the idle connections (calls in flight keep theirs; later calls open new ones).
  void close() { pool_.close_idle(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Call {  // one hop's fixed parts
    std::string method;
    detail::ClientUrl url;
    std::string wire;  // the request, serialized
    Clock::time_point deadline;
    std::chrono::milliseconds total;
  };
  Task<ClientResponse> send(std::string method, std::string url, detail::CallData o);
  Task<ClientResponse> exchange(asio::io_context& io, const Call& call);
  Task<std::optional<detail::Failure>> exchange_once(asio::io_context& io, const Call& call, detail::Lease lease,
                                                     ClientResponse& out);
  Task<std::optional<detail::Failure>> connect(asio::ip::tcp::socket& socket, asio::steady_timer& timer,
                                               const Call& call, bool& ipv6);
  /// Appends what arrives to `buf`; a failure on EOF, error or deadline (`what` names the awaited part).
  Task<std::optional<detail::Failure>> read_more(asio::ip::tcp::socket& socket, asio::steady_timer& timer,
                                                 const Call& call, std::string& buf, std::string_view what);
  std::string serialize(const std::string& method, const detail::ClientUrl& url, const KeyValues& headers,
                        const std::string& body, bool has_body) const;

  ClientOptions options_;
  detail::ConnectionPool pool_;
};

// ---- implementation ----

namespace detail {

/// Most interim 1xx responses (100 Continue, 103 Early Hints) skipped before the final one; more is a
/// protocol error. RFC 9110 section 15.2 sets no bound; Go's transport stops at 5, we allow a few more.
inline constexpr int max_interim_responses = 10;

inline bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE" ||
         method == "TRACE";
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::pair<ClientErrorKind, std::string>> parse_client_url(std::string_view url, ClientUrl& out) {
  using R = std::pair<ClientErrorKind, std::string>;
  // httpx refuses these too ("Invalid non-printable ASCII character in URL"): a CR or LF would otherwise
  // have to be guessed into %0D%0A, and the caller's URL is more likely an injection than a path.
  if (find_control_byte(url) != std::string_view::npos)
    return R{ClientErrorKind::invalid_url, "the URL holds a control byte (CR, LF, NUL, ...): percent-encode it"};
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return R{ClientErrorKind::invalid_url, "not an absolute URL (http://host[:port]/path), and no base_url to join"};
  std::string_view scheme = url.substr(0, sep);
  if (iequals(scheme, "https"))
    return R{ClientErrorKind::unsupported_scheme,
             "https:// needs TLS, which this build of fa::HttpClient does not have (plain http:// only; TLS is "
             "planned behind FASTAPI_ENABLE_OPENSSL): call the service over http:// or through a TLS-terminating proxy"};
  if (!iequals(scheme, "http")) return R{ClientErrorKind::unsupported_scheme, "only http:// URLs are supported"};
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find('#'));
  std::size_t auth_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view path = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    return R{ClientErrorKind::invalid_url, "credentials in the URL are not supported: send an Authorization header"};
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return R{ClientErrorKind::invalid_url, "unclosed '[' in the host"};
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return R{ClientErrorKind::invalid_url, "bad text after the IPv6 host"};
    if (!after.empty()) port = after.substr(1);
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return R{ClientErrorKind::invalid_url, "no host"};
  for (char c : host)
    if (!has_class(c, char_host) || c == '%') return R{ClientErrorKind::invalid_url, "invalid character in the host"};
  out.scheme = "http";
  out.host = std::string(host);
  out.port = 80;
  if (!port.empty()) {
    unsigned long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || (p = p * 10 + static_cast<unsigned>(c - '0')) > 65535)
        return R{ClientErrorKind::invalid_url, "invalid port"};
    }
    if (p == 0) return R{ClientErrorKind::invalid_url, "invalid port"};
    out.port = static_cast<std::uint16_t>(p);
  }
  out.host_header = authority.starts_with('[') ? "[" + out.host + "]" : out.host;
  if (out.port != 80) out.host_header += ":" + std::to_string(out.port);
  // Bytes a request-target may not carry are percent-encoded; '%' is kept (the URL may be encoded already).
  constexpr char hex[] = "0123456789ABCDEF";
  out.target.clear();
  if (path.empty() || path[0] == '?') out.target = "/";
  for (char c : path) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
      out.target.push_back('%');
      out.target.push_back(hex[b >> 4]);
      out.target.push_back(hex[b & 0xF]);
    } else {
      out.target.push_back(c);
    }
  }
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE std::string resolve_location(const ClientUrl& base, std::string_view location) {
  std::string origin = base.scheme + "://" + base.host_header;
  std::size_t sep = location.find("://");
  if (sep != std::string_view::npos && location.find_first_of("/?#") > sep) return std::string(location);
  if (location.starts_with("//")) return base.scheme + ":" + std::string(location);
  if (location.starts_with('/')) return origin + std::string(location);
  std::string_view path = std::string_view(base.target).substr(0, base.target.find('?'));
  if (location.empty() || location.starts_with('#')) return origin + base.target;
  if (location.starts_with('?')) return origin + std::string(path) + std::string(location);
  return origin + std::string(path.substr(0, path.rfind('/') + 1)) + std::string(location);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE HttpClient::HttpClient(ClientOptions options)
    : options_(std::move(options)),
      pool_(options_.max_connections_per_host, options_.max_idle_per_host, options_.keepalive_expiry) {}

FASTAPI_DETAIL_INLINE std::pair<std::size_t, std::size_t> HttpClient::connections(std::string_view origin) const {
  detail::ClientUrl url;
  if (detail::parse_client_url(origin, url)) return {0, 0};
  return pool_.counts(url.key());
}

FASTAPI_DETAIL_INLINE std::string HttpClient::serialize(const std::string& method, const detail::ClientUrl& url,
                                                        const KeyValues& headers, const std::string& body, bool has_body) const {
  // The call's headers, method and URL were checked by send(); the configured User-Agent is checked here,
  // where it is written: no byte of the head may be a control byte (a CR/LF would inject headers).
  if (!options_.user_agent.empty() && detail::find_control_byte(options_.user_agent) != std::string_view::npos)
    throw ClientError(ClientErrorKind::invalid_request, method, url.text(),
                      "ClientOptions::user_agent holds CR, LF or another control byte");
  std::string wire;
  wire.reserve(256 + body.size());
  wire.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  bool host = false, agent = false, accept = false;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) continue;  // we frame the body
    host |= iequals(name, "host");
    agent |= iequals(name, "user-agent");
    accept |= iequals(name, "accept");
  }
  if (!host) wire.append("Host: ").append(url.host_header).append("\r\n");
  for (const auto& [name, value] : headers) {
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) continue;
    wire.append(name).append(": ").append(value).append("\r\n");
  }
  if (!agent && !options_.user_agent.empty()) wire.append("User-Agent: ").append(options_.user_agent).append("\r\n");
  if (!accept) wire.append("Accept: */*\r\n");
  if (has_body) wire.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  wire.append("\r\n").append(body);
  return wire;
}

FASTAPI_DETAIL_INLINE Task<ClientResponse> HttpClient::send(std::string method, std::string url, detail::CallData o) {
  asio::io_context* io = detail::this_loop().io;
  if (!io)
    throw ClientError(ClientErrorKind::no_loop, method, url,
                      "await fa::HttpClient calls in a handler, a dependency or a lifespan");
  if (!detail::is_token(method)) throw ClientError(ClientErrorKind::invalid_request, method, url, "the method is not a token");
  if (url.starts_with('/') && !options_.base_url.empty()) {
    std::string_view base = options_.base_url;
    while (base.ends_with('/')) base.remove_suffix(1);
    url = std::string(base) + url;
  }
  Call call;
  call.method = method;
  call.total = o.timeout.value_or(options_.timeout);
  call.deadline = Clock::now() + call.total;
  if (auto bad = detail::parse_client_url(url, call.url)) throw ClientError(bad->first, method, url, bad->second);
  if (!o.params.empty()) {
    call.url.target += call.url.target.find('?') == std::string::npos ? '?' : '&';
    for (std::size_t i = 0; i < o.params.size(); ++i)
      call.url.target.append(i ? "&" : "").append(percent_encode(o.params[i].first, true)).append("=").append(
          percent_encode(o.params[i].second, true));
  }
  // Headers: the client's, each replaced by the call's of the same name; then the body's type.
  KeyValues headers;
  for (const auto& h : options_.headers) {
    bool replaced = std::any_of(o.headers.begin(), o.headers.end(), [&](const auto& c) { return iequals(c.first, h.first); });
    if (!replaced) headers.push_back(h);
  }
  headers.insert(headers.end(), o.headers.begin(), o.headers.end());
  bool has_body = o.body.has_value() || method == "POST" || method == "PUT" || method == "PATCH";
  std::string body = o.body ? std::move(*o.body) : std::string();
  bool typed = std::any_of(headers.begin(), headers.end(), [](const auto& h) { return iequals(h.first, "content-type"); });
  if (!o.content_type.empty() && !typed) headers.emplace_back("Content-Type", o.content_type);
  for (const auto& [name, value] : headers) {
    bool ok = detail::is_token(name);
    for (char c : value) ok = ok && detail::has_class(c, detail::char_value);
    if (!ok)
      throw ClientError(ClientErrorKind::invalid_request, method, call.url.text(),
                        "header '" + name + "' has a name that is not a token or a value with CR, LF or another control byte");
  }
  bool follow = o.follow_redirects.value_or(options_.follow_redirects);
  for (int hop = 0;; ++hop) {
    call.wire = serialize(call.method, call.url, headers, body, has_body);
    ClientResponse r = co_await exchange(*io, call);
    r.redirects = hop;
    auto location = r.headers.get("location");
    if (!follow || !r.is_redirect() || !location) co_return r;
    if (hop >= options_.max_redirects)
      throw ClientError(ClientErrorKind::too_many_redirects, call.method, call.url.text(),
                        "more than " + std::to_string(options_.max_redirects) + " redirects (max_redirects)");
    std::string next_text = detail::resolve_location(call.url, *location);
    detail::ClientUrl next;
    if (auto bad = detail::parse_client_url(next_text, next))
      throw ClientError(bad->first, call.method, next_text, "redirect from " + call.url.text() + ": " + bad->second);
    // RFC 9110 section 15.4: 303 turns into GET; 301/302 after POST too, as every browser and httpx do.
    if ((r.status == 303 && call.method != "HEAD") || ((r.status == 301 || r.status == 302) && call.method == "POST")) {
      call.method = "GET";
      body.clear();
      has_body = false;
      std::erase_if(headers, [](const auto& h) { return iequals(h.first, "content-type"); });
    }
    if (next.key() != call.url.key())  // another origin: credentials stay behind
      std::erase_if(headers, [](const auto& h) { return iequals(h.first, "authorization") || iequals(h.first, "cookie"); });
    call.url = std::move(next);
  }
}

FASTAPI_DETAIL_INLINE Task<ClientResponse> HttpClient::exchange(asio::io_context& io, const Call& call) {
  const std::string key = call.url.key();
  for (int attempt = 0;; ++attempt) {
    std::optional<detail::Lease> lease = co_await pool_.acquire(key, io, call.deadline);
    if (!lease)
      throw ClientError(ClientErrorKind::pool_timeout, call.method, call.url.text(),
                        "all " + std::to_string(options_.max_connections_per_host) + " connections to " +
                            call.url.host_header + " stayed busy for the whole timeout of " +
                            std::to_string(call.total.count()) + " ms (max_connections_per_host)");
    ClientResponse out;
    std::optional<detail::Failure> failure = co_await exchange_once(io, call, *lease, out);
    if (!failure) co_return out;
    if (failure->retry && attempt == 0 && Clock::now() < call.deadline) continue;  // a stale keep-alive connection
    throw ClientError(failure->kind, call.method, call.url.text(), std::move(failure->detail));
  }
}

FASTAPI_DETAIL_INLINE Task<std::optional<detail::Failure>> HttpClient::connect(asio::ip::tcp::socket& socket, asio::steady_timer& timer,
                                                                               const Call& call, bool& ipv6) {
  using detail::Failure;
  using tcp = asio::ip::tcp;
  auto connect_deadline = std::min(call.deadline, Clock::now() + options_.connect_timeout);
  bool total_first = call.deadline <= connect_deadline;
  auto late = [&](std::string_view what) {
    return total_first ? Failure{ClientErrorKind::timeout, std::string(what) + " did not finish within the total timeout of " +
                                                               std::to_string(call.total.count()) + " ms"}
                       : Failure{ClientErrorKind::connect_timeout, std::string(what) + " took longer than connect_timeout (" +
                                                                       std::to_string(options_.connect_timeout.count()) + " ms)"};
  };
  std::vector<tcp::endpoint> endpoints;
  asio::error_code ec;
  asio::ip::address literal = asio::ip::make_address(call.url.host, ec);
  if (!ec) {
    endpoints.emplace_back(literal, call.url.port);
  } else {
    tcp::resolver resolver(socket.get_executor());
    auto [timed_out, result] = co_await detail::race<asio::error_code, tcp::resolver::results_type>(
        timer, connect_deadline,
        [&](auto handler) { resolver.async_resolve(call.url.host, std::to_string(call.url.port), std::move(handler)); },
        [&] { resolver.cancel(); });
    if (timed_out) co_return late("resolving " + call.url.host);
    auto& [resolve_ec, results] = result;
    if (resolve_ec || results.empty())
      co_return Failure{ClientErrorKind::resolve, call.url.host + ": " + (resolve_ec ? resolve_ec.message() : "no address")};
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }
  std::string errors;
  for (const tcp::endpoint& endpoint : endpoints) {
    socket.close(ec);
    socket.open(endpoint.protocol(), ec);
    if (!ec) {
      auto [timed_out, result] = co_await detail::race<asio::error_code>(
          timer, connect_deadline, [&](auto handler) { socket.async_connect(endpoint, std::move(handler)); },
          [&] {
            asio::error_code ignored;
            socket.cancel(ignored);
          });
      if (timed_out) co_return late("connecting to " + call.url.host_header);
      ec = std::get<0>(result);
    }
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      ipv6 = endpoint.protocol() == tcp::v6();
      co_return std::nullopt;
    }
    std::string address = endpoint.address().to_string();
    errors += (errors.empty() ? "" : "; ") + (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" +
              std::to_string(endpoint.port()) + ": " + ec.message();
  }
  co_return Failure{ClientErrorKind::connect, errors};
}

FASTAPI_DETAIL_INLINE Task<std::optional<detail::Failure>> HttpClient::read_more(asio::ip::tcp::socket& socket, asio::steady_timer& timer,
                                                                                 const Call& call, std::string& buf, std::string_view what) {
  // The total deadline is checked before every read, not only raced against it: an upstream that keeps the
  // socket readable (a flood of 1xx heads, endless chunk extensions, a body trickled byte by byte) completes
  // every read before the timer could fire, so a race alone never ends such a call.
  const Clock::time_point now = Clock::now();
  if (now >= call.deadline)
    co_return detail::Failure{ClientErrorKind::timeout, std::string(what) + " did not arrive within the total timeout of " +
                                                            std::to_string(call.total.count()) + " ms"};
  auto read_deadline = std::min(call.deadline, now + options_.read_timeout);
  std::size_t old = buf.size();
  // Read into the room the string already has (a reserved Content-Length body), 16 to 64 KiB at a time.
  std::size_t room = std::clamp<std::size_t>(buf.capacity() - old, 16384, 65536);
  buf.resize(old + room);
  auto [timed_out, result] = co_await detail::race<asio::error_code, std::size_t>(
      timer, read_deadline,
      [&](auto handler) { socket.async_read_some(asio::buffer(buf.data() + old, room), std::move(handler)); },
      [&] {
        asio::error_code ignored;
        socket.cancel(ignored);
      });
  auto [ec, n] = result;
  buf.resize(old + (ec ? 0 : n));
  if (timed_out) {
    if (read_deadline < call.deadline)
      co_return detail::Failure{ClientErrorKind::read_timeout, "nothing of " + std::string(what) + " arrived for " +
                                                                   std::to_string(options_.read_timeout.count()) +
                                                                   " ms (read_timeout)"};
    co_return detail::Failure{ClientErrorKind::timeout, std::string(what) + " did not arrive within the total timeout of " +
                                                            std::to_string(call.total.count()) + " ms"};
  }
  if (ec == asio::error::eof)
    co_return detail::Failure{ClientErrorKind::closed,
                              "the server closed the connection before " + std::string(what) + " was whole", false, true};
  if (ec) co_return detail::Failure{ClientErrorKind::closed, "reading " + std::string(what) + ": " + ec.message()};
  co_return std::nullopt;
}

FASTAPI_DETAIL_INLINE Task<std::optional<detail::Failure>> HttpClient::exchange_once(asio::io_context& io, const Call& call,
                                                                                     detail::Lease lease, ClientResponse& out) {
  using detail::Failure;
  const std::string key = call.url.key();
  detail::LeaseGuard guard{pool_, key};  // before the socket: the socket closes, then the slot frees
  asio::ip::tcp::socket socket(io);
  asio::steady_timer timer(io);
  bool ipv6 = lease.ipv6;
  asio::error_code ec;
  if (lease.fd >= 0) {
    socket.assign(ipv6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), lease.fd, ec);
    if (ec) {
      ::close(lease.fd);
      co_return Failure{ClientErrorKind::connect, "adopting a pooled connection: " + ec.message(), true};
    }
  } else if (std::optional<Failure> f = co_await connect(socket, timer, call, ipv6)) {
    co_return f;
  }
  // A reused connection the server closed meanwhile fails before any response byte: the caller tries once
  // more on a new one (for a method that may be repeated, or when the request could not even be sent).
  const bool may_retry = lease.reused;
  const bool idempotent = detail::is_idempotent(call.method);
  {
    auto [timed_out, result] = co_await detail::race<asio::error_code, std::size_t>(
        timer, call.deadline, [&](auto handler) { asio::async_write(socket, asio::buffer(call.wire), std::move(handler)); },
        [&] {
          asio::error_code ignored;
          socket.cancel(ignored);
        });
    if (timed_out)
      co_return Failure{ClientErrorKind::timeout, "the request could not be sent within the total timeout of " +
                                                      std::to_string(call.total.count()) + " ms"};
    if (auto write_ec = std::get<0>(result))
      co_return Failure{ClientErrorKind::closed, "sending the request: " + write_ec.message(), may_retry};
  }
  // The head, skipping interim 1xx responses (at most max_interim_responses of them).
  ResponseParser parser(HeadLimits{options_.max_header_bytes, options_.max_header_bytes, options_.max_headers});
  ResponseHead head;
  std::string buf;
  const bool head_request = call.method == "HEAD";
  int interim = 0;
  for (;;) {
    ResponseParser::Result r = parser.parse_head(buf, head, head_request);
    if (r == ResponseParser::Result::error)
      co_return Failure{ClientErrorKind::protocol, std::string(parser.error().reason)};
    if (r == ResponseParser::Result::complete) {
      if (head.status == 101) co_return Failure{ClientErrorKind::protocol, "101 Switching Protocols is not supported"};
      if (head.status >= 200) break;
      if (++interim > detail::max_interim_responses)
        co_return Failure{ClientErrorKind::protocol, "more than " + std::to_string(detail::max_interim_responses) +
                                                         " interim 1xx responses before the final one"};
      buf.erase(0, parser.head_size());
      parser.reset();
      continue;
    }
    bool nothing_yet = buf.empty();
    if (std::optional<Failure> f = co_await read_more(socket, timer, call, buf, "the response head")) {
      f->retry = may_retry && nothing_yet && idempotent && f->kind == ClientErrorKind::closed;
      if (nothing_yet && f->kind == ClientErrorKind::closed) f->detail = "the server closed the connection without answering";
      co_return f;
    }
  }
  out.status = head.status;
  out.reason = std::string(head.reason);
  out.headers.reserve(head.headers.size());
  for (const auto& field : head.headers) out.headers.add(std::string(field.name), std::string(field.value));
  out.method = call.method;
  out.url = call.url.text();
  std::string rest = buf.substr(parser.head_size());  // body bytes that came with the head
  buf = std::string();
  const std::size_t max = options_.max_response_size;
  bool clean_end = true;  // nothing arrived beyond the response: the connection may carry another request
  switch (head.framing) {
    case BodyFraming::none:
      clean_end = rest.empty();
      break;
    case BodyFraming::content_length: {
      const std::size_t length = head.content_length;
      if (length > max)
        co_return Failure{ClientErrorKind::too_large, "Content-Length " + std::to_string(length) +
                                                          " exceeds max_response_size (" + std::to_string(max) + ")"};
      out.content = std::move(rest);
      if (out.content.capacity() < length) out.content.reserve(length);
      while (out.content.size() < length)
        if (std::optional<Failure> f = co_await read_more(socket, timer, call, out.content, "the body")) {
          if (f->kind == ClientErrorKind::closed)
            f->detail = "the server closed the connection after " + std::to_string(out.content.size()) + " of " +
                        std::to_string(length) + " body bytes";
          co_return f;
        }
      clean_end = out.content.size() == length;
      out.content.resize(length);
      break;
    }
    case BodyFraming::chunked: {
      ChunkedDecoder decoder(max);
      for (;;) {
        std::size_t used = 0;
        ChunkedDecoder::Result r = decoder.feed(rest, out.content, used);
        if (r == ChunkedDecoder::Result::error) {
          if (decoder.error().status == 413)
            co_return Failure{ClientErrorKind::too_large, "the chunked body exceeds max_response_size (" + std::to_string(max) + ")"};
          co_return Failure{ClientErrorKind::protocol, "chunked body: " + std::string(decoder.error().reason)};
        }
        if (r == ChunkedDecoder::Result::complete) {
          clean_end = used == rest.size();
          break;
        }
        rest.clear();
        if (std::optional<Failure> f = co_await read_more(socket, timer, call, rest, "the chunked body")) co_return f;
      }
      break;
    }
    case BodyFraming::until_close: {
      out.content = std::move(rest);
      for (;;) {
        if (out.content.size() > max)
          co_return Failure{ClientErrorKind::too_large, "the body exceeds max_response_size (" + std::to_string(max) + ")"};
        std::optional<Failure> f = co_await read_more(socket, timer, call, out.content, "the body");
        if (!f) continue;
        if (!f->eof) co_return f;
        break;  // the server's close ends a close-delimited body
      }
      if (out.content.size() > max)
        co_return Failure{ClientErrorKind::too_large, "the body exceeds max_response_size (" + std::to_string(max) + ")"};
      clean_end = false;
      break;
    }
  }
  if (head.keep_alive && clean_end) {
    int fd = socket.release(ec);
    if (!ec) {
      guard.given_back = true;
      pool_.give_back(key, fd, ipv6);
    }
  }
  co_return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
