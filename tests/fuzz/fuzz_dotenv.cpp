// tests/fuzz/fuzz_dotenv.cpp: libFuzzer target for di/settings.hpp's parse_dotenv: any text gives pairs whose key
// is non-empty and free of `=`, blanks and line breaks, and a file written back from those pairs (single-quoted,
// quotes escaped) reads as the same pairs. Build and run with tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fastapi/di/settings.hpp"
#include "fuzz_target.hpp"

namespace fuzz_dotenv {

namespace fa = fastapi;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_dotenv invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace fuzz_dotenv

FASTAPI_FUZZ_TARGET(dotenv, data, size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pairs = fa::parse_dotenv(text);
  std::string written;
  for (const auto& [key, value] : pairs) {
    require(!key.empty(), "empty key");
    require(key.find_first_of("= \t\r\n#") == std::string::npos, "key holds a separator");
    require(key[0] != '\'' && key[0] != '"', "key starts with a quote");
    written += key + "='";
    for (char c : value) {
      if (c == '\'' || c == '\\') written += '\\';
      written += c;
    }
    written += "'\n";
  }
  auto again = fa::parse_dotenv(written);
  require(again == pairs, "pairs written back read differently");
  return 0;
}
