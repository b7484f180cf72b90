// http/range.hpp: the `Range` request header (RFC 9110 section 14.2) -> the byte ranges of a representation of
// known size, sorted and merged, or why not. Fed by FileResponse (and so StaticFiles); knows nothing of files.
//
// What a server owes a hostile Range: bounded work (one pass over the header, n log n to sort), no overflow
// (a 40-digit position is just "very large"), and no amplification (overlapping ranges are merged, so
// `bytes=0-,0-,0-...` is one copy of the file, not a thousand; more than max_ranges disjoint ranges are
// ignored and the whole file is sent, as Apache's MaxRanges does).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fastapi/core/config.hpp"

namespace fastapi {

/// One satisfiable range, both ends included (`bytes=0-99` is {0, 99}).
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

/// What a Range header asks of a representation of `size` bytes.
struct RangeRequest {
  enum class Kind {
    whole,          ///< no Range, or one to ignore (too many ranges): 200 with everything
    ranges,         ///< 206: `ranges` holds one range (Content-Range) or several (multipart/byteranges)
    malformed,      ///< 400 "Malformed range header." (Starlette's answer; not the `bytes` unit, bad syntax)
    unsatisfiable,  ///< 416 with `Content-Range: bytes */size`: no range starts inside the representation
  };
  Kind kind = Kind::whole;
  std::vector<ByteRange> ranges{};  ///< sorted, disjoint and not adjacent (merged), each inside [0, size)
};

namespace detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
inline bool is_range_space(char c) { return c == ' ' || c == '\t'; }

/// A run of digits as a number; saturates (a position beyond 2^64 is as good as "past the end"). False when
/// `s` is empty or holds anything but digits.
inline bool parse_range_number(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<std::uint64_t>(c - '0');
    v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
  }
  out = v;
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

/// Ranges beyond this many (after merging) are not served piecewise: the whole representation is.
inline constexpr std::size_t max_ranges = 100;

/// Reads `header` (the Range value) for a representation of `size` bytes.
///     parse_range("bytes=0-99, -100", 10000) -> ranges {0-99}, {9900-9999}
/// Syntax (RFC 9110 section 14.1.1): `bytes=` (any case), then a comma-separated list (empty elements and
/// spaces allowed) of `first-last`, `first-` or `-suffix`. A range whose first is past the end is dropped; when
/// none is left, unsatisfiable. `last` beyond the end is cut to it; first > last is malformed, as RFC 9110 says.
FASTAPI_DETAIL_INLINE RangeRequest parse_range(std::string_view header, std::uint64_t size);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE RangeRequest parse_range(std::string_view header, std::uint64_t size) {
  using Kind = RangeRequest::Kind;
  RangeRequest out;
  while (!header.empty() && detail::is_range_space(header.front())) header.remove_prefix(1);
  while (!header.empty() && detail::is_range_space(header.back())) header.remove_suffix(1);
  constexpr std::string_view unit = "bytes=";
  if (header.size() < unit.size()) return {Kind::malformed};
  for (std::size_t i = 0; i < unit.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != unit[i]) return {Kind::malformed};
  }
  header.remove_prefix(unit.size());
  bool any = false;
  while (true) {
    std::size_t comma = header.find(',');
    std::string_view spec = header.substr(0, comma);
    while (!spec.empty() && detail::is_range_space(spec.front())) spec.remove_prefix(1);
    while (!spec.empty() && detail::is_range_space(spec.back())) spec.remove_suffix(1);
    if (!spec.empty()) {
      any = true;
      std::size_t dash = spec.find('-');
      if (dash == std::string_view::npos) return {Kind::malformed};
      std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
      std::uint64_t first = 0, last = 0;
      if (a.empty()) {  // a suffix: the last `b` bytes
        if (!detail::parse_range_number(b, last)) return {Kind::malformed};
        if (last > 0 && size > 0) out.ranges.push_back({last >= size ? 0 : size - last, size - 1});
      } else {
        if (!detail::parse_range_number(a, first)) return {Kind::malformed};
        if (b.empty()) {
          last = UINT64_MAX;
        } else if (!detail::parse_range_number(b, last) || last < first) {
          return {Kind::malformed};
        }
        if (first < size) out.ranges.push_back({first, std::min(last, size - 1)});
      }
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  if (!any) return {Kind::malformed};
  if (out.ranges.empty()) return {Kind::unsatisfiable};
  std::sort(out.ranges.begin(), out.ranges.end(), [](const ByteRange& x, const ByteRange& y) {
    return x.first < y.first || (x.first == y.first && x.last < y.last);
  });
  std::size_t kept = 0;  // merge overlapping and adjacent ranges in place
  for (std::size_t i = 1; i < out.ranges.size(); ++i) {
    ByteRange& back = out.ranges[kept];
    const ByteRange& r = out.ranges[i];
    if (r.first <= back.last || r.first - back.last == 1) {
      back.last = std::max(back.last, r.last);
    } else {
      out.ranges[++kept] = r;
    }
  }
  out.ranges.resize(kept + 1);
  if (out.ranges.size() > max_ranges) return {Kind::whole};
  out.kind = Kind::ranges;
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
