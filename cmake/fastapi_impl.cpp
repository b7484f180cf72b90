// fastapi::impl's one translation unit (CMakeLists.txt): the library's non-template functions, compiled once.
// A file of the source tree, not one generated in each build tree: two builds of this checkout (a parent
// project's add_subdirectory and the package's own build) then compile the same path, which ccache, with
// CCACHE_BASEDIR at the checkout, sees as the same compile (tests/cmake/run.sh builds the library once so).
#define FASTAPI_IMPLEMENTATION
#include "fastapi.hpp"
