// core/utf8.hpp: an incremental UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
// Fed bytes in pieces of any size (a code point may straddle two pieces); feeds websocket/frame_parser.hpp (text
// messages and close reasons, checked as bytes arrive). Knows nothing of frames or HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace fastapi::detail {

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
        if (c < 0xC2) return fail();  // stray continuation byte, or the overlong C0/C1
        if (c < 0xE0) {
          need_ = 1;
        } else if (c < 0xF0) {
          need_ = 2;
          if (c == 0xE0) lo_ = 0xA0;  // overlong 3-byte form
          if (c == 0xED) hi_ = 0x9F;  // UTF-16 surrogates U+D800..U+DFFF
        } else if (c < 0xF5) {
          need_ = 3;
          if (c == 0xF0) lo_ = 0x90;  // overlong 4-byte form
          if (c == 0xF4) hi_ = 0x8F;  // past U+10FFFF
        } else {
          return fail();
        }
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
