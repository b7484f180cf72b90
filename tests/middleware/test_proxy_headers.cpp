// tests/middleware/test_proxy_headers.cpp: fa::ProxyHeadersMiddleware through the TestClient (whose peer
// address is 127.0.0.1): X-Forwarded-Proto -> req.scheme and X-Forwarded-For -> req.client_host from trusted
// proxies only, uvicorn's choice of the client in the list, networks, and HTTPSRedirect behind it.
#include <doctest/doctest.h>

#include <string>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/https_redirect.hpp"
#include "fastapi/middleware/proxy_headers.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_proxy_headers_file {

namespace fa = fastapi;

/// "<scheme> <client_host> <client_port == 0 ? 0 : port>" of each request, behind `middleware`.
void make_app(fa::App& app, fa::ProxyHeadersMiddleware middleware) {
  app.get("/", [](fa::Request& req) {
    return fa::PlainTextResponse(std::string(req.scheme) + " " + std::string(req.client_host) + " " +
                                 (req.client_port == 0 ? "0" : "port"));
  });
  app.add_middleware(std::move(middleware));
}

fa::testing::TestResponse get(fa::testing::TestClient& client, fa::testing::KeyValues headers) {
  return client.get("/", {.headers = std::move(headers), .follow_redirects = false});
}

