// middleware/trusted_host.hpp: fa::TrustedHostMiddleware, Starlette's TrustedHostMiddleware: a request whose
// Host header names none of the allowed hosts is answered 400 "Invalid host header" (or redirected to the
// www. host that is allowed). Fed by the middleware chain (app.add_middleware); feeds the rest of the chain.
// Knows nothing of routes or JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/middleware/chain.hpp"
#include "fastapi/middleware/https_redirect.hpp"

namespace fastapi {

/// TrustedHostMiddleware's options (Starlette's names and defaults).
struct TrustedHostOptions {
  std::vector<std::string> allowed_hosts{"*"};  ///< "example.com", "*.example.com" (subdomains), or "*" (any)
  bool www_redirect = true;  ///< "example.com" allowed only as "www.example.com": redirect there instead of 400
};

/// Guards against Host header attacks (Starlette's TrustedHostMiddleware):
///     app.add_middleware(fa::TrustedHostMiddleware{{.allowed_hosts = {"example.com", "*.example.com"}}});
/// The Host header without its port must equal a listed host, or end with `.example.com` for a
/// `*.example.com` pattern (which does not match `example.com` itself); `*` lets everything in. Otherwise the
/// client gets 400 "Invalid host header" (text/plain), or, when only `www.<host>` is listed and www_redirect
/// is on, 307 to the same URL on `www.<host>`. Matching is exact, case included, as Starlette's.
/// Throws ConfigurationError for a wildcard anywhere but at the start ("*.example.com" is the only form).
class TrustedHostMiddleware {
 public:
  using Options = TrustedHostOptions;  ///< app.add_middleware<ThisMiddleware>({...}) takes these
  explicit TrustedHostMiddleware(TrustedHostOptions options = {});
  Task<Response> operator()(Request& req, Next next) const;

  /// The Host header's host without the port ("example.com:8000" -> "example.com", as Starlette splits it).
  static std::string_view host_of(const Request& req);

 private:
  static Task<Response> respond(Response res) { co_return std::move(res); }
  Response refuse(const Request& req, bool found_www_redirect) const;

  std::vector<std::string> allowed_hosts_;
  bool allow_any_ = false;
  bool www_redirect_ = true;
};

// ---- implementation ----

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE TrustedHostMiddleware::TrustedHostMiddleware(TrustedHostOptions o)
    : allowed_hosts_(std::move(o.allowed_hosts)), www_redirect_(o.www_redirect) {
  for (const auto& pattern : allowed_hosts_) {
    bool star_inside = pattern.size() > 1 && pattern.find('*', 1) != std::string::npos;
    bool bad_prefix = pattern.starts_with('*') && pattern != "*" && !pattern.starts_with("*.");
    if (star_inside || bad_prefix)
      throw ConfigurationError("fastapi: TrustedHostMiddleware: allowed host \"" + pattern +
                               "\": domain wildcard patterns must be like '*.example.com'.");
  }
  allow_any_ = std::find(allowed_hosts_.begin(), allowed_hosts_.end(), "*") != allowed_hosts_.end();
}

FASTAPI_DETAIL_INLINE std::string_view TrustedHostMiddleware::host_of(const Request& req) {
  std::string_view host = req.headers.get("host").value_or("");
  return host.substr(0, host.find(':'));
}

FASTAPI_DETAIL_INLINE Task<Response> TrustedHostMiddleware::operator()(Request& req, Next next) const {
  if (allow_any_) return next(req);
  std::string_view host = host_of(req);
  bool found_www_redirect = false;
  for (const auto& pattern : allowed_hosts_) {
    std::string_view p = pattern;
    if (host == p || (p.starts_with('*') && host.ends_with(p.substr(1)))) return next(req);
    if (p.size() == host.size() + 4 && p.starts_with("www.") && p.substr(4) == host) found_www_redirect = true;
  }
  return respond(refuse(req, found_www_redirect));
}

FASTAPI_DETAIL_INLINE Response TrustedHostMiddleware::refuse(const Request& req, bool found_www_redirect) const {
  if (!found_www_redirect || !www_redirect_) return PlainTextResponse("Invalid host header", 400);
  // The same URL on www.<Host header> (the port, if any, kept), 307 as Starlette's RedirectResponse.
  std::string netloc = "www.";
  netloc.append(req.headers.get("host").value_or(""));
  return RedirectResponse(detail::redirect_url(req, req.scheme, netloc), 307);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
