// json/url_host.hpp: the pieces of the WHATWG URL Standard that fa::HttpUrl is built from, as the Rust url crate
// (Pydantic's parser) has them: percent-encode sets, ports, IPv4 and IPv6 addresses, hosts. Fed by json/idna; feeds
// json/http_url. Knows nothing of JSON or HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/json/idna.hpp"

namespace fastapi {
namespace detail {

inline constexpr std::size_t kHttpUrlMaxLength = 2083;  // Pydantic's HttpUrl max_length, counted in UTF-8 bytes

/// The url crate's ParseError words (and pydantic-core's for an empty input).
inline constexpr std::string_view kUrlEmptyInput = "input is empty", kUrlRelative = "relative URL without a base",
                                  kUrlEmptyHost = "empty host", kUrlBadIdn = "invalid international domain name",
                                  kUrlBadIpv4 = "invalid IPv4 address", kUrlBadIpv6 = "invalid IPv6 address",
                                  kUrlBadPort = "invalid port number", kUrlBadDomainChar = "invalid domain character";
// pydantic-core's own words for a URL too long and a scheme its HttpUrl does not take.
inline constexpr std::string_view kUrlTooLong = "URL should have at most 2083 characters",
                                  kUrlNotHttp = "URL scheme should be 'http' or 'https'";

// The WHATWG percent-encode sets, as the url crate has them (its path set leaves `^` alone).
inline bool url_c0_control(unsigned char c) noexcept { return c < 0x20 || c > 0x7E; }
FASTAPI_DETAIL_INLINE bool url_fragment_set(unsigned char c) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool url_fragment_set(unsigned char c) noexcept {
  return url_c0_control(c) || c == ' ' || c == '"' || c == '<' || c == '>' || c == '`';
}
#endif                                                 // FASTAPI_DETAIL_DEFINE_FUNCTIONS
inline bool url_query_set(unsigned char c) noexcept {  // the special-query set: http and https
  return url_c0_control(c) || c == ' ' || c == '"' || c == '#' || c == '<' || c == '>' || c == '\'';
}
FASTAPI_DETAIL_INLINE bool url_path_set(unsigned char c) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool url_path_set(unsigned char c) noexcept {
  return url_c0_control(c) || c == ' ' || c == '"' || c == '#' || c == '<' || c == '>' || c == '?' || c == '`' ||
         c == '{' || c == '}';
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool url_userinfo_set(unsigned char c) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool url_userinfo_set(unsigned char c) noexcept {
  return url_path_set(c) || c == '/' || c == ':' || c == ';' || c == '=' || c == '@' || c == '[' || c == '\\' ||
         c == ']' || c == '^' || c == '|';
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Appends `text` to `out`, each byte in `set` as %XX (upper-case hex, as the url crate writes it).
FASTAPI_DETAIL_INLINE void url_encode(std::string_view text, bool (*set)(unsigned char), std::string& out);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void url_encode(std::string_view text, bool (*set)(unsigned char), std::string& out) {
  constexpr char hex[] = "0123456789ABCDEF";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (set(c)) out += '%', out += hex[c >> 4], out += hex[c & 15];
    else out += ch;
  }
}

/// WHATWG forbidden host code points (an opaque host's, then a domain's with `%`, the C0 controls and DEL).
inline bool url_forbidden_host(unsigned char c) noexcept {
  return c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '#' || c == '/' || c == ':' || c == '<' ||
         c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '|';
}
inline bool url_forbidden_domain(unsigned char c) noexcept {
  return url_forbidden_host(c) || c < 0x20 || c == '%' || c == 0x7F;
}

inline int url_hex(char c) noexcept {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The port in `text` (digits only, leading zeros allowed, at most 65535), or -1.
FASTAPI_DETAIL_INLINE long url_port(std::string_view text) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE long url_port(std::string_view text) noexcept {
  long port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    port = port * 10 + (c - '0');
    if (port > 65535) return -1;
  }
  return port;
}

/// An IPv4 number (WHATWG 4.3): `0x` hex (digits may be absent: 0), `0` octal, else decimal; saturates above 2^32.
/// False when a digit does not fit the radix or the part is empty.
inline bool url_ipv4_number(std::string_view part, std::uint64_t& value) noexcept {
  if (part.empty()) return false;
  unsigned radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) part.remove_prefix(2), radix = 16;
  else if (part.size() >= 2 && part[0] == '0') part.remove_prefix(1), radix = 8;
  value = 0;
  for (char c : part) {
    const int d = url_hex(c);
    if (d < 0 || static_cast<unsigned>(d) >= radix) return false;
    value = value * radix + static_cast<unsigned>(d);
    if (value > (std::uint64_t{1} << 33)) value = std::uint64_t{1} << 33;
  }
  return true;
}

/// WHATWG's "ends in a number": the last label (a trailing dot aside) is all digits or `0x` and hex digits. Such a
/// host must be an IPv4 address.
inline bool url_ends_in_number(std::string_view host) noexcept {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  const std::size_t dot = host.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  bool digits = true;
  for (char c : last) digits = digits && c >= '0' && c <= '9';
  if (digits) return true;
  if (last.size() < 2 || last[0] != '0' || (last[1] != 'x' && last[1] != 'X')) return false;
  for (char c : last.substr(2))
    if (url_hex(c) < 0) return false;
  return true;
}

/// WHATWG's IPv4 parser: one to four numbers, the last filling the bytes the others leave (`1.2.3` -> 1.2.0.3).
inline bool url_parse_ipv4(std::string_view host, std::uint32_t& address) noexcept {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  std::uint64_t parts[4];
  std::size_t n = 0;
  for (bool more = true; more;) {
    const std::size_t dot = host.find('.');
    more = dot != std::string_view::npos;
    if (n == 4 || !url_ipv4_number(host.substr(0, dot), parts[n])) return false;
    ++n;
    if (more) host.remove_prefix(dot + 1);
  }
  for (std::size_t i = 0; i + 1 < n; ++i)
    if (parts[i] > 255) return false;
  if (parts[n - 1] >= (std::uint64_t{1} << (8 * (5 - n)))) return false;
  std::uint64_t value = parts[n - 1];
  for (std::size_t i = 0; i + 1 < n; ++i) value += parts[i] << (8 * (3 - i));
  address = static_cast<std::uint32_t>(value);
  return true;
}

/// WHATWG's IPv6 parser (the text between the brackets): eight hex pieces, one `::`, an IPv4 tail in plain decimal.
inline bool url_parse_ipv6(std::string_view s, std::uint16_t (&pieces)[8]) noexcept {
  for (auto& p : pieces) p = 0;
  int index = 0, compress = -1;
  std::size_t p = 0;
  const auto at = [&](std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  if (at(0) == ':') {
    if (at(1) != ':') return false;
    p = 2, compress = ++index;
  }
  while (p < s.size()) {
    if (index == 8) return false;
    if (s[p] == ':') {
      if (compress != -1) return false;
      ++p, compress = ++index;
      continue;
    }
    unsigned value = 0, length = 0;
    while (length < 4 && url_hex(at(p)) >= 0) value = value * 16 + static_cast<unsigned>(url_hex(s[p])), ++p, ++length;
    if (at(p) == '.') {  // the IPv4 tail: four decimal numbers without leading zeros
      if (length == 0 || index > 6) return false;
      p -= length;
      int seen = 0;
      while (p < s.size()) {
        if (seen > 0) {
          if (s[p] != '.' || seen == 4) return false;
          ++p;
        }
        if (at(p) < '0' || at(p) > '9') return false;
        int piece = -1;
        while (at(p) >= '0' && at(p) <= '9') {
          const int d = s[p] - '0';
          if (piece == 0) return false;
          piece = piece < 0 ? d : piece * 10 + d;
          if (piece > 255) return false;
          ++p;
        }
        pieces[index] = static_cast<std::uint16_t>(pieces[index] * 0x100 + piece);
        if (++seen == 2 || seen == 4) ++index;
      }
      if (seen != 4) return false;
      break;
    }
    if (at(p) == ':') {
      if (++p == s.size()) return false;
    } else if (p < s.size()) {
      return false;
    }
    pieces[index++] = static_cast<std::uint16_t>(value);
  }
  if (compress != -1) {
    for (int swaps = index - compress, i = 7; i != 0 && swaps > 0; --i, --swaps) {
      const std::uint16_t t = pieces[i];
      pieces[i] = pieces[compress + swaps - 1];
      pieces[compress + swaps - 1] = t;
    }
  } else if (index != 8) {
    return false;
  }
  return true;
}

/// WHATWG's IPv6 serializer: lower-case hex, the first longest run of two or more zero pieces as `::`.
inline void url_write_ipv6(const std::uint16_t (&pieces)[8], std::string& out) {
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && pieces[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  constexpr char hex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += i == 0 ? "::" : ":";
      i += best_len - 1;
      continue;
    }
    const unsigned v = pieces[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned d = (v >> shift) & 15;
      if (d != 0 || started || shift == 0) out += hex[d], started = true;
    }
    if (i != 7) out += ':';
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// An http(s), ws(s) or ftp URL's host as written (between `@` and the port), appended to `out` serialized: an
/// IPv6 address compressed, an IPv4 address in dotted decimal, a domain percent-decoded, lower-cased and in
/// punycode. Returns the url crate's words for what is wrong, empty when nothing is.
FASTAPI_DETAIL_INLINE std::string_view url_parse_special_host(std::string_view host, std::string& out);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string_view url_parse_special_host(std::string_view host, std::string& out) {
  if (host.empty()) return kUrlEmptyHost;
  if (host.front() == '[') {
    std::uint16_t pieces[8];
    if (host.size() < 2 || host.back() != ']' || !url_parse_ipv6(host.substr(1, host.size() - 2), pieces))
      return kUrlBadIpv6;
    out += '[';
    url_write_ipv6(pieces, out);
    out += ']';
    return {};
  }
  std::string decoded, ascii;
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '%' && i + 2 < host.size() && url_hex(host[i + 1]) >= 0 && url_hex(host[i + 2]) >= 0) {
      decoded += static_cast<char>(url_hex(host[i + 1]) * 16 + url_hex(host[i + 2]));
      i += 2;
    } else {
      decoded += host[i];
    }
  }
  if (!domain_to_ascii(decoded, ascii)) return kUrlBadIdn;
  for (char c : ascii)
    if (url_forbidden_domain(static_cast<unsigned char>(c))) return kUrlBadIdn;
  if (ascii.empty()) return kUrlEmptyHost;
  if (!url_ends_in_number(ascii)) return out += ascii, std::string_view{};
  std::uint32_t address = 0;
  if (!url_parse_ipv4(ascii, address)) return kUrlBadIpv4;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((address >> shift) & 255);
    if (shift != 0) out += '.';
  }
  return {};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Another scheme's (opaque) host: an IPv6 address in brackets, or no forbidden host code point. The url crate's
/// words, or empty.
FASTAPI_DETAIL_INLINE std::string_view url_check_opaque_host(std::string_view host) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string_view url_check_opaque_host(std::string_view host) noexcept {
  if (!host.empty() && host.front() == '[') {
    std::uint16_t pieces[8];
    if (host.size() < 2 || host.back() != ']' || !url_parse_ipv6(host.substr(1, host.size() - 2), pieces))
      return kUrlBadIpv6;
    return {};
  }
  for (char c : host)
    if (url_forbidden_host(static_cast<unsigned char>(c))) return kUrlBadDomainChar;
  return {};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
