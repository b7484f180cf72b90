// tests/fuzz/main.cpp: the one libFuzzer program that holds every fuzz target, tests/fuzz/fuzz_<name>.cpp. The
// targets are not included here: tests/fuzz/run.sh compiles this file with `-include tests/fuzz/fuzz_<name>.cpp`
// for each file its glob finds, so a new target is built without an edit here (each registers itself through
// FASTAPI_FUZZ_TARGET, tests/fuzz/fuzz_target.hpp). One translation unit, one compile, one link: the library's
// headers are parsed and instrumented once for all the targets.
//
// The program runs one target per process, picked by the name it was run as: run.sh links build/fuzz/fuzz_<name>
// to it, and `build/fuzz/fuzz_parser CORPUS...` fuzzes the parser alone, its own corpus, dictionary and
// artifacts given by the command line as for a program built for one target. The name is read from argv[0],
// which libFuzzer passes on unchanged to the processes it starts itself (-merge, -fork, -jobs). A name that
// names no target exits 2 with the list.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_target.hpp"

namespace {

fuzz_target::Function selected = nullptr;

/// "build/fuzz/fuzz_parser" -> "parser".
std::string_view target_name(std::string_view program) {
  if (auto slash = program.rfind('/'); slash != std::string_view::npos) program.remove_prefix(slash + 1);
  if (program.starts_with("fuzz_")) program.remove_prefix(5);
  return program;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  const std::string_view program = *argc > 0 ? (*argv)[0] : "";
  const std::string_view name = target_name(program);
  for (const auto& target : fuzz_target::targets())
    if (target.name == name) selected = target.function;
  if (selected == nullptr) {
    std::fprintf(stderr, "%.*s: no fuzz target named '%.*s'; run this program as fuzz_<name> (a link to it), one of:",
                 static_cast<int>(program.size()), program.data(), static_cast<int>(name.size()), name.data());
    for (const auto& target : fuzz_target::targets())
      std::fprintf(stderr, " fuzz_%.*s", static_cast<int>(target.name.size()), target.name.data());
    std::fprintf(stderr, "\n");
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { return selected(data, size); }
