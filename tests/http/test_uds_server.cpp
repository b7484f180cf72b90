// tests/http/test_uds_server.cpp: the server on a Unix domain socket (Config::uds, --uds), asked by curl
// --unix-socket: the socket file's mode (0666, as uvicorn's), a stale file from a crashed run replaced, a live
// one refused (run() returns 1 and the running server is untouched), a file that is not a socket left alone,
// the file removed when the server stops, the client address empty, several workers sharing the one acceptor,
// TLS over the Unix socket; the --uds and --ssl-* flags, and the startup error of ssl_ settings without TLS; a
// FileResponse of a few MiB (sent with sendfile(2)) and a range of it, byte-exact.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fastapi/app/app.hpp"
#include "fastapi/app/cli.hpp"
#include "support/tls_fixtures.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_uds_server_file {

namespace fa = fastapi;
using test_support::capture;
using test_support::TempDir;

/// The file GET /file sends (set by the test that asks for it).
std::string file_path;

void add_routes(fa::App& app) {
  app.get("/hello", [](fa::Request& req) {
    return fa::Json{{"scheme", std::string(req.scheme)}, {"client", std::string(req.client_host)}};
  });
  app.get("/file", [] { return fa::FileResponse(file_path); });
}

fa::Config uds_config(const std::string& path, unsigned workers = 1) {
  fa::Config c;
  c.uds = path;
  c.workers = workers;
  c.handle_signals = false;
  return c;
}

/// An app listening on a Unix socket in a thread of its own; stopped at the end.
struct UdsServer {
  explicit UdsServer(const fa::Config& c) {
    add_routes(app);
    thread = std::thread([this, c] { code = app.run(c); });
    app.wait_until_listening();
    REQUIRE(app.ready());
  }
  ~UdsServer() { stop(); }
  void stop() {
    if (!thread.joinable()) return;
    app.stop();
    thread.join();
    CHECK(code == 0);
  }
  fa::App app;
  std::thread thread;
  std::atomic<int> code{-1};
};

std::string curl(const std::string& path, const std::string& extra = "") {
  return capture("curl -sS " + extra + " --unix-socket " + path + " http://localhost/hello").out;
}

/// Leaves a socket file behind as a crashed server would: bound, listened on, closed, never unlinked.
void leave_stale_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  path.copy(a.sun_path, sizeof(a.sun_path) - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  ::listen(fd, 1);
  ::close(fd);
}

