// tests/odr/second_tu.cpp: a second translation unit that includes the whole header and uses it.
// Linking it with the rest of the suite proves, in the header-only build (the modular suite), that every
// function in the header is inline or a template (a non-inline definition would be a duplicate symbol at
// link time; with clang++, whose batches use a PCH whose object alone defines the header's functions,
// CMakeLists.txt checks that object for a non-inline definition instead), and in the separate-compilation
// build (the single header's suite, linked with fastapi_impl) that a translation unit compiled against the
// declarations only finds every definition there.
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
