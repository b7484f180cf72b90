// tests/examples/test_https_example.cpp: examples/22_https run as a user would, with a CA and certificates made
// at test time (tests/support/tls_fixtures.hpp): served over TLS and asked by curl (--cacert) and Python's
// requests; served over plain HTTP; /fetch calling HTTPS services with the trust of its environment
// (SSL_CERT_FILE): nginx and the example itself answer, an unknown issuer is a 502 that says so. Stopped with
// SIGTERM by its pid, exit code checked.
#ifdef FASTAPI_ENABLE_TLS

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "support/exchange.hpp"
#include "support/process.hpp"
#include "support/time_scale.hpp"
#include "support/tls_fixtures.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_https_example_file {

using namespace std::chrono_literals;
using test_support::capture;
using test_support::example;
using test_support::Pki;

/// The example started with `args`; its port from the `Listening on <scheme>://127.0.0.1:PORT` line.
struct Example {
  Example(const std::string& scheme, const std::vector<std::string>& args, const std::vector<std::string>& env = {})
      : process(example("22_https"), args, env) {
    auto line = process.wait_for_line("Listening on " + scheme + "://127.0.0.1:",
                                      fastapi::test_support::scaled(std::chrono::milliseconds(10000)));
    REQUIRE(line);
    port = test_support::port_of(*line);
  }
  ~Example() {
    process.signal(SIGTERM);
    CHECK(process.wait(fastapi::test_support::scaled(std::chrono::milliseconds(10000))) == 0);
  }
  std::string url(const std::string& path) const { return "https://localhost:" + std::to_string(port) + path; }
  test_support::Process process;
  int port = 0;
};

TEST_SUITE("examples") {
  TEST_CASE("22_https: over TLS, /hello says so to curl and to Python's requests, with the chain checked") {
    Pki pki;
    pki.issue("server", "localhost");
    Example app("https", {"--port", "0", "--ssl-certfile", pki.cert("server"), "--ssl-keyfile", pki.key("server")});

    auto curl = capture("curl -sS --cacert " + pki.cert("ca") + " " + app.url("/hello"));
    CHECK(curl.status == 0);
    CHECK(curl.out == R"({"tls":true})");
    // The certificate is checked for real: a client that trusts another CA refuses it.
    CHECK(capture("curl -sS --cacert " + pki.cert("other_ca") + " " + app.url("/hello")).status == 60);

    auto py = capture("/usr/bin/python3 -c \"import requests; s = requests.Session(); "
                      "print(*[s.get('" +
                      app.url("/hello") + "', verify='" + pki.cert("ca") + "').text for _ in range(3)])\"");
    CHECK(py.status == 0);
    CHECK(py.out == "{\"tls\":true} {\"tls\":true} {\"tls\":true}\n");
  }

  TEST_CASE("22_https: without a certificate it serves plain HTTP, and /hello says so") {
    Example app("http", {"--port", "0"});
    std::string reply = test_support::http_get(app.port, "/hello");
    CHECK(test_support::status_of(reply) == 200);
    CHECK(test_support::body_of(reply) == R"({"tls":false})");
  }

  TEST_CASE("22_https: /fetch calls HTTPS services trusted through SSL_CERT_FILE, and answers 502 in words when "
            "the issuer is unknown") {
    Pki pki;
    pki.issue("server", "localhost");
    pki.issue("stranger", "localhost", "other_ca");
    test_support::Nginx nginx(pki.dir, pki.cert("server"), pki.key("server"));
    Example app("https", {"--port", "0", "--ssl-certfile", pki.cert("server"), "--ssl-keyfile", pki.key("server")},
                {"SSL_CERT_FILE=" + pki.cert("ca")});
    auto fetch = [&](const std::string& target) {
      return capture("curl -sS -w ' %{http_code}' --cacert " + pki.cert("ca") + " '" + app.url("/fetch") +
                     "?url=" + target + "'")
          .out;
    };
    CHECK(fetch("https://localhost:" + std::to_string(nginx.port) + "/hello") ==
          R"({"status":200,"body":"hello from nginx"} 200)");
    // The example calling itself: its own certificate is trusted the same way.
    CHECK(fetch(app.url("/hello")) == R"({"status":200,"body":"{\"tls\":true}"} 200)");

    // A server whose certificate comes from a CA nobody trusts: the ClientError's words, as a 502.
    test_support::PythonUpstream stranger(pki.dir, {.cert = pki.cert("stranger"), .key = pki.key("stranger")});
    std::string refused = fetch("https://localhost:" + std::to_string(stranger.port) + "/hello");
    CHECK(refused.ends_with("} 502"));
    CHECK(refused.starts_with(R"({"detail":"GET https://localhost:)"));
    CHECK(refused.find("unknown issuer") != std::string::npos);
    // Plain HTTP is fetched too.
    Example plain("http", {"--port", "0"});
    CHECK(fetch("http://127.0.0.1:" + std::to_string(plain.port) + "/hello") ==
          R"({"status":200,"body":"{\"tls\":false}"} 200)");
  }
}

}  // namespace test_https_example_file

#endif  // FASTAPI_ENABLE_TLS
