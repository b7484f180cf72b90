// tests/client/test_tls_client.cpp: fa::HttpClient over https:// (FASTAPI_ENABLE_TLS), against real TLS
// servers started as subprocesses (Python's ssl around http.server, nginx) with certificates made at test
// time by tests/support/tls_fixtures.hpp: a valid chain (ca_file, SSL_CERT_FILE), keep-alive reuse of TLS
// connections, an unknown issuer, an expired certificate, a wrong name, verify = false, a client certificate
// required then given, plain HTTP on the other end, a server that never finishes the handshake, and an
// https -> http redirect. Every failure is a ClientError whose message names the cause.
#ifdef FASTAPI_ENABLE_TLS

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fastapi/app/app.hpp"
#include "fastapi/client/client.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/run_task.hpp"
#include "support/time_scale.hpp"
#include "support/tls_fixtures.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_tls_client_file {

namespace fa = fastapi;
using namespace std::chrono_literals;
using Kind = fa::ClientErrorKind;
using test_support::Nginx;
using test_support::Pki;
using test_support::PythonUpstream;

/// The certificates every test shares (made once: a few openssl runs).
Pki& pki() {
  static Pki instance = [] { return Pki(); }();
  return instance;
}
/// Issues the named certificates on first use.
void issue_all() {
  static bool done = [] {
    Pki& p = pki();
    p.issue("localhost", "localhost");
    p.issue("expired", "localhost", "ca", -1);
    p.issue("wrong_name", "other.example", "ca", 2, false);
    p.issue("unknown_issuer", "localhost", "other_ca");
    p.issue("client", "fastapi-client", "ca", 2, false, true);
    return true;
  }();
  (void)done;
}

