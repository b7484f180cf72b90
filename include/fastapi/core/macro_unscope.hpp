// core/macro_unscope.hpp: the end of the header: undoes the internal macros (FASTAPI_DETAIL_*) that
// core/config.hpp defines for the modules, so that none of them leaks into the code that includes
// fastapi.hpp (nlohmann/json's macro_scope.hpp / macro_unscope.hpp pair is the model). Listed last in the
// umbrella, so it runs after every module, in the single header as in include/fastapi.hpp. Fed by nothing;
// feeds nothing. Knows only the names of the internal macros.
//
// User-facing macros stay: the configuration (FASTAPI_MAX_BODY_SIZE, FASTAPI_ENABLE_GZIP,
// FASTAPI_SEPARATE_COMPILATION, ...: README's macro table) and the version (FASTAPI_VERSION_*).
// A macro used by one module only is undone at the end of that module (FASTAPI_DETAIL_MARKER in
// params/markers.hpp). A program that includes single modules and never the umbrella keeps these macros
// defined: harmless (they are spelled FASTAPI_DETAIL_), and every module still sees them, since each
// includes core/config.hpp. Once the umbrella has been included, every module has been too (#pragma once),
// so nothing of fastapi needs them again in that translation unit.
// tests/core/test_macros.cpp checks that none is defined after fastapi.hpp; tests/tools/test_macros.py,
// that every #define FASTAPI_DETAIL_ under include/ has its #undef.
#pragma once

#undef FASTAPI_DETAIL_INLINE
#undef FASTAPI_DETAIL_DEFINE_FUNCTIONS
#undef FASTAPI_DETAIL_ASIO
