// tests/http/test_tls_server.cpp: the server over TLS (Config::ssl_*, FASTAPI_ENABLE_TLS), driven by real clients
// (curl, Python's ssl, http.client, requests and websockets) with certificates made at test time
// (tests/support/tls_fixtures.hpp): a valid chain with TLS 1.2+ and ALPN http/1.1, Request::scheme "https" (and
// HTTPSRedirectMiddleware letting it through), many keep-alive requests on one connection, client certificates
// required / optional, an encrypted key, plain HTTP sent to the TLS port, a TLS slowloris (nothing, or half a
// ClientHello, cut at header_timeout), a large streamed upload and a large response (a FileResponse too: no
// sendfile under TLS, the read path), and a wss:// echo.
#ifdef FASTAPI_ENABLE_TLS

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/https_redirect.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"
#include "support/tls_fixtures.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_tls_server_file {

namespace fa = fastapi;
using namespace std::chrono_literals;
using fastapi::test_support::RawSocket;
using fastapi::test_support::scaled;
using test_support::capture;
using test_support::Pki;

/// One CA and the certificates every test uses, made once for the file.
Pki& pki() {
  static Pki* p = [] {
    auto* made = new Pki;
    made->issue("server", "localhost");
    made->issue("client", "alice", "ca", 2, false, true);
    made->issue("stranger", "mallory", "other_ca", 2, false, true);
    return made;
  }();
  return *p;
}

/// The routes the tests ask: /hello (the scheme the handler saw), /big?n=N (N bytes), /count (a streamed
/// upload: its size and SHA-256), /ws (a WebSocket echo).
void add_routes(fa::App& app) {
  app.get("/hello", [](fa::Request& req) { return fa::Json{{"scheme", std::string(req.scheme)}}; });
  app.get("/cert", [](fa::Request& req) {
    const fa::ClientCertificate* c = req.client_certificate();
    if (!c) return fa::Json{{"cert", nullptr}};
    return fa::Json{{"subject", c->subject},
                    {"issuer", c->issuer},
                    {"serial", c->serial},
                    {"not_before", c->not_before.time_since_epoch().count()},
                    {"not_after", c->not_after.time_since_epoch().count()},
                    {"pem", c->pem}};
  });
  app.get("/big", [](fa::Query<"n", std::size_t> n) { return std::string(*n, 'b'); });
  app.get("/file", [] { return fa::FileResponse(pki().dir.file("download.bin")); });
  app.post("/count",
           [](fa::RequestStream& body) -> fa::Task<fa::Json> {
             fa::Sha256 sha;
             std::uint64_t bytes = 0;
             while (std::optional<std::string_view> chunk = co_await body.next()) {
               sha.update(*chunk);
               bytes += chunk->size();
             }
             co_return fa::Json{{"bytes", bytes}, {"sha256", fa::to_hex(sha.finish())}};
           },
           {.max_body_size = std::size_t{64} << 20});
  app.websocket("/ws", [](fa::WebSocket& ws) -> fa::Task<void> {
    co_await ws.accept();
    for (;;) {
      fa::WebSocketMessage m = co_await ws.receive();
      if (m.is_disconnect()) co_return;
      co_await ws.send_text(m.data);
    }
  });
}

/// An app serving TLS on a free port in a thread of its own; stopped (drained) at the end.
struct TlsServer {
  explicit TlsServer(fa::Config c = config()) {
    add_routes(app);
    thread = std::thread([this, c] { code = app.run(c); });
    port = app.wait_until_listening();
    REQUIRE(port != 0);
  }
  ~TlsServer() {
    app.stop();
    thread.join();
    CHECK(code == 0);
  }
  static fa::Config config() {
    fa::Config c;
    c.port = 0;
    c.workers = 1;
    c.handle_signals = false;
    c.ssl_certfile = pki().cert("server");
    c.ssl_keyfile = pki().key("server");
    return c;
  }
  std::string url(const std::string& path) const { return "https://localhost:" + std::to_string(port) + path; }
  std::string curl(const std::string& args) const { return "curl -sS --cacert " + pki().cert("ca") + " " + args; }
  fa::App app;
  std::thread thread;
  std::atomic<int> code{-1};
  std::uint16_t port = 0;
};