TEST_SUITE("http/uds_server") {
  TEST_CASE("on a Unix socket: mode 0666, served to curl with no client address, removed when the server stops") {
    TempDir dir;
    std::string path = dir.file("app.sock");
    unsigned workers = 1;
    SUBCASE("one worker") { workers = 1; }
    SUBCASE("two workers share the one acceptor") { workers = 2; }
    {
      UdsServer s(uds_config(path, workers));
      struct ::stat st {};
      REQUIRE(::lstat(path.c_str(), &st) == 0);
      CHECK(S_ISSOCK(st.st_mode));
      CHECK((st.st_mode & 0777) == 0666);
      for (int i = 0; i < 4; ++i) CHECK(curl(path) == R"({"scheme":"http","client":""})");
      s.stop();
      CHECK_FALSE(std::filesystem::exists(path));
    }
  }

  TEST_CASE("a FileResponse of a few MiB goes out byte-exact over the Unix socket, whole and as a range") {
    TempDir dir;
    std::string path = dir.file("app.sock");
    file_path = dir.file("f.bin");
    test_support::run_quiet("openssl rand -out " + file_path + " 3000001");
    UdsServer s(uds_config(path));
    std::string got = dir.file("got.bin"), part = dir.file("part.bin");
    std::string base = "curl -sS --unix-socket " + path + " http://localhost/file";
    CHECK(capture(base + " -o " + got + " -w '%{http_code}'").out == "200");
    CHECK(capture("cmp " + got + " " + file_path + " && echo same").out == "same\n");
    CHECK(capture(base + " -r 1000000-2500000 -o " + part + " -w '%{http_code}'").out == "206");
    CHECK(capture("tail -c +1000001 " + file_path + " | head -c 1500001 | cmp - " + part + " && echo same").out ==
          "same\n");
  }

  TEST_CASE("a stale socket file from a crashed run is replaced; a live one is refused with exit code 1") {
    TempDir dir;
    std::string path = dir.file("app.sock");
    leave_stale_socket(path);
    REQUIRE(std::filesystem::exists(path));
    UdsServer s(uds_config(path));
    CHECK(curl(path) == R"({"scheme":"http","client":""})");

    fa::App second;
    add_routes(second);
    CHECK(second.run(uds_config(path)) == 1);  // "... bind on unix:PATH: ... (another server is listening on it)"
    CHECK(curl(path) == R"({"scheme":"http","client":""})");  // the first one is untouched
  }

  TEST_CASE("a file that is not a socket is left alone, and run() returns 1") {
    TempDir dir;
    std::string path = dir.file("notes.txt");
    test_support::write_file(path, "keep me");
    fa::App app;
    add_routes(app);
    CHECK(app.run(uds_config(path)) == 1);
    CHECK(capture("cat " + path).out == "keep me");
  }

  TEST_CASE("the command line: --uds and uvicorn's --ssl-* flags set the Config; a bad --ssl-cert-reqs is refused") {
    std::vector<std::string> words{"app",
                                   "--uds",
                                   "/run/app.sock",
                                   "--ssl-certfile=c.pem",
                                   "--ssl-keyfile",
                                   "k.pem",
                                   "--ssl-keyfile-password",
                                   "pw",
                                   "--ssl-ca-certs",
                                   "ca.pem",
                                   "--ssl-cert-reqs",
                                   "2"};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    fa::Config c = fa::parse_args(static_cast<int>(argv.size()), argv.data());
    CHECK(c.uds == "/run/app.sock");
    CHECK(c.ssl_certfile == "c.pem");
    CHECK(c.ssl_keyfile == "k.pem");
    CHECK(c.ssl_keyfile_password == "pw");
    CHECK(c.ssl_ca_certs == "ca.pem");
    CHECK(c.ssl_cert_reqs == 2);
    std::string bad_words[] = {"app", "--ssl-cert-reqs", "3"};
    char* bad[] = {bad_words[0].data(), bad_words[1].data(), bad_words[2].data()};
    CHECK_THROWS_WITH_AS(fa::parse_args(3, bad),
                         "fastapi: --ssl-cert-reqs expects 0 (none), 1 (optional) or 2 (required), got '3'",
                         std::invalid_argument);
  }

#ifndef FASTAPI_ENABLE_TLS
  TEST_CASE("built without FASTAPI_ENABLE_TLS, an ssl_ setting stops run() with exit code 1") {
    fa::Config c;
    c.port = 0;
    c.handle_signals = false;
    c.ssl_certfile = "cert.pem";
    fa::App app;
    CHECK(app.run(c) == 1);  // "... needs TLS support ...: compile with -DFASTAPI_ENABLE_TLS and link -lssl -lcrypto"
  }
#endif

#ifdef FASTAPI_ENABLE_TLS
  TEST_CASE("TLS over a Unix socket") {
    test_support::Pki pki;
    pki.issue("server", "localhost");
    std::string path = pki.dir.file("tls.sock");
    fa::Config c = uds_config(path);
    c.ssl_certfile = pki.cert("server");
    c.ssl_keyfile = pki.key("server");
    UdsServer s(c);
    CHECK(capture("curl -sS --cacert " + pki.cert("ca") + " --unix-socket " + path + " https://localhost/hello").out ==
          R"({"scheme":"https","client":""})");
  }
#endif
}

}  // namespace test_uds_server_file
