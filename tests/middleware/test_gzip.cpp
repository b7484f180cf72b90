// tests/middleware/test_gzip.cpp: fa::GZipMiddleware through the TestClient and a raw socket, bodies checked
// by inflating them with zlib here: Starlette's rules (Accept-Encoding, minimum_size, Content-Encoding, Vary),
// streams flushed chunk by chunk, HEAD, bodyless statuses, a 1 MiB body, the order of middleware.
#include <doctest/doctest.h>

#ifdef FASTAPI_ENABLE_GZIP

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>
#include <asio.hpp>

#include "fastapi/app/app.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/middleware/gzip.hpp"
#include "fastapi/testing/test_client.hpp"

#endif

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_gzip_file {

#ifdef FASTAPI_ENABLE_GZIP

namespace fa = fastapi;
using namespace std::chrono_literals;

namespace gzip_test {

/// Decodes gzip as a client would, one piece at a time (each piece must decode on its own: flushed).
class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  /// The bytes `in` decodes to; throws on corrupt input.
  std::string feed(std::string_view in) {
    std::string out;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    char buf[65536];
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof(buf);
      int rc = inflate(&z_, Z_SYNC_FLUSH);
      if (rc == Z_STREAM_END) ended_ = true;
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) throw std::runtime_error("corrupt gzip");
      out.append(buf, sizeof(buf) - z_.avail_out);
      if (rc == Z_STREAM_END) break;
    } while (z_.avail_out == 0 || z_.avail_in != 0);
    return out;
  }
  /// True once the gzip trailer (CRC and length) was read and checked.
  bool ended() const { return ended_; }

 private:
  z_stream z_{};
  bool ended_ = false;
};

/// The whole of a gzip body, decoded; throws unless it is one complete, valid member.
inline std::string gunzip(std::string_view in) {
  Inflater inflater;
  std::string out = inflater.feed(in);
  if (!inflater.ended()) throw std::runtime_error("gzip body cut short");
  return out;
}

/// `n` bytes of text that compresses well, but not to nothing.
inline std::string text_of(std::size_t n) {
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i % 997) + " of the report\n";
  s.resize(n);
  return s;
}

inline const fa::testing::KeyValues accepts_gzip{{"Accept-Encoding", "gzip, deflate"}};

/// An app with the middleware and a few routes of known bodies.
inline void add_routes(fa::App& app) {
  app.get("/size/{n}", [](fa::Path<"n", std::size_t> n) { return text_of(*n); });
  app.get("/encoded", [] {
    fa::Response r = fa::PlainTextResponse(text_of(2000));
    r.headers.set("content-encoding", "identity");
    return r;
  });
  app.get("/vary", [] {
    fa::Response r = fa::PlainTextResponse(text_of(2000));
    r.headers.set("vary", "Origin");
    return r;
  });
  app.get("/vary-already", [] {
    fa::Response r = fa::PlainTextResponse(text_of(2000));
    r.headers.set("vary", "accept-encoding, Origin");
    return r;
  });
  app.get("/stream", [] {
    auto n = std::make_shared<int>(0);
    return fa::StreamingResponse([n](std::string& chunk) -> fa::Task<bool> {
      if (*n == 4) co_return false;
      chunk = "part " + std::to_string((*n)++) + ";" + text_of(300);
      co_return true;
    });
  });
  app.get("/events", [] {
    auto n = std::make_shared<int>(0);
    return fa::StreamingResponse(
        [n](std::string& chunk) -> fa::Task<bool> {
          if (*n == 2) co_return false;
          chunk = "data: " + std::to_string((*n)++) + "\n\n";
          co_return true;
        },
        "text/event-stream");
  });
  app.get("/status/{code}", [](fa::Path<"code", int> code) {
    fa::Response r{.status = *code};
    if (*code != 204 && *code != 304) r.body = text_of(2000);
    return r;
  });
}

}  // namespace gzip_test