/// A Python program run with /usr/bin/python3 (Debian's ssl, requests, websockets).
test_support::Captured python(const std::string& program) {
  std::string path = pki().dir.file("client.py");
  test_support::write_file(path, program);
  return capture("/usr/bin/python3 " + path);
}

TEST_SUITE("http/tls_server") {
  TEST_CASE("a valid chain: curl and Python's ssl get TLS 1.2 or later, ALPN http/1.1, and scheme https") {
    TlsServer s;
    auto r = capture(s.curl(s.url("/hello")));
    CHECK(r.status == 0);
    CHECK(r.out == R"({"scheme":"https"})");
    auto py = python("import socket, ssl\n"
                     "ctx = ssl.create_default_context(cafile='" +
                     pki().cert("ca") +
                     "')\n"
                     "ctx.set_alpn_protocols(['h2', 'http/1.1'])\n"
                     "with socket.create_connection(('127.0.0.1', " +
                     std::to_string(s.port) +
                     ")) as raw:\n"
                     "    with ctx.wrap_socket(raw, server_hostname='localhost') as t:\n"
                     "        print(t.selected_alpn_protocol(), t.version() in ('TLSv1.2', 'TLSv1.3'))\n"
                     "old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
                     "old.load_verify_locations('" +
                     pki().cert("ca") +
                     "')\n"
                     "old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1\n"
                     "try:\n"
                     "    with socket.create_connection(('127.0.0.1', " +
                     std::to_string(s.port) +
                     ")) as raw:\n"
                     "        old.wrap_socket(raw, server_hostname='localhost')\n"
                     "    print('tls1.1 accepted')\n"
                     "except (ssl.SSLError, OSError):\n"
                     "    print('tls1.1 refused')\n");
    CHECK(py.out == "http/1.1 True\ntls1.1 refused\n");
    // A client that trusts another CA refuses the certificate (curl: 60).
    CHECK(capture("curl -sS --cacert " + pki().cert("other_ca") + " " + s.url("/hello")).status == 60);
  }

  TEST_CASE("HTTPSRedirectMiddleware lets a request that came over TLS through") {
    fa::Config c = TlsServer::config();
    fa::App app;
    app.add_middleware(fa::HTTPSRedirectMiddleware{});
    app.get("/hello", [](fa::Request& req) { return std::string(req.scheme); });
    std::atomic<int> code{-1};
    std::thread t([&] { code = app.run(c); });
    std::uint16_t port = app.wait_until_listening();
    REQUIRE(port != 0);
    auto r = capture("curl -sS -w ' %{http_code}' --cacert " + pki().cert("ca") +
                     " https://localhost:" + std::to_string(port) + "/hello");
    CHECK(r.out == "https 200");
    app.stop();
    t.join();
    CHECK(code == 0);
  }

  TEST_CASE("keep-alive: 300 requests on one TLS connection (Python's http.client)") {
    TlsServer s;
    auto py = python("import http.client, ssl\n"
                     "ctx = ssl.create_default_context(cafile='" +
                     pki().cert("ca") +
                     "')\n"
                     "c = http.client.HTTPSConnection('localhost', " +
                     std::to_string(s.port) +
                     ", context=ctx)\n"
                     "ok = 0; first = None\n"
                     "for i in range(300):\n"
                     "    c.request('GET', '/big?n=%d' % (i * 97))\n"
                     "    r = r0 = c.getresponse(); body = r.read()\n"
                     "    first = first or c.sock\n"
                     "    ok += r.status == 200 and body == b'b' * (i * 97) and c.sock is first\n"
                     "print(ok)\n");
    CHECK(py.out == "300\n");
  }

  TEST_CASE("client certificates: required (ssl_cert_reqs = 2) refuses a client without one or with a stranger's, "
            "optional (1) serves both") {
    fa::Config c = TlsServer::config();
    c.ssl_ca_certs = pki().cert("ca");
    c.ssl_cert_reqs = 2;
    {
      TlsServer s(c);
      CHECK(capture(s.curl(s.url("/hello"))).status != 0);
      CHECK(capture(
                s.curl("--cert " + pki().cert("stranger") + " --key " + pki().key("stranger") + " " + s.url("/hello")))
                .status != 0);
      auto ok =
          capture(s.curl("--cert " + pki().cert("client") + " --key " + pki().key("client") + " " + s.url("/hello")));
      CHECK(ok.status == 0);
      CHECK(ok.out == R"({"scheme":"https"})");
    }
    c.ssl_cert_reqs = 1;
    {
      TlsServer s(c);
      CHECK(capture(s.curl(s.url("/hello"))).out == R"({"scheme":"https"})");
      CHECK(capture(s.curl("--cert " + pki().cert("client") + " --key " + pki().key("client") + " " + s.url("/hello")))
                .out == R"({"scheme":"https"})");
    }
  }

  TEST_CASE("client certificates: the handler reads the verified one (subject, issuer, serial, dates, PEM) on "
            "every request of the connection; none when the client sends none or the server asks for none") {
    const std::string cert = pki().cert("client");
    // What the openssl command reads from the same file.
    auto openssl = [&](const std::string& what) {
      std::string out = capture("openssl x509 -in " + cert + " -noout -nameopt RFC2253 " + what).out;
      out = out.substr(out.find('=') + 1);
      return out.substr(0, out.find('\n'));
    };
    auto epoch = [&](const std::string& what) {
      return std::stoll(
          capture("date -u +%s -d \"$(openssl x509 -in " + cert + " -noout " + what + " | cut -d= -f2)\"").out);
    };
    fa::Config c = TlsServer::config();
    c.ssl_ca_certs = pki().cert("ca");
    c.ssl_cert_reqs = 1;
    TlsServer s(c);
    // Two requests on one connection: the certificate read at the handshake serves both.
    auto py = python("import http.client, ssl\n"
                     "ctx = ssl.create_default_context(cafile='" +
                     pki().cert("ca") +
                     "')\n"
                     "ctx.load_cert_chain('" +
                     cert + "', '" + pki().key("client") +
                     "')\n"
                     "c = http.client.HTTPSConnection('localhost', " +
                     std::to_string(s.port) +
                     ", context=ctx)\n"
                     "for _ in range(2):\n"
                     "    c.request('GET', '/cert')\n"
                     "    print(c.getresponse().read().decode())\n");
    REQUIRE(std::count(py.out.begin(), py.out.end(), '\n') == 2);
    const std::string first = py.out.substr(0, py.out.find('\n'));
    CHECK(py.out == first + "\n" + first + "\n");
    fa::Json got = fa::Json::parse(first);
    CHECK(got["subject"].as_string() == "CN=alice");
    CHECK(got["subject"].as_string() == openssl("-subject"));
    CHECK(got["issuer"].as_string() == "CN=fastapi test CA");
    CHECK(got["serial"].as_string() == openssl("-serial"));
    CHECK(got["not_before"].as_int() == epoch("-startdate"));
    CHECK(got["not_after"].as_int() == epoch("-enddate"));
    CHECK(got["pem"].as_string() == capture("cat " + cert).out);
    // Asked for (1) but not sent; and a server that asks for none (0) sees none even from a client that has one.
    CHECK(capture(s.curl(s.url("/cert"))).out == R"({"cert":null})");
    TlsServer plain;
    CHECK(capture(plain.curl("--cert " + cert + " --key " + pki().key("client") + " " + plain.url("/cert"))).out ==
          R"({"cert":null})");
  }

  TEST_CASE("an encrypted key is read with ssl_keyfile_password; a wrong one, a missing file, or a key of another "
            "certificate fails run() with exit code 1 before the startup hooks") {
    std::string encrypted = pki().dir.file("encrypted.key");
    test_support::run_quiet("openssl pkey -in " + pki().key("server") + " -aes256 -passout pass:s3cret -out " +
                            encrypted);
    fa::Config c = TlsServer::config();
    c.ssl_keyfile = encrypted;
    c.ssl_keyfile_password = "s3cret";
    {
      TlsServer s(c);
      CHECK(capture(s.curl(s.url("/hello"))).out == R"({"scheme":"https"})");
    }
    // Refused before the app's startup hooks run (as uvicorn's Config.load()): none ran, none is half-done.
    auto fails = [](fa::Config bad) {
      fa::App app;
      bool started = false;
      app.on_startup([&] { started = true; });
      int code = app.run(bad);
      CHECK_FALSE(started);
      return code;
    };
    c.ssl_keyfile_password = "wrong";
    CHECK(fails(c) == 1);
    c = TlsServer::config();
    c.ssl_certfile = pki().dir.file("missing.pem");
    CHECK(fails(c) == 1);
    c = TlsServer::config();
    c.ssl_cert_reqs = 2;  // without ssl_ca_certs: nothing to check client certificates against
    CHECK(fails(c) == 1);
    c = TlsServer::config();
    c.ssl_keyfile = pki().key("client");  // another certificate's key
    CHECK(fails(c) == 1);
  }

  TEST_CASE("plain HTTP sent to the TLS port is closed at once, and the server goes on serving TLS") {
    TlsServer s;
    for (int i = 0; i < 3; ++i) {
      RawSocket raw(s.port);
      REQUIRE(raw.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"));
      CHECK(raw.is_closed_by_peer(scaled(2000ms)));
    }
    CHECK(capture(s.curl(s.url("/hello"))).out == R"({"scheme":"https"})");
  }

  TEST_CASE("a TLS slowloris (no ClientHello, or half of one) is cut at header_timeout, like a slow head") {
    fa::Config c = TlsServer::config();
    c.header_timeout = 400ms;
    TlsServer s(c);
    RawSocket silent(s.port);
    RawSocket half(s.port);
    // A TLS record header announcing a 512-byte handshake message, and 4 bytes of it.
    REQUIRE(half.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01", 8)));
    auto start = std::chrono::steady_clock::now();
    CHECK(silent.is_closed_by_peer(scaled(3000ms)));
    CHECK(half.is_closed_by_peer(scaled(3000ms)));
    CHECK(std::chrono::steady_clock::now() - start >= 300ms);  // not before its time (the tick is 250 ms)
    CHECK(capture(s.curl(s.url("/hello"))).out == R"({"scheme":"https"})");
  }

  TEST_CASE("a large streamed upload and a large response over TLS arrive whole") {
    TlsServer s;
    std::string file = pki().dir.file("upload.bin");
    test_support::run_quiet("openssl rand -out " + file + " 9000000");
    std::string sha = capture("sha256sum " + file + " | cut -d' ' -f1").out;
    REQUIRE(sha.size() == 65);
    auto up = capture(s.curl("--data-binary @" + file + " " + s.url("/count")));
    CHECK(up.out == R"({"bytes":9000000,"sha256":")" + sha.substr(0, 64) + "\"}");
    auto down = capture(s.curl("-o /dev/null -w '%{size_download} %{http_code}' '" + s.url("/big?n=12000000") + "'"));
    CHECK(down.out == "12000000 200");
    // A FileResponse: read and encrypted chunk by chunk (no sendfile under TLS), whole and as a range.
    std::string served = pki().dir.file("download.bin"), got = pki().dir.file("got.bin");
    test_support::run_quiet("openssl rand -out " + served + " 3000001");
    CHECK(capture(s.curl("-o " + got + " -w '%{http_code}' " + s.url("/file"))).out == "200");
    CHECK(capture("cmp " + got + " " + served + " && echo same").out == "same\n");
    CHECK(capture(s.curl("-r 1000000-2500000 -o " + got + " -w '%{http_code}' " + s.url("/file"))).out == "206");
    CHECK(capture("tail -c +1000001 " + served + " | head -c 1500001 | cmp - " + got + " && echo same").out ==
          "same\n");
  }

  TEST_CASE("wss://: a WebSocket echo over TLS (Python's websockets), small and large messages") {
    TlsServer s;
    auto py = python("import asyncio, ssl, websockets\n"
                     "async def main():\n"
                     "    ctx = ssl.create_default_context(cafile='" +
                     pki().cert("ca") +
                     "')\n"
                     "    async with websockets.connect('wss://localhost:" +
                     std::to_string(s.port) +
                     "/ws', ssl=ctx, max_size=None) as ws:\n"
                     "        for m in ['hi', 'x' * 300000, 'bye']:\n"
                     "            await ws.send(m)\n"
                     "            print(len(await ws.recv()))\n"
                     "asyncio.run(main())\n");
    CHECK(py.out == "2\n300000\n3\n");
  }
}

}  // namespace test_tls_server_file

#endif  // FASTAPI_ENABLE_TLS
