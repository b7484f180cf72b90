// tests/http/test_static_files.cpp: fa::StaticFiles mounted in an app, over a real socket: files served with
// FileResponse's headers, 304 and Range; HTML mode (index.html, the directory redirect, 404.html); 405; FIFOs and
// directories; symlinks in and out; and a traversal corpus sent byte for byte (RawSocket) and with
// `curl --path-as-is`, none of which may reach a file outside the directory.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

#include "fastapi/app/app.hpp"
#include "fastapi/http/static_files.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_static_files_file {

namespace fa = fastapi;
namespace fs = std::filesystem;
using fa::test_support::RawSocket;

namespace {

constexpr std::string_view secret = "TOP-SECRET-CONTENT";

/// root/public (served) and root/secret.txt (beside it, never served), removed at the end.
struct Tree {
  fs::path root, pub;
  Tree() {
    char tmpl[] = "/tmp/fa_static_XXXXXX";
    root = ::mkdtemp(tmpl);
    pub = root / "public";
    fs::create_directories(pub / "css");
    fs::create_directories(pub / "site" / "sub");
    fs::create_directories(pub / "empty");
    write(pub / "hello.txt", "hello\n");
    write(pub / "css" / "site.css", "body { color: red }");
    write(pub / "site" / "index.html", "<h1>site</h1>");
    write(pub / "site" / "sub" / "index.html", "<h1>sub</h1>");
    write(pub / "site" / "404.html", "<h1>nested 404 is not the one</h1>");
    write(pub / "%2e%2e", "a file named %2e%2e");
    write(root / "secret.txt", std::string(secret));
    write(root / "outside.txt", std::string(secret));
    fs::create_symlink(pub / "hello.txt", pub / "link_in");
    fs::create_symlink("../hello.txt", pub / "css" / "link_rel");
    fs::create_symlink("../outside.txt", pub / "link_out");
    fs::create_symlink(root / "outside.txt", pub / "link_abs");
    fs::create_directory_symlink(root, pub / "dir_out");
    ::mkfifo((pub / "fifo").c_str(), 0600);
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
};

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace

TEST_CASE("StaticFiles serves files with FileResponse's headers, 304 and Range; GET and HEAD only") {
  Tree t;
  fa::App app;
  app.mount("/static", fa::StaticFiles{{.directory = t.pub.string()}});
  fa::testing::TestClient client{app};

  auto r = client.get("/static/hello.txt");
  CHECK(r.status == 200);
  CHECK(r.text == "hello\n");
  CHECK(r.header("content-type") == "text/plain; charset=utf-8");
  CHECK(r.header("content-length") == "6");
  CHECK(r.header("content-disposition").empty());
  CHECK(client.get("/static/css/site.css").header("content-type") == "text/css; charset=utf-8");
  CHECK(client.get("/static//css//./site.css").text == "body { color: red }");
  CHECK(client.get("/static/%2e%2e").status == 404);                      // decoded, it is "..": refused
  CHECK(client.get("/static/%252e%252e").text == "a file named %2e%2e");  // the name "%2e%2e", encoded once more
  std::string etag = r.header("etag");
  CHECK(client.get("/static/hello.txt", {.headers = {{"if-none-match", etag}}}).status == 304);
  r = client.get("/static/hello.txt", {.headers = {{"range", "bytes=1-3"}}});
  CHECK(r.status == 206);
  CHECK(r.text == "ell");
  r = client.head("/static/hello.txt");
  CHECK(r.status == 200);
  CHECK(r.header("content-length") == "6");
  CHECK(r.text.empty());
  r = client.post("/static/hello.txt");
  CHECK(r.status == 405);
  CHECK(r.header("allow") == "GET, HEAD");
  CHECK(r.text == R"({"detail":"Method Not Allowed"})");
  CHECK(client.put("/static/hello.txt").status == 405);

  // Not regular files: 404, and a FIFO never blocks the loop.
  CHECK(client.get("/static/fifo").status == 404);
  CHECK(client.get("/static/css").status == 404);  // a directory, outside HTML mode
  CHECK(client.get("/static/css/").status == 404);
  CHECK(client.get("/static/").status == 404);
  CHECK(client.get("/static/missing.txt").text == R"({"detail":"Not Found"})");
  CHECK(client.get("/static/hello.txt/x").status == 404);
  // Symlinks: inside is fine, out of the directory is not.
  CHECK(client.get("/static/link_in").text == "hello\n");
  CHECK(client.get("/static/css/link_rel").text == "hello\n");
  CHECK(client.get("/static/link_out").status == 404);
  CHECK(client.get("/static/link_abs").status == 404);
  CHECK(client.get("/static/dir_out/secret.txt").status == 404);
  CHECK(client.get("/static/hello.txt").status == 200);
}

TEST_CASE("follow_symlink lets symlinks lead out of the directory; '..' still never passes") {
  Tree t;
  fa::App app;
  app.mount("/static", fa::StaticFiles{{.directory = t.pub.string(), .follow_symlink = true}});
  fa::testing::TestClient client{app};
  CHECK(client.get("/static/link_out").text == secret);
  CHECK(client.get("/static/dir_out/secret.txt").text == secret);
  CHECK(client.get("/static/css/%2e%2e/%2e%2e/secret.txt").status == 404);
}

TEST_CASE("HTML mode: index.html for a directory, the redirect to its slash, 404.html for the rest") {
  Tree t;
  fa::App app;
  app.mount("/site", fa::StaticFiles{{.directory = (t.pub / "site").string(), .html = true}});
  app.mount("/plain", fa::StaticFiles{{.directory = t.pub.string(), .html = true}});
  fa::testing::TestClient client{app};
  auto r = client.get("/site/");
  CHECK(r.status == 200);
  CHECK(r.text == "<h1>site</h1>");
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  r = client.get("/site/sub?x=1", {.follow_redirects = false});
  CHECK(r.status == 307);
  CHECK(r.header("location").ends_with("/site/sub/?x=1"));
  CHECK(client.get("/site/sub").text == "<h1>sub</h1>");  // followed
  r = client.get("/site/nothing-here");
  CHECK(r.status == 404);
  CHECK(r.text == "<h1>nested 404 is not the one</h1>");
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  // The 404 page is not cached as a 200: a conditional request for it is still a 404.
  CHECK(client.get("/site/nothing-here", {.headers = {{"if-none-match", "*"}}}).status == 404);
  // No 404.html at the top of /plain's directory: the JSON 404; a directory without index.html too.
  CHECK(client.get("/plain/nothing").text == R"({"detail":"Not Found"})");
  CHECK(client.get("/plain/empty/").status == 404);
  CHECK(client.get("/plain/").status == 404);
}

TEST_CASE("a missing directory is a ConfigurationError, unless check_dir is false (then every file is a 404)") {
  CHECK_THROWS_AS(fa::StaticFiles({.directory = "/nonexistent/fa-static"}), fa::ConfigurationError);
  fa::App app;
  app.mount("/s", fa::StaticFiles{{.directory = "/nonexistent/fa-static", .check_dir = false}});
  fa::testing::TestClient client{app};
  CHECK(client.get("/s/x.txt").status == 404);
}

TEST_CASE("the traversal corpus: no spelling reaches a file outside the directory") {
  Tree t;
  fa::App app;
  app.mount("/static", fa::StaticFiles{{.directory = t.pub.string()}});
  app.mount("/html", fa::StaticFiles{{.directory = t.pub.string(), .html = true}});
  fa::testing::TestClient client{app};
  const char* corpus[] = {
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/.%2e/secret.txt",
      "/%2e./secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/css/../../secret.txt",
      "/css/%2e%2e/%2e%2e/secret.txt",
      "/css%2f..%2f..%2fsecret.txt",
      "/..\\secret.txt",
      "/..%5csecret.txt",
      "/%5c..%5csecret.txt",
      "/css\\..\\..\\secret.txt",
      "//secret.txt",
      "/%2f..%2fsecret.txt",
      "/%2fetc%2fpasswd",
      "//etc/passwd",
      "/..",
      "/../",
      "/hello.txt%00.png",
      "/%00../secret.txt",
      "/link_out",
      "/link_abs",
      "/dir_out/secret.txt",
      "/dir_out/public/../secret.txt",
      "/%252e%252e/secret.txt",
      "/..;/secret.txt",
      "/....//secret.txt",
      "/./.././secret.txt",
      "/%c0%ae%c0%ae/secret.txt",
      "/%uff0e%uff0e/secret.txt",
  };
  for (const char* prefix : {"/static", "/html"}) {
    for (const char* rest : corpus) {
      std::string target = std::string(prefix) + rest;
      CAPTURE(target);
      RawSocket s{client.port()};
      REQUIRE(s.send("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
      auto r = s.read_response();
      REQUIRE(r);  // answered, never a dropped connection
      CHECK(r->status != 200);
      CHECK(r->body.find(secret) == std::string::npos);
      CHECK((r->status == 404 || r->status == 400 || r->status == 307));
    }
  }
  // curl sends the dots as they are with --path-as-is (without it, curl itself squashes them).
  if (!run("command -v curl").empty()) {
    std::string base = "http://127.0.0.1:" + std::to_string(client.port());
    for (const char* rest : {"/../secret.txt", "/css/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                             "/dir_out/secret.txt", "/link_out"}) {
      std::string out = run("curl -s --path-as-is -w ' %{http_code}' '" + base + "/static" + rest + "'");
      CAPTURE(rest);
      CHECK(out.find(secret) == std::string::npos);
      CHECK(out.ends_with(" 404"));
    }
    CHECK(run("curl -s --path-as-is '" + base + "/static/hello.txt'") == "hello\n");
  }
}

}  // namespace test_static_files_file
