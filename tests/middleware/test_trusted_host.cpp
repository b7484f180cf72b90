// tests/middleware/test_trusted_host.cpp: fa::TrustedHostMiddleware over a real socket: allowed hosts, the
// *.example.com wildcard, the port ignored, 400 "Invalid host header", the www redirect. The expected answers
// are Starlette 0.26's (checked by running its TrustedHostMiddleware on the same requests).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/proxy_headers.hpp"
#include "fastapi/middleware/trusted_host.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_trusted_host_file {

namespace fa = fastapi;
using fa::test_support::RawResponse;
using fa::test_support::RawSocket;

/// An app answering "ok <path>" on every GET path, behind `middleware`.
template <class M>
void make_app(fa::App& app, M middleware) {
  app.get("/", [](fa::Request& req) { return fa::PlainTextResponse("ok " + std::string(req.path)); });
  app.get("/{rest:path}", [](fa::Request& req) { return fa::PlainTextResponse("ok " + std::string(req.path)); });
  app.add_middleware(std::move(middleware));
}

/// GET `target` with exactly this Host header (the TestClient always says "testserver").
RawResponse get_with_host(std::uint16_t port, std::string_view target, std::string_view host,
                          std::string_view extra = {}) {
  RawSocket s{port};
  std::string request = "GET " + std::string(target) + " HTTP/1.1\r\nHost: " + std::string(host) + "\r\n" +
                        std::string(extra) + "Connection: close\r\n\r\n";
  REQUIRE(s.send(request));
  auto r = s.read_response();
  REQUIRE(r);
  return *r;
}

TEST_SUITE("middleware/trusted_host") {
  TEST_CASE("a listed host passes; any other is answered 400 Invalid host header, as text") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"testserver"}}});
    fa::testing::TestClient client{app};
    auto r = client.get("/items");
    CHECK(r.status == 200);
    CHECK(r.text == "ok /items");

    fa::App other;
    make_app(other, fa::TrustedHostMiddleware{{.allowed_hosts = {"example.com"}}});
    fa::testing::TestClient refused{other};
    r = refused.get("/items");
    CHECK(r.status == 400);
    CHECK(r.text == "Invalid host header");
    CHECK(r.header("content-type") == "text/plain; charset=utf-8");
  }

  TEST_CASE("the defaults allow every host, as Starlette's allowed_hosts=None") {
    fa::TrustedHostOptions o;
    CHECK(o.allowed_hosts == std::vector<std::string>{"*"});
    CHECK(o.www_redirect);
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{});
    fa::testing::TestClient client{app};
    CHECK(get_with_host(client.port(), "/", "anything.invalid").status == 200);
    fa::App star;
    make_app(star, fa::TrustedHostMiddleware{{.allowed_hosts = {"example.com", "*"}}});
    fa::testing::TestClient star_client{star};
    CHECK(get_with_host(star_client.port(), "/", "other.org:81").status == 200);
  }

  TEST_CASE("the port of the Host header is ignored") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"example.com"}}});
    fa::testing::TestClient client{app};
    CHECK(get_with_host(client.port(), "/", "example.com:8000").status == 200);
    CHECK(get_with_host(client.port(), "/", "example.com").status == 200);
    CHECK(get_with_host(client.port(), "/", "example.org:8000").status == 400);
  }

  TEST_CASE("*.example.com allows every subdomain, not example.com itself, nor a name that merely ends alike") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"*.example.com"}}});
    fa::testing::TestClient client{app};
    CHECK(get_with_host(client.port(), "/", "api.example.com").status == 200);
    CHECK(get_with_host(client.port(), "/", "a.b.example.com:443").status == 200);
    auto r = get_with_host(client.port(), "/", "example.com");
    CHECK(r.status == 400);
    CHECK(r.body == "Invalid host header");
    CHECK(get_with_host(client.port(), "/", "evilexample.com").status == 400);
    CHECK(get_with_host(client.port(), "/", "example.com.evil.org").status == 400);
  }

  TEST_CASE("hosts are compared exactly, case included, as Starlette does") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"example.com", "*.example.org"}}});
    fa::testing::TestClient client{app};
    CHECK(get_with_host(client.port(), "/", "Example.com").status == 400);
    CHECK(get_with_host(client.port(), "/", "api.Example.org").status == 400);
    CHECK(get_with_host(client.port(), "/", "api.example.org").status == 200);
  }

  TEST_CASE("a host allowed only as www. is redirected there with 307, port, path and query kept") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"www.example.com"}}});
    fa::testing::TestClient client{app};
    auto r = get_with_host(client.port(), "/a%20b/%7Ec?q=1&r=a%20b", "example.com");
    CHECK(r.status == 307);
    CHECK(r.header("location") == "http://www.example.com/a%20b/~c?q=1&r=a%20b");
    CHECK(r.body.empty());
    r = get_with_host(client.port(), "/x", "example.com:8000");
    CHECK(r.status == 307);
    CHECK(r.header("location") == "http://www.example.com:8000/x");
    r = get_with_host(client.port(), "/caf%C3%A9%22%3C", "example.com");
    CHECK(r.header("location") == "http://www.example.com/caf%C3%A9%22%3C");
    r = get_with_host(client.port(), "/x", "www.example.com");
    CHECK(r.status == 200);
    CHECK(r.body == "ok /x");
    CHECK(get_with_host(client.port(), "/x", "other.com").status == 400);
  }

  TEST_CASE("www_redirect = false answers 400 instead of redirecting") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"www.example.com"}, .www_redirect = false}});
    fa::testing::TestClient client{app};
    auto r = get_with_host(client.port(), "/x", "example.com");
    CHECK(r.status == 400);
    CHECK(r.body == "Invalid host header");
  }

  TEST_CASE("behind a trusted proxy saying https, the www redirect goes to https") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"www.example.com"}}});
    app.add_middleware(fa::ProxyHeadersMiddleware{{.trusted_hosts = {"127.0.0.1"}}});
    fa::testing::TestClient client{app};
    auto r = get_with_host(client.port(), "/x", "example.com", "X-Forwarded-Proto: https\r\n");
    CHECK(r.status == 307);
    CHECK(r.header("location") == "https://www.example.com/x");
  }

  TEST_CASE("an HTTP/1.0 request without Host has the empty host: refused unless listed") {
    fa::App app;
    make_app(app, fa::TrustedHostMiddleware{{.allowed_hosts = {"example.com"}}});
    fa::testing::TestClient client{app};
    RawSocket s{client.port()};
    REQUIRE(s.send("GET / HTTP/1.0\r\n\r\n"));
    auto r = s.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->body == "Invalid host header");
  }

  TEST_CASE("a wildcard anywhere but at the start is refused when the middleware is made") {
    for (const char* bad : {"example.*", "*example.com", "a.*.com", "**.example.com"}) {
      INFO("pattern: ", bad);
      CHECK_THROWS_WITH_AS(fa::TrustedHostMiddleware({.allowed_hosts = {"example.com", bad}}),
                           doctest::Contains("*.example.com"), fa::ConfigurationError);
    }
    CHECK_NOTHROW(fa::TrustedHostMiddleware({.allowed_hosts = {"*", "*.example.com", "example.com"}}));
  }

  TEST_CASE("host_of drops the port as Starlette splits the Host header") {
    fa::Request req;
    req.headers.add("Host", "example.com:8000");
    CHECK(fa::TrustedHostMiddleware::host_of(req) == "example.com");
    fa::Request none;
    CHECK(fa::TrustedHostMiddleware::host_of(none).empty());
  }
}

}  // namespace test_trusted_host_file
