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

  // Debian's uvicorn 0.17.6 and Starlette 0.26.1: --root-path sets scope["root_path"] and strips nothing; the
  // router matches scope["path"], the path as received.
  TEST_CASE("root_path (uvicorn's --root-path) for the proxy that strips the prefix: req.root_path, the docs page, "
            "the OpenAPI servers, the redirect; the routes match the path as received") {
    fa::App app;
    behind_a_proxy::build(app);
    fa::Config config = fa::testing::TestClient::default_config();
    config.root_path = "/api/v1";
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/app").text == R"({"message":"Hello World","root_path":"/api/v1"})");
    CHECK(client.get("/api/v1/app").status == 404);  // the proxy stripped the prefix: nothing matches it
    auto doc = client.get("/openapi.json");
    CHECK(doc.text.find(R"(},"servers":[{"url":"/api/v1"}],"paths":{)") != std::string::npos);  // after info
    CHECK(doc.json()["servers"].dump() == R"([{"url":"/api/v1"}])");
    auto docs = client.get("/docs").text;
    CHECK(docs.find(R"(url: "/api/v1/openapi.json")") != std::string::npos);
    CHECK(docs.find("/api/v1/docs/oauth2-redirect") != std::string::npos);
    auto redirect = client.get("/items", {.headers = {{"Host", "example.com"}}, .follow_redirects = false});
    CHECK(redirect.status == 307);
    CHECK(redirect.header("location") == "http://example.com/api/v1/items/");
  }

  TEST_CASE("AppOptions::root_path wins over the command line's; root_path_in_servers = false leaves servers out") {
    fa::App app{{.root_path = "/proxied", .root_path_in_servers = false}};
    behind_a_proxy::build(app);
    fa::Config config = fa::testing::TestClient::default_config();
    config.root_path = "/ignored";
    fa::testing::TestClient client{app, config};
    CHECK(client.get("/app").text == R"({"message":"Hello World","root_path":"/proxied"})");
    CHECK_FALSE(client.get("/openapi.json").json().contains("servers"));
    CHECK(client.get("/docs").text.find(R"(url: "/proxied/openapi.json")") != std::string::npos);
  }
}
