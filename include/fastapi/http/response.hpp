// http/response.hpp: what a handler gives back: status, headers, body (or a stream of chunks), cookies.
// Filled by handlers, endpoints and middleware; serialized by http/writer.hpp. Knows nothing of sockets or JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/upgrade.hpp"

namespace fastapi {

/// Attributes of a Set-Cookie header (Starlette's set_cookie parameters and defaults). `expires`, `path` and
/// `domain` are sent as given, so set_cookie refuses them when they hold a ';' or a control byte.
struct CookieOptions {
  std::optional<long> max_age{};  ///< seconds; Max-Age
  std::string expires{};          ///< an HTTP-date, sent as is
  std::string path = "/";
  std::string domain{};
  bool secure = false;
  bool httponly = false;
  std::string samesite = "lax";  ///< "lax", "strict", "none" (any case), or "" for none sent
};

/// Produces a streamed body one chunk at a time: fill `chunk`, co_return true; co_return false at the end.
using BodyStream = std::function<Task<bool>(std::string& chunk)>;

/// An HTTP response. `fa::Response{.status = 201, .body = "made"}`; headers via `res.headers.set(...)`.
/// Content-Length is always computed by the writer; a response with `stream` is sent chunked, unless
/// `stream_size` says how many bytes the stream gives (then Content-Length, as for a file).
struct Response {
  int status = 200;
  std::string body{};
  Headers headers{};
  BodyStream stream{};  ///< when set, the body is produced by it and `body` is ignored
  /// The exact length of `stream`'s bytes when known in advance (FileResponse): sent as Content-Length, HEAD
  /// included; a stream that gives fewer bytes makes the connection close (the framing is broken).
  std::optional<std::size_t> stream_size{};
  /// Set by FileResponse: fits the response to its request once the request is known (a 304 for a matching
  /// If-None-Match, a 206 for a Range, ...). The app calls it after the route, inside the middleware.
  std::function<void(const Request&, Response&)> prepare{};

  /// The Content-Type sent ("" = none).
  std::string_view media_type() const;
  /// Sets the Content-Type ("application/xml"); `charset=utf-8` is added to text/* types, as Starlette does.
  /// Like every header, a type with a control byte (CR, LF, ...) is refused when the response is written:
  /// the client gets 500 and the log names the route and the header.
  Response& set_media_type(std::string_view type);
  /// Adds a Set-Cookie header (RFC 6265 section 4.1), as Starlette's set_cookie writes it with Python's
  /// http.cookies: a value that is not all token characters is sent double-quoted with `"` and `\` escaped
  /// and every other byte outside them as a `\ooo` octal escape (so `dark; Domain=x` stays one value).
  /// Throws std::invalid_argument (a 500 for the client, logged) when the name is not a token or is an
  /// attribute name ("path", "expires", ...), when expires/path/domain hold ';' or a control byte, or when
  /// samesite is not lax/strict/none.
  Response& set_cookie(std::string_view name, std::string_view value, const CookieOptions& options = {});
  /// Expires a cookie now (Max-Age=0) on the same path and domain (checked as set_cookie checks them).
  Response& delete_cookie(std::string_view name, std::string_view path = "/", std::string_view domain = {});

