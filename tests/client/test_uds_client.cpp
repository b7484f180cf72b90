// tests/client/test_uds_client.cpp: fa::HttpClient through a Unix domain socket (ClientOptions::uds, httpx's
// `uds` transport): normal http:// URLs, every call connected to the socket instead of the URL's host, against
// Python's http.server on a socketserver.UnixStreamServer and nginx listening on unix:. Keep-alive reuse,
// the Host header taken from the URL, a missing socket as a ClientError that names its path.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "fastapi/client/client.hpp"
#include "support/run_task.hpp"
#include "support/tls_fixtures.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_uds_client_file {

namespace fa = fastapi;
using Kind = fa::ClientErrorKind;

fa::ClientResponse get(fa::HttpClient& client, const std::string& url) {
  return fa::test_support::run_task(client.get(url));
}

TEST_CASE("uds: calls go through the Unix socket, kept alive, with the URL's Host") {
  test_support::TempDir dir;
  const std::string sock = dir.file("up.sock");
  test_support::PythonUpstream up(dir, {.uds = sock});
  fa::HttpClient client({.base_url = "http://pricing.internal", .uds = sock});
  for (int i = 0; i < 3; ++i) {
    fa::ClientResponse r = get(client, "/hello");
    CHECK(r.status == 200);
    CHECK(r.text() == "hello over http");
    CHECK(r.url == "http://pricing.internal/hello");
  }
  CHECK(client.connections("http://pricing.internal") == std::pair<std::size_t, std::size_t>{1, 1});
  CHECK(get(client, "/big?n=200000").content == std::string(200000, 'b'));
}

TEST_CASE("uds: nginx listening on unix:") {
  test_support::TempDir dir;
  const std::string sock = dir.file("nginx.sock");
  test_support::Nginx nginx(dir, "", "", sock);
  test_support::write_file(dir.file("www/page.txt"), "a page");
  fa::HttpClient client({.uds = sock});
  for (int i = 0; i < 5; ++i) CHECK(get(client, "http://localhost/hello").text() == "hello from nginx");
  CHECK(get(client, "http://localhost/page.txt").text() == "a page");
  CHECK(get(client, "http://localhost/missing").status == 404);
  CHECK(client.connections("http://localhost").first == 1);
}

TEST_CASE("uds: a socket that is not there is a connect ClientError naming its path") {
  test_support::TempDir dir;
  fa::HttpClient client({.uds = dir.file("absent.sock")});
  std::optional<fa::ClientError> e = fa::test_support::client_error_of(client.get("http://localhost/"));
  REQUIRE(e);
  CHECK(e->kind == Kind::connect);
  CHECK(std::string(e->what()).find("unix:" + dir.file("absent.sock") + ": No such file or directory") !=
        std::string::npos);
}

}  // namespace test_uds_client_file
