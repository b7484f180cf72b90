// http/response.hpp: what a handler gives back: status, headers, body (or a stream of chunks), cookies.
// Filled by handlers, endpoints and middleware; serialized by http/writer.hpp. Knows nothing of sockets or JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/headers.hpp"

namespace fastapi {

/// Attributes of a Set-Cookie header (Starlette's set_cookie parameters and defaults).
struct CookieOptions {
  std::optional<long> max_age;  ///< seconds; Max-Age
  std::string expires{};        ///< an HTTP-date, sent as is
  std::string path = "/";
  std::string domain{};
  bool secure = false;
  bool httponly = false;
  std::string samesite = "lax";  ///< "lax", "strict", "none", or "" for none sent
};

/// Produces a streamed body one chunk at a time: fill `chunk`, co_return true; co_return false at the end.
using BodyStream = std::function<Task<bool>(std::string& chunk)>;

/// An HTTP response. `fa::Response{.status = 201, .body = "made"}`; headers via `res.headers.set(...)`.
/// Content-Length is always computed by the writer; a response with `stream` is sent chunked.
struct Response {
  int status = 200;
  std::string body{};
  Headers headers{};
  BodyStream stream{};  ///< when set, the body is produced by it and `body` is ignored

  /// The Content-Type sent ("" = none).
  std::string_view media_type() const;
  /// Sets the Content-Type ("application/xml"); `charset=utf-8` is added to text/* types, as Starlette does.
  Response& set_media_type(std::string_view type);
  /// Adds a Set-Cookie header (RFC 6265 section 4.1). Names and values are sent as given.
  Response& set_cookie(std::string_view name, std::string_view value, const CookieOptions& options = {});
  /// Expires a cookie now (Max-Age=0) on the same path and domain.
  Response& delete_cookie(std::string_view name, std::string_view path = "/", std::string_view domain = {});

  enum class Media : std::uint8_t { none, text, json, html, custom };
  Media media = Media::none;  ///< the common types without an allocation; custom uses media_custom
  std::string media_custom{};
  /// Awaited by the connection once this response has been written (or the write failed: the client is
  /// gone); never throws. Set by the endpoint for dependency teardown and background tasks (di/).
  std::function<Task<void>()> after_send{};
};

/// `text/plain; charset=utf-8` response.
inline Response PlainTextResponse(std::string body, int status = 200) {
  Response r{.status = status, .body = std::move(body)};
  r.media = Response::Media::text;
  return r;
}

/// `text/html; charset=utf-8` response.
inline Response HTMLResponse(std::string body, int status = 200) {
  Response r{.status = status, .body = std::move(body)};
  r.media = Response::Media::html;
  return r;
}

/// `application/json` response whose body is already JSON text (see fa::JSONResponse for values).
inline Response RawJSONResponse(std::string json_text, int status = 200) {
  Response r{.status = status, .body = std::move(json_text)};
  r.media = Response::Media::json;
  return r;
}

/// Redirect (307 by default, like Starlette) to `url`; the Location is sent as given.
inline Response RedirectResponse(std::string_view url, int status = 307) {
  Response r{.status = status};
  r.headers.add("location", std::string(url));
  return r;
}

/// A chunked response produced by `next` (see BodyStream). `media_type` defaults to text/plain.
inline Response StreamingResponse(BodyStream next, std::string_view media_type = "text/plain", int status = 200) {
  Response r{.status = status, .stream = std::move(next)};
  r.set_media_type(media_type);
  return r;
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string_view Response::media_type() const {
  switch (media) {
    case Media::none: return {};
    case Media::text: return "text/plain; charset=utf-8";
    case Media::json: return "application/json";
    case Media::html: return "text/html; charset=utf-8";
    case Media::custom: return media_custom;
  }
  return {};
}

FASTAPI_DETAIL_INLINE Response& Response::set_media_type(std::string_view type) {
  if (type == "text/plain") {
    media = Media::text;
  } else if (type == "application/json") {
    media = Media::json;
  } else if (type == "text/html") {
    media = Media::html;
  } else if (type.empty()) {
    media = Media::none;
  } else {
    media = Media::custom;
    media_custom.assign(type);
    if (type.starts_with("text/") && type.find("charset") == std::string_view::npos)
      media_custom.append("; charset=utf-8");
  }
  return *this;
}

FASTAPI_DETAIL_INLINE Response& Response::set_cookie(std::string_view name, std::string_view value, const CookieOptions& o) {
  std::string v;
  v.reserve(name.size() + value.size() + 64);
  v.append(name).append("=").append(value);
  if (!o.domain.empty()) v.append("; Domain=").append(o.domain);
  if (!o.expires.empty()) v.append("; expires=").append(o.expires);
  if (o.httponly) v.append("; HttpOnly");
  if (o.max_age) v.append("; Max-Age=").append(std::to_string(*o.max_age));
  if (!o.path.empty()) v.append("; Path=").append(o.path);
  if (!o.samesite.empty()) v.append("; SameSite=").append(o.samesite);
  if (o.secure) v.append("; Secure");
  headers.add("set-cookie", std::move(v));
  return *this;
}

FASTAPI_DETAIL_INLINE Response& Response::delete_cookie(std::string_view name, std::string_view path, std::string_view domain) {
  CookieOptions o;
  o.max_age = 0;
  o.expires = "Thu, 01 Jan 1970 00:00:00 GMT";
  o.path = std::string(path);
  o.domain = std::string(domain);
  return set_cookie(name, "\"\"", o);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
