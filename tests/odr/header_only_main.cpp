// tests/odr/header_only_main.cpp, with header_only_second.cpp: the header-only build (no
// FASTAPI_SEPARATE_COMPILATION) links from two translation units that include the whole header. A function or
// variable defined in the header that is neither inline nor a template is compiled into both, and the link
// fails with a duplicate symbol: the program building is the proof (scripts/test.sh builds and runs it).
// The separate-compilation half of the check is tests/odr/second_tu.cpp, in both test binaries.
#include "fastapi.hpp"

namespace odr_header_only {
int second_translation_unit();
}

int main() { return odr_header_only::second_translation_unit() == 2 ? 0 : 1; }
