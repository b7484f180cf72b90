// http/writer.hpp: Response -> bytes on the wire (status line, headers, body or chunk framing).
// Fed by the connection with a finished Response; feeds the socket through the connection's gathered write.
// Knows nothing of routes or JSON (a route description, when it has one, is handed to it for a log line).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/status.hpp"

namespace fastapi::detail {

/// The `Date:` header line, formatted once a second per worker (RFC 9110 section 5.6.7, IMF-fixdate).
class DateCache {
 public:
  DateCache() { update(std::time(nullptr)); }
  /// Reformats when the second changed; cheap to call on every tick.
  void update(std::time_t now);
  /// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
  std::string_view line() const { return {line_, sizeof(line_)}; }

 private:
  std::time_t last_ = 0;
  char line_[37]{};
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void DateCache::update(std::time_t now) {
  if (now == last_) return;
  last_ = now;
  std::tm tm{};
  gmtime_r(&now, &tm);
  static constexpr char days[] = "SunMonTueWedThuFriSat";
  static constexpr char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  char* p = line_;
  std::memcpy(p, "Date: ", 6);
  std::memcpy(p + 6, days + 3 * tm.tm_wday, 3);
  std::memcpy(p + 9, ", ", 2);
  two(p + 11, tm.tm_mday);
  p[13] = ' ';
  std::memcpy(p + 14, months + 3 * tm.tm_mon, 3);
  p[17] = ' ';
  int year = tm.tm_year + 1900;
  two(p + 18, year / 100);
  two(p + 20, year % 100);
  p[22] = ' ';
  two(p + 23, tm.tm_hour);
  p[25] = ':';
  two(p + 26, tm.tm_min);
  p[28] = ':';
  two(p + 29, tm.tm_sec);
  std::memcpy(p + 31, " GMT\r\n", 6);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// How the connection wants this response framed.
struct WriteOptions {
  int version_minor = 1;         ///< of the request
  bool keep_alive = true;        ///< false: `Connection: close` is sent (HTTP/1.1)
  bool head_only = false;        ///< HEAD: headers (with the GET Content-Length), no body
  std::string_view date_line{};  ///< DateCache::line()
  std::string_view server{};     ///< `Server:` value, "" for none
};

inline void append_number(std::string& out, std::size_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

/// How the end of a response body is marked (RFC 9112 section 6.3).
enum class BodyFraming : unsigned char {
  length,   ///< `Content-Length: <res.body.size()>` (omitted for 1xx/204/304)
  chunked,  ///< `Transfer-Encoding: chunked`: a streamed body on HTTP/1.1
  none,     ///< neither: a streamed body on HTTP/1.0 (ends at close), or a HEAD answer to a stream
};

/// True when a header field may be written: a token name, a value without control bytes (HTAB allowed).
inline bool valid_header_field(std::string_view name, std::string_view value) {
  return is_header_name(name) && find_control_byte(value) == std::string_view::npos;
}

/// `name` as it may appear in a log line: printable ASCII as is, any other byte as \xNN (a name that is
/// not a token may hold a CR or LF, which would forge log lines too).
FASTAPI_DETAIL_INLINE std::string printable(std::string_view name);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string printable(std::string_view name) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : name) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F) {
      out.push_back(c);
    } else {
      out.append("\\x").push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xF]);
    }
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Why the head of `res` cannot be written, in words that name the header or the status; "" when it can.
/// This is the one check every byte a handler, a dependency, a middleware or an exception handler puts into
/// a head passes: the status must be a final one (200-599: RFC 9110 section 15 defines no code outside
/// 100-599, and 1xx are interim answers the server sends itself, as `100 Continue`), the Content-Type and
/// every header a token name with a value free of control bytes (RFC 9110 section 5.5; HTAB allowed).
/// The bytes of a bad value are not repeated: they may be secrets, or a forged log line.
FASTAPI_DETAIL_INLINE std::string head_error(const Response& res);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string head_error(const Response& res) {
  auto bad_value = [](std::string_view name, std::string_view value) {
    std::size_t at = find_control_byte(value);
    constexpr char hex[] = "0123456789ABCDEF";
    auto b = static_cast<unsigned char>(value[at]);
    return std::string("header '") + printable(name) + "': its value holds the control byte 0x" + hex[b >> 4] +
           hex[b & 0xF] + " at offset " + std::to_string(at) +
           " (CR, LF, NUL and the other controls would split or corrupt the response)";
  };
  // A 101 is the one interim status a handler may give: the WebSocket handshake's answer, which carries the
  // hook that takes the socket over (Response::upgrade); without the hook nothing would speak the new protocol.
  if (res.status == 101 && res.upgrade) return {};
  if (res.status < 200 || res.status > 599)
    return "status " + std::to_string(res.status) +
           (res.status >= 100 && res.status < 200
                ? " is an interim (1xx) status, which the server sends by itself, never as the answer"
                : " is not a final HTTP status (200-599)");
  std::string_view media = res.media_type();
  if (find_control_byte(media) != std::string_view::npos) return bad_value("content-type", media);
  for (const auto& f : res.headers) {
    if (!is_header_name(f.name))
      return "header '" + printable(f.name) + "': the name is not a token (RFC 9110 section 5.6.2: letters, digits, " +
             "!#$%&'*+-.^_`|~)";
    if (find_control_byte(f.value) != std::string_view::npos) return bad_value(f.name, f.value);
  }
  return {};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// What the connection does with every finished response before writing it: when head_error() finds a
/// fault, logs one line naming the route ("GET /items/{id}"; the method and raw path of `req` when no route
/// ran, as for a middleware's own answer) and the header, and replaces `res` by FastAPI's 500
/// `{"detail":"Internal Server Error"}` (its after_send kept: teardown still runs). h11 and Starlette refuse
/// such a response loudly too; a silent drop would hide the bug. True when it replaced.
FASTAPI_DETAIL_INLINE bool refuse_invalid_head(Response& res, std::string_view route, const Request& req);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool refuse_invalid_head(Response& res, std::string_view route, const Request& req) {
  std::string why = head_error(res);
  if (why.empty()) return false;
  std::string where = route.empty() ? printable(req.method_name) + " " + printable(req.raw_path) : std::string(route);
  fastapi::log(LogLevel::error, "invalid response from " + where + ": " + why + "; answered 500 instead");
  auto after_send = std::move(res.after_send);
  res = RawJSONResponse(R"({"detail":"Internal Server Error"})", 500);
  res.after_send = std::move(after_send);
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Appends the status line and headers of `res` to `out`, framed as `framing` says. User headers named
/// Content-Length/Transfer-Encoding/Connection/Date are dropped: framing is the writer's job, never the
/// handler's (that is how desync bugs are born). A 101 keeps its `Connection: Upgrade` (RFC 9110 section 7.8)
/// and, like every 1xx, gets no Content-Length.
/// The connection has passed `res` through refuse_invalid_head() first; as a last guard, a field that
/// head_error() would refuse is not written here either, so no caller can split a response.
/// `write_head(out, PlainTextResponse("hi"), {.date_line = dates.line()}, BodyFraming::length);`
FASTAPI_DETAIL_INLINE void write_head(std::string& out, const Response& res, const WriteOptions& o,
                                      BodyFraming framing);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void write_head(std::string& out, const Response& res, const WriteOptions& o,
                                      BodyFraming framing) {
  std::string_view phrase = status_phrase(res.status);
  out.append(o.version_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, static_cast<std::size_t>(res.status >= 100 && res.status <= 999 ? res.status : 500));
  out.push_back(' ');
  out.append(phrase);
  out.append("\r\n");
  out.append(o.date_line);
  if (!o.server.empty() && find_control_byte(o.server) == std::string_view::npos)
    out.append("Server: ").append(o.server).append("\r\n");
  if (!status_forbids_body(res.status)) {
    if (framing == BodyFraming::chunked) {
      out.append("Transfer-Encoding: chunked\r\n");
    } else if (framing == BodyFraming::length) {
      out.append("Content-Length: ");
      append_number(out, res.stream && res.stream_size ? *res.stream_size : res.body.size());
      out.append("\r\n");
    }
  }
  std::string_view media = res.media_type();
  if (!media.empty() && find_control_byte(media) == std::string_view::npos)
    out.append("Content-Type: ").append(media).append("\r\n");
  for (const auto& f : res.headers) {
    if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding") || iequals(f.name, "date") ||
        (iequals(f.name, "connection") && res.status != 101))
      continue;
    if (iequals(f.name, "content-type") && !media.empty()) continue;
    if (!valid_header_field(f.name, f.value)) continue;
    out.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  if (res.status == 101) {
    // the handler's Connection: Upgrade was written above; the connection is not kept alive nor closed
  } else if (!o.keep_alive) {
    out.append("Connection: close\r\n");
  } else if (o.version_minor == 0) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Appends one chunk of a chunked body (RFC 9112 section 7.1); an empty `data` writes the last chunk.
FASTAPI_DETAIL_INLINE void write_chunk(std::string& out, std::string_view data);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void write_chunk(std::string& out, std::string_view data) {
  char buf[20];
  auto r = std::to_chars(buf, buf + sizeof(buf), data.size(), 16);
  out.append(buf, r.ptr);
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");  // for the last chunk this makes "0\r\n\r\n" (no trailers)
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
