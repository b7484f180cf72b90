// tests/tutorial/test_43_behind_a_proxy.cpp: what docs/tutorial/43_behind_a_proxy.md says, checked on its example:
// the forwarded scheme and client, the redirect that keeps https, and the app mounted under the proxy's prefix.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/43_behind_a_proxy.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/43_behind_a_proxy") {
  TEST_CASE("from a trusted proxy, X-Forwarded-Proto and X-Forwarded-For say the scheme and the client") {
    fa::App app;
    behind_a_proxy::build(app);
    fa::testing::TestClient client{app};  // connects from 127.0.0.1: the trusted proxy
    CHECK(client.get("/client").text == R"({"host":"127.0.0.1","scheme":"http"})");
    const fa::testing::KeyValues forwarded{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "203.0.113.7"}};
    CHECK(client.get("/client", {.headers = forwarded}).text == R"({"host":"203.0.113.7","scheme":"https"})");
    fa::testing::KeyValues with_host = forwarded;
    with_host.emplace_back("Host", "example.com");
    auto redirect = client.get("/items", {.headers = with_host, .follow_redirects = false});
    CHECK(redirect.status == 307);
    CHECK(redirect.header("location") == "https://example.com/items/");
    CHECK(client.get("/app").text == R"({"message":"Hello World","root_path":""})");
  }

  TEST_CASE("mounted under the prefix the proxy keeps: root_path, the docs and the OpenAPI server follow it") {
    fa::App api;
    behind_a_proxy::build(api);
    fa::App app;
    app.mount("/api/v1", api);
    fa::testing::TestClient client{app};
    CHECK(client.get("/api/v1/app").text == R"({"message":"Hello World","root_path":"/api/v1"})");
    auto doc = client.get("/api/v1/openapi.json").json();
    CHECK(doc["servers"].dump() == R"([{"url":"/api/v1"}])");
    CHECK(doc["paths"].contains("/app"));
    CHECK(client.get("/api/v1/docs").text.find("/api/v1/openapi.json") != std::string::npos);
    CHECK(client.get("/app").status == 404);
  }
}
