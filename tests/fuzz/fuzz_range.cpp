// tests/fuzz/fuzz_range.cpp: libFuzzer target for http/range.hpp. Whatever the header, parse_range answers
// with ranges that are inside the representation, sorted, disjoint and not adjacent, at most max_ranges of
// them, and never more bytes than the representation holds. The first 8 bytes pick the size.
// Build and run with tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "fastapi/http/range.hpp"
#include "fuzz_target.hpp"

namespace fuzz_range {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_range invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace fuzz_range

FASTAPI_FUZZ_TARGET(range, bytes, size) {
  std::uint64_t sizes[3] = {0, 1, 1000};
  if (size >= 8) {
    std::memcpy(&sizes[0], bytes, 8);
    bytes += 8;
    size -= 8;
  }
  std::string_view header(reinterpret_cast<const char*>(bytes), size);
  for (std::uint64_t n : sizes) {
    fa::RangeRequest r = fa::parse_range(header, n);
    if (r.kind != fa::RangeRequest::Kind::ranges) {
      require(r.ranges.empty(), "ranges handed out with a non-range answer");
      continue;
    }
    require(!r.ranges.empty() && r.ranges.size() <= fa::max_ranges, "range count");
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < r.ranges.size(); ++i) {
      const fa::ByteRange& b = r.ranges[i];
      require(b.first <= b.last && b.last < n, "range outside the representation");
      if (i > 0) require(b.first > r.ranges[i - 1].last + 1, "ranges not sorted, or overlapping, or adjacent");
      total += b.length();
    }
    require(total <= n, "more bytes than the representation");
  }
  return 0;
}
