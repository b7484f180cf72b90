// tests/http/test_mime_range.cpp: the media-type table (http/mime.hpp) against Python's own `mimetypes`, and the
// Range header parser (http/range.hpp): single, multiple, suffix, open-ended, overlapping, unsatisfiable and
// hostile headers.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "fastapi/http/mime.hpp"
#include "fastapi/http/range.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_mime_range_file {

namespace fa = fastapi;
using K = fa::RangeRequest::Kind;

namespace {

/// Runs `command` and returns its stdout ("" when it cannot run).
std::string run(const char* command) {
  std::string out;
  FILE* p = ::popen(command, "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

}  // namespace

TEST_CASE("every type in Python's built-in mimetypes table is ours too, with the same answer for any case") {
  // MimeTypes() without files is the built-in table (the module-level guess_type also reads /etc/mime.types).
  std::string table =
      run("/usr/bin/python3 -c \"import mimetypes\n"
          "m = mimetypes.MimeTypes()\n"
          "for e in sorted(mimetypes._types_map_default):\n"
          "    print(e, m.guess_type('x' + e)[0], m.guess_type('DIR.d/X' + e.upper())[0])\" 2>/dev/null");
  if (table.empty()) {
    MESSAGE("skipped: /usr/bin/python3 is not available");
    return;
  }
  std::size_t checked = 0;
  for (std::size_t at = 0; at < table.size();) {
    std::size_t nl = table.find('\n', at);
    std::string_view line = std::string_view(table).substr(at, nl - at);
    at = nl + 1;
    std::size_t s1 = line.find(' '), s2 = line.rfind(' ');
    std::string ext(line.substr(0, s1));
    std::string type(line.substr(s1 + 1, s2 - s1 - 1)), upper_type(line.substr(s2 + 1));
    CAPTURE(ext);
    CHECK(fa::guess_media_type("x" + ext) == type);
    std::string upper = ext;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    CHECK(fa::guess_media_type("DIR.d/X" + upper) == upper_type);
    ++checked;
  }
  CHECK(checked >= 140);
}

TEST_CASE("the web types Python 3.11 lacks, compressed files, and names without an extension") {
  CHECK(fa::guess_media_type("fonts/a.woff2") == "font/woff2");
  CHECK(fa::guess_media_type("a.woff") == "font/woff");
  CHECK(fa::guess_media_type("pic.webp") == "image/webp");
  CHECK(fa::guess_media_type("app.js.map") == "application/json");
  CHECK(fa::guess_media_type("index.html") == "text/html");
  CHECK(fa::guess_media_type("style.css") == "text/css");
  CHECK(fa::guess_media_type("a.mjs") == "application/javascript");
  // Python says application/x-tar + a gzip *encoding*; without Content-Encoding that would lie.
  CHECK(fa::guess_media_type("backup.tar.gz") == "application/gzip");
  CHECK(fa::guess_media_type("backup.tgz") == "application/gzip");
  CHECK(fa::guess_media_type("old.Z") == "application/x-compress");
  CHECK(fa::guess_media_type("README").empty());
  CHECK(fa::guess_media_type(".bashrc").empty());
  CHECK(fa::guess_media_type("..txt").empty());  // os.path.splitext("..txt") has no extension either
  CHECK(fa::guess_media_type(".hidden.txt") == "text/plain");
  CHECK(fa::guess_media_type("dir.html/file").empty());
  CHECK(fa::guess_media_type("a.").empty());
  CHECK(fa::guess_media_type("a.unknownextensionlonger").empty());
  CHECK(fa::guess_media_type("").empty());
}

TEST_CASE("a single range: first-last, open-ended, suffix, cut to the end") {
  auto one = [](std::string_view h, std::uint64_t size) {
    fa::RangeRequest r = fa::parse_range(h, size);
    REQUIRE(r.kind == K::ranges);
    REQUIRE(r.ranges.size() == 1);
    return r.ranges[0];
  };
  CHECK(one("bytes=0-99", 1000) == fa::ByteRange{0, 99});
  CHECK(one("bytes=500-", 1000) == fa::ByteRange{500, 999});
  CHECK(one("bytes=-100", 1000) == fa::ByteRange{900, 999});
  CHECK(one("bytes=-5000", 1000) == fa::ByteRange{0, 999});  // a suffix longer than the file: all of it
  CHECK(one("bytes=900-5000", 1000) == fa::ByteRange{900, 999});
  CHECK(one("bytes=999-999", 1000) == fa::ByteRange{999, 999});
  CHECK(one("BYTES=0-0", 1) == fa::ByteRange{0, 0});
  CHECK(one("  bytes=1-2  ", 10) == fa::ByteRange{1, 2});
  CHECK(one("bytes= 1-2 ,", 10) == fa::ByteRange{1, 2});  // empty list elements are allowed (RFC 9110 5.6.1)
  CHECK(one("bytes=0-99999999999999999999999999999", 10) == fa::ByteRange{0, 9});  // saturates, no overflow
  CHECK(one("bytes=-99999999999999999999999999999", 10) == fa::ByteRange{0, 9});
  CHECK(one("bytes=0-99", 1000).length() == 100);
}

TEST_CASE("several ranges are sorted; overlapping and adjacent ones merged; past-the-end ones dropped") {
  fa::RangeRequest r = fa::parse_range("bytes=500-599, 0-99, -100", 1000);
  REQUIRE(r.kind == K::ranges);
  REQUIRE(r.ranges.size() == 3);
  CHECK(r.ranges[0] == fa::ByteRange{0, 99});
  CHECK(r.ranges[1] == fa::ByteRange{500, 599});
  CHECK(r.ranges[2] == fa::ByteRange{900, 999});

  r = fa::parse_range("bytes=0-10,5-20,21-30,40-50", 100);
  REQUIRE(r.ranges.size() == 2);
  CHECK(r.ranges[0] == fa::ByteRange{0, 30});
  CHECK(r.ranges[1] == fa::ByteRange{40, 50});

  r = fa::parse_range("bytes=0-0,2000-3000", 1000);  // one satisfiable is enough (RFC 9110 15.5.17)
  REQUIRE(r.kind == K::ranges);
  CHECK(r.ranges.size() == 1);

  // The amplification attack: the same range many times is sent once.
  std::string many = "bytes=0-";
  for (int i = 0; i < 2000; ++i) many += ",0-";
  r = fa::parse_range(many, 1 << 20);
  REQUIRE(r.kind == K::ranges);
  CHECK(r.ranges.size() == 1);

  // Too many disjoint ranges: the whole file, once (Apache's MaxRanges).
  std::string disjoint = "bytes=";
  for (int i = 0; i < 101; ++i) disjoint += std::to_string(i * 10) + "-" + std::to_string(i * 10) + ",";
  CHECK(fa::parse_range(disjoint, 100000).kind == K::whole);
  disjoint = "bytes=";
  for (int i = 0; i < 100; ++i) disjoint += std::to_string(i * 10) + "-" + std::to_string(i * 10) + ",";
  CHECK(fa::parse_range(disjoint, 100000).ranges.size() == 100);
}

TEST_CASE("unsatisfiable: every range starts past the end, a zero suffix, an empty file") {
  CHECK(fa::parse_range("bytes=1000-", 1000).kind == K::unsatisfiable);
  CHECK(fa::parse_range("bytes=1000-2000, 5000-", 1000).kind == K::unsatisfiable);
  CHECK(fa::parse_range("bytes=-0", 1000).kind == K::unsatisfiable);
  CHECK(fa::parse_range("bytes=0-", 0).kind == K::unsatisfiable);
  CHECK(fa::parse_range("bytes=-10", 0).kind == K::unsatisfiable);
}

TEST_CASE("malformed: another unit, bad syntax, first after last, signs and spaces inside numbers") {
  for (std::string_view h :
       {"",           "bytes",         "bytes=",     "bytes=,",    "bytes= , ",   "items=0-1",     "bytes 0-1",
        "bytes=1",    "bytes=a-b",     "bytes=5-1",  "bytes=--1",  "bytes=1--2",  "bytes=-",       "bytes=+1-2",
        "bytes=1-+2", "bytes=0x10-20", "bytes=1 -2", "bytes=1- 2", "bytes=0-1,x", "bytes=0-1;2-3", "bytes=1.5-2",
        "bytes=-1-2", "bytesX0-1"}) {
    CAPTURE(h);
    CHECK(fa::parse_range(h, 1000).kind == K::malformed);
  }
  CHECK(fa::parse_range(std::string_view("bytes=0\0-1", 10), 1000).kind == K::malformed);
}

}  // namespace test_mime_range_file
