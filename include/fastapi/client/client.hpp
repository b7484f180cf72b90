// client/client.hpp: fa::HttpClient, the async outbound HTTP/1.1 client for handlers (httpx.AsyncClient's
// shape): `co_await client.get(url, {...})` suspends the handler, never the loop. Builds each request (base_url,
// query, merged headers, checked bytes), follows opt-in bounded redirects under one total timeout, and tries a
// stale keep-alive connection once more on a fresh one. Pooled keep-alive connections (client/pool.hpp); one
// exchange over one connection, with async DNS, connect/read timeouts and bounded bodies (client/exchange.hpp).
// Fed by handlers, dependencies and lifespans; feeds client/response.hpp. Knows nothing of routes or the App.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/client/exchange.hpp"
#include "fastapi/client/options.hpp"
#include "fastapi/client/pool.hpp"
#include "fastapi/client/response.hpp"
#include "fastapi/client/stream.hpp"
#include "fastapi/client/tls.hpp"
#include "fastapi/client/url.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/url.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi {

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
/// timed out or failed is closed, never pooled. https:// with FASTAPI_ENABLE_TLS (client/tls.hpp: the
/// server's certificate verified against the system store by default), else ClientError unsupported_scheme.
/// ClientOptions::uds sends every call through a Unix domain socket.
class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Task<ClientResponse> get(std::string url, const CallOptions& o = {}) { return request("GET", std::move(url), o); }
  Task<ClientResponse> post(std::string url, const CallOptions& o = {}) { return request("POST", std::move(url), o); }
  Task<ClientResponse> put(std::string url, const CallOptions& o = {}) { return request("PUT", std::move(url), o); }
  Task<ClientResponse> patch(std::string url, const CallOptions& o = {}) { return request("PATCH", std::move(url), o); }
  Task<ClientResponse> delete_(std::string url, const CallOptions& o = {}) {
    return request("DELETE", std::move(url), o);
  }
  Task<ClientResponse> head(std::string url, const CallOptions& o = {}) { return request("HEAD", std::move(url), o); }
  Task<ClientResponse> options(std::string url, const CallOptions& o = {}) {
    return request("OPTIONS", std::move(url), o);
  }
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
  using Call = detail::ClientCall;
  Task<ClientResponse> send(std::string method, std::string url, detail::CallData o);
  /// One hop over a pooled connection (client/exchange.hpp), tried once more on a fresh connection when
  /// a reused one turns out closed; a failure becomes a ClientError.
  Task<ClientResponse> exchange(asio::io_context& io, const Call& call);
  std::string serialize(const std::string& method, const detail::ClientUrl& url, const KeyValues& headers,
                        const std::string& body, bool has_body) const;

  ClientOptions options_;
  detail::ConnectionPool pool_;
#ifdef FASTAPI_ENABLE_TLS
  detail::ClientTlsContext tls_;  // pooled sessions hold a reference to its SSL_CTX: any order of teardown is safe
#endif
};

// ---- implementation ----

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
                                                        const KeyValues& headers, const std::string& body,
                                                        bool has_body) const {
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
  if (!detail::is_token(method))
    throw ClientError(ClientErrorKind::invalid_request, method, url, "the method is not a token");
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
      call.url.target.append(i ? "&" : "")
          .append(percent_encode(o.params[i].first, true))
          .append("=")
          .append(percent_encode(o.params[i].second, true));
  }
  // Headers: the client's, each replaced by the call's of the same name; then the body's type.
  KeyValues headers;
  for (const auto& h : options_.headers) {
    bool replaced =
        std::any_of(o.headers.begin(), o.headers.end(), [&](const auto& c) { return iequals(c.first, h.first); });
    if (!replaced) headers.push_back(h);
  }
  headers.insert(headers.end(), o.headers.begin(), o.headers.end());
  bool has_body = o.body.has_value() || method == "POST" || method == "PUT" || method == "PATCH";
  std::string body = o.body ? std::move(*o.body) : std::string();
  bool typed =
      std::any_of(headers.begin(), headers.end(), [](const auto& h) { return iequals(h.first, "content-type"); });
  if (!o.content_type.empty() && !typed) headers.emplace_back("Content-Type", o.content_type);
  for (const auto& [name, value] : headers) {
    bool ok = detail::is_token(name);
    for (char c : value) ok = ok && detail::has_class(c, detail::char_value);
    if (!ok)
      throw ClientError(
          ClientErrorKind::invalid_request, method, call.url.text(),
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
    if (call.url.tls() && !next.tls() && !options_.redirect_to_http)
      throw ClientError(ClientErrorKind::insecure_redirect, call.method, call.url.text(),
                        "the redirect to " + next_text +
                            " would leave TLS; follow such redirects with ClientOptions::redirect_to_http");
    if (next.key() != call.url.key())  // another origin: credentials stay behind
      std::erase_if(headers,
                    [](const auto& h) { return iequals(h.first, "authorization") || iequals(h.first, "cookie"); });
    call.url = std::move(next);
  }
}

FASTAPI_DETAIL_INLINE Task<ClientResponse> HttpClient::exchange(asio::io_context& io, const Call& call) {
  const std::string key = call.url.key();
  ::ssl_ctx_st* tls_context = nullptr;
#ifdef FASTAPI_ENABLE_TLS
  if (call.url.tls()) {
    std::string error;
    tls_context = tls_.get(options_, error);
    if (!tls_context) throw ClientError(ClientErrorKind::tls, call.method, call.url.text(), std::move(error));
  }
#endif
  for (int attempt = 0;; ++attempt) {
    std::optional<detail::Lease> lease = co_await pool_.acquire(key, io, call.deadline);
    if (!lease)
      throw ClientError(ClientErrorKind::pool_timeout, call.method, call.url.text(),
                        "all " + std::to_string(options_.max_connections_per_host) + " connections to " +
                            call.url.host_header + " stayed busy for the whole timeout of " +
                            std::to_string(call.total.count()) + " ms (max_connections_per_host)");
    ClientResponse out;
    std::optional<detail::Failure> failure =
        co_await detail::exchange_once(io, call, options_, pool_, *lease, tls_context, out);
    if (!failure) co_return out;
    if (failure->retry && attempt == 0 && Clock::now() < call.deadline) continue;  // a stale keep-alive connection
    throw ClientError(failure->kind, call.method, call.url.text(), std::move(failure->detail));
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