TEST_SUITE("middleware/proxy_headers") {
  TEST_CASE("from a trusted proxy (127.0.0.1 by default), X-Forwarded-Proto and -For become scheme and client") {
    CHECK(fa::ProxyHeadersOptions{}.trusted_hosts == std::vector<std::string>{"127.0.0.1"});
    fa::App app;
    make_app(app, fa::ProxyHeadersMiddleware{});
    fa::testing::TestClient client{app};
    CHECK(get(client, {}).text == "http 127.0.0.1 port");
    CHECK(get(client, {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "203.0.113.7"}}).text ==
          "https 203.0.113.7 0");
    // Each request starts afresh: nothing of the previous one's headers stays on the connection.
    CHECK(get(client, {}).text == "http 127.0.0.1 port");
  }

  TEST_CASE("from an untrusted peer, the forwarded headers are ignored") {
    fa::App app;
    make_app(app, fa::ProxyHeadersMiddleware{{.trusted_hosts = {"10.0.0.1"}}});
    fa::testing::TestClient client{app};
    CHECK(get(client, {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-For", "203.0.113.7"}}).text ==
          "http 127.0.0.1 port");
  }

  TEST_CASE("the client is the rightmost X-Forwarded-For entry that is not a trusted proxy") {
    fa::App app;
    make_app(app, fa::ProxyHeadersMiddleware{{.trusted_hosts = {"127.0.0.1", "10.0.0.2"}}});
    fa::testing::TestClient client{app};
    // The client may write anything on the left: only what our own proxies appended counts.
    CHECK(get(client, {{"X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.2"}}).text == "http 203.0.113.7 0");
    CHECK(get(client, {{"X-Forwarded-For", "203.0.113.7,10.0.0.2 ,127.0.0.1"}}).text == "http 203.0.113.7 0");
    // Every entry a trusted proxy: the leftmost (current uvicorn; 0.17 gave no client at all).
    CHECK(get(client, {{"X-Forwarded-For", "10.0.0.2, 127.0.0.1"}}).text == "http 10.0.0.2 0");
    // An empty header or an empty rightmost entry changes nothing.
    CHECK(get(client, {{"X-Forwarded-For", ""}}).text == "http 127.0.0.1 port");
    CHECK(get(client, {{"X-Forwarded-For", "203.0.113.7, "}}).text == "http 127.0.0.1 port");
  }

  TEST_CASE("trusting * believes any peer and takes the leftmost entry") {
    fa::App app;
    make_app(app, fa::ProxyHeadersMiddleware{{.trusted_hosts = {"*"}}});
    fa::testing::TestClient client{app};
    CHECK(get(client, {{"X-Forwarded-For", " 198.51.100.4 , 203.0.113.7, 10.0.0.2"}}).text == "http 198.51.100.4 0");
  }

  TEST_CASE("trusted hosts may be networks, and one entry may list several, comma-separated") {
    fa::App app;
    make_app(app, fa::ProxyHeadersMiddleware{{.trusted_hosts = {"127.0.0.0/8", "10.0.0.0/8, 192.168.1.7"}}});
    fa::testing::TestClient client{app};
    CHECK(get(client, {{"X-Forwarded-For", "198.51.100.1, 192.168.1.7, 10.200.3.4"}, {"X-Forwarded-Proto", "https"}})
              .text == "https 198.51.100.1 0");
    fa::ProxyHeadersMiddleware m{{.trusted_hosts = {"10.0.0.0/8", "fd00::/8", "::1", "172.16.0.0/12", "unix:/tmp/s"}}};
    CHECK(m.is_trusted("10.255.255.255"));
    CHECK_FALSE(m.is_trusted("11.0.0.1"));
    CHECK(m.is_trusted("fd12:3456::1"));
    CHECK_FALSE(m.is_trusted("fe80::1"));
    CHECK(m.is_trusted("0:0:0:0:0:0:0:1"));  // the same address written out
    CHECK(m.is_trusted("172.31.0.1"));
    CHECK_FALSE(m.is_trusted("172.32.0.1"));
    CHECK(m.is_trusted("unix:/tmp/s"));  // not an address: compared as text
    CHECK_FALSE(m.is_trusted(""));
    CHECK_FALSE(m.is_trusted("not an address"));
  }

  TEST_CASE("a malformed network is refused when the middleware is made") {
    for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8", "::/129"}) {
      INFO("entry: ", bad);
      CHECK_THROWS_AS(fa::ProxyHeadersMiddleware({.trusted_hosts = {bad}}), fa::ConfigurationError);
    }
  }

  TEST_CASE("X-Forwarded-Proto: only http or https count, spaces trimmed, the last header wins") {
    fa::App app;
    make_app(app, fa::ProxyHeadersMiddleware{});
    fa::testing::TestClient client{app};
    CHECK(get(client, {{"X-Forwarded-Proto", "  https "}}).text == "https 127.0.0.1 port");
    CHECK(get(client, {{"X-Forwarded-Proto", "HTTPS"}}).text == "http 127.0.0.1 port");
    CHECK(get(client, {{"X-Forwarded-Proto", "ftp"}}).text == "http 127.0.0.1 port");
    CHECK(get(client, {{"x-forwarded-proto", "http"}, {"X-FORWARDED-PROTO", "https"}}).text == "https 127.0.0.1 port");
    CHECK(get(client, {{"X-Forwarded-For", "1.1.1.1"}, {"X-Forwarded-For", "2.2.2.2"}}).text == "http 2.2.2.2 0");
  }

  TEST_CASE("HTTPSRedirect behind ProxyHeaders: no redirect when the trusted proxy says https") {
    fa::App app;
    app.get("/", [](fa::Request& req) { return fa::PlainTextResponse(std::string(req.scheme)); });
    app.add_middleware(fa::HTTPSRedirectMiddleware{});
    app.add_middleware(fa::ProxyHeadersMiddleware{});  // added last: runs first
    fa::testing::TestClient client{app};
    auto r = get(client, {{"X-Forwarded-Proto", "https"}});
    CHECK(r.status == 200);
    CHECK(r.text == "https");
    r = get(client, {{"X-Forwarded-Proto", "http"}});
    CHECK(r.status == 307);
    CHECK(r.header("location") == "https://testserver/");
    r = get(client, {});
    CHECK(r.status == 307);

    fa::App untrusted;
    untrusted.get("/", [] { return fa::PlainTextResponse("reached"); });
    untrusted.add_middleware(fa::HTTPSRedirectMiddleware{});
    untrusted.add_middleware(fa::ProxyHeadersMiddleware{{.trusted_hosts = {"10.0.0.1"}}});
    fa::testing::TestClient untrusted_client{untrusted};
    r = get(untrusted_client, {{"X-Forwarded-Proto", "https"}});
    CHECK(r.status == 307);  // anybody can send the header: from an untrusted peer it is no proof of https
    CHECK(r.header("location") == "https://testserver/");
  }
}

}  // namespace test_proxy_headers_file
