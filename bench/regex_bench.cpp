// bench/regex_bench.cpp: ns per check of fastapi's pattern matcher (core/regex.hpp, a Thompson NFA) beside
// std::regex (ECMAScript, backtracking) on 100-byte inputs, for the patterns Rule.pattern is used with most:
// a username `^[a-z0-9_]{3,50}$` and an e-mail-like pattern; plus how each fares on long inputs (std::regex
// recurses once per character and overflows the stack somewhere above ~30 KB at -O2: that column is ours only).
// Build: g++ -std=c++20 -O2 -DNDEBUG -Iinclude bench/regex_bench.cpp -o regex_bench
// Run:   ./regex_bench       (best of 7 batches per cell; one machine-readable line per cell:
//        BENCH regex pattern=... input=... ours_ns=... std_ns=... ratio=...   ratio = ours / std, lower is better)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "fastapi/core/regex.hpp"

namespace {

template <class F>
double best_ns(F&& f, int iters) {
  double best = 1e300;
  for (int batch = 0; batch < 7; ++batch) {
    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < iters; ++k) f();
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / iters);
  }
  return best;
}

volatile bool sink;

struct Case {
  const char* pattern;
  const char* input_name;
  std::string input;
};

}  // namespace

int main() {
  const std::string user_ok = std::string(40, 'a') + "_bob_42";                 // 47 bytes, matches
  const std::string user_100 = std::string(96, 'x') + "_123";                   // 100 bytes: too long, no match
  const std::string mail_100 = std::string(80, 'j') + ".doe@mail.example.com";  // 100 bytes, matches
  const std::string mail_bad = std::string(100, 'j');                           // 100 bytes, no @
  const char* user = "^[a-z0-9_]{3,50}$";
  const char* mail = "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$";
  std::vector<Case> cases = {
      {user, "47-byte-match", user_ok},
      {user, "100-byte-no-match", user_100},
      {mail, "100-byte-match", mail_100},
      {mail, "100-byte-no-match", mail_bad},
  };
  std::printf("| pattern | input | fastapi ns | std::regex ns | ratio (fastapi / std) |\n|---|---|---|---|---|\n");
  for (const Case& c : cases) {
    const auto ours = fastapi::detail::Regex::compile(c.pattern);
    const std::regex theirs(c.pattern, std::regex::ECMAScript);
    if (ours.matches(c.input) != std::regex_search(c.input, theirs)) {
      std::printf("DISAGREE on %s %s\n", c.pattern, c.input_name);
      return 1;
    }
    const double a = best_ns([&] { sink = ours.matches(c.input); }, 20000);
    const double b = best_ns([&] { sink = std::regex_search(c.input, theirs); }, 20000);
    std::printf("| `%s` | %s | %.0f | %.0f | %.2f |\n", c.pattern, c.input_name, a, b, a / b);
    std::fprintf(stderr, "BENCH regex pattern=%s input=%s ours_ns=%.0f std_ns=%.0f ratio=%.2f\n", c.pattern,
                 c.input_name, a, b, a / b);
  }
  // Long inputs, ours only (std::regex would crash): time per byte stays flat.
  std::printf("\n| pattern | input | fastapi ns per byte |\n|---|---|---|\n");
  for (std::size_t n : {std::size_t{1} << 10, std::size_t{1} << 20}) {
    const std::string s(n, 'a');
    const auto r = fastapi::detail::Regex::compile("^[a-z]+$");
    const double t = best_ns([&] { sink = r.matches(s); }, n > 4096 ? 3 : 2000);
    std::printf("| `^[a-z]+$` | %zu bytes of a | %.2f |\n", n, t / static_cast<double>(n));
    std::fprintf(stderr, "BENCH regex-long pattern=^[a-z]+$ bytes=%zu ns_per_byte=%.2f\n", n,
                 t / static_cast<double>(n));
  }
  return 0;
}
