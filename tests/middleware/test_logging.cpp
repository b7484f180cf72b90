// tests/middleware/test_logging.cpp: fa::AccessLogMiddleware through the TestClient, lines captured by a sink
// and checked whole: both layouts, error statuses, HEAD and bodyless answers, streamed byte counts, the
// app's logger as the default sink (and its level), escaping, and the order beside GZip.
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/middleware/logging.hpp"
#include "fastapi/testing/test_client.hpp"
#ifdef FASTAPI_ENABLE_GZIP
#include "fastapi/middleware/gzip.hpp"
#endif

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_logging_file {

namespace fa = fastapi;
using namespace std::chrono_literals;

namespace logging_test {

/// Collects the lines given to a sink, from any worker thread.
struct Lines {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  /// The lines once there are at least `n` (waits up to 3 s: some are written after the response).
  std::vector<std::string> wait_for(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + 3s;
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (lines.size() >= n || std::chrono::steady_clock::now() > deadline) return lines;
      }
      std::this_thread::sleep_for(5ms);
    }
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return lines.size();
  }
};

/// The ports the handlers saw, so a line's client can be checked exactly.
struct Seen {
  std::mutex mutex;
  std::uint16_t client_port = 0;
};

inline void add_routes(fa::App& app, Seen& seen) {
  app.get("/items/{id}", [&seen](fa::Request& req, fa::Path<"id", int> id) {
    std::lock_guard lock(seen.mutex);
    seen.client_port = req.client_port;
    return fa::Json{{"item_id", *id}};  // {"item_id":1}: 13 bytes
  });
  app.get("/boom", []() -> std::string { throw std::runtime_error("boom"); });
  app.get("/teapot", []() -> std::string { throw fa::HTTPException(418, "short and stout"); });
  app.get("/empty", [] { return fa::Response{.status = 204}; });
  app.get("/stream", [] {
    auto n = std::make_shared<int>(0);
    return fa::StreamingResponse([n](std::string& chunk) -> fa::Task<bool> {
      if (*n == 3) co_return false;
      chunk = std::string(static_cast<std::size_t>(100 * ++*n), 'x');  // 100 + 200 + 300 bytes
      co_return true;
    });
  });
  app.get("/slow", []() -> fa::Task<std::string> {
    co_await fa::sleep(60ms);
    co_return "late";
  });
  app.get("/big", [] { return std::string(5000, 'a'); });
}

inline std::uint16_t port_of(Seen& seen) {
  std::lock_guard lock(seen.mutex);
  return seen.client_port;
}

/// The duration in a line matches `(\d+\.\d{3})`; its value in milliseconds.
inline double ms_of(const std::smatch& m, std::size_t group) { return std::stod(m[group].str()); }

}  // namespace logging_test

