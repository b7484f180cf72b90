// tests/tutorial/test_36_static_files.cpp: what docs/tutorial/36_static_files.md says, checked on its example
// serving a temporary directory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/36_static_files.cpp"
#include "fastapi/testing/test_client.hpp"

namespace tutorial_36 {
// A directory `static` with two files, removed at the end.
struct StaticDir {
  StaticDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fastapi-tutorial-36-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
    std::ofstream(path + "/hello.txt", std::ios::binary) << "Hello, static world\n";
    std::ofstream(path + "/site.css", std::ios::binary) << "h1 { color: teal; }\n";
  }
  ~StaticDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};
}  // namespace tutorial_36

TEST_SUITE("tutorial/36_static_files") {
  TEST_CASE("a file under /static is served with its type, length and ETag; a conditional GET is a 304") {
    tutorial_36::StaticDir dir;
    fa::App app;
    static_files::build(app, dir.path);
    fa::testing::TestClient client{app};
    auto hello = client.get("/static/hello.txt");
    CHECK(hello.status == 200);
    CHECK(hello.text == "Hello, static world\n");
    CHECK(hello.header("content-type") == "text/plain; charset=utf-8");
    CHECK(hello.header("content-length") == "20");
    CHECK_FALSE(hello.header("last-modified").empty());
    CHECK(client.get("/static/site.css").header("content-type") == "text/css; charset=utf-8");
    auto again = client.get("/static/hello.txt", {.headers = {{"If-None-Match", hello.header("etag")}}});
    CHECK(again.status == 304);
    CHECK(again.text.empty());
    CHECK(client.get("/").header("content-type") == "text/html; charset=utf-8");
  }

  TEST_CASE("what is not a file inside the directory is a 404; other methods a 405") {
    tutorial_36::StaticDir dir;
    fa::App app;
    static_files::build(app, dir.path);
    fa::testing::TestClient client{app};
    auto missing = client.get("/static/nope.txt");
    CHECK(missing.status == 404);
    CHECK(missing.text == R"({"detail":"Not Found"})");
    CHECK(client.get("/static/%2e%2e/etc/passwd").status == 404);
    auto post = client.post("/static/hello.txt");
    CHECK(post.status == 405);
    CHECK(post.text == R"({"detail":"Method Not Allowed"})");
    CHECK(post.header("allow") == "GET, HEAD");
  }

  TEST_CASE("a directory that does not exist is refused when StaticFiles is made") {
    fa::App app;
    CHECK_THROWS_AS(static_files::build(app, "/nonexistent/fastapi-tutorial-36"), fa::ConfigurationError);
  }
}
