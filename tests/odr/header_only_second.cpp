// tests/odr/header_only_second.cpp: the second translation unit of tests/odr/header_only_main.cpp.
#include "fastapi.hpp"

namespace odr_header_only {
int second_translation_unit() { return 2; }
}  // namespace odr_header_only
