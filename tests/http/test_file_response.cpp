// tests/http/test_file_response.cpp: fa::FileResponse over a real socket: the headers Starlette sends (type,
// Content-Disposition, ETag and Last-Modified computed as Python computes them), Content-Length and never
// chunks, 304, Range (single, suffix, multiple as multipart/byteranges, 416, 400), If-Range, HEAD, HTTP/1.0,
// a missing file, a directory, a file deleted or cut short while it is being sent; on plain TCP the body goes by
// sendfile(2): a file of a few MiB byte-exact to a slow reader, ranges across its chunks, a file not in the page
// cache, a file cut short in the middle of the send; a client that stops reading is dropped at write_timeout
// (sendfile, and the chunked reads a middleware's stream takes), its file closed, others served.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fastapi/app/app.hpp"
#include "fastapi/http/file_response.hpp"
#include "fastapi/middleware/gzip.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_file_response_file {

namespace fa = fastapi;
namespace fs = std::filesystem;
using fa::test_support::RawSocket;

namespace {

/// A fresh directory under /tmp, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/fa_files_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
};

/// Bytes that are not all alike (so a range from the wrong offset shows).
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  std::uint32_t x = 2463534242u;
  for (char& c : s) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  return s;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string raw_get(std::uint16_t, const std::string& path, const std::string& extra = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

/// Takes the file's pages out of the page cache (written back first), so the next send must read the disk.
void evict_from_cache(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

/// A client that reads 1 KiB at a time through a 4 KiB receive buffer, so the server's socket buffer fills and
/// it waits for writability again and again: reads the head, then up to `most` bytes of the body (all of
/// Content-Length when 0), until the server closes. Returns the body bytes received and the Content-Length.
std::pair<std::string, std::size_t> read_slowly(RawSocket& s, std::size_t most = 0) {
  std::string got = s.buffered();
  std::size_t head_end = std::string::npos, length = 0;
  char buf[1024];
  auto deadline = std::chrono::steady_clock::now() + fa::test_support::scaled(std::chrono::milliseconds(30000));
  for (;;) {
    if (head_end == std::string::npos && (head_end = got.find("\r\n\r\n")) != std::string::npos) {
      std::size_t at = got.find("Content-Length: ");
      if (at != std::string::npos) length = std::stoul(got.substr(at + 16));
      got.erase(0, head_end + 4);
    }
    if (head_end != std::string::npos && got.size() >= (most ? most : length)) break;
    if (std::chrono::steady_clock::now() > deadline) break;
    ssize_t n = ::recv(s.fd(), buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {  // RawSocket's socket does not block
      pollfd p{s.fd(), POLLIN, 0};
      ::poll(&p, 1, 100);
      continue;
    }
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return {got, length};
}

/// True while this process holds a descriptor open on `path` (the server runs in a thread of the test).
bool open_in_this_process(const std::string& path) {
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);  // as /proc shows it, whatever links lead to /tmp
  for (const auto& entry : fs::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    if (fs::read_symlink(entry.path(), link_ec) == real) return true;
  }
  return false;
}

/// Waits until this process holds no descriptor on `path`: true when that happened within `bound`.
bool wait_until_closed(const std::string& path, std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (open_in_this_process(path)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a polled event, not a timed expectation
  }
  return true;
}

/// A client that asks for `target` (a file larger than both sockets' buffers), reads the head and a little of
/// the body, then nothing more: the server must drop it once write_timeout passes with no progress, closing
/// the file, while it answers others. Then the client drains what the kernel had queued: fewer bytes than
/// Content-Length, each the file's own, then the close.
void check_dropped_at_write_timeout(fa::testing::TestClient& client, const std::string& target, const std::string& path,
                                    const std::string& bytes, const std::string& extra = {}) {
  RawSocket s{client.port(), fa::test_support::scaled(std::chrono::milliseconds(30000)), 4096};
  REQUIRE(s.send(raw_get(client.port(), target, extra)));
  auto [first, length] = read_slowly(s, 4096);  // the send is under way, its file open
  REQUIRE(first.size() >= 4096);
  CHECK(open_in_this_process(path));
  CHECK(client.get("/ok").text == "ok");  // served while the stuck client holds its connection
  REQUIRE(wait_until_closed(path, fa::test_support::scaled(std::chrono::milliseconds(30000))));
  CHECK(client.get("/ok").text == "ok");
  std::string rest = s.read_until_close(fa::test_support::scaled(std::chrono::milliseconds(30000)));
  CHECK(s.is_closed_by_peer(fa::test_support::scaled(std::chrono::milliseconds(1000))));
  std::string body = first + rest;
  if (extra.empty()) {  // the file's bytes as they are (with gzip: compressed, chunked, not compared)
    CHECK(length == bytes.size());
    CHECK(body.size() < bytes.size());
    CHECK(body == bytes.substr(0, body.size()));
  } else {
    CHECK(body.size() < bytes.size());
  }
}
}  // namespace

TEST_CASE("FileResponse sends the file with Starlette's headers, Content-Length and no chunks") {
  TempDir dir;
  std::string small = dir.write("hello.txt", "hello, file\n");
  std::string big_bytes = pattern(1024 * 1024 + 7);
  std::string big = dir.write("data.bin", big_bytes);
  fa::App app;
  app.get("/small", [&] { return fa::FileResponse(small); });
  app.get("/big", [&] { return fa::FileResponse(big); });
  app.get("/typed", [&] { return fa::FileResponse(big, {.media_type = "application/x-custom"}); });
  fa::testing::TestClient client{app};

  auto r = client.get("/small");
  CHECK(r.status == 200);
  CHECK(r.text == "hello, file\n");
  CHECK(r.header("content-type") == "text/plain; charset=utf-8");
  CHECK(r.header("content-length") == "12");
  CHECK(r.header("accept-ranges") == "bytes");
  CHECK(r.header("content-disposition").empty());
  // Starlette's ETag and Last-Modified, computed by Python from the same stat.
  std::string py = run("/usr/bin/python3 -c \"import os,hashlib,email.utils; s=os.stat('" + small +
                       "'); print('\\\"'+hashlib.md5((str(s.st_mtime)+'-'+str(s.st_size)).encode()).hexdigest()+'\\\"'"
                       "); print(email.utils.formatdate(s.st_mtime, usegmt=True))\" 2>/dev/null");
  if (!py.empty()) {
    CHECK(r.header("etag") == py.substr(0, py.find('\n')));
    CHECK(r.header("last-modified") == py.substr(py.find('\n') + 1));
  }

  r = client.get("/big");
  CHECK(r.status == 200);
  CHECK(r.text == big_bytes);
  CHECK(r.header("content-type") == "application/octet-stream");
  CHECK(client.get("/typed").header("content-type") == "application/x-custom");

  // On the wire: Content-Length, never Transfer-Encoding, and the connection stays open.
  RawSocket s{client.port()};
  for (int i = 0; i < 2; ++i) {
    REQUIRE(s.send(raw_get(client.port(), "/big")));
    auto w = s.read_response();
    REQUIRE(w);
    CHECK(w->status == 200);
    CHECK(!w->chunked);
    CHECK(w->header("content-length") == std::to_string(big_bytes.size()));
    CHECK(w->body == big_bytes);
  }
  // HTTP/1.0 gets Content-Length too, so its keep-alive survives.
  REQUIRE(s.send("GET /small HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto w = s.read_response();
  REQUIRE(w);
  CHECK(w->header("content-length") == "12");
  CHECK(w->body == "hello, file\n");
}

TEST_CASE("Content-Disposition: a plain name quoted, any other as RFC 5987 filename*") {
  TempDir dir;
  std::string path = dir.write("f.pdf", "%PDF");
  fa::App app;
  app.get("/plain", [&] { return fa::FileResponse(path, {.filename = "report.pdf"}); });
  app.get("/utf8", [&] { return fa::FileResponse(path, {.filename = "résumé 2024.pdf"}); });
  app.get("/inline",
          [&] { return fa::FileResponse(path, {.filename = "a.pdf", .content_disposition_type = "inline"}); });
  app.get("/evil", [&] { return fa::FileResponse(path, {.filename = "a\"b\r\nX-Evil: 1.txt"}); });
  app.get("/typed-by-name", [&] { return fa::FileResponse(path, {.filename = "notes.md"}); });
  fa::testing::TestClient client{app};
  CHECK(client.get("/plain").header("content-disposition") == "attachment; filename=\"report.pdf\"");
  CHECK(client.get("/utf8").header("content-disposition") ==
        "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%202024.pdf");
  CHECK(client.get("/inline").header("content-disposition") == "inline; filename=\"a.pdf\"");
  auto r = client.get("/evil");
  CHECK(r.status == 200);
  CHECK(r.header("content-disposition") == "attachment; filename*=utf-8''a%22b%0D%0AX-Evil%3A%201.txt");
  CHECK(r.header("x-evil").empty());
  CHECK(client.get("/plain").header("content-type") == "application/pdf");
  CHECK(client.get("/typed-by-name").header("content-type") == "text/markdown; charset=utf-8");
}

TEST_CASE("conditional requests: If-None-Match and If-Modified-Since answer 304 without a body") {
  TempDir dir;
  std::string path = dir.write("a.css", "body{}");
  fa::App app;
  app.get("/a.css", [&] {
    fa::Response r = fa::FileResponse(path);
    r.headers.add("cache-control", "max-age=60");
    return r;
  });
  fa::testing::TestClient client{app};
  auto first = client.get("/a.css");
  std::string etag = first.header("etag"), modified = first.header("last-modified");
  REQUIRE(etag.size() == 34);
  CHECK(etag.front() == '"');

  auto r = client.get("/a.css", {.headers = {{"if-none-match", etag}}});
  CHECK(r.status == 304);
  CHECK(r.text.empty());
  CHECK(r.header("etag") == etag);
  CHECK(r.header("cache-control") == "max-age=60");
  CHECK(r.header("content-type").empty());
  CHECK(r.header("last-modified").empty());  // Starlette's NotModifiedResponse keeps only what a cache needs
  CHECK(client.get("/a.css", {.headers = {{"if-none-match", "\"x\", W/" + etag}}}).status == 304);
  CHECK(client.get("/a.css", {.headers = {{"if-none-match", "*"}}}).status == 304);
  CHECK(client.get("/a.css", {.headers = {{"if-none-match", "\"other\""}}}).status == 200);
  // If-None-Match wins: a stale tag is a 200 even with a matching date.
  CHECK(client.get("/a.css", {.headers = {{"if-none-match", "\"other\""}, {"if-modified-since", modified}}}).status ==
        200);
  CHECK(client.get("/a.css", {.headers = {{"if-modified-since", modified}}}).status == 304);
  CHECK(client.get("/a.css", {.headers = {{"if-modified-since", "Sun, 06 Nov 2994 08:49:37 GMT"}}}).status == 304);
  CHECK(client.get("/a.css", {.headers = {{"if-modified-since", "Sunday, 06-Nov-94 08:49:37 GMT"}}}).status == 200);
  CHECK(client.get("/a.css", {.headers = {{"if-modified-since", "Sun Nov  6 08:49:37 1994"}}}).status == 200);
  CHECK(client.get("/a.css", {.headers = {{"if-modified-since", "yesterday"}}}).status == 200);
  CHECK(client.head("/a.css", {.headers = {{"if-none-match", etag}}}).status == 304);
}

TEST_CASE("Range: one range is a 206 with Content-Range; several are multipart/byteranges") {
  TempDir dir;
  std::string small_bytes = "0123456789abcdefghij";
  std::string big_bytes = pattern(300000);
  std::string small = dir.write("s.txt", small_bytes);
  std::string big = dir.write("b.bin", big_bytes);
  fa::App app;
  app.get("/s", [&] { return fa::FileResponse(small); });
  app.get("/b", [&] { return fa::FileResponse(big); });
  fa::testing::TestClient client{app};

  for (const char* path : {"/s", "/b"}) {
    CAPTURE(path);
    const std::string& bytes = std::string_view(path) == "/s" ? small_bytes : big_bytes;
    std::string size = std::to_string(bytes.size());
    auto r = client.get(path, {.headers = {{"range", "bytes=2-5"}}});
    CHECK(r.status == 206);
    CHECK(r.text == bytes.substr(2, 4));
    CHECK(r.header("content-range") == "bytes 2-5/" + size);
    CHECK(r.header("content-length") == "4");
    r = client.get(path, {.headers = {{"range", "bytes=-3"}}});
    CHECK(r.status == 206);
    CHECK(r.text == bytes.substr(bytes.size() - 3));
    r = client.get(path, {.headers = {{"range", "bytes=10-"}}});
    CHECK(r.text == bytes.substr(10));

    r = client.get(path, {.headers = {{"range", "bytes=0-1, 4-6, -2"}}});
    CHECK(r.status == 206);
    std::string type = r.header("content-type");
    REQUIRE(type.starts_with("multipart/byteranges; boundary="));
    std::string b = type.substr(type.find('=') + 1);
    std::string part_type = std::string_view(path) == "/s" ? "text/plain; charset=utf-8" : "application/octet-stream";
    std::string expected = "--" + b + "\r\nContent-Type: " + part_type + "\r\nContent-Range: bytes 0-1/" + size +
                           "\r\n\r\n" + bytes.substr(0, 2) + "\r\n--" + b + "\r\nContent-Type: " + part_type +
                           "\r\nContent-Range: bytes 4-6/" + size + "\r\n\r\n" + bytes.substr(4, 3) + "\r\n--" + b +
                           "\r\nContent-Type: " + part_type + "\r\nContent-Range: bytes " +
                           std::to_string(bytes.size() - 2) + "-" + std::to_string(bytes.size() - 1) + "/" + size +
                           "\r\n\r\n" + bytes.substr(bytes.size() - 2) + "\r\n--" + b + "--\r\n";
    CHECK(r.text == expected);
    CHECK(r.header("content-length") == std::to_string(expected.size()));

    // Overlapping ranges merge into one: a single-part 206.
    r = client.get(path, {.headers = {{"range", "bytes=0-3,2-7"}}});
    CHECK(r.header("content-range") == "bytes 0-7/" + size);
    CHECK(r.text == bytes.substr(0, 8));

    r = client.get(path, {.headers = {{"range", "bytes=999999-"}}});
    CHECK(r.status == 416);
    CHECK(r.header("content-range") == "bytes */" + size);
    CHECK(r.text.empty());
    r = client.get(path, {.headers = {{"range", "bytes=5-1"}}});
    CHECK(r.status == 400);
    CHECK(r.text == "Malformed range header.");
    CHECK(client.get(path, {.headers = {{"range", "lines=1-2"}}}).status == 400);

    // If-Range: the range only while the client's copy is current.
    std::string etag = client.get(path).header("etag");
    std::string modified = client.get(path).header("last-modified");
    CHECK(client.get(path, {.headers = {{"range", "bytes=0-0"}, {"if-range", etag}}}).status == 206);
    CHECK(client.get(path, {.headers = {{"range", "bytes=0-0"}, {"if-range", modified}}}).status == 206);
    r = client.get(path, {.headers = {{"range", "bytes=0-0"}, {"if-range", "\"stale\""}}});
    CHECK(r.status == 200);
    CHECK(r.text == bytes);
    CHECK(client.get(path, {.headers = {{"range", "bytes=0-0"}, {"if-range", "W/" + etag}}}).status == 200);
    CHECK(
        client.get(path, {.headers = {{"range", "bytes=0-0"}, {"if-range", "Sun, 06 Nov 1994 08:49:37 GMT"}}}).status ==
        200);
  }
}

TEST_CASE("HEAD: the GET's headers and Content-Length, no body; a Range is for GET only") {
  TempDir dir;
  std::string bytes = pattern(200000);
  std::string path = dir.write("h.bin", bytes);
  fa::App app;
  app.get("/h", [&] { return fa::FileResponse(path); });
  fa::testing::TestClient client{app};
  RawSocket s{client.port()};
  REQUIRE(s.send("HEAD /h HTTP/1.1\r\nHost: t\r\nRange: bytes=0-9\r\n\r\n"));
  auto r = s.read_response(true);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("content-length") == std::to_string(bytes.size()));
  CHECK(r->body.empty());
  REQUIRE(s.send(raw_get(client.port(), "/h")));  // the connection is still in step
  r = s.read_response();
  REQUIRE(r);
  CHECK(r->body == bytes);
}

TEST_CASE("a missing file is a 404, a directory or an unreadable file a logged 500; the server stays up") {
  TempDir dir;
  std::string secret = dir.write("secret.txt", "s");
  ::chmod(secret.c_str(), 0);
  fa::App app;
  app.get("/missing", [&] { return fa::FileResponse((dir.path / "nope.txt").string()); });
  app.get("/under-file", [&] { return fa::FileResponse(secret + "/x"); });
  app.get("/dir", [&] { return fa::FileResponse(dir.path.string()); });
  app.get("/secret", [&] { return fa::FileResponse(secret); });
  fa::testing::TestClient client{app};
  auto r = client.get("/missing");
  CHECK(r.status == 404);
  CHECK(r.text == R"({"detail":"Not Found"})");
  CHECK(client.get("/under-file").status == 404);
  CHECK(client.get("/dir").status == 500);
  if (::geteuid() != 0) CHECK(client.get("/secret").status == 500);  // root reads anything
  CHECK(client.get("/missing").status == 404);
}

TEST_CASE("a file deleted after the response is made is still sent whole; one cut short closes the connection") {
  TempDir dir;
  std::string bytes = pattern(500000);
  std::string gone = dir.write("gone.bin", bytes);
  std::string cut = dir.write("cut.bin", bytes);
  fa::App app;
  app.get("/gone", [&] {
    fa::Response r = fa::FileResponse(gone);
    fs::remove(gone);  // between the open and the first read
    return r;
  });
  app.get("/cut", [&] {
    fa::Response r = fa::FileResponse(cut);
    ::truncate(cut.c_str(), 1000);  // shorter than the Content-Length already decided
    return r;
  });
  app.get("/ok", [] { return "ok"; });
  fa::testing::TestClient client{app};
  auto r = client.get("/gone");
  CHECK(r.status == 200);
  CHECK(r.text == bytes);
  CHECK(client.get("/gone").status == 404);

  RawSocket s{client.port()};
  REQUIRE(s.send(raw_get(client.port(), "/cut")));
  CHECK(!s.read_response());  // the body ends early and the connection closes: never a wrong framing
  CHECK(client.get("/ok").text == "ok");
}

TEST_CASE("behind GZipMiddleware: a whole file is compressed and chunked, a range is left alone") {
  TempDir dir;
  std::string bytes(300000, 'a');
  std::string path = dir.write("a.txt", bytes);
  fa::App app;
  app.add_middleware<fa::GZipMiddleware>();
  app.get("/a", [&] { return fa::FileResponse(path); });
  fa::testing::TestClient client{app};
  auto r = client.get("/a", {.headers = {{"accept-encoding", "gzip"}}});
  CHECK(r.status == 200);
  CHECK(r.header("content-encoding") == "gzip");
  CHECK(r.text == bytes);
  CHECK(r.raw.size() < bytes.size());
  r = client.get("/a", {.headers = {{"accept-encoding", "gzip"}, {"range", "bytes=10-19"}}});
  CHECK(r.status == 206);
  CHECK(r.header("content-encoding").empty());
  CHECK(r.text == "aaaaaaaaaa");
}

TEST_CASE("sendfile: a few MiB byte-exact to a slow reader, ranges across chunks, a file not in the page cache") {
  TempDir dir;
  std::string bytes = pattern(5 * 1024 * 1024 + 123);
  std::string path = dir.write("big.bin", bytes);
  fa::App app;
  app.get("/big", [&] { return fa::FileResponse(path); });
  fa::testing::TestClient client{app};

  RawSocket s{client.port(), fa::test_support::scaled(std::chrono::milliseconds(30000)), 4096};
  for (int i = 0; i < 2; ++i) {  // twice on one connection: the first send left it in step
    REQUIRE(s.send(raw_get(client.port(), "/big")));
    auto [body, length] = read_slowly(s);
    CHECK(length == bytes.size());
    CHECK(body.size() == bytes.size());
    CHECK(body == bytes);
  }
  // A client that goes away in the middle of the file: the server lives on (no SIGPIPE) and serves the next.
  {
    RawSocket gone{client.port(), fa::test_support::scaled(std::chrono::milliseconds(30000)), 4096};
    REQUIRE(gone.send(raw_get(client.port(), "/big")));
    CHECK(read_slowly(gone, 100000).first.size() >= 100000);
    gone.close();
  }
  // A range that spans the 1 MiB sendfile chunks, and two ranges as multipart/byteranges.
  auto r = client.get("/big", {.headers = {{"range", "bytes=1000000-3500000"}}});
  CHECK(r.status == 206);
  CHECK(r.text == bytes.substr(1000000, 2500001));
  r = client.get("/big", {.headers = {{"range", "bytes=10-2000000,4000000-"}}});
  CHECK(r.status == 206);
  std::string type = r.header("content-type");
  REQUIRE(type.starts_with("multipart/byteranges; boundary="));
  std::string b = type.substr(type.find('=') + 1), size = std::to_string(bytes.size());
  std::string expected = "--" + b + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 10-2000000/" +
                         size + "\r\n\r\n" + bytes.substr(10, 1999991) + "\r\n--" + b +
                         "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 4000000-" +
                         std::to_string(bytes.size() - 1) + "/" + size + "\r\n\r\n" + bytes.substr(4000000) + "\r\n--" +
                         b + "--\r\n";
  CHECK(r.header("content-length") == std::to_string(expected.size()));
  CHECK(r.text == expected);
  // Out of the page cache: the send reads the disk on the blocking pool, the same bytes arrive.
  evict_from_cache(path);
  CHECK(client.get("/big").text == bytes);
  evict_from_cache(path);
  r = client.get("/big", {.headers = {{"range", "bytes=3000000-3000099"}}});
  CHECK(r.text == bytes.substr(3000000, 100));
}

TEST_CASE("sendfile: a file cut short in the middle of the send closes the connection after a true prefix") {
  TempDir dir;
  std::string bytes = pattern(16 * 1024 * 1024);
  std::string path = dir.write("cut.bin", bytes);
  fa::App app;
  app.get("/cut", [&] { return fa::FileResponse(path); });
  app.get("/ok", [] { return "ok"; });
  fa::testing::TestClient client{app};
  RawSocket s{client.port(), fa::test_support::scaled(std::chrono::milliseconds(30000)), 4096};
  REQUIRE(s.send(raw_get(client.port(), "/cut")));
  auto [first, length] = read_slowly(s, 64 * 1024);  // the send is under way, blocked on our slow reads
  CHECK(length == bytes.size());
  const std::size_t cut = 1024 * 1024;
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(cut)) == 0);
  std::string rest = s.read_until_close(fa::test_support::scaled(std::chrono::milliseconds(30000)));
  std::string body = first + rest;
  CHECK(body.size() < bytes.size());  // never as many bytes as Content-Length said
  REQUIRE(body.size() >= cut);
  CHECK(body.substr(0, cut) == bytes.substr(0, cut));  // every byte before the new end is the file's own
  // Past it, only bytes already queued in the socket: the file's, or zeros where the kernel cleared the cut page
  // (or large folio) they still referenced (docs/files.md). Never anything else.
  std::size_t foreign = 0;
  for (std::size_t k = cut; k < body.size(); ++k)
    if (body[k] != bytes[k] && body[k] != '\0') ++foreign;
  CHECK(foreign == 0);
  CHECK(client.get("/ok").text == "ok");
}

TEST_CASE("write timeout: a client that stops reading a file is dropped (sendfile, and chunked reads under GZip)") {
  TempDir dir;
  std::string bytes = pattern(16 * 1024 * 1024);  // far more than the kernel's socket buffers hold
  std::string path = dir.write("stuck.bin", bytes);
  fa::App app;
  app.logger().set_level(fa::LogLevel::off);
  app.get("/file", [&] { return fa::FileResponse(path); });
  app.get("/ok", [] { return "ok"; });
  fa::Config config = fa::testing::TestClient::default_config();
  config.write_timeout = fa::test_support::scaled(std::chrono::milliseconds(500));
  SUBCASE("sendfile(2) on plain TCP") {
    fa::testing::TestClient client{app, config};
    check_dropped_at_write_timeout(client, "/file", path, bytes);
  }
  SUBCASE("the file read in chunks on the blocking pool (the path TLS takes): GZipMiddleware wraps the stream") {
    app.add_middleware<fa::GZipMiddleware>();
    fa::testing::TestClient client{app, config};
    check_dropped_at_write_timeout(client, "/file", path, bytes, "Accept-Encoding: gzip\r\n");
  }
}

}  // namespace test_file_response_file