  enum class Media : std::uint8_t { none, text, json, html, custom };
  Media media = Media::none;  ///< the common types without an allocation; custom uses media_custom
  std::string media_custom{};
  /// The server's drain cancels `stream` at once instead of letting it finish (an endless event stream).
  bool cancel_on_shutdown = false;
  /// Awaited by the connection once this response has been written (or the write failed: the client is
  /// gone); never throws. Set by the endpoint for dependency teardown and background tasks (di/).
  std::function<Task<void>()> after_send{};
  /// With status 101 only: the connection writes the head (no Content-Length, no body), then hands its socket
  /// to this hook (a WebSocket session) instead of reading the next request. Set by the WebSocket endpoint.
  std::shared_ptr<detail::Upgrade> upgrade{};
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

namespace detail {

/// Appends `s` percent-encoded as Python's `urllib.parse.quote(s, safe=":/%#?=@[]!$&'()*+,;")`, which is
/// what Starlette's RedirectResponse does to its URL: letters, digits, `_.-~` and that safe set stay. Every
/// control byte, space and non-ASCII byte is encoded, so the result is always a valid header value; '%' is
/// kept, so quoting twice changes nothing.
FASTAPI_DETAIL_INLINE void append_quoted_url(std::string& out, std::string_view s);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void append_quoted_url(std::string& out, std::string_view s) {
  constexpr std::string_view safe = "_.-~:/%#?=@[]!$&'()*+,;";
  constexpr char hex[] = "0123456789ABCDEF";
  for (char c : s) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || safe.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xF]);
    }
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Appends a cookie value as Python's `http.cookies._quote` writes it: as is when every byte is a token
/// character or ':' (and it is not empty); otherwise in double quotes, `"` and `\` backslash-escaped, the bytes
/// outside letters, digits and `!#$%&'*+-.^_`|~: ()/<=>?@[]{}` as `\ooo` octal (`;` -> `\073`, 0x01 -> `\001`).
FASTAPI_DETAIL_INLINE void append_cookie_value(std::string& out, std::string_view value);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void append_cookie_value(std::string& out, std::string_view value) {
  auto legal = [](char c) { return is_token_char(c) || c == ':'; };
  bool plain = !value.empty();
  for (char c : value) plain = plain && legal(c);
  if (plain) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (legal(c) || std::string_view(" ()/<=>?@[]{}").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + (b >> 6)));
      out.push_back(static_cast<char>('0' + ((b >> 3) & 7)));
      out.push_back(static_cast<char>('0' + (b & 7)));
    }
  }
  out.push_back('"');
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

/// Redirect (307 by default, like Starlette) to `url`, percent-encoded as Starlette's RedirectResponse
/// encodes it (`quote(url, safe=":/%#?=@[]!$&'()*+,;")`): CR, LF, spaces and non-ASCII bytes become %XX.
FASTAPI_DETAIL_INLINE Response RedirectResponse(std::string_view url, int status = 307);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Response RedirectResponse(std::string_view url, int status) {
  Response r{.status = status};
  std::string location;
  location.reserve(url.size() + 8);
  detail::append_quoted_url(location, url);
  r.headers.add("location", std::move(location));
  return r;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

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

FASTAPI_DETAIL_INLINE Response& Response::set_cookie(std::string_view name, std::string_view value,
                                                     const CookieOptions& o) {
  auto refuse = [&](std::string_view why) {
    // The name goes into the message only when it is printable: it may be what is wrong.
    std::string shown = detail::is_header_name(name) ? "\"" + std::string(name) + "\"" : std::string("(a cookie)");
    throw std::invalid_argument("fastapi: set_cookie " + shown + ": " + std::string(why));
  };
  if (!detail::is_header_name(name))
    refuse("the name is not a token (RFC 6265 section 4.1.1: letters, digits, !#$%&'*+-.^_`|~)");
  // Python's http.cookies refuses the attribute names as cookie names (CookieError), so Starlette does too.
  for (std::string_view reserved :
       {"expires", "path", "comment", "domain", "max-age", "secure", "httponly", "version", "samesite", "partitioned"})
    if (iequals(name, reserved)) refuse("the name is an attribute name");
  auto check_attribute = [&](std::string_view what, std::string_view v) {
    if (v.find(';') != std::string_view::npos || detail::find_control_byte(v) != std::string_view::npos)
      refuse(std::string(what) + " holds ';' or a control byte");
  };
  check_attribute("expires", o.expires);
  check_attribute("path", o.path);
  check_attribute("domain", o.domain);
  if (!o.samesite.empty() && !iequals(o.samesite, "lax") && !iequals(o.samesite, "strict") &&
      !iequals(o.samesite, "none"))
    refuse("samesite must be either 'strict', 'lax' or 'none'");
  std::string v;
  v.reserve(name.size() + value.size() + 64);
  v.append(name).append("=");
  detail::append_cookie_value(v, value);
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

FASTAPI_DETAIL_INLINE Response& Response::delete_cookie(std::string_view name, std::string_view path,
                                                        std::string_view domain) {
  CookieOptions o;
  o.max_age = 0;
  o.expires = "Thu, 01 Jan 1970 00:00:00 GMT";
  o.path = std::string(path);
  o.domain = std::string(domain);
  return set_cookie(name, "", o);  // written `name=""`, as Starlette's delete_cookie
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
