// tests/examples/test_files_downloads_example.cpp: examples/21_files.cpp run as a user runs it (`STATIC_DIR=... ./21_files
// --port 0`) and driven with curl: the download half of its contract. StaticFiles under /static (Range, 304,
// HEAD), /download/{name} as an attachment, and every name or path that would leave the directory a 404.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "support/exchange.hpp"
#include "support/process.hpp"

namespace test_files_downloads_example_file {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test_support::example;

namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace

TEST_SUITE("examples") {
  TEST_CASE("21_files downloads: /static with Range, 304 and HEAD; /download/{name} as an attachment; no way out") {
    if (run("command -v curl").empty()) {
      MESSAGE("skipped: curl is not installed");
      return;
    }
    char tmpl[] = "/tmp/fa_21_files_XXXXXX";
    fs::path root = ::mkdtemp(tmpl);
    fs::path dir = root / "static";
    fs::create_directories(dir / "sub");
    std::ofstream(dir / "report.txt") << "0123456789";
    std::ofstream(dir / "r\xC3\xA9sum\xC3\xA9.txt") << "cv";
    std::ofstream(root / "secret.txt") << "TOP-SECRET";
    fs::create_symlink(root / "secret.txt", dir / "link_out");

    test_support::Process app(example("21_files"), {"--port", "0"}, {"STATIC_DIR=" + dir.string()});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    std::string base = "http://127.0.0.1:" + std::to_string(test_support::port_of(*line));
    auto curl = [&](const std::string& args) { return run("curl -s --max-time 10 " + args + " 2>&1"); };

    CHECK(curl("'" + base + "/static/report.txt'") == "0123456789");
    CHECK(curl("-r 2-4 -w ' %{http_code}' '" + base + "/static/report.txt'") == "234 206");
    std::string head = curl("-I '" + base + "/static/report.txt'");
    for (char& c : head) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);  // names in any case
    CHECK(head.find("content-length: 10") != std::string::npos);
    CHECK(head.find("accept-ranges: bytes") != std::string::npos);
    std::size_t at = head.find("etag: ");
    REQUIRE(at != std::string::npos);
    std::string etag = head.substr(at + 6, head.find('\r', at) - at - 6);
    CHECK(curl("-o /dev/null -w '%{http_code}' -H 'If-None-Match: " + etag + "' '" + base + "/static/report.txt'") ==
          "304");

    std::string dl = curl("-D - '" + base + "/download/report.txt'");
    CHECK(dl.find("content-disposition: attachment; filename=\"report.txt\"") != std::string::npos);
    CHECK(dl.ends_with("\r\n\r\n0123456789"));
    CHECK(curl("-D - '" + base + "/download/r%C3%A9sum%C3%A9.txt'")
              .find("content-disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt") != std::string::npos);
    CHECK(curl("-r 0-0 -w ' %{http_code}' '" + base + "/download/report.txt'") == "0 206");

    for (const char* target :
         {"/download/..%2Fsecret.txt", "/download/..", "/download/%2e%2e", "/download/.", "/download/link_out",
          "/download/sub", "/download/missing.txt", "/download/..%5Csecret.txt", "/download/%00",
          "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/link_out", "/download/../secret.txt"}) {
      CAPTURE(target);
      std::string out = curl("--path-as-is -w ' %{http_code}' '" + base + target + "'");
      CHECK(out.find("TOP-SECRET") == std::string::npos);
      CHECK((out.ends_with(" 404") || out.ends_with(" 400")));
    }
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
    std::error_code ec;
    fs::remove_all(root, ec);
  }
}

}  // namespace test_files_downloads_example_file
