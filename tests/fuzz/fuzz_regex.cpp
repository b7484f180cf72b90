// tests/fuzz/fuzz_regex.cpp: libFuzzer target for core/regex.hpp. The input is a pattern, a NUL byte, then a
// text. The compile-time check and the compiler must agree (same refusal, same program size); a compiled
// pattern must give the same answer with and without its DFA cache, twice; a whole match implies a match
// somewhere. Patterns are cut at 256 bytes (a Rule's limit) and texts at 4 KiB so each run stays fast.
// Build and run with tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fastapi/core/regex.hpp"
#include "fuzz_target.hpp"

namespace fuzz_regex {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_regex invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace fuzz_regex

FASTAPI_FUZZ_TARGET(regex, bytes, size) {
  std::string_view in(reinterpret_cast<const char*>(bytes), size);
  const std::size_t nul = in.find('\0');
  std::string_view pattern = in.substr(0, nul), text = nul == std::string_view::npos ? in : in.substr(nul + 1);
  if (pattern.size() > 256) pattern = pattern.substr(0, 256);
  if (text.size() > 4096) text = text.substr(0, 4096);

  for (bool full : {false, true}) {
    const fa::detail::RegexCheck check = fa::detail::check_regex(pattern, full);
    fa::detail::Regex r;
    bool compiled = true;
    try {
      r = fa::detail::Regex::compile(pattern, full);
    } catch (const fa::ConfigurationError&) {
      compiled = false;
    }
    require(compiled == (check.error == fa::detail::RegexError::none), "check_regex and compile disagree");
    if (!compiled) return 0;
    require(check.program_size == r.program_size(), "check_regex counted another program size");
    const bool a = r.matches(text), b = r.matches(text), c = r.matches_uncached(text);
    require(a == b, "the DFA cache changed its answer");
    require(a == c, "the DFA cache and the NFA disagree");
    if (full && a) {
      require(fa::detail::Regex::compile(pattern).matches(text), "a whole match but no match anywhere");
    }
  }
  return 0;
}
