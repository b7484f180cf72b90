// middleware/cors.hpp: fa::CORSMiddleware, Starlette's CORSMiddleware: answers CORS preflight requests itself
// and adds the Access-Control-* headers to the responses of cross-origin requests. Fed by the middleware chain
// (app.add_middleware); feeds the rest of the chain. Knows nothing of routes or JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/regex.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/middleware/chain.hpp"

namespace fastapi {

/// CORSMiddleware's options: Starlette's names and defaults, in the order of FastAPI's tutorial
/// (`allow_origins, allow_credentials, allow_methods, allow_headers`), so that snippet reads the same:
///     app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"https://a.com"}, .allow_credentials = true,
///                                            .allow_methods = {"*"}, .allow_headers = {"*"}}});
struct CORSOptions {
  std::vector<std::string> allow_origins{};  ///< exact origins ("https://a.com"), or {"*"} for any
  std::optional<std::string>
      allow_origin_regex{};        ///< an origin it matches as a whole is allowed (core/regex.hpp syntax)
  bool allow_credentials = false;  ///< Access-Control-Allow-Credentials: true
  std::vector<std::string> allow_methods{"GET"};  ///< methods a preflight may ask for, or {"*"} for all
  std::vector<std::string> allow_headers{};       ///< request headers a preflight may ask for, or {"*"}
  std::vector<std::string> expose_headers{};      ///< response headers the page may read
  int max_age = 600;                              ///< seconds a browser may cache a preflight answer
};

/// Cross-Origin Resource Sharing, with Starlette's semantics:
///     app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"https://a.com"}}});
/// - no Origin header: the request passes untouched;
/// - a preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered here, never routed:
///   200 "OK" with the Access-Control-Allow-* headers, or 400 "Disallowed CORS origin, method, headers"
///   (naming what failed) with the same headers;
/// - any other request with an Origin goes on; its response gets Access-Control-Allow-Origin (`*`, or the
///   origin echoed with `Vary: Origin` when origins are listed, or when `*` meets a request with cookies),
///   plus Access-Control-Allow-Credentials / -Expose-Headers when configured. A disallowed origin gets no
///   Access-Control-Allow-Origin: the browser then hides the response from the page.
/// allow_origin_regex is matched in time linear in the origin, never backtracking (core/regex.hpp). A pattern it
/// refuses (a backreference, lookaround, bad syntax) throws ConfigurationError with a sentence.
/// Use it as `fa::CORSMiddleware` (BasicCORSMiddleware<detail::Regex>): it is a class template only so that
/// its code is compiled in the programs that use CORS, not in every translation unit that includes fastapi.hpp.
template <class Regex = detail::Regex>
class BasicCORSMiddleware {
 public:
  using Options = CORSOptions;  ///< app.add_middleware<ThisMiddleware>({...}) takes these
  explicit BasicCORSMiddleware(CORSOptions options = {});
  Task<Response> operator()(Request& req, Next next) const;

  /// True when `origin` may read responses: `*`, a full match of allow_origin_regex, or listed exactly.
  bool is_allowed_origin(std::string_view origin) const;
  /// The answer to a preflight request (status 200 or 400, with the Access-Control-Allow-* headers).
  Response preflight_response(const Request& req) const;
  /// Adds the CORS headers to the response of a simple (non-preflight) request from `origin`.
  void add_simple_headers(Response& res, std::string_view origin, bool has_cookie) const;

  /// The methods allowed when allow_methods holds "*" (Starlette's ALL_METHODS).
  static constexpr std::string_view all_methods[] = {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"};
  /// Request headers always allowed in a preflight (the CORS-safelisted ones, as Starlette lists them).
  static constexpr std::string_view safelisted_headers[] = {"Accept", "Accept-Language", "Content-Language",
                                                            "Content-Type"};

 private:
  Task<Response> simple_response(Request& req, Next next, std::string_view origin) const;
  static Task<Response> respond(Response res) { co_return std::move(res); }
  /// The requested header names (comma-separated) that are not all allowed -> true.
  bool headers_disallowed(std::string_view requested) const;

  std::vector<std::string> allow_origins_;
  std::optional<Regex> allow_origin_regex_;
  std::vector<std::string> allow_methods_;
  std::vector<std::string> allow_headers_lower_;  // sorted, safelisted included, lower-case
  bool allow_all_origins_ = false;
  bool allow_all_headers_ = false;
  bool preflight_explicit_allow_origin_ = false;  // the preflight echoes the origin instead of `*`
  Headers simple_headers_;                        // set on every response to a request with an Origin
  Headers preflight_headers_;                     // every preflight answer starts with these
};
using CORSMiddleware = BasicCORSMiddleware<>;

// ---- implementation ----

namespace detail {

/// The bytes Python's str.strip() removes from an ASCII / latin-1 header value (Starlette strips this way).
inline constexpr std::string_view python_whitespace = " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0";

inline std::string_view python_strip(std::string_view s) {
  std::size_t begin = s.find_first_not_of(python_whitespace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(python_whitespace) - begin + 1);
}

inline std::string join_comma(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out.append(i ? ", " : "").append(items[i]);
  return out;
}

}  // namespace detail

template <class Regex>
BasicCORSMiddleware<Regex>::BasicCORSMiddleware(CORSOptions o) : allow_origins_(std::move(o.allow_origins)) {
  auto has_star = [](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), "*") != v.end(); };
  if (has_star(o.allow_methods)) {
    allow_methods_.assign(std::begin(all_methods), std::end(all_methods));
  } else {
    allow_methods_ = std::move(o.allow_methods);
  }
  if (o.allow_origin_regex) {
    // Starlette matches the whole origin (re.fullmatch).
    if (detail::RegexCheck check = detail::check_regex(*o.allow_origin_regex, true);
        check.error != detail::RegexError::none)
      throw ConfigurationError(
          detail::regex_refusal("CORSMiddleware: allow_origin_regex", *o.allow_origin_regex, check));
    allow_origin_regex_.emplace(Regex::compile(*o.allow_origin_regex, true));
  }
  allow_all_origins_ = has_star(allow_origins_);
  allow_all_headers_ = has_star(o.allow_headers);
  preflight_explicit_allow_origin_ = !allow_all_origins_ || o.allow_credentials;

