// core/utf8.hpp: an incremental UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
// Fed bytes in pieces of any size (a code point may straddle two pieces); feeds websocket/frame_parser.hpp (text
// messages and close reasons, checked as bytes arrive) and json/sink.hpp (utf8_sequence: the writer's U+FFFD
// replacement). One lead-byte table (utf8_lead) serves both. Knows nothing of frames, HTTP or JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace fastapi::detail {

/// What a byte >= 0x80 allows as the lead of a UTF-8 sequence (Unicode 15 Table 3-7): how many continuation
/// bytes follow, and the range of the first of them (the others are 80-BF). need == 0: not a lead byte
/// (80-C1, F5-FF). The one table for the JSON writer (json/sink.hpp) and the WebSocket validator below.
struct Utf8Lead {
  std::uint8_t need;
  unsigned char lo, hi;
};
constexpr Utf8Lead utf8_lead(unsigned char c) noexcept {
  if (c >= 0xC2 && c <= 0xDF) return {1, 0x80, 0xBF};
  if (c == 0xE0) return {2, 0xA0, 0xBF};  // no overlongs
  if (c == 0xED) return {2, 0x80, 0x9F};  // no surrogates U+D800-DFFF
  if (c >= 0xE1 && c <= 0xEF) return {2, 0x80, 0xBF};
  if (c == 0xF0) return {3, 0x90, 0xBF};  // no overlongs
  if (c >= 0xF1 && c <= 0xF3) return {3, 0x80, 0xBF};
  if (c == 0xF4) return {3, 0x80, 0x8F};  // nothing above U+10FFFF
  return {0, 0, 0};
}

/// At a byte >= 0x80: the length of the valid UTF-8 sequence starting there (2..4), or minus the
/// length of its maximal invalid subpart (what the JSON writer replaces with one U+FFFD).
inline int utf8_sequence(const unsigned char* p, std::size_t avail) noexcept {
  const Utf8Lead lead = utf8_lead(p[0]);
  if (lead.need == 0) return -1;
  unsigned lo = lead.lo, hi = lead.hi;
  for (int k = 1; k <= lead.need; ++k) {
    if (static_cast<std::size_t>(k) >= avail || p[k] < lo || p[k] > hi) return -k;
    lo = 0x80, hi = 0xBF;
  }
  return lead.need + 1;
}

/// `Utf8Validator v; v.feed(a) && v.feed(b) && v.complete()`: true when a+b is valid UTF-8.
/// Once feed returns false the validator stays failed.
class Utf8Validator {
 public:
  /// Checks more bytes; false as soon as a byte cannot continue any valid sequence.
  bool feed(std::string_view data) {
    if (failed_) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const auto* end = p + data.size();
    while (p < end) {
      if (need_ == 0) {
        // ASCII runs, 8 bytes at a time
        while (end - p >= 8) {
          std::uint64_t w;
          std::memcpy(&w, p, 8);
          if (w & 0x8080808080808080ull) break;
          p += 8;
        }
        if (p == end) break;
        unsigned char c = *p++;
        if (c < 0x80) continue;
        const Utf8Lead lead = utf8_lead(c);
        if (lead.need == 0) return fail();  // a stray continuation byte, an overlong C0/C1, F5-FF
        need_ = lead.need;
        lo_ = lead.lo;
        hi_ = lead.hi;
      } else {
        unsigned char c = *p++;
        if (c < lo_ || c > hi_) return fail();
        lo_ = 0x80;
        hi_ = 0xBF;
        --need_;
      }
    }
    return true;
  }
  /// True when every sequence fed so far is finished (none cut in the middle) and none was invalid.
  bool complete() const { return !failed_ && need_ == 0; }
  bool failed() const { return failed_; }
  void reset() { *this = Utf8Validator{}; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  unsigned char lo_ = 0x80, hi_ = 0xBF;  // the range of the next continuation byte
  std::uint8_t need_ = 0;                // continuation bytes still expected
  bool failed_ = false;
};

/// True when `s` is valid UTF-8 as a whole.
inline bool is_valid_utf8(std::string_view s) {
  Utf8Validator v;
  return v.feed(s) && v.complete();
}

}  // namespace fastapi::detail
