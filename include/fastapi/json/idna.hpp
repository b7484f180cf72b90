// json/idna.hpp: a domain name's Unicode labels as ASCII (IDNA: punycode, RFC 3492), as the Rust idna crate behind
// Pydantic's HttpUrl does for the code points it knows; the rest are refused. Fed by core/ only; feeds
// json/http_url. Knows nothing of URLs, JSON or HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"

namespace fastapi::detail {

/// One row of the mapping table: code points first..last map to cp + delta (kind 0), or, alternating, an even
/// offset from first maps to cp + delta and an odd one is itself (kind 1: upper-case / lower-case pairs), or are
/// ignored (kind 2: a soft hyphen).
struct IdnaRange {
  char32_t first, last;
  std::int32_t delta;
  std::uint8_t kind;
};

/// UTS #46's mapping (non-transitional, as the idna crate applies it) for the code points of Latin (U+0080-02AF),
/// Greek and Cyrillic (U+0370-052F), punctuation (U+2000-206F), symbols (U+2190-2BFF), CJK punctuation and kana
/// (U+3000-30FF), the CJK ideographs (U+4E00-9FFF), Hangul syllables, the full-width forms (U+FF00-FFEF) and the
/// emoji (U+1F300-1FAFF) whose answer does not depend on their neighbours, and the code points those map to outside
/// these blocks (U+023A -> U+2C65, U+023E -> U+2C66, U+0374 -> U+02B9, U+FFE6 -> U+20A9): the table is closed under
/// its mapping, as UTS #46 is, so that fa::HttpUrl's output parses again to itself (a "xn--" label must hold only
/// code points this table keeps as they are). Left out, and so refused: combining marks (NFC would join them to the
/// letter before), right-to-left letters (the bidi rules look at the whole name), Hangul jamo, the second half of
/// any canonical composition, what maps to several code points, and every other block. Generated from Pydantic
/// 2.13.4 by tests/json/http_url_idna_table.py, which fails if a target is missing.
// clang-format off
inline constexpr IdnaRange kIdnaRanges[] = {
    {0xA1, 0xA7, 0, 0}, {0xA9, 0xA9, 0, 0}, {0xAA, 0xAA, -73, 0}, {0xAB, 0xAC, 0, 0}, {0xAD, 0xAD, 0, 2},
    {0xAE, 0xAE, 0, 0}, {0xB0, 0xB1, 0, 0}, {0xB2, 0xB3, -128, 0}, {0xB5, 0xB5, 775, 0}, {0xB6, 0xB7, 0, 0},
    {0xB9, 0xB9, -136, 0}, {0xBA, 0xBA, -75, 0}, {0xBB, 0xBB, 0, 0}, {0xBF, 0xBF, 0, 0}, {0xC0, 0xD6, 32, 0},
    {0xD7, 0xD7, 0, 0}, {0xD8, 0xDE, 32, 0}, {0xDF, 0xFF, 0, 0}, {0x100, 0x12F, 1, 1}, {0x131, 0x131, 0, 0},
    {0x134, 0x137, 1, 1}, {0x138, 0x138, 0, 0}, {0x139, 0x13E, 1, 1}, {0x141, 0x148, 1, 1}, {0x14A, 0x177, 1, 1},
    {0x178, 0x178, -121, 0}, {0x179, 0x17E, 1, 1}, {0x17F, 0x17F, -268, 0}, {0x180, 0x180, 0, 0},
    {0x181, 0x181, 210, 0}, {0x182, 0x185, 1, 1}, {0x186, 0x186, 206, 0}, {0x187, 0x188, 1, 1},
    {0x189, 0x18A, 205, 0}, {0x18B, 0x18C, 1, 1}, {0x18D, 0x18D, 0, 0}, {0x18E, 0x18E, 79, 0}, {0x18F, 0x18F, 202, 0},
    {0x190, 0x190, 203, 0}, {0x191, 0x192, 1, 1}, {0x193, 0x193, 205, 0}, {0x194, 0x194, 207, 0},
    {0x195, 0x195, 0, 0}, {0x196, 0x196, 211, 0}, {0x197, 0x197, 209, 0}, {0x198, 0x199, 1, 1}, {0x19A, 0x19B, 0, 0},
    {0x19C, 0x19C, 211, 0}, {0x19D, 0x19D, 213, 0}, {0x19E, 0x19E, 0, 0}, {0x19F, 0x19F, 214, 0},
    {0x1A0, 0x1A5, 1, 1}, {0x1A6, 0x1A6, 218, 0}, {0x1A7, 0x1A8, 1, 1}, {0x1A9, 0x1A9, 218, 0}, {0x1AA, 0x1AB, 0, 0},
    {0x1AC, 0x1AD, 1, 1}, {0x1AE, 0x1AE, 218, 0}, {0x1AF, 0x1B0, 1, 1}, {0x1B1, 0x1B2, 217, 0}, {0x1B3, 0x1B6, 1, 1},
    {0x1B7, 0x1B7, 219, 0}, {0x1B8, 0x1B9, 1, 1}, {0x1BA, 0x1BB, 0, 0}, {0x1BC, 0x1BD, 1, 1}, {0x1BE, 0x1C3, 0, 0},
    {0x1CD, 0x1DC, 1, 1}, {0x1DD, 0x1DD, 0, 0}, {0x1DE, 0x1EF, 1, 1}, {0x1F0, 0x1F0, 0, 0}, {0x1F4, 0x1F5, 1, 1},
    {0x1F6, 0x1F6, -97, 0}, {0x1F7, 0x1F7, -56, 0}, {0x1F8, 0x21F, 1, 1}, {0x220, 0x220, -130, 0},
    {0x221, 0x221, 0, 0}, {0x222, 0x233, 1, 1}, {0x234, 0x239, 0, 0}, {0x23A, 0x23A, 10795, 0}, {0x23B, 0x23C, 1, 1},
    {0x23D, 0x23D, -163, 0}, {0x23E, 0x23E, 10792, 0}, {0x23F, 0x240, 0, 0}, {0x241, 0x242, 1, 1},
    {0x243, 0x243, -195, 0}, {0x244, 0x244, 69, 0}, {0x245, 0x245, 71, 0}, {0x246, 0x24F, 1, 1}, {0x250, 0x2AF, 0, 0},
    {0x2B9, 0x2B9, 0, 0}, {0x370, 0x373, 1, 1}, {0x374, 0x374, -187, 0}, {0x375, 0x375, 0, 0}, {0x376, 0x377, 1, 1},
    {0x37B, 0x37D, 0, 0}, {0x37F, 0x37F, 116, 0}, {0x386, 0x386, 38, 0}, {0x387, 0x387, -720, 0},
    {0x388, 0x38A, 37, 0}, {0x38C, 0x38C, 64, 0}, {0x38E, 0x38F, 63, 0}, {0x390, 0x390, 0, 0}, {0x391, 0x3A1, 32, 0},
    {0x3A3, 0x3AB, 32, 0}, {0x3AC, 0x3CE, 0, 0}, {0x3CF, 0x3CF, 8, 0}, {0x3D0, 0x3D0, -30, 0}, {0x3D1, 0x3D1, -25, 0},
    {0x3D2, 0x3D2, -13, 0}, {0x3D3, 0x3D3, -6, 0}, {0x3D4, 0x3D4, -9, 0}, {0x3D5, 0x3D5, -15, 0},
    {0x3D6, 0x3D6, -22, 0}, {0x3D7, 0x3D7, 0, 0}, {0x3D8, 0x3EF, 1, 1}, {0x3F0, 0x3F0, -54, 0},
    {0x3F1, 0x3F1, -48, 0}, {0x3F2, 0x3F2, -47, 0}, {0x3F3, 0x3F3, 0, 0}, {0x3F4, 0x3F4, -60, 0},
    {0x3F5, 0x3F5, -64, 0}, {0x3F6, 0x3F6, 0, 0}, {0x3F7, 0x3F8, 1, 1}, {0x3F9, 0x3F9, -54, 0}, {0x3FA, 0x3FB, 1, 1},
    {0x3FC, 0x3FC, 0, 0}, {0x3FD, 0x3FF, -130, 0}, {0x400, 0x40F, 80, 0}, {0x410, 0x42F, 32, 0}, {0x430, 0x45F, 0, 0},
    {0x460, 0x481, 1, 1}, {0x482, 0x482, 0, 0}, {0x48A, 0x4BF, 1, 1}, {0x4C1, 0x4CE, 1, 1}, {0x4CF, 0x4CF, 0, 0},
    {0x4D0, 0x52F, 1, 1}, {0x200B, 0x200B, 0, 2}, {0x2010, 0x2010, 0, 0}, {0x2011, 0x2011, -1, 0},
    {0x2012, 0x2016, 0, 0}, {0x2018, 0x2023, 0, 0}, {0x2027, 0x2027, 0, 0}, {0x2030, 0x2032, 0, 0},
    {0x2035, 0x2035, 0, 0}, {0x2038, 0x203B, 0, 0}, {0x203D, 0x203D, 0, 0}, {0x203F, 0x2046, 0, 0},
    {0x204A, 0x2056, 0, 0}, {0x2058, 0x205E, 0, 0}, {0x2060, 0x2060, 0, 2}, {0x2064, 0x2064, 0, 2},
    {0x20A9, 0x20A9, 0, 0}, {0x2190, 0x222B, 0, 0}, {0x222E, 0x222E, 0, 0}, {0x2231, 0x2328, 0, 0},
    {0x2329, 0x232A, 3295, 0}, {0x232B, 0x2426, 0, 0}, {0x2440, 0x244A, 0, 0}, {0x2460, 0x2468, -9263, 0},
    {0x24B6, 0x24CF, -9301, 0}, {0x24D0, 0x24E9, -9327, 0}, {0x24EA, 0x24EA, -9402, 0}, {0x24EB, 0x2A0B, 0, 0},
    {0x2A0D, 0x2A73, 0, 0}, {0x2A77, 0x2ADB, 0, 0}, {0x2ADD, 0x2B73, 0, 0}, {0x2B76, 0x2B95, 0, 0},
    {0x2B97, 0x2BFF, 0, 0}, {0x2C65, 0x2C66, 0, 0}, {0x3001, 0x3001, 0, 0}, {0x3002, 0x3002, -12244, 0},
    {0x3003, 0x3029, 0, 0}, {0x3030, 0x3035, 0, 0}, {0x3036, 0x3036, -36, 0}, {0x3037, 0x3037, 0, 0},
    {0x3038, 0x3038, 8969, 0}, {0x3039, 0x303A, 8971, 0}, {0x303B, 0x303F, 0, 0}, {0x3041, 0x3096, 0, 0},
    {0x309D, 0x309E, 0, 0}, {0x30A0, 0x30FE, 0, 0}, {0x4E00, 0x9FFF, 0, 0}, {0xAC00, 0xD7A3, 0, 0},
    {0xFF0D, 0xFF0E, -65248, 0}, {0xFF10, 0xFF19, -65248, 0}, {0xFF21, 0xFF3A, -65216, 0},
    {0xFF41, 0xFF5A, -65248, 0}, {0xFF5F, 0xFF60, -54746, 0}, {0xFF61, 0xFF61, -65331, 0},
    {0xFF62, 0xFF63, -53078, 0}, {0xFF64, 0xFF64, -53091, 0}, {0xFF65, 0xFF65, -52842, 0},
    {0xFF66, 0xFF66, -52852, 0}, {0xFF67, 0xFF67, -52934, 0}, {0xFF68, 0xFF68, -52933, 0},
    {0xFF69, 0xFF69, -52932, 0}, {0xFF6A, 0xFF6A, -52931, 0}, {0xFF6B, 0xFF6B, -52930, 0},
    {0xFF6C, 0xFF6C, -52873, 0}, {0xFF6D, 0xFF6D, -52872, 0}, {0xFF6E, 0xFF6E, -52871, 0},
    {0xFF6F, 0xFF6F, -52908, 0}, {0xFF70, 0xFF70, -52852, 0}, {0xFF71, 0xFF71, -52943, 0},
    {0xFF72, 0xFF72, -52942, 0}, {0xFF73, 0xFF73, -52941, 0}, {0xFF74, 0xFF74, -52940, 0},
    {0xFF75, 0xFF76, -52939, 0}, {0xFF77, 0xFF77, -52938, 0}, {0xFF78, 0xFF78, -52937, 0},
    {0xFF79, 0xFF79, -52936, 0}, {0xFF7A, 0xFF7A, -52935, 0}, {0xFF7B, 0xFF7B, -52934, 0},
    {0xFF7C, 0xFF7C, -52933, 0}, {0xFF7D, 0xFF7D, -52932, 0}, {0xFF7E, 0xFF7E, -52931, 0},
    {0xFF7F, 0xFF7F, -52930, 0}, {0xFF80, 0xFF80, -52929, 0}, {0xFF81, 0xFF81, -52928, 0},
    {0xFF82, 0xFF82, -52926, 0}, {0xFF83, 0xFF83, -52925, 0}, {0xFF84, 0xFF84, -52924, 0},
    {0xFF85, 0xFF8A, -52923, 0}, {0xFF8B, 0xFF8B, -52921, 0}, {0xFF8C, 0xFF8C, -52919, 0},
    {0xFF8D, 0xFF8D, -52917, 0}, {0xFF8E, 0xFF8E, -52915, 0}, {0xFF8F, 0xFF93, -52913, 0},
    {0xFF94, 0xFF94, -52912, 0}, {0xFF95, 0xFF95, -52911, 0}, {0xFF96, 0xFF9B, -52910, 0},
    {0xFF9C, 0xFF9C, -52909, 0}, {0xFF9D, 0xFF9D, -52906, 0}, {0xFFE0, 0xFFE1, -65342, 0},
    {0xFFE2, 0xFFE2, -65334, 0}, {0xFFE4, 0xFFE4, -65342, 0}, {0xFFE5, 0xFFE5, -65344, 0},
    {0xFFE6, 0xFFE6, -57149, 0}, {0xFFE8, 0xFFE8, -56038, 0}, {0xFFE9, 0xFFEC, -56921, 0},
    {0xFFED, 0xFFED, -55885, 0}, {0xFFEE, 0xFFEE, -55843, 0}, {0x1F300, 0x1F6D7, 0, 0}, {0x1F6DD, 0x1F6EC, 0, 0},
    {0x1F6F0, 0x1F6FC, 0, 0}, {0x1F700, 0x1F773, 0, 0}, {0x1F780, 0x1F7D8, 0, 0}, {0x1F7E0, 0x1F7EB, 0, 0},
    {0x1F7F0, 0x1F7F0, 0, 0}, {0x1F800, 0x1F80B, 0, 0}, {0x1F810, 0x1F847, 0, 0}, {0x1F850, 0x1F859, 0, 0},
    {0x1F860, 0x1F887, 0, 0}, {0x1F890, 0x1F8AD, 0, 0}, {0x1F8B0, 0x1F8B1, 0, 0}, {0x1F900, 0x1FA53, 0, 0},
    {0x1FA60, 0x1FA6D, 0, 0}, {0x1FA70, 0x1FA74, 0, 0}, {0x1FA78, 0x1FA7C, 0, 0}, {0x1FA80, 0x1FA86, 0, 0},
    {0x1FA90, 0x1FAAC, 0, 0}, {0x1FAB0, 0x1FABA, 0, 0}, {0x1FAC0, 0x1FAC5, 0, 0}, {0x1FAD0, 0x1FAD9, 0, 0},
    {0x1FAE0, 0x1FAE7, 0, 0}, {0x1FAF0, 0x1FAF6, 0, 0},
};
// clang-format on

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// What UTS #46 makes of code point `cp` (not ASCII): the code point it maps to (itself when valid), -1 when it is
/// ignored, -2 when this table does not know it (then the domain is refused).
inline long idna_map(char32_t cp) noexcept {
  std::size_t lo = 0, hi = std::size(kIdnaRanges);
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    const IdnaRange& r = kIdnaRanges[mid];
    if (cp < r.first) hi = mid;
    else if (cp > r.last) lo = mid + 1;
    else if (r.kind == 2) return -1;
    else if (r.kind == 1 && (cp - r.first) % 2 == 1) return static_cast<long>(cp);
    else return static_cast<long>(cp) + r.delta;
  }
  return -2;
}