  if (allow_all_origins_) simple_headers_.add("access-control-allow-origin", "*");
  if (o.allow_credentials) simple_headers_.add("access-control-allow-credentials", "true");
  if (!o.expose_headers.empty())
    simple_headers_.add("access-control-expose-headers", detail::join_comma(o.expose_headers));

  if (preflight_explicit_allow_origin_) {
    preflight_headers_.add("vary", "Origin");  // the origin itself is echoed per request, when allowed
  } else {
    preflight_headers_.add("access-control-allow-origin", "*");
  }
  preflight_headers_.add("access-control-allow-methods", detail::join_comma(allow_methods_));
  preflight_headers_.add("access-control-max-age", std::to_string(o.max_age));
  // Starlette: sorted(SAFELISTED_HEADERS | set(allow_headers)), as written; compared lower-cased.
  std::vector<std::string> allowed(std::begin(safelisted_headers), std::end(safelisted_headers));
  allowed.insert(allowed.end(), o.allow_headers.begin(), o.allow_headers.end());
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  if (!allow_all_headers_) preflight_headers_.add("access-control-allow-headers", detail::join_comma(allowed));
  if (o.allow_credentials) preflight_headers_.add("access-control-allow-credentials", "true");
  for (auto& h : allowed) {
    for (char& c : h) c = ascii_lower(c);
    allow_headers_lower_.push_back(std::move(h));
  }
  std::sort(allow_headers_lower_.begin(), allow_headers_lower_.end());
}

template <class Regex>
Task<Response> BasicCORSMiddleware<Regex>::operator()(Request& req, Next next) const {
  std::optional<std::string_view> origin = req.headers.get("origin");
  if (!origin) return next(req);  // not a CORS request: no coroutine frame of ours
  if (req.method_name == "OPTIONS" && req.headers.contains("access-control-request-method"))
    return respond(preflight_response(req));
  return simple_response(req, next, *origin);
}

template <class Regex>
bool BasicCORSMiddleware<Regex>::is_allowed_origin(std::string_view origin) const {
  if (allow_all_origins_) return true;
  if (allow_origin_regex_ && allow_origin_regex_->matches(origin)) return true;
  return std::find(allow_origins_.begin(), allow_origins_.end(), origin) != allow_origins_.end();
}

template <class Regex>
bool BasicCORSMiddleware<Regex>::headers_disallowed(std::string_view requested) const {
  std::string name;
  for (;;) {
    std::size_t comma = requested.find(',');
    name.assign(detail::python_strip(requested.substr(0, comma)));
    for (char& c : name) c = ascii_lower(c);
    if (!std::binary_search(allow_headers_lower_.begin(), allow_headers_lower_.end(), name)) return true;
    if (comma == std::string_view::npos) return false;
    requested.remove_prefix(comma + 1);
  }
}

template <class Regex>
Response BasicCORSMiddleware<Regex>::preflight_response(const Request& req) const {
  std::string_view origin = req.headers.get("origin").value_or("");
  std::string_view method = req.headers.get("access-control-request-method").value_or("");
  std::optional<std::string_view> requested_headers = req.headers.get("access-control-request-headers");

  Response res = PlainTextResponse("OK");
  res.headers = preflight_headers_;
  std::string failures;
  auto fail = [&](std::string_view what) { failures.append(failures.empty() ? "" : ", ").append(what); };
  if (is_allowed_origin(origin)) {
    if (preflight_explicit_allow_origin_) res.headers.add("access-control-allow-origin", std::string(origin));
  } else {
    fail("origin");
  }
  if (std::find(allow_methods_.begin(), allow_methods_.end(), method) == allow_methods_.end()) fail("method");
  if (requested_headers) {
    // With "*", every requested header is allowed and has to be mirrored back.
    if (allow_all_headers_) {
      res.headers.add("access-control-allow-headers", std::string(*requested_headers));
    } else if (headers_disallowed(*requested_headers)) {
      fail("headers");
    }
  }
  if (!failures.empty()) {
    // Starlette's choice: the browser enforces CORS anyway, a 400 just says more than a bare 200.
    res.status = 400;
    res.body = "Disallowed CORS " + failures;
  }
  return res;
}

template <class Regex>
void BasicCORSMiddleware<Regex>::add_simple_headers(Response& res, std::string_view origin, bool has_cookie) const {
  for (const auto& f : simple_headers_) res.headers.set(f.name, f.value);
  // `*` cannot be used with credentials (cookies): the browser wants the origin itself. Listed origins are
  // echoed too. Either way the answer depends on Origin, so caches must key on it.
  if ((allow_all_origins_ && has_cookie) || (!allow_all_origins_ && is_allowed_origin(origin))) {
    res.headers.set("access-control-allow-origin", origin);
    std::optional<std::string_view> vary = res.headers.get("vary");
    res.headers.set("vary", vary ? std::string(*vary) + ", Origin" : std::string("Origin"));
  }
}

template <class Regex>
Task<Response> BasicCORSMiddleware<Regex>::simple_response(Request& req, Next next, std::string_view origin) const {
  bool has_cookie = req.headers.contains("cookie");
  Response res = co_await next(req);
  add_simple_headers(res, origin, has_cookie);
  co_return res;
}

}  // namespace fastapi
