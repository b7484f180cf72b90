// tests/examples/test_files_example.cpp: examples/21_files run as a user would (--port 0), its upload contract
// driven by real clients: curl -F (one file with a note, several files, repeated fields, a non-ASCII filename, a
// 3 MB file that goes to a temporary file) and Python's requests; a truncated body and a missing file.
// The digests are checked against Python's hashlib. Stopped with SIGTERM by its pid.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/json/parse.hpp"
#include "fastapi/json/value.hpp"
#include "support/exchange.hpp"
#include "support/process.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_files_example_file {

using namespace std::chrono_literals;
namespace fa = fastapi;
namespace fs = std::filesystem;

namespace files_example {
/// The stdout of `command` (run by /bin/sh), or nullopt when it fails.
inline std::optional<std::string> run(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}
inline std::string sha256_of(const fs::path& file) {
  auto out = run("/usr/bin/python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],\"rb\").read())"
                 ".hexdigest())' '" +
                 file.string() + "'");
  REQUIRE(out);
  return out->substr(0, 64);
}
inline void write_file(const fs::path& p, const std::string& content) { std::ofstream(p, std::ios::binary) << content; }
}  // namespace files_example

TEST_SUITE("examples") {
  using namespace files_example;

  TEST_CASE("21_files: POST /files and /files/many with curl -F and Python requests") {
    fs::path dir = fs::temp_directory_path() / ("fastapi-21-files-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    write_file(dir / "a.txt", "hello world\n");
    write_file(dir / "r\xC3\xA9sum\xC3\xA9 1.txt", "caf\xC3\xA9\n");
    std::string big(3'000'000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
    write_file(dir / "big.bin", big);

    test_support::Process app(test_support::example("21_files"), {"--port", "0", "--workers", "1"},
                              {"TMPDIR=" + dir.string()});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    std::string base = "http://127.0.0.1:" + std::to_string(port);
    // A bound, not a pace: the 48 MiB upload below takes well under a second alone, much longer on a loaded machine.
    const auto curl_seconds = fastapi::test_support::scaled(std::chrono::seconds(60)).count() / 1000;
    std::string curl = "curl -sS --max-time " + std::to_string(curl_seconds) + " ";

    if (!run("command -v curl")) {
      MESSAGE("curl is not installed: the curl checks are skipped");
    } else {
      // One file and a note.
      auto out =
          run(curl + "-F note=hi -F 'file=@" + (dir / "a.txt").string() + ";type=text/plain' " + base + "/files");
      REQUIRE(out);
      CHECK(fa::Json::parse(*out) == fa::Json{{"filename", "a.txt"},
                                              {"content_type", "text/plain"},
                                              {"size", 12},
                                              {"sha256", sha256_of(dir / "a.txt")},
                                              {"note", "hi"}});
      // Several files in repeated `files` fields, one with a non-ASCII name, one past the spool threshold.
      out = run(curl + "-F 'files=@" + (dir / "a.txt").string() + "' -F 'files=@" +
                (dir / "r\xC3\xA9sum\xC3\xA9 1.txt").string() + "' -F 'files=@" + (dir / "big.bin").string() + "' " +
                base + "/files/many");
      REQUIRE(out);
      fa::Json many = fa::Json::parse(*out);
      REQUIRE(many.size() == 3);
      CHECK(many[0] == fa::Json{{"filename", "a.txt"}, {"size", 12}, {"sha256", sha256_of(dir / "a.txt")}});
      CHECK(many[1]["filename"] == "r\xC3\xA9sum\xC3\xA9 1.txt");
      CHECK(many[1]["sha256"] == sha256_of(dir / "r\xC3\xA9sum\xC3\xA9 1.txt"));
      CHECK(many[2] == fa::Json{{"filename", "big.bin"}, {"size", 3'000'000}, {"sha256", sha256_of(dir / "big.bin")}});
      // A missing file: FastAPI's 422.
      out = run(curl + "-F note=x " + base + "/files");
      REQUIRE(out);
      CHECK(*out == R"({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]})");
    }

    // Python's requests, as a script would upload.
    auto py = run("/usr/bin/python3 -c \"import requests, json\n"
                  "r = requests.post('" +
                  base +
                  "/files', data={'note': 'n\\u00e9'}, "
                  "files={'file': ('x.csv', b'a,b\\n1,2\\n', 'text/csv')})\n"
                  "print(r.status_code, json.dumps(r.json(), sort_keys=True))\" 2>&1");
    if (!py || py->find("No module named") != std::string::npos) {
      MESSAGE("python3-requests is not installed: the requests check is skipped");
    } else {
      auto sha = run("/usr/bin/python3 -c \"import hashlib; print(hashlib.sha256(b'a,b\\n1,2\\n').hexdigest())\"");
      REQUIRE(sha);
      CHECK(*py ==
            "200 {\"content_type\": \"text/csv\", \"filename\": \"x.csv\", \"note\": \"n\\u00e9\", \"sha256\": \"" +
                sha->substr(0, 64) + "\", \"size\": 8}\n");
    }

    // A truncated multipart body: 400 with a sentence.
    std::string reply = test_support::http_request(port, "POST", "/files", {},
                                                   "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx",
                                                   "multipart/form-data; boundary=b");
    CHECK(test_support::status_of(reply) == 400);
    CHECK(test_support::body_of(reply) == R"({"detail":"The multipart body ended before its closing boundary."})");

    // A 48 MiB upload is parsed as it arrives (the route streams its body; the file spools to disk past 1 MiB):
    // the server's peak RSS grows by at most 8 MiB plus the spool threshold. Buffered whole, it grew by 48 MiB.
    {
      auto hwm_kib = [&] {
        std::ifstream status("/proc/" + std::to_string(app.pid()) + "/status");
        std::string l;
        while (std::getline(status, l))
          if (l.rfind("VmHWM:", 0) == 0) return std::stol(l.substr(6));
        return 0L;
      };
      const fs::path huge = dir / "huge.bin";
      REQUIRE(run("head -c 50331648 /dev/zero > '" + huge.string() + "'"));
      const long before = hwm_kib();
      auto out = run(curl + "-F note=big -F 'file=@" + huge.string() + "' " + base + "/files");
      REQUIRE(out);
      CHECK(out->find("\"size\":50331648") != std::string::npos);
      const long growth = hwm_kib() - before;
      CAPTURE(growth);
      CHECK(growth <= 9 * 1024);
      fs::remove(huge);
    }

    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
    CHECK(std::distance(fs::directory_iterator(dir), {}) == 3);  // the three inputs; no temporary file left
    fs::remove_all(dir);
  }
}

}  // namespace test_files_example_file