/// The code points of UTF-8 `text`, or false when it is no valid UTF-8 (overlong forms and surrogates included).
inline bool utf8_to_code_points(std::string_view text, std::u32string& out) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    constexpr char32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out += cp;
    i += n;
  }
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// RFC 3492 section 5's parameters for IDNA.
inline constexpr std::uint32_t kPunyBase = 36, kPunyTmin = 1, kPunyTmax = 26, kPunySkew = 38, kPunyDamp = 700;

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// RFC 3492 section 6.1: the bias after a delta.
inline std::uint32_t punycode_adapt(std::uint32_t delta, std::uint32_t points, bool first) noexcept {
  delta = first ? delta / kPunyDamp : delta / 2;
  delta += delta / points;
  std::uint32_t k = 0;
  while (delta > ((kPunyBase - kPunyTmin) * kPunyTmax) / 2) delta /= kPunyBase - kPunyTmin, k += kPunyBase;
  return k + (kPunyBase - kPunyTmin + 1) * delta / (delta + kPunySkew);
}

inline std::uint32_t punycode_threshold(std::uint32_t k, std::uint32_t bias) noexcept {
  return k <= bias ? kPunyTmin : k >= bias + kPunyTmax ? kPunyTmax : k - bias;
}

/// RFC 3492 section 6.3: appends the punycode of `label` (without "xn--") to `out`. The deltas stay far below 2^32:
/// a URL has at most 2083 bytes and a code point at most 0x10FFFF.
inline void punycode_encode(std::u32string_view label, std::string& out) {
  constexpr char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uint32_t basic = 0;
  for (char32_t c : label)
    if (c < 0x80) out += static_cast<char>(c), ++basic;
  if (basic > 0) out += '-';
  std::uint64_t n = 0x80, delta = 0;
  std::uint32_t bias = 72, handled = basic;
  while (handled < label.size()) {
    char32_t m = 0x10FFFF;
    for (char32_t c : label)
      if (c >= n && c < m) m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (char32_t c : label) {
      if (c < n) ++delta;
      if (c != n) continue;
      std::uint64_t q = delta;
      for (std::uint32_t k = kPunyBase;; k += kPunyBase) {
        const std::uint32_t t = punycode_threshold(k, bias);
        if (q < t) break;
        out += digits[t + (q - t) % (kPunyBase - t)];
        q = (q - t) / (kPunyBase - t);
      }
      out += digits[q];
      bias = punycode_adapt(static_cast<std::uint32_t>(delta), handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta, ++n;
  }
}

/// RFC 3492 section 6.2: the code points of punycode `text` (without "xn--"), or false when it is no punycode.
inline bool punycode_decode(std::string_view text, std::u32string& out) {
  const std::size_t dash = text.rfind('-');
  std::size_t in = 0;
  if (dash != std::string_view::npos) {
    for (std::size_t i = 0; i < dash; ++i) {
      if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
      out += static_cast<char32_t>(text[i]);
    }
    in = dash + 1;
  }
  std::uint64_t n = 0x80, i = 0;
  std::uint32_t bias = 72;
  constexpr std::uint64_t kMax = 0x7FFFFFFF;
  while (in < text.size()) {
    const std::uint64_t old_i = i;
    std::uint64_t w = 1;
    for (std::uint32_t k = kPunyBase;; k += kPunyBase) {
      if (in == text.size()) return false;
      const char c = text[in++];
      const std::uint64_t digit = c >= 'a' && c <= 'z'   ? c - 'a'
                                  : c >= 'A' && c <= 'Z' ? c - 'A'
                                  : c >= '0' && c <= '9' ? c - '0' + 26
                                                         : kMax;
      if (digit == kMax || digit * w > kMax - i) return false;
      i += digit * w;
      const std::uint32_t t = punycode_threshold(k, bias);
      if (digit < t) break;
      w *= kPunyBase - t;
      if (w > kMax) return false;
    }
    const std::uint64_t points = out.size() + 1;
    bias = punycode_adapt(static_cast<std::uint32_t>(i - old_i), static_cast<std::uint32_t>(points), old_i == 0);
    n += i / points;
    i %= points;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return false;
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(i), static_cast<char32_t>(n));
    ++i;
  }
  return true;
}

/// Whether `label` (after "xn--") is punycode the idna crate accepts: it decodes, holds a code point beyond ASCII,
/// every one valid as it is (lower case, no mapping; ASCII punctuation is left for the caller's forbidden-character
/// check), and encodes back to itself.
inline bool idna_valid_ace(std::string_view label) {
  std::u32string points;
  if (label.empty() || !punycode_decode(label, points)) return false;
  bool wide = false;
  for (char32_t c : points) {
    if (c >= 0x80) {
      wide = true;
      if (idna_map(c) != static_cast<long>(c)) return false;
    } else if ((c >= 'A' && c <= 'Z') || c == '.') {
      return false;  // an upper-case letter would have been mapped; a dot ends a label
    }
  }
  std::string again;
  punycode_encode(points, again);
  return wide && again == label;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Domain `host` (percent-decoded bytes) as ASCII: the idna crate's domain_to_ascii for the code points of
/// kIdnaRanges. ASCII is lower-cased, a label with other code points is mapped and becomes "xn--" + punycode, a
/// "xn--" label must be valid punycode. False when the host is no UTF-8 or holds a code point the table refuses.
/// Forbidden ASCII characters are left for the caller to refuse.
FASTAPI_DETAIL_INLINE bool domain_to_ascii(std::string_view host, std::string& out);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool domain_to_ascii(std::string_view host, std::string& out) {
  auto lower = [](char32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  std::u32string points, mapped;
  if (!utf8_to_code_points(host, points)) return false;
  for (char32_t c : points) {
    const long m = c < 0x80 ? static_cast<long>(lower(c)) : idna_map(c);
    if (m == -2) return false;
    if (m >= 0) mapped += static_cast<char32_t>(m);
  }
  std::u32string_view rest = mapped;
  for (bool more = true; more;) {
    const std::size_t dot = rest.find(U'.');
    more = dot != std::u32string_view::npos;
    const std::u32string_view label = rest.substr(0, dot);
    bool ascii = true;
    for (char32_t c : label) ascii = ascii && c < 0x80;
    if (ascii) {
      const std::size_t start = out.size();
      for (char32_t c : label) out += static_cast<char>(c);
      if (std::string_view(out).substr(start, 4) == "xn--" && !idna_valid_ace(std::string_view(out).substr(start + 4)))
        return false;
    } else if (label.substr(0, 4) == U"xn--") {
      return false;  // an ACE prefix must be followed by ASCII (UTS #46, 4.1)
    } else {
      out += "xn--";
      punycode_encode(label, out);
    }
    if (more) out += '.', rest.remove_prefix(dot + 1);
  }
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
