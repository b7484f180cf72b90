// tests/fuzz/fuzz_target.hpp: how a fuzz target tests/fuzz/fuzz_<name>.cpp declares its entry point. All the
// targets are built as one program (tests/fuzz/main.cpp, which defines libFuzzer's LLVMFuzzerTestOneInput and
// picks the target by the program's name), in one translation unit: the library's headers are parsed and
// instrumented once for all of them instead of once per target. So a target defines no LLVMFuzzerTestOneInput of
// its own, and keeps its helpers in its own namespace, fuzz_<name>:
//
//   namespace fuzz_range {
//   void require(bool ok, const char* what) { ... }
//   }  // namespace fuzz_range
//
//   FASTAPI_FUZZ_TARGET(range, bytes, size) {  // defines fuzz_range::test_one_input(bytes, size), registered
//     ...                                      // as "range"; its body sees fuzz_range's names
//     return 0;
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fuzz_target {

/// A target's entry point, LLVMFuzzerTestOneInput's signature.
using Function = int (*)(const std::uint8_t* data, std::size_t size);

struct Target {
  std::string_view name;
  Function function;
};

/// Every target of the program, in the order their files are included.
inline std::vector<Target>& targets() {
  static std::vector<Target> all;
  return all;
}

inline bool add(std::string_view name, Function function) {
  targets().push_back({name, function});
  return true;
}

}  // namespace fuzz_target

/// Declares and registers fuzz_<name>::test_one_input(data, size), then opens its definition: the body follows.
/// Two targets with the same name are a compile error (the function is defined twice).
#define FASTAPI_FUZZ_TARGET(name, data, size)                                                      \
  namespace fuzz_##name {                                                                          \
    int test_one_input(const std::uint8_t* data, std::size_t size);                                \
    [[maybe_unused]] const bool registered_as_target = ::fuzz_target::add(#name, &test_one_input); \
  }                                                                                                \
  int fuzz_##name::test_one_input(const std::uint8_t* data, std::size_t size)
