// middleware/https_redirect.hpp: fa::HTTPSRedirectMiddleware, Starlette's HTTPSRedirectMiddleware: a request
// that came over plain http is answered 307 to the same URL on https://. Also the URL rebuilding that
// Starlette's redirects share (scheme://host + path + ?query, quoted as RedirectResponse quotes a Location).
// Fed by the middleware chain (after ProxyHeadersMiddleware, which sets req.scheme behind a proxy); feeds the
// rest of the chain. Knows nothing of routes or JSON.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/middleware/chain.hpp"

namespace fastapi {

/// Redirects every plain-http request to https (Starlette's HTTPSRedirectMiddleware):
///     app.add_middleware(fa::HTTPSRedirectMiddleware{});
/// `GET http://example.com/items?q=1` -> 307, `Location: https://example.com/items?q=1`. An explicit port is
/// kept, except 80 and 443, which are dropped (the host is then lower-cased, as Starlette does). Behind a
/// TLS-terminating proxy, add fa::ProxyHeadersMiddleware after this one (outside it) so that
/// `X-Forwarded-Proto: https` from the proxy counts. A request without a Host header (HTTP/1.0 only) has no
/// URL to redirect to: 400 "Missing Host header".
class HTTPSRedirectMiddleware {
 public:
  Task<Response> operator()(Request& req, Next next) const;
  /// The 307 answer for a plain-http request (the middleware's whole work).
  static Response redirect_response(const Request& req);

 private:
  static Task<Response> respond(Response res) { co_return std::move(res); }
};

// ---- implementation ----

namespace detail {

/// Starlette's `URL(scope=...)` of `req` with its scheme and netloc replaced, quoted for a Location header
/// (append_quoted_url is RedirectResponse's quoting, http/response.hpp): `scheme://netloc` + the decoded path
/// + `?query` when there is one.
inline std::string redirect_url(const Request& req, std::string_view scheme, std::string_view netloc) {
  std::string out;
  out.reserve(scheme.size() + 3 + netloc.size() + req.path.size() + req.query_string.size() + 8);
  append_quoted_url(out, scheme);
  out.append("://");
  append_quoted_url(out, netloc);
  append_quoted_url(out, req.path);
  if (!req.query_string.empty()) {
    out.push_back('?');
    append_quoted_url(out, req.query_string);
  }
  return out;
}

/// The port of a Host header value as Python's urlsplit reads it (`host:port`, `[v6]:port`); nullopt when
/// there is none or it is not a number in 0..65535.
inline std::optional<unsigned> host_port(std::string_view host, std::string_view& hostname) {
  std::string_view port;
  if (host.starts_with('[')) {
    std::size_t close = host.find(']');
    hostname = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
    if (close != std::string_view::npos) {
      std::string_view after = host.substr(close + 1);
      if (std::size_t colon = after.find(':'); colon != std::string_view::npos) port = after.substr(colon + 1);
    }
  } else {
    std::size_t colon = host.find(':');
    hostname = host.substr(0, colon);
    if (colon != std::string_view::npos) port = host.substr(colon + 1);
  }
  if (port.empty()) return std::nullopt;
  unsigned value = 0;
  for (char c : port) {  // digits only; leading zeros are fine ("080" is 80)
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) return std::nullopt;
  }
  return value;
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<Response> HTTPSRedirectMiddleware::operator()(Request& req, Next next) const {
  if (req.scheme != "http") return next(req);
  return respond(redirect_response(req));
}

FASTAPI_DETAIL_INLINE Response HTTPSRedirectMiddleware::redirect_response(const Request& req) {
  std::optional<std::string_view> host = req.headers.get("host");
  if (!host) return PlainTextResponse("Missing Host header", 400);
  std::string netloc(*host);
  std::string_view hostname;
  if (std::optional<unsigned> port = detail::host_port(*host, hostname); port && (*port == 80 || *port == 443)) {
    netloc.assign(hostname);  // the default ports are dropped, and then the host is lower-cased (urlsplit's hostname)
    for (char& c : netloc) c = ascii_lower(c);
  }
  return RedirectResponse(detail::redirect_url(req, "https", netloc), 307);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