TEST_SUITE("middleware/logging") {
  using namespace logging_test;

  TEST_CASE("the common layout is uvicorn's line with bytes and duration") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::common, .sink = log.sink()}});
    fa::testing::TestClient client{app};
    auto r = client.get("/items/1", {.params = {{"q", "x y"}}});
    REQUIRE(r.status == 200);
    REQUIRE(r.text == R"({"item_id":1})");
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    std::smatch m;
    REQUIRE(std::regex_match(
        lines[0], m, std::regex(R"(127\.0\.0\.1:(\d+) - "GET /items/1\?q=x%20y HTTP/1\.1" 200 13 (\d+\.\d{3})ms)")));
    CHECK(std::stoi(m[1].str()) == port_of(seen));
    CHECK(ms_of(m, 2) >= 0.0);
    CHECK(ms_of(m, 2) < 3000.0);

    client.get("/items/2");  // no query: no '?'
    lines = log.wait_for(2);
    REQUIRE(lines.size() == 2);
    CHECK(std::regex_match(lines[1], std::regex(R"(127\.0\.0\.1:\d+ - "GET /items/2 HTTP/1\.1" 200 13 \d+\.\d{3}ms)")));
  }

  TEST_CASE("the json layout is one object per line with time, client, method, path, query, status, bytes, duration") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::json, .sink = log.sink()}});
    fa::testing::TestClient client{app};
    auto before = std::chrono::system_clock::now();
    client.get("/items/1", {.params = {{"q", "a\"b"}}});
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    std::smatch m;
    REQUIRE(std::regex_match(
        lines[0], m,
        std::regex(
            R"re(\{"time":"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{3}Z","client":"127\.0\.0\.1:(\d+)",)re"
            R"re("method":"GET","path":"/items/1","query":"q=a%22b","status":200,"bytes":13,"duration_ms":(\d+\.\d{3})\})re")));
    CHECK(std::stoi(m[7].str()) == port_of(seen));
    std::tm tm{};
    tm.tm_year = std::stoi(m[1].str()) - 1900;
    tm.tm_mon = std::stoi(m[2].str()) - 1;
    tm.tm_mday = std::stoi(m[3].str());
    tm.tm_hour = std::stoi(m[4].str());
    tm.tm_min = std::stoi(m[5].str());
    tm.tm_sec = std::stoi(m[6].str());
    auto logged = std::chrono::system_clock::from_time_t(timegm(&tm));
    CHECK(logged >= std::chrono::floor<std::chrono::seconds>(before));  // UTC, when the request came in
    CHECK(logged <= std::chrono::system_clock::now());
    // And it is JSON.
    fa::Json j = fa::Json::parse(lines[0]);
    CHECK(j["status"] == 200);
    CHECK(j["query"] == "q=a%22b");
  }

  TEST_CASE("error statuses are logged: the router's 404, an HTTPException, and an unhandled exception as 500") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.sink = log.sink()}});
    fa::testing::TestClient client{app};
    CHECK(client.get("/nowhere").status == 404);
    auto teapot = client.get("/teapot");
    CHECK(teapot.status == 418);
    CHECK(teapot.text == R"({"detail":"short and stout"})");
    auto r = client.get("/boom");
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
    auto lines = log.wait_for(3);
    REQUIRE(lines.size() == 3);
    CHECK(std::regex_match(lines[0], std::regex(R"(127\.0\.0\.1:\d+ - "GET /nowhere HTTP/1\.1" 404 22 \d+\.\d{3}ms)")));
    CHECK(std::regex_match(lines[1], std::regex(R"(127\.0\.0\.1:\d+ - "GET /teapot HTTP/1\.1" 418 28 \d+\.\d{3}ms)")));
    // The exception passed through the log on its way to the app's last resort: bytes unknown there.
    CHECK(std::regex_match(lines[2], std::regex(R"(127\.0\.0\.1:\d+ - "GET /boom HTTP/1\.1" 500 - \d+\.\d{3}ms)")));
  }

  TEST_CASE("an unhandled exception in the json layout has bytes null") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::json, .sink = log.sink()}});
    fa::testing::TestClient client{app};
    CHECK(client.get("/boom").status == 500);
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    fa::Json j = fa::Json::parse(lines[0]);
    CHECK(j["status"] == 500);
    CHECK(j["bytes"].is_null());
  }

  TEST_CASE("a streamed response is logged once its stream ends, with the sum of its chunks") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.sink = log.sink()}});
    fa::testing::TestClient client{app};
    auto r = client.get("/stream");
    CHECK(r.text.size() == 600);
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    CHECK(std::regex_match(lines[0], std::regex(R"(127\.0\.0\.1:\d+ - "GET /stream HTTP/1\.1" 200 600 \d+\.\d{3}ms)")));
    std::this_thread::sleep_for(50ms);
    CHECK(log.size() == 1);  // once, not again when the response is freed
  }

  TEST_CASE("a stream the client abandons is logged once, with the bytes counted until then") {
    Lines log;
    fa::App app;
    app.get("/endless", [] {
      auto n = std::make_shared<int>(0);
      return fa::StreamingResponse([n](std::string& chunk) -> fa::Task<bool> {
        if (++*n > 1000) co_return false;  // 1000 chunks of 1000 bytes, 5 ms apart: about 5 s
        co_await fa::sleep(5ms);
        chunk.assign(1000, 'z');
        co_return true;
      });
    });
    app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::json, .sink = log.sink()}});
    fa::testing::TestClient client{app};
    {
      asio::io_context io;
      asio::ip::tcp::socket s(io);
      s.connect({asio::ip::make_address("127.0.0.1"), client.port()});
      asio::write(s, asio::buffer(std::string("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")));
      std::string got;
      char buf[4096];
      while (got.size() < 3000) got.append(buf, s.read_some(asio::buffer(buf)));
    }  // the client leaves in the middle of the stream
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    fa::Json j = fa::Json::parse(lines[0]);
    CHECK(j["status"] == 200);
    CHECK(j["bytes"].as_double() >= 1000.0);
    CHECK(j["bytes"].as_double() < 1000000.0);
    std::this_thread::sleep_for(50ms);
    CHECK(log.size() == 1);
  }

  TEST_CASE("HEAD and bodyless statuses log 0 bytes: nothing of the body is sent") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.sink = log.sink()}});
    fa::testing::TestClient client{app};
    CHECK(client.head("/big").header("content-length") == "5000");
    CHECK(client.head("/stream").status == 200);
    CHECK(client.get("/empty").status == 204);
    CHECK(client.get("/big").text.size() == 5000);
    auto lines = log.wait_for(4);
    REQUIRE(lines.size() == 4);
    CHECK(std::regex_match(lines[0], std::regex(R"(127\.0\.0\.1:\d+ - "HEAD /big HTTP/1\.1" 200 0 \d+\.\d{3}ms)")));
    CHECK(std::regex_match(lines[1], std::regex(R"(127\.0\.0\.1:\d+ - "HEAD /stream HTTP/1\.1" 200 0 \d+\.\d{3}ms)")));
    CHECK(std::regex_match(lines[2], std::regex(R"(127\.0\.0\.1:\d+ - "GET /empty HTTP/1\.1" 204 0 \d+\.\d{3}ms)")));
    CHECK(std::regex_match(lines[3], std::regex(R"(127\.0\.0\.1:\d+ - "GET /big HTTP/1\.1" 200 5000 \d+\.\d{3}ms)")));
  }

  TEST_CASE("the duration covers the handler (steady clock, milliseconds)") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::json, .sink = log.sink()}});
    fa::testing::TestClient client{app};
    CHECK(client.get("/slow").text == "late");
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    fa::Json j = fa::Json::parse(lines[0]);
    CHECK(j["duration_ms"].as_double() >= 60.0);
    CHECK(j["duration_ms"].as_double() < 5000.0);
  }

  TEST_CASE("by default the line goes to the app's logger at info, and is not written when info is dropped") {
    std::mutex mutex;
    std::vector<std::string> got;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.logger().set_sink([&](fa::LogLevel level, std::string_view line) {
      std::lock_guard lock(mutex);
      if (level == fa::LogLevel::info && line.find("GET /items") != std::string_view::npos) got.emplace_back(line);
    });
    app.add_middleware(fa::AccessLogMiddleware{});
    fa::testing::TestClient client{app};
    client.get("/items/1");
    {
      std::lock_guard lock(mutex);
      REQUIRE(got.size() == 1);
      CHECK(std::regex_match(
          got[0], std::regex(R"(INFO:     127\.0\.0\.1:\d+ - "GET /items/1 HTTP/1\.1" 200 13 \d+\.\d{3}ms)")));
    }
    app.logger().set_level(fa::LogLevel::warning);
    client.get("/items/2");
    std::lock_guard lock(mutex);
    CHECK(got.size() == 1);
  }

  TEST_CASE("AccessLog::off writes nothing") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::off, .sink = log.sink()}});
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/1").status == 200);
    CHECK(client.get("/stream").text.size() == 600);
    std::this_thread::sleep_for(50ms);
    CHECK(log.size() == 0);
  }

  TEST_CASE("the client is the one the request holds when the response comes back (a proxy's forwarded client)") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware([](fa::Request& req, fa::Next next) {  // inside the log, as a ProxyHeadersMiddleware
      req.client_host = "10.9.8.7";
      req.client_port = 0;
      return next(req);
    });
    app.add_middleware(fa::AccessLogMiddleware{{.sink = log.sink()}});
    fa::testing::TestClient client{app};
    client.get("/items/1");
    CHECK(client.get("/boom").status == 500);
    auto lines = log.wait_for(2);
    REQUIRE(lines.size() == 2);
    CHECK(std::regex_match(lines[0], std::regex(R"(10\.9\.8\.7:0 - "GET /items/1 HTTP/1\.1" 200 13 \d+\.\d{3}ms)")));
    CHECK(std::regex_match(lines[1], std::regex(R"(10\.9\.8\.7:0 - "GET /boom HTTP/1\.1" 500 - \d+\.\d{3}ms)")));
  }

  TEST_CASE("an HTTP/1.0 request is logged as HTTP/1.0; the target is logged raw, as sent") {
    Lines log;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.get("/files/{name}", [](fa::Path<"name", std::string> name) { return *name; });
    app.add_middleware(fa::AccessLogMiddleware{{.sink = log.sink()}});
    fa::testing::TestClient client{app};
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), client.port()});
    asio::write(s, asio::buffer(std::string("GET /files/a%20b?x=%22 HTTP/1.0\r\n\r\n")));
    std::string reply;
    asio::error_code ec;
    char buf[1024];
    for (std::size_t n; (n = s.read_some(asio::buffer(buf), ec)), !ec;) reply.append(buf, n);
    CHECK(reply.ends_with("\r\n\r\na b"));
    auto lines = log.wait_for(1);
    REQUIRE(lines.size() == 1);
    CHECK(std::regex_match(lines[0],
                           std::regex(R"(127\.0\.0\.1:\d+ - "GET /files/a%20b\?x=%22 HTTP/1\.0" 200 3 \d+\.\d{3}ms)")));
  }

  TEST_CASE("in the common layout quotes, backslashes and control bytes are escaped; in json, JSON-escaped") {
    fa::detail::AccessFields f{.time = std::chrono::system_clock::from_time_t(86400 * 365),
                               .client_host = "::1",
                               .client_port = 8080,
                               .method = "GET",
                               .path = "/a\"b\\c\x01\n",
                               .query = "q=\x7f\xff",
                               .version_minor = 1};
    CHECK(fa::detail::access_line(fa::AccessLog::common, f, 200, 5, 1500us) ==
          R"(::1:8080 - "GET /a\x22b\x5cc\x01\x0a?q=\x7f\xff HTTP/1.1" 200 5 1.500ms)");
    CHECK(fa::detail::access_line(fa::AccessLog::json, f, 404, std::nullopt, 2ms) ==
          "{\"time\":\"1971-01-01T00:00:00.000Z\",\"client\":\"::1:8080\",\"method\":\"GET\","
          "\"path\":\"/a\\\"b\\\\c\\u0001\\n\",\"query\":\"q=\x7f\xef\xbf\xbd\",\"status\":404,\"bytes\":null,"
          "\"duration_ms\":2.000}");
    f.client_host = {};
    CHECK(fa::detail::access_line(fa::AccessLog::common, f, 200, 0, 0ms).starts_with("- - \"GET "));
    CHECK(fa::detail::access_line(fa::AccessLog::json, f, 200, 0, 0ms).find("\"client\":null,") != std::string::npos);
  }