fa::ClientResponse get(fa::HttpClient& client, const std::string& url) {
  return fa::test_support::run_task(client.get(url));
}
/// The ClientError a GET ends with; fails the test when it succeeds.
fa::ClientError failure(fa::HttpClient& client, const std::string& url) {
  std::optional<fa::ClientError> e = fa::test_support::client_error_of(client.get(url));
  REQUIRE_MESSAGE(e, "expected a ClientError from " << url);
  return *e;
}
bool has(const fa::ClientError& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

/// Sets an environment variable for a scope (SSL_CERT_FILE), restoring what was there.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const char* value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    if (value) {
      ::setenv(name.c_str(), value, 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ~ScopedEnv() {
    if (old) {
      ::setenv(name.c_str(), old->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

PythonUpstream::Options served_with(const std::string& name) {
  return {.cert = pki().cert(name), .key = pki().key(name)};
}

TEST_CASE("https: a valid chain, trusted through ca_file or SSL_CERT_FILE; TLS connections are kept alive") {
  issue_all();
  PythonUpstream up(pki().dir, served_with("localhost"));
  const std::string origin = "https://localhost:" + std::to_string(up.port);
  fa::HttpClient client({.ca_file = pki().cert("ca")});
  for (int i = 0; i < 3; ++i) {
    fa::ClientResponse r = get(client, origin + "/hello");
    CHECK(r.status == 200);
    CHECK(r.text() == "hello over tls");
    CHECK(r.url == origin + "/hello");
  }
  // One connection carried the three calls: the TLS session went back to the pool and came out again, each
  // time into another event loop (run_task makes one per call, and destroys it after).
  CHECK(client.connections(origin) == std::pair<std::size_t, std::size_t>{1, 1});
  // The pool is keyed by scheme too: nothing is counted for http:// on the same host and port.
  CHECK(client.connections("http://localhost:" + std::to_string(up.port)) == std::pair<std::size_t, std::size_t>{0, 0});
  // An IP literal is checked against the certificate's IP subjectAltName (no SNI is sent for it).
  CHECK(get(client, "https://127.0.0.1:" + std::to_string(up.port) + "/hello").status == 200);
  // A body larger than one TLS record and than one read.
  CHECK(get(client, origin + "/big?n=300000").content == std::string(300000, 'b'));

  SUBCASE("a pooled TLS connection the server closed is not reused, or is retried once on a new one") {
    for (int i = 0; i < 4; ++i) CHECK(get(client, origin + "/then-close").text() == "closing");
    CHECK(get(client, origin + "/hello").text() == "hello over tls");
  }
  SUBCASE("SSL_CERT_FILE replaces the system store, as for OpenSSL and httpx") {
    ScopedEnv env("SSL_CERT_FILE", pki().cert("ca").c_str());
    fa::HttpClient from_env;
    CHECK(get(from_env, origin + "/hello").text() == "hello over tls");
  }
  SUBCASE("the system store does not know our CA") {
    ScopedEnv file("SSL_CERT_FILE", nullptr);
    ScopedEnv dir("SSL_CERT_DIR", nullptr);
    fa::HttpClient system;
    fa::ClientError e = failure(system, origin + "/hello");
    CHECK(e.kind == Kind::tls);
    CHECK(has(e, "unable to get local issuer certificate"));
  }
}

TEST_CASE("https: each refused certificate is a ClientError that names why") {
  issue_all();
  fa::HttpClient client({.ca_file = pki().cert("ca")});
  fa::HttpClient trusting({.verify = false});
  SUBCASE("unknown issuer") {
    PythonUpstream up(pki().dir, served_with("unknown_issuer"));
    std::string url = "https://localhost:" + std::to_string(up.port) + "/hello";
    fa::ClientError e = failure(client, url);
    CHECK(e.kind == Kind::tls);
    CHECK(has(e, "certificate was refused: unable to get local issuer certificate"));
    CHECK(has(e, "ca_file"));
    CHECK(get(trusting, url).status == 200);
  }
  SUBCASE("expired") {
    PythonUpstream up(pki().dir, served_with("expired"));
    std::string url = "https://localhost:" + std::to_string(up.port) + "/hello";
    fa::ClientError e = failure(client, url);
    CHECK(e.kind == Kind::tls);
    CHECK(has(e, "certificate has expired"));
    CHECK(get(trusting, url).status == 200);
  }
  SUBCASE("a certificate for another name, or without the IP address called") {
    PythonUpstream up(pki().dir, served_with("wrong_name"));
    std::string url = "https://localhost:" + std::to_string(up.port) + "/hello";
    fa::ClientError e = failure(client, url);
    CHECK(e.kind == Kind::tls);
    CHECK(has(e, "hostname mismatch"));
    e = failure(client, "https://127.0.0.1:" + std::to_string(up.port) + "/hello");
    CHECK(has(e, "IP address mismatch"));
    CHECK(get(trusting, url).status == 200);
  }
  SUBCASE("a CA file that cannot be read") {
    fa::HttpClient broken({.ca_file = pki().dir.file("missing.pem")});
    fa::ClientError e = failure(broken, "https://localhost:1/");
    CHECK(e.kind == Kind::tls);
    CHECK(has(e, "cannot read the CA certificates of ca_file '" + pki().dir.file("missing.pem") +
                     "': No such file or directory"));
  }
}

TEST_CASE("https: a server that requires a client certificate") {
  issue_all();
  for (bool tls12 : {false, true}) {
    CAPTURE(tls12);
    PythonUpstream up(pki().dir, {.cert = pki().cert("localhost"),
                                  .key = pki().key("localhost"),
                                  .client_ca = pki().cert("ca"),
                                  .tls12_only = tls12});
    std::string url = "https://localhost:" + std::to_string(up.port) + "/peer";
    // Without one: refused by the server, in the handshake (TLS 1.2) or just after it (TLS 1.3's alert).
    fa::HttpClient anonymous({.ca_file = pki().cert("ca")});
    fa::ClientError e = failure(anonymous, url);
    CHECK(e.kind == Kind::tls);
    CHECK_MESSAGE(has(e, tls12 ? "alert handshake failure" : "alert certificate required"), e.what());
    // With one (cert_file and key_file): the server saw who we are.
    fa::HttpClient identified(
        {.ca_file = pki().cert("ca"), .cert_file = pki().cert("client"), .key_file = pki().key("client")});
    CHECK(get(identified, url).text() == "fastapi-client");
  }
  fa::HttpClient mismatched(
      {.ca_file = pki().cert("ca"), .cert_file = pki().cert("client"), .key_file = pki().key("localhost")});
  fa::ClientError e = failure(mismatched, "https://localhost:1/");
  CHECK(e.kind == Kind::tls);
  CHECK_MESSAGE(has(e, "key values mismatch"), e.what());
}

/// A TCP listener that accepts and then says nothing: a TLS handshake to it never ends.
struct SilentListener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  SilentListener() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~SilentListener() { ::close(fd); }
};

TEST_CASE("https: a server that never finishes the handshake, and one that does not speak TLS") {
  issue_all();
  SUBCASE("the handshake counts in connect_timeout") {
    SilentListener silent;  // the kernel completes the TCP handshake from the backlog; nobody answers TLS
    fa::HttpClient client({.connect_timeout = 300ms, .ca_file = pki().cert("ca")});
    auto start = std::chrono::steady_clock::now();
    fa::ClientError e = failure(client, "https://localhost:" + std::to_string(silent.port) + "/");
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(e.kind == Kind::connect_timeout);
    CHECK(has(e, "the TLS handshake with localhost:" + std::to_string(silent.port) +
                     " took longer than connect_timeout (300 ms)"));
    CHECK(took >= 290ms);
    CHECK(took < fa::test_support::scaled(2000ms));
    CHECK(client.connections("https://localhost:" + std::to_string(silent.port)).first == 0);
  }
  SUBCASE("plain HTTP on the other end") {
    PythonUpstream plain(pki().dir, {});
    fa::HttpClient client({.ca_file = pki().cert("ca")});
    fa::ClientError e = failure(client, "https://localhost:" + std::to_string(plain.port) + "/hello");
    CHECK(e.kind == Kind::tls);
    CHECK(has(e, "the TLS handshake failed"));
    // and the other way round: http:// to a TLS port is answered by nothing HTTP can read
    PythonUpstream tls(pki().dir, served_with("localhost"));
    std::optional<fa::ClientError> other =
        fa::test_support::client_error_of(client.get("http://localhost:" + std::to_string(tls.port) + "/hello"));
    CHECK(other);
  }
}

TEST_CASE("https: a redirect to http:// is refused unless redirect_to_http says follow") {
  issue_all();
  fa::App plain_app;
  plain_app.get("/landing", [] { return std::string("plain landing"); });
  fa::testing::TestClient plain(plain_app);
  const std::string target = "http://127.0.0.1:" + std::to_string(plain.port()) + "/landing";
  PythonUpstream up(pki().dir, served_with("localhost"));
  const std::string url = "https://localhost:" + std::to_string(up.port) + "/redirect?to=" + target;

  fa::HttpClient client({.follow_redirects = true, .ca_file = pki().cert("ca")});
  fa::ClientError e = failure(client, url);
  CHECK(e.kind == Kind::insecure_redirect);
  CHECK(has(e, "would leave TLS"));
  CHECK(has(e, target));
  fa::HttpClient lenient({.follow_redirects = true, .ca_file = pki().cert("ca"), .redirect_to_http = true});
  fa::ClientResponse r = get(lenient, url);
  CHECK(r.text() == "plain landing");
  CHECK(r.redirects == 1);
  // https -> https is followed as any redirect.
  const std::string secure = "https://localhost:" + std::to_string(up.port) + "/hello";
  CHECK(get(client, "https://localhost:" + std::to_string(up.port) + "/redirect?to=" + secure).text() ==
        "hello over tls");
}

TEST_CASE("https: nginx as the TLS upstream, many calls over few connections") {
  issue_all();
  Nginx nginx(pki().dir, pki().cert("localhost"), pki().key("localhost"));
  test_support::write_file(pki().dir.file("www/big.txt"), std::string(1 << 20, 'n'));
  const std::string origin = "https://localhost:" + std::to_string(nginx.port);
  fa::HttpClient client({.max_connections_per_host = 4, .ca_file = pki().cert("ca")});
  for (int i = 0; i < 20; ++i) CHECK(get(client, origin + "/hello").text() == "hello from nginx");
  CHECK(client.connections(origin) == std::pair<std::size_t, std::size_t>{1, 1});
  CHECK(get(client, origin + "/big.txt").content == std::string(1 << 20, 'n'));
  CHECK(get(client, origin + "/missing").status == 404);

  // Concurrent calls on one loop share at most 4 connections.
  std::vector<std::string> bodies =
      fa::test_support::run_task([](fa::HttpClient& c, std::string o) -> fa::Task<std::vector<std::string>> {
        std::vector<std::string> out(12);
        int left = 12;
        asio::steady_timer all_done(*fa::detail::this_loop().io, std::chrono::steady_clock::time_point::max());
        for (std::string& slot : out)
          fa::detail::spawn([](fa::HttpClient& c, std::string url, std::string& slot, int& left,
                               asio::steady_timer& t) -> fa::Task<void> {
            try {
              slot = (co_await c.get(url)).text();
            } catch (const fa::ClientError& e) {
              slot = e.what();
            }
            if (--left == 0) t.cancel();
          }(c, o + "/hello", slot, left, all_done));
        if (left > 0)
          co_await fa::detail::async_call<asio::error_code>([&](auto h) { all_done.async_wait(std::move(h)); });
        co_return out;
      }(client, origin));
  for (const std::string& body : bodies) CHECK(body == "hello from nginx");
  CHECK(client.connections(origin).first <= 4);
  CHECK(client.connections(origin).first >= 2);
  fa::HttpClient strict;
  ScopedEnv file("SSL_CERT_FILE", nullptr);
  CHECK(failure(strict, origin + "/hello").kind == Kind::tls);
}

TEST_CASE("https over a Unix domain socket: TLS on ClientOptions::uds, verified against the URL's host") {
  issue_all();
  const std::string sock = pki().dir.file("tls.sock");
  Nginx nginx(pki().dir, pki().cert("localhost"), pki().key("localhost"), sock);
  fa::HttpClient client({.ca_file = pki().cert("ca"), .uds = sock});
  for (int i = 0; i < 3; ++i) CHECK(get(client, "https://localhost/hello").text() == "hello from nginx");
  CHECK(client.connections("https://localhost").first == 1);
  fa::ClientError e = failure(client, "https://elsewhere.example/hello");
  CHECK(e.kind == Kind::tls);
  CHECK(has(e, "hostname mismatch"));
}

}  // namespace test_tls_client_file

#endif  // FASTAPI_ENABLE_TLS
