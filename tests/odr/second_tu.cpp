// tests/odr/second_tu.cpp: a second translation unit that includes the whole header and uses it.
// Linking it with the rest of the suite proves, in the separate-compilation build (both test binaries: the single
// header's suite linked with fastapi_impl, the sanitized modular suite with fastapi_impl_modular), that a
// translation unit compiled against the declarations only finds every definition there; built header-only (a
// plain `cmake --build`), that every function in the header is inline or a template. scripts/test.sh proves the
// header-only half with tests/odr/header_only_main.cpp.
#include "fastapi.hpp"

#include <doctest/doctest.h>

// Everything below is this file's own (the tests are compiled as a unity build).
namespace second_tu_file {

namespace fa = fastapi;

namespace odr_second_tu {
std::string render_not_found() {
  fa::Json j{{"detail", "Not Found"}};
  return j.dump();
}
}  // namespace odr_second_tu

TEST_SUITE("odr") {
  TEST_CASE("the header links into a second translation unit and works there") {
    CHECK(odr_second_tu::render_not_found() == R"({"detail":"Not Found"})");
    fa::App app;
    app.get("/odr", [] { return std::string("second tu"); });
    fa::testing::TestClient client{app};
    auto r = client.get("/odr");
    CHECK(r.status == 200);
    CHECK(r.text == "second tu");
  }
}

}  // namespace second_tu_file
