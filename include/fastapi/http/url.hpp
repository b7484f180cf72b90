// http/url.hpp: percent-decoding, query splitting and percent-encoding (RFC 3986). Fed by the parser
// (path, query) and later by form bodies and the client; knows nothing of sockets, routes or JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/request.hpp"

namespace fastapi {

/// Appends the percent-decoded bytes of `in` to `out`; `+` becomes a space when `plus_as_space`
/// (query strings and form bodies, not paths). `percent_decode("a%20b", s, false)` appends "a b".
/// Returns false on an invalid escape (`%` not followed by two hex digits), leaving `out` as it was:
/// the client gets a 400.
FASTAPI_DETAIL_INLINE bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

/// `in` itself when it needs no decoding (zero allocation), else a decoded copy in `arena`.
/// `decode_component("a%2Fb", arena, false)` -> "a/b". nullopt on an invalid escape (400).
FASTAPI_DETAIL_INLINE std::optional<std::string_view> decode_component(std::string_view in, detail::Arena& arena,
                                                                       bool plus_as_space);

/// Splits a query string (or an application/x-www-form-urlencoded body) into `out`, in order,
/// repeats kept: `"a=1&b&a=x+y"` -> {a:"1"}, {b:""}, {a:"x y"}. Pairs split on the first `=`;
/// empty pairs (`&&`) are skipped; `+` is a space. Decoded strings live in `arena`.
/// Returns false on an invalid escape (400); `out` may then hold the pairs decoded so far.
FASTAPI_DETAIL_INLINE bool parse_query(std::string_view raw, QueryParams& out, detail::Arena& arena);

/// Percent-encodes `in`: RFC 3986 unreserved bytes (ALPHA DIGIT - . _ ~) are kept, every other
/// byte becomes %XX with uppercase hex. With `for_query` (a query key or value) `/` is encoded too;
/// without it (a path) `/` is kept so a whole path can be passed. A space is always "%20".
/// `percent_encode("a b/c", true)` -> "a%20b%2Fc".
FASTAPI_DETAIL_INLINE std::string percent_encode(std::string_view in, bool for_query);

namespace detail {

/// Value of one hex digit, or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// True for RFC 3986 section 2.3 unreserved bytes.
constexpr bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

/// Decodes `in` into `dst` (at least in.size() bytes); returns the decoded length or -1 on a bad escape.
inline std::ptrdiff_t percent_decode_into(std::string_view in, char* dst, bool plus_as_space) {
  char* w = dst;
  const std::size_t n = in.size();
  for (std::size_t i = 0; i < n; ++i) {
    char c = in[i];
    if (c == '%') {
      if (n - i < 3) return -1;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return -1;
      *w++ = static_cast<char>((hi << 4) | lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      *w++ = ' ';
    } else {
      *w++ = c;
    }
  }
  return w - dst;
}

/// True when `in` holds a `%` (or a `+` when plus_as_space): decoding would change it.
inline bool needs_decoding(std::string_view in, bool plus_as_space) {
  for (char c : in)
    if (c == '%' || (c == '+' && plus_as_space)) return true;
  return false;
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
  std::size_t old = out.size();
  out.resize(old + in.size());
  std::ptrdiff_t len = detail::percent_decode_into(in, out.data() + old, plus_as_space);
  if (len < 0) {
    out.resize(old);
    return false;
  }
  out.resize(old + static_cast<std::size_t>(len));
  return true;
}

FASTAPI_DETAIL_INLINE std::optional<std::string_view> decode_component(std::string_view in, detail::Arena& arena,
                                                                       bool plus_as_space) {
  if (!detail::needs_decoding(in, plus_as_space)) return in;
  // Decoding never lengthens: in.size() bytes are enough (the unused tail is arena slack).
  char* dst = arena.allocate(in.size());
  std::ptrdiff_t len = detail::percent_decode_into(in, dst, plus_as_space);
  if (len < 0) return std::nullopt;
  return std::string_view(dst, static_cast<std::size_t>(len));
}

FASTAPI_DETAIL_INLINE bool parse_query(std::string_view raw, QueryParams& out, detail::Arena& arena) {
  // One pass: find each pair's end and first '=', and whether either side needs decoding.
  auto decoded = [&](std::string_view part, bool encoded) -> std::optional<std::string_view> {
    if (!encoded) return part;
    char* dst = arena.allocate(part.size());
    std::ptrdiff_t len = detail::percent_decode_into(part, dst, true);
    if (len < 0) return std::nullopt;
    return std::string_view(dst, static_cast<std::size_t>(len));
  };
  const std::size_t n = raw.size();
  std::size_t i = 0;
  while (i < n) {
    const std::size_t start = i;
    std::size_t eq = std::string_view::npos;
    bool key_encoded = false, value_encoded = false;
    for (; i < n && raw[i] != '&'; ++i) {
      char c = raw[i];
      if (c == '=' && eq == std::string_view::npos) eq = i;
      else if (c == '%' || c == '+') (eq == std::string_view::npos ? key_encoded : value_encoded) = true;
    }
    const std::size_t stop = i++;
    if (stop == start) continue;  // empty pair ("&&")
    std::size_t key_end = eq == std::string_view::npos ? stop : eq;
    auto key = decoded(raw.substr(start, key_end - start), key_encoded);
    if (!key) return false;
    auto value = eq == std::string_view::npos ? std::optional<std::string_view>(std::string_view{})
                                              : decoded(raw.substr(eq + 1, stop - eq - 1), value_encoded);
    if (!value) return false;
    out.add(*key, *value);
  }
  return true;
}

FASTAPI_DETAIL_INLINE std::string percent_encode(std::string_view in, bool for_query) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    if (detail::is_unreserved(c) || (c == '/' && !for_query)) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xF]);
    }
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
