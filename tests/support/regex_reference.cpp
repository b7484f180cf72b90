// tests/support/regex_reference.cpp: std::regex's answers, compiled at -O2 (regex_reference.hpp says why).
#include "regex_reference.hpp"

#include <regex>
#include <string>
#include <vector>

namespace {
/// std::regex_traits<char> under a name of this file's own. Other test files use std::regex at -O0, and the
/// linker keeps one copy of each template function it instantiates: ours at -O2 would be dropped for theirs
/// (measured: the reference ran as slowly as before). Instantiated with a type of internal linkage, this
/// file's std::basic_regex functions are its own.
struct Traits : std::regex_traits<char> {};
}  // namespace

std::vector<RegexReference> regex_reference(const std::string& pattern, const std::vector<std::string>& inputs) {
  const std::basic_regex<char, Traits> reference(pattern, std::regex_constants::ECMAScript);
  std::vector<RegexReference> out;
  out.reserve(inputs.size());
  for (const std::string& in : inputs)
    out.push_back({std::regex_search(in, reference), std::regex_match(in, reference)});
  return out;
}
