// tests/support/regex_reference.hpp: std::regex (ECMAScript), the reference tests/core/test_regex.cpp compares
// core/regex.hpp with. regex_reference.cpp is a translation unit of its own, always compiled at -O2
// (CMakeLists.txt), with a traits type of its own so that the linker cannot swap its optimized std::regex code
// for another test file's -O0 copy: libstdc++'s std::regex at the tests' -O0, and under AddressSanitizer, made
// the differential test case 5.2 s of CPU in the g++ binary and 20.8 s in the sanitized one; 1.0 s and 3.7 s now.
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
