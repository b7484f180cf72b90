// tests/core/test_macros.cpp: the header's internal macros (FASTAPI_DETAIL_*) do not leak into the code that
// includes it (core/macro_unscope.hpp undoes them); its user-facing ones (configuration, version) stay.
// Built in both faces of the suite: the umbrella include/fastapi.hpp and the generated single header.
// tests/tools/test_macros.py checks that every #define FASTAPI_DETAIL_ under include/ is listed here.
#include "fastapi.hpp"

#include <doctest/doctest.h>

#include <string_view>

// One line per internal macro under include/ (a compile error names the one that leaked).
#if defined(FASTAPI_DETAIL_INLINE)
#error "FASTAPI_DETAIL_INLINE leaks out of fastapi.hpp: #undef it in core/macro_unscope.hpp"
#endif
#if defined(FASTAPI_DETAIL_DEFINE_FUNCTIONS)
#error "FASTAPI_DETAIL_DEFINE_FUNCTIONS leaks out of fastapi.hpp: #undef it in core/macro_unscope.hpp"
#endif
#if defined(FASTAPI_DETAIL_ASIO)
#error "FASTAPI_DETAIL_ASIO leaks out of fastapi.hpp: #undef it in core/macro_unscope.hpp"
#endif
#if defined(FASTAPI_DETAIL_SIMDJSON_CONFIGURATION)
#error "FASTAPI_DETAIL_SIMDJSON_CONFIGURATION leaks out of fastapi.hpp: #undef it after its use in core/config.hpp"
#endif
#if defined(FASTAPI_DETAIL_MARKER)
#error "FASTAPI_DETAIL_MARKER leaks out of fastapi.hpp: #undef it after its use in params/markers.hpp"
#endif
#if defined(FASTAPI_DETAIL_HAS_CXXABI)
#error "FASTAPI_DETAIL_HAS_CXXABI leaks out of fastapi.hpp: #undef it after its use in app/exceptions.hpp"
#endif
#if defined(FASTAPI_DETAIL_API_KEY)
#error "FASTAPI_DETAIL_API_KEY leaks out of fastapi.hpp: #undef it after its use in security/api_key.hpp"
#endif

// The user-facing ones stay (README's macro table; the version).
#if !defined(FASTAPI_MAX_BODY_SIZE) || !defined(FASTAPI_MAX_REQUEST_LINE) || !defined(FASTAPI_MAX_HEADER_BYTES) || \
    !defined(FASTAPI_MAX_HEADERS) || !defined(FASTAPI_MAX_PATH_PARAMS) || !defined(FASTAPI_DEFAULT_PORT)
#error "a configuration macro of core/config.hpp was undone: only FASTAPI_DETAIL_* may be"
#endif
#if !defined(FASTAPI_VERSION_MAJOR) || !defined(FASTAPI_VERSION_MINOR) || !defined(FASTAPI_VERSION_PATCH) || \
    !defined(FASTAPI_VERSION_STRING)
#error "a version macro of core/version.hpp was undone: only FASTAPI_DETAIL_* may be"
#endif

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_macros_file {

namespace fa = fastapi;

TEST_SUITE("core/macros") {
  TEST_CASE("after fastapi.hpp, the configuration and version macros are defined and the library works") {
    CHECK(fa::Config{}.max_body_size == FASTAPI_MAX_BODY_SIZE);
    CHECK(std::string_view(FASTAPI_VERSION_STRING).size() >= 5);
    // Functions marked FASTAPI_DETAIL_INLINE are still callable (declared before the macro was undone).
    CHECK(fa::Json{{"detail", "Not Found"}}.dump() == R"({"detail":"Not Found"})");
  }
}

}  // namespace test_macros_file