#ifdef FASTAPI_ENABLE_GZIP
  TEST_CASE("order: the access log outside GZip logs the compressed bytes, inside it the plain ones") {
    Lines outer, inner;
    Seen seen;
    fa::App app;
    add_routes(app, seen);
    app.add_middleware(fa::AccessLogMiddleware{{.sink = inner.sink()}});
    app.add_middleware(fa::GZipMiddleware{});
    app.add_middleware(fa::AccessLogMiddleware{{.sink = outer.sink()}});
    fa::testing::TestClient client{app};
    auto r = client.get("/big", {.headers = {{"Accept-Encoding", "gzip"}}});
    REQUIRE(r.header("content-encoding") == "gzip");
    auto o = outer.wait_for(1);
    auto i = inner.wait_for(1);
    REQUIRE(o.size() == 1);
    REQUIRE(i.size() == 1);
    CHECK(std::regex_match(o[0], std::regex(R"(127\.0\.0\.1:\d+ - "GET /big HTTP/1\.1" 200 )" +
                                            std::to_string(r.raw.size()) + R"( \d+\.\d{3}ms)")));
    CHECK(std::regex_match(i[0], std::regex(R"(127\.0\.0\.1:\d+ - "GET /big HTTP/1\.1" 200 5000 \d+\.\d{3}ms)")));

    r = client.get("/stream", {.headers = {{"Accept-Encoding", "gzip"}}});  // a gzipped stream: wire bytes
    o = outer.wait_for(2);
    i = inner.wait_for(2);
    REQUIRE(o.size() == 2);
    REQUIRE(i.size() == 2);
    CHECK(std::regex_match(o[1], std::regex(R"(127\.0\.0\.1:\d+ - "GET /stream HTTP/1\.1" 200 )" +
                                            std::to_string(r.raw.size()) + R"( \d+\.\d{3}ms)")));
    CHECK(std::regex_match(i[1], std::regex(R"(127\.0\.0\.1:\d+ - "GET /stream HTTP/1\.1" 200 600 \d+\.\d{3}ms)")));
  }
#endif
}

}  // namespace test_logging_file
