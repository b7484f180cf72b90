// http/writer.hpp: Response -> bytes on the wire (status line, headers, body or chunk framing).
// Fed by the connection with a finished Response; feeds the socket through the connection's gathered write.
// Knows nothing of routes or JSON.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
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
  int version_minor = 1;       ///< of the request
  bool keep_alive = true;      ///< false: `Connection: close` is sent (HTTP/1.1)
  bool head_only = false;      ///< HEAD: headers (with the GET Content-Length), no body
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

/// True when a handler's header may be sent as is: a token name and a value without CR, LF or NUL
/// (RFC 9110 section 5.5). Anything else would let a value split the response in two.
inline bool safe_header_field(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    bool tchar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!tchar) return false;
  }
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

/// Appends the status line and headers of `res` to `out`, framed as `framing` says. User headers named
/// Content-Length/Transfer-Encoding/Connection/Date are dropped: framing is the writer's job, never the
/// handler's (that is how desync bugs are born); so is a header whose name is not a token or whose value
/// holds CR, LF or NUL (response splitting).
/// `write_head(out, PlainTextResponse("hi"), {.date_line = dates.line()}, BodyFraming::length);`
inline void write_head(std::string& out, const Response& res, const WriteOptions& o, BodyFraming framing) {
  std::string_view phrase = status_phrase(res.status);
  out.append(o.version_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, static_cast<std::size_t>(res.status));
  out.push_back(' ');
  out.append(phrase);
  out.append("\r\n");
  out.append(o.date_line);
  if (!o.server.empty()) out.append("Server: ").append(o.server).append("\r\n");
  if (!status_forbids_body(res.status)) {
    if (framing == BodyFraming::chunked) {
      out.append("Transfer-Encoding: chunked\r\n");
    } else if (framing == BodyFraming::length) {
      out.append("Content-Length: ");
      append_number(out, res.body.size());
      out.append("\r\n");
    }
  }
  std::string_view media = res.media_type();
  if (!media.empty()) out.append("Content-Type: ").append(media).append("\r\n");
  for (const auto& f : res.headers) {
    if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding") ||
        iequals(f.name, "connection") || iequals(f.name, "date"))
      continue;
    if (iequals(f.name, "content-type") && !media.empty()) continue;
    if (!safe_header_field(f.name, f.value)) continue;
    out.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  if (!o.keep_alive) {
    out.append("Connection: close\r\n");
  } else if (o.version_minor == 0) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}

/// Appends one chunk of a chunked body (RFC 9112 section 7.1); an empty `data` writes the last chunk.
inline void write_chunk(std::string& out, std::string_view data) {
  char buf[20];
  auto r = std::to_chars(buf, buf + sizeof(buf), data.size(), 16);
  out.append(buf, r.ptr);
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");  // for the last chunk this makes "0\r\n\r\n" (no trailers)
}

}  // namespace fastapi::detail
