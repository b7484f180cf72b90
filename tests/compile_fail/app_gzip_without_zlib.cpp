// expect: fa::GZipMiddleware needs zlib: define FASTAPI_ENABLE_GZIP
// misuse: `fa::GZipMiddleware` without `FASTAPI_ENABLE_GZIP`
// fix: compile with `-DFASTAPI_ENABLE_GZIP` (every translation unit, or `#define FASTAPI_ENABLE_GZIP` before the first include of fastapi) and link zlib: `g++ -std=c++20 -DFASTAPI_ENABLE_GZIP app.cpp -lsimdjson -lz -pthread`.
// tests/compile_fail/app_gzip_without_zlib.cpp: must not compile; compression needs zlib, which is opt-in, and the
// build says how to opt in rather than failing at link time.
#include "fastapi/app/app.hpp"
#include "fastapi/middleware/gzip.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.add_middleware<fa::GZipMiddleware>({.minimum_size = 1000});
}
