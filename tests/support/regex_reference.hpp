// tests/support/regex_reference.hpp: std::regex (ECMAScript), the reference tests/core/test_regex.cpp compares
// core/regex.hpp with. regex_reference.cpp is a translation unit of its own, always compiled at -O2
// (CMakeLists.txt): libstdc++'s std::regex at the tests' -O0, and under AddressSanitizer, made one test case
// ~57 s of the suite's CPU (24 s in the g++ binary, 33 s in the sanitized one); the same answers, optimized,
// take a fraction of that. The test file itself no longer instantiates std::regex.
#pragma once

#include <string>
#include <vector>

/// What std::regex says of one input.
struct RegexReference {
  bool search = false;  ///< std::regex_search: the pattern occurs somewhere in the input
  bool whole = false;   ///< std::regex_match: the pattern matches the whole input
};

/// std::regex's answers for `pattern` (ECMAScript) on each of `inputs`, in order.
std::vector<RegexReference> regex_reference(const std::string& pattern, const std::vector<std::string>& inputs);
