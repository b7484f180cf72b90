// http/file_support.hpp: the small texts a file response is made of: HTTP dates (written and read in the three
// forms of RFC 9110 section 5.6.7), Starlette's ETag (an MD5 of the file's mtime and size), entity-tag lists,
// Content-Disposition with RFC 5987 `filename*`, and multipart boundaries. Fed by http/file_response.hpp.
// Knows nothing of files or sockets.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include <sys/random.h>

#include "fastapi/core/config.hpp"
#include "fastapi/http/headers.hpp"

namespace fastapi::detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// MD5 (RFC 1321) of `data` as 32 lower-case hex digits. Not for security: Starlette's ETag is one.
inline std::string md5_hex(std::string_view data) {
  static constexpr std::uint32_t k[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static constexpr std::uint8_t r[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};
  std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::string msg(data);
  std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 0; i < 8; ++i) msg.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  for (std::size_t block = 0; block < msg.size(); block += 64) {
    std::uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + block + 4 * i);
      w[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d), g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d, g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d), g = (7 * i) % 16;
      }
      std::uint32_t x = a + f + k[i] + w[g];
      int s = r[(i / 16) * 4 + i % 4];
      a = d, d = c, c = b;
      b = b + ((x << s) | (x >> (32 - s)));
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::uint32_t v : h)
    for (int i = 0; i < 4; ++i) {
      auto byte = static_cast<unsigned>((v >> (8 * i)) & 0xFF);
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0xF]);
    }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Starlette's ETag: `"` + md5(str(st_mtime) + "-" + str(st_size)) + `"`, where st_mtime is Python's float
/// (seconds + nanoseconds * 1e-9, as CPython computes it) written as Python's repr writes it.
FASTAPI_DETAIL_INLINE std::string starlette_etag(std::int64_t sec, long nsec, std::uint64_t size);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string starlette_etag(std::int64_t sec, long nsec, std::uint64_t size) {
  double mtime = static_cast<double>(sec) + static_cast<double>(nsec) * 1e-9;
  char buf[64];
  auto end = std::to_chars(buf, buf + sizeof(buf), mtime, std::chars_format::fixed).ptr;
  std::string base(buf, end);
  if (base.find('.') == std::string::npos) base += ".0";  // repr(1700000000.0)
  base += "-" + std::to_string(size);
  return "\"" + md5_hex(base) + "\"";
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), as Python's email.utils.formatdate(t, usegmt=True).
FASTAPI_DETAIL_INLINE std::string format_http_date(std::time_t t);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string format_http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr std::string_view days = "SunMonTueWedThuFriSat", months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", days.data() + 3 * tm.tm_wday, tm.tm_mday,
                months.data() + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Reads an HTTP date in any of RFC 9110's three forms (IMF-fixdate, RFC 850, asctime); nullopt otherwise.
/// In all three the first number is the day and the other the year; a two-digit year is 19xx from 70 on.
FASTAPI_DETAIL_INLINE std::optional<std::time_t> parse_http_date(std::string_view s);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::time_t> parse_http_date(std::string_view s) {
  static constexpr std::string_view months = "janfebmaraprmayjunjulaugsepoctnovdec";
  int numbers[2] = {-1, -1}, count = 0, month = -1, hh = -1, mm = -1, ss = -1;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == ',' || c == '-') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != ',' && s[j] != '-') ++j;
    std::string_view tok = s.substr(i, j - i);
    i = j;
    if (tok.size() == 8 && tok[2] == ':' && tok[5] == ':') {
      auto two = [&](std::size_t at) {
        char a = tok[at], b = tok[at + 1];
        return a >= '0' && a <= '9' && b >= '0' && b <= '9' ? (a - '0') * 10 + (b - '0') : -1;
      };
      hh = two(0), mm = two(3), ss = two(6);
    } else if (tok[0] >= '0' && tok[0] <= '9') {
      int v = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (ec != std::errc() || p != tok.data() + tok.size() || count == 2 || tok.size() > 4) return std::nullopt;
      numbers[count++] = v;
      if (count == 2 && tok.size() == 2) numbers[1] += numbers[1] < 70 ? 2000 : 1900;
    } else if (tok.size() == 3 && month < 0) {
      char low[3] = {static_cast<char>(tok[0] | 0x20), static_cast<char>(tok[1] | 0x20),
                     static_cast<char>(tok[2] | 0x20)};
      std::size_t at = months.find(std::string_view(low, 3));
      if (at != std::string_view::npos && at % 3 == 0) month = static_cast<int>(at / 3);  // else a weekday, "GMT"
    }
  }
  if (count != 2 || month < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
  if (numbers[0] < 1 || numbers[0] > 31 || numbers[1] < 1970 || numbers[1] > 9999) return std::nullopt;
  std::tm tm{};
  tm.tm_mday = numbers[0], tm.tm_mon = month, tm.tm_year = numbers[1] - 1900;
  tm.tm_hour = hh, tm.tm_min = mm, tm.tm_sec = ss;
  return timegm(&tm);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// If-None-Match: `*`, or a comma-separated list of entity-tags compared weakly (`W/` ignored).
FASTAPI_DETAIL_INLINE bool etag_list_matches(std::string_view list, std::string_view etag);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool etag_list_matches(std::string_view list, std::string_view etag) {
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t comma = list.find(',', i);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view tag = list.substr(i, comma - i);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    i = comma + 1;
  }
  return false;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Content-Disposition as Starlette writes it: `attachment; filename="a.txt"` when urllib's quote() leaves the
/// name alone, else `attachment; filename*=utf-8''%E6%97%A5.txt` (RFC 5987; quote's safe set: letters, digits,
/// `_.-~/`), so a quote, a CR or a non-ASCII byte never reaches the header as itself.
FASTAPI_DETAIL_INLINE std::string content_disposition(std::string_view type, std::string_view filename);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string content_disposition(std::string_view type, std::string_view filename) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string quoted;
  for (char c : filename) {
    bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                std::string_view("_.-~/").find(c) != std::string_view::npos;
    if (safe) {
      quoted.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      quoted.push_back('%');
      quoted.push_back(hex[b >> 4]);
      quoted.push_back(hex[b & 0xF]);
    }
  }
  if (quoted != filename) return std::string(type) + "; filename*=utf-8''" + quoted;
  return std::string(type) + "; filename=\"" + std::string(filename) + "\"";
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// 32 random hex digits (getrandom): a multipart boundary no file content can predict.
FASTAPI_DETAIL_INLINE std::string random_boundary();
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string random_boundary() {
  unsigned char bytes[16] = {};
  std::size_t got = 0;
  while (got < sizeof(bytes)) {
    ssize_t n = ::getrandom(bytes + got, sizeof(bytes) - got, 0);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got < sizeof(bytes)) {  // no entropy source: the clock, mixed (still unknown to a file's author)
    auto t = static_cast<std::uint64_t>(std::clock()) ^
             static_cast<std::uint64_t>(std::time(nullptr)) * 0x9E3779B97F4A7C15ull;
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(b ^ (t = t * 6364136223846793005ull + 1) >> 56);
  }
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xF]);
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
