// tests/middleware/test_https_redirect.cpp: fa::HTTPSRedirectMiddleware over a real socket: plain http -> 307
// to https:// with host, port (80 and 443 dropped), path and query; https (as a trusted proxy says) passes.
// The expected Locations are Starlette 0.26's (checked by running its HTTPSRedirectMiddleware on the same
// requests), except for IPv6 literals, where Starlette drops the brackets and we keep them.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/https_redirect.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_https_redirect_file {

namespace fa = fastapi;
using fa::test_support::RawResponse;
using fa::test_support::RawSocket;

/// An app answering "<scheme> <path>" on / and /items, behind HTTPSRedirectMiddleware.
void make_app(fa::App& app) {
  app.get("/", [](fa::Request& req) {
    return fa::PlainTextResponse(std::string(req.scheme) + " " + std::string(req.path));
  });
  app.get("/items", [](fa::Request& req) {
    return fa::PlainTextResponse(std::string(req.scheme) + " " + std::string(req.path));
  });
  app.add_middleware(fa::HTTPSRedirectMiddleware{});
}

RawResponse get_with_host(std::uint16_t port, std::string_view target, std::string_view host) {
  RawSocket s{port};
  REQUIRE(s.send("GET " + std::string(target) + " HTTP/1.1\r\nHost: " + std::string(host) +
                 "\r\nConnection: close\r\n\r\n"));
  auto r = s.read_response();
  REQUIRE(r);
  return *r;
}

TEST_SUITE("middleware/https_redirect") {
  TEST_CASE("a plain-http request is answered 307 to the same URL on https, with an empty body") {
    fa::App app;
    make_app(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/items?q=1&r=a%20b", {.follow_redirects = false});
    CHECK(r.status == 307);
    CHECK(r.header("location") == "https://testserver/items?q=1&r=a%20b");
    CHECK(r.text.empty());
    CHECK_FALSE(r.headers.contains("content-type"));
    r = client.post("/items", {.follow_redirects = false});
    CHECK(r.status == 307);  // 307 keeps the method and body: a POST is redirected as a POST
    CHECK(r.header("location") == "https://testserver/items");
  }

  TEST_CASE("ports 80 and 443 are dropped (the host then lower-cased, as Starlette), any other port kept") {
    fa::App app;
    make_app(app);
    fa::testing::TestClient client{app};
    CHECK(get_with_host(client.port(), "/", "example.com:80").header("location") == "https://example.com/");
    CHECK(get_with_host(client.port(), "/", "Example.COM:80").header("location") == "https://example.com/");
    CHECK(get_with_host(client.port(), "/", "example.com:080").header("location") == "https://example.com/");
    CHECK(get_with_host(client.port(), "/a%20b?x=%20", "example.com:443").header("location") ==
          "https://example.com/a%20b?x=%20");
    CHECK(get_with_host(client.port(), "/", "Example.COM").header("location") == "https://Example.COM/");
    CHECK(get_with_host(client.port(), "/", "example.com:8080").header("location") == "https://example.com:8080/");
    CHECK(get_with_host(client.port(), "/", "[::1]:8000").header("location") == "https://[::1]:8000/");
    // Starlette says https://::1/ here (urlsplit's hostname has no brackets): not a URL; we keep them.
    CHECK(get_with_host(client.port(), "/", "[::1]:80").header("location") == "https://[::1]/");
  }

  TEST_CASE("the path is sent percent-encoded as Starlette's RedirectResponse quotes it") {
    fa::App app;
    make_app(app);
    fa::testing::TestClient client{app};
    auto r = get_with_host(client.port(), "/caf%C3%A9%22%3C/%7Ex", "example.com");
    CHECK(r.status == 307);
    CHECK(r.header("location") == "https://example.com/caf%C3%A9%22%3C/~x");
  }

  TEST_CASE("a request already on https passes through") {
    fa::App app;
    app.get("/", [](fa::Request& req) { return fa::PlainTextResponse(std::string(req.scheme)); });
    app.add_middleware(fa::HTTPSRedirectMiddleware{});
    app.add_middleware([](fa::Request& req, fa::Next next) {
      req.scheme = "https";  // what fa::ProxyHeadersMiddleware does for a trusted proxy's X-Forwarded-Proto
      return next(req);
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/", {.follow_redirects = false});
    CHECK(r.status == 200);
    CHECK(r.text == "https");
  }

  TEST_CASE("an HTTP/1.0 request without Host has no URL to go to: 400") {
    fa::App app;
    make_app(app);
    fa::testing::TestClient client{app};
    RawSocket s{client.port()};
    REQUIRE(s.send("GET / HTTP/1.0\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body == "Missing Host header");
  }

  TEST_CASE("redirect_response builds the Location from the request alone") {
    fa::Request req;
    req.headers.add("Host", "shop.example:443");
    req.path = "/cart items";
    req.query_string = "id=1";
    fa::Response r = fa::HTTPSRedirectMiddleware::redirect_response(req);
    CHECK(r.status == 307);
    CHECK(r.headers.get("location") == "https://shop.example/cart%20items?id=1");
  }
}

}  // namespace test_https_redirect_file
