// tests/support/regex_reference.cpp: std::regex's answers, compiled at -O2 (regex_reference.hpp says why).
#include "regex_reference.hpp"

#include <regex>
#include <string>
#include <vector>

std::vector<RegexReference> regex_reference(const std::string& pattern, const std::vector<std::string>& inputs) {
  const std::regex reference(pattern, std::regex::ECMAScript);
  std::vector<RegexReference> out;
  out.reserve(inputs.size());
  for (const std::string& in : inputs)
    out.push_back({std::regex_search(in, reference), std::regex_match(in, reference)});
  return out;
}
