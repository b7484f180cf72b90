// tests/tutorial/test_12_header_parameters.cpp: what docs/tutorial/12_header_parameters.md says, checked on its
// example.
#include <doctest/doctest.h>

#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/12_header_parameters.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/12_header_parameters") {
  TEST_CASE("user_agent reads User-Agent: underscores match hyphens, and case does not matter") {
    fa::App app;
    header_parameters::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/", {.headers = {{"User-Agent", "curl/8"}}}).text == R"({"User-Agent":"curl/8"})");
    CHECK(client.get("/items/", {.headers = {{"user-agent", "lower"}}}).text == R"({"User-Agent":"lower"})");
  }

  TEST_CASE("a repeated header is a list of every value") {
    fa::App app;
    header_parameters::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/tokens/", {.headers = {{"X-Token", "foo"}, {"X-Token", "bar"}}});
    CHECK(r.text == R"({"X-Token values":["foo","bar"]})");
    CHECK(client.get("/tokens/").text == R"({"X-Token values":[]})");
  }

  TEST_CASE("the OpenAPI document names the header as it is sent") {
    fa::App app;
    header_parameters::build(app);
    fa::testing::TestClient client{app};
    auto parameter = client.get("/openapi.json").json()["paths"]["/items/"]["get"]["parameters"][0];
    CHECK(parameter["name"] == "user-agent");
    CHECK(parameter["in"] == "header");
  }
}
