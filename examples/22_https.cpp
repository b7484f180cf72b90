// examples/22_https.cpp: HTTPS both ways. The app serves TLS when given a certificate, and calls HTTPS services
// with fa::HttpClient, verifying them against the trust store of the environment (SSL_CERT_FILE, SSL_CERT_DIR,
// else the system's), as curl, Python and httpx do.
//   GET /hello      -> {"tls": true} when the request came over TLS, {"tls": false} otherwise
//   GET /fetch?url=U -> calls U: {"status": S, "body": "<text>"}, or 502 {"detail": "<why the call failed>"}
//                       (an unknown issuer, an expired certificate, a hostname mismatch, a refused connect...)
// Run: ./22_https --port 0 --ssl-certfile cert.pem --ssl-keyfile key.pem   -> Listening on https://127.0.0.1:<port>
//      ./22_https --port 0                                                 -> Listening on http://127.0.0.1:<port>
// TLS needs FASTAPI_ENABLE_TLS and OpenSSL (-DFASTAPI_ENABLE_TLS -lssl -lcrypto; CMake does it when OpenSSL is
// found). Built without it, this example still serves HTTP; --ssl-certfile then stops it with the reason.
// A certificate to try it with:
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj /CN=localhost
//     -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout key.pem -out cert.pem   (one command)
//   SSL_CERT_FILE=cert.pem curl https://localhost:<port>/hello
#include <chrono>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  fa::App app{{.title = "HTTPS", .description = "Serves TLS, and calls HTTPS services with fa::HttpClient"}};

  // One client for the app: verification on (the default), trust from the environment.
  app.state<fa::HttpClient>(fa::ClientOptions{.timeout = 10s});

  // Request::scheme is "https" on a TLS connection (or behind a trusted proxy that says so, with
  // fa::ProxyHeadersMiddleware); this app has no proxy in front, so it is the connection's own.
  app.get("/hello", [](fa::Request& req) { return fa::Json{{"tls", req.scheme == "https"}}; });

  app.get("/fetch", [](fa::State<fa::HttpClient> client, fa::Query<"url", std::string> url) -> fa::Task<fa::Response> {
    try {
      fa::ClientResponse r = co_await client->get(*url);
      co_return fa::JSONResponse(fa::Json{{"status", r.status}, {"body", r.text()}});
    } catch (const fa::ClientError& e) {
      co_return fa::JSONResponse(fa::Json{{"detail", e.what()}}, 502);
    }
  });

  return app.run(argc, argv);
}