TEST_SUITE("middleware/gzip") {
  using namespace gzip_test;

  TEST_CASE("a body of minimum_size bytes or more is gzipped for a client that accepts gzip") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{{.minimum_size = 500}});
    fa::testing::TestClient client{app};
    auto r = client.get("/size/2000", {.headers = accepts_gzip});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.header("vary") == "Accept-Encoding");
    CHECK(r.header("content-type") == "text/plain; charset=utf-8");
    CHECK(r.raw.size() < 1000);
    CHECK(r.header("content-length") == std::to_string(r.raw.size()));  // the compressed length
    CHECK(r.text == text_of(2000));                                     // the TestClient undoes it, as httpx does
    CHECK(gunzip(r.raw) == text_of(2000));

    r = client.get("/size/500", {.headers = accepts_gzip});  // exactly minimum_size: compressed
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(gunzip(r.raw) == text_of(500));
  }

  TEST_CASE("a body below minimum_size is sent as it is, without Content-Encoding or Vary") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{{.minimum_size = 500}});
    fa::testing::TestClient client{app};
    auto r = client.get("/size/499", {.headers = accepts_gzip});
    CHECK(r.status == 200);
    CHECK_FALSE(r.headers.contains("content-encoding"));
    CHECK_FALSE(r.headers.contains("vary"));
    CHECK(r.header("content-length") == "499");
    CHECK(r.text == text_of(499));
  }

  TEST_CASE("without gzip in Accept-Encoding nothing is compressed; the test is Starlette's substring test") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};
    auto r =
        client.get("/size/2000", {.headers = {{"Accept-Encoding", ""}}});  // (the TestClient sends gzip by default)
    CHECK_FALSE(r.headers.contains("content-encoding"));
    CHECK_FALSE(r.headers.contains("vary"));
    CHECK(r.text == text_of(2000));

    r = client.get("/size/2000", {.headers = {{"Accept-Encoding", "br"}}});
    CHECK_FALSE(r.headers.contains("content-encoding"));
    CHECK(r.text == text_of(2000));

    r = client.get("/size/2000", {.headers = {{"Accept-Encoding", "identity"}}});
    CHECK_FALSE(r.headers.contains("content-encoding"));

    // As Starlette: "gzip" anywhere in the value counts, q-values are not parsed.
    r = client.get("/size/2000", {.headers = {{"Accept-Encoding", "br;q=1.0, gzip;q=0.5, *;q=0"}}});
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(gunzip(r.raw) == text_of(2000));
  }

  TEST_CASE("a response with its own Content-Encoding is left untouched") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};
    auto r = client.get("/encoded", {.headers = accepts_gzip});
    CHECK(r.header("content-encoding") == "identity");
    CHECK_FALSE(r.headers.contains("vary"));
    CHECK(r.text == text_of(2000));
  }

  TEST_CASE("Accept-Encoding is appended to an existing Vary, once") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};
    auto r = client.get("/vary", {.headers = accepts_gzip});
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.header("vary") == "Origin, Accept-Encoding");
    CHECK(r.headers.get_all("vary").size() == 1);
    r = client.get("/vary-already", {.headers = accepts_gzip});
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.header("vary") == "accept-encoding, Origin");
  }

  TEST_CASE("a streamed response is gzipped chunk by chunk, whatever minimum_size says") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{{.minimum_size = 1u << 20}});
    fa::testing::TestClient client{app};
    auto r = client.get("/stream", {.headers = accepts_gzip});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.header("vary") == "Accept-Encoding");
    CHECK(r.header("transfer-encoding") == "chunked");
    CHECK_FALSE(r.headers.contains("content-length"));
    std::string expected;
    for (int i = 0; i < 4; ++i) expected += "part " + std::to_string(i) + ";" + text_of(300);
    CHECK(gunzip(r.raw) == expected);

    r = client.get("/stream", {.headers = {{"Accept-Encoding", "identity"}}});  // no gzip asked: the plain stream
    CHECK_FALSE(r.headers.contains("content-encoding"));
    CHECK(r.text == expected);
  }

  TEST_CASE("each streamed chunk reaches the client at once, decodable: nothing is held back") {
    std::atomic<bool> first_seen{false};
    fa::App app;
    app.get("/slow", [&first_seen] {
      auto n = std::make_shared<int>(0);
      return fa::StreamingResponse([n, &first_seen](std::string& chunk) -> fa::Task<bool> {
        if (*n == 0) {
          chunk = "hello, ";
        } else if (*n == 1) {
          // The next chunk only once the client has decoded the first: a held-back chunk would hang here.
          auto deadline = std::chrono::steady_clock::now() + 5s;
          while (!first_seen && std::chrono::steady_clock::now() < deadline) co_await fa::sleep(5ms);
          chunk = "world";
        } else {
          co_return false;
        }
        ++*n;
        co_return true;
      });
    });
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};

    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), client.port()});
    asio::write(s, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n")));
    std::string in;
    char buf[4096];
    auto read_some = [&] {
      asio::error_code ec;
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      REQUIRE_FALSE(ec);
      in.append(buf, n);
    };
    while (in.find("\r\n\r\n") == std::string::npos) read_some();
    std::size_t pos = in.find("\r\n\r\n") + 4;
    std::string head = in.substr(0, pos);
    for (char& c : head) c = fa::ascii_lower(c);
    CHECK(head.find("\r\ncontent-encoding: gzip\r\n") != std::string::npos);
    CHECK(head.find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos);
    Inflater inflater;
    std::string decoded;
    bool done = false;
    while (!done) {  // one chunk of the chunked framing at a time
      std::size_t eol;
      while ((eol = in.find("\r\n", pos)) == std::string::npos) read_some();
      std::size_t size = std::stoul(in.substr(pos, eol - pos), nullptr, 16);
      while (in.size() < eol + 2 + size + 2) read_some();
      std::string data = in.substr(eol + 2, size);
      pos = eol + 2 + size + 2;
      if (size == 0) break;
      decoded += inflater.feed(data);
      if (decoded == "hello, ") {
        first_seen = true;  // decoded from what arrived so far: the first chunk was flushed
      }
      done = inflater.ended();
    }
    CHECK(first_seen);
    CHECK(decoded == "hello, world");
    CHECK(inflater.ended());
  }

  TEST_CASE("text/event-stream is never compressed") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};
    auto r = client.get("/events", {.headers = accepts_gzip});
    CHECK(r.header("content-type") == "text/event-stream; charset=utf-8");
    CHECK_FALSE(r.headers.contains("content-encoding"));
    CHECK(r.text == "data: 0\n\ndata: 1\n\n");
  }

  TEST_CASE("HEAD gets the headers of the gzipped GET: Content-Encoding and the compressed Content-Length") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};
    auto get = client.get("/size/5000", {.headers = accepts_gzip});
    REQUIRE(get.header("content-encoding") == "gzip");
    auto head = client.head("/size/5000", {.headers = accepts_gzip});
    CHECK(head.status == 200);
    CHECK(head.text.empty());
    CHECK(head.header("content-encoding") == "gzip");
    CHECK(head.header("vary") == "Accept-Encoding");
    CHECK(head.header("content-length") == std::to_string(get.raw.size()));
    auto stream_head = client.head("/stream", {.headers = accepts_gzip});
    CHECK(stream_head.header("content-encoding") == "gzip");
    CHECK_FALSE(stream_head.headers.contains("content-length"));
    CHECK(client.get("/size/10").text == text_of(10));  // the connection is still in step
  }

  TEST_CASE("bodyless answers (204, 304) are never compressed, even with minimum_size 0") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::GZipMiddleware{{.minimum_size = 0}});
    fa::testing::TestClient client{app};
    for (int code : {204, 304}) {
      auto r = client.get("/status/" + std::to_string(code), {.headers = accepts_gzip});
      CHECK(r.status == code);
      CHECK_FALSE(r.headers.contains("content-encoding"));
      CHECK_FALSE(r.headers.contains("content-length"));
      CHECK(r.text.empty());
    }
    auto r = client.get("/status/404", {.headers = accepts_gzip});  // an error page is a body like another
    CHECK(r.status == 404);
    CHECK(gunzip(r.raw) == text_of(2000));
    r = client.get("/size/0", {.headers = accepts_gzip});  // minimum_size 0: even an empty body
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(gunzip(r.raw).empty());
  }

  TEST_CASE("a 1 MiB body comes back byte for byte, with the compressed Content-Length") {
    fa::App app;
    std::string big;
    big.reserve(1u << 20);
    std::uint32_t x = 12345;
    while (big.size() < (1u << 20)) {  // half noise, half repetition: compressible, but not trivially
      x = x * 1103515245u + 12345u;
      big.push_back(static_cast<char>('a' + (x >> 16) % 26));
      if (big.size() % 64 == 0) big += "a repeated phrase of the document, ";
    }
    big.resize(1u << 20);
    app.get("/big", [&big] { return big; });
    app.add_middleware(fa::GZipMiddleware{{.compresslevel = 6}});
    fa::testing::TestClient client{app};
    auto r = client.get("/big", {.headers = accepts_gzip});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.raw.size() < big.size());
    CHECK(r.header("content-length") == std::to_string(r.raw.size()));
    CHECK(gunzip(r.raw) == big);
  }

  TEST_CASE("every compresslevel gives valid gzip; a level outside 0..9 is refused at construction") {
    for (int level = 0; level <= 9; ++level) {
      std::string packed;
      REQUIRE(fa::detail::gzip_compress(text_of(3000), level, packed));
      CHECK(gunzip(packed) == text_of(3000));
    }
    CHECK_THROWS_AS(fa::GZipMiddleware({.compresslevel = 10}), fa::ConfigurationError);
    CHECK_THROWS_AS(fa::GZipMiddleware({.compresslevel = -1}), fa::ConfigurationError);
  }

  TEST_CASE("order: a middleware added after GZip sees the gzipped body, one added before sees it plain") {
    fa::App app;
    add_routes(app);
    std::string inner_saw, outer_saw;
    app.add_middleware([&](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {  // inside gzip
      fa::Response res = co_await next(req);
      inner_saw =
          std::string(res.headers.get("content-encoding").value_or("none")) + " " + std::to_string(res.body.size());
      co_return res;
    });
    app.add_middleware(fa::GZipMiddleware{});
    app.add_middleware([&](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {  // outside gzip
      fa::Response res = co_await next(req);
      outer_saw =
          std::string(res.headers.get("content-encoding").value_or("none")) + " " + std::to_string(res.body.size());
      co_return res;
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/size/2000", {.headers = accepts_gzip});
    CHECK(inner_saw == "none 2000");
    CHECK(outer_saw == "gzip " + std::to_string(r.raw.size()));
  }

  TEST_CASE("Vary is merged from several fields, and left alone when it is *") {
    fa::Headers h;
    h.add("Vary", "Origin");
    h.add("Vary", "Cookie");
    fa::detail::add_vary(h, "Accept-Encoding");
    CHECK(h.get_all("vary") == std::vector<std::string_view>{"Origin, Cookie, Accept-Encoding"});
    fa::Headers star;
    star.add("Vary", "*");
    fa::detail::add_vary(star, "Accept-Encoding");
    CHECK(star.get_all("vary") == std::vector<std::string_view>{"*"});
  }
}

#endif  // FASTAPI_ENABLE_GZIP

}  // namespace test_gzip_file
