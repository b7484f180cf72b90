// tests/middleware/test_cors.cpp: fa::CORSMiddleware through the TestClient, case by case against the table
// tests/middleware/cors_cases.json, which tests/middleware/cors_vs_starlette.py checks against Starlette's own
// CORSMiddleware; plus what the table cannot say (options, errors, order with other middleware).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/middleware/cors.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_cors_file {

namespace fa = fastapi;

#ifndef FASTAPI_SOURCE_DIR
#error "FASTAPI_SOURCE_DIR (the repository root, as a string) is defined by CMake for the tests"
#endif

fa::Json load_cases() {
  std::string path = FASTAPI_SOURCE_DIR "/tests/middleware/cors_cases.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return fa::Json::parse(text.str());
}

std::vector<std::string> strings(const fa::Json& array) {
  std::vector<std::string> out;
  for (const auto& x : array) out.push_back(x.as_string());
  return out;
}

/// A case's "options" (Starlette's keyword arguments) as fa::CORSOptions.
fa::CORSOptions options_from(const fa::Json& j) {
  fa::CORSOptions o;
  for (const auto& [key, value] : j.items()) {
    if (key == "allow_origins") {
      o.allow_origins = strings(value);
    } else if (key == "allow_origin_regex") {
      o.allow_origin_regex = value.as_string();
    } else if (key == "allow_credentials") {
      o.allow_credentials = value.as_bool();
    } else if (key == "allow_methods") {
      o.allow_methods = strings(value);
    } else if (key == "allow_headers") {
      o.allow_headers = strings(value);
    } else if (key == "expose_headers") {
      o.expose_headers = strings(value);
    } else if (key == "max_age") {
      o.max_age = static_cast<int>(value.as_int());
    } else {
      throw std::runtime_error("unknown CORS option in cors_cases.json: " + key);
    }
  }
  return o;
}

/// The app of the table: GET and POST / answer "Homepage"; GET /vary answers "Vary" with Vary: Accept-Encoding.
void add_routes(fa::App& app) {
  app.get("/", [] { return fa::PlainTextResponse("Homepage"); });
  app.post("/", [] { return fa::PlainTextResponse("Homepage"); });
  app.get("/vary", [] {
    fa::Response r = fa::PlainTextResponse("Vary");
    r.headers.add("Vary", "Accept-Encoding");
    return r;
  });
}

std::vector<std::string> values_of(const fa::testing::TestResponse& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : r.headers)
    if (fa::iequals(f.name, name)) out.push_back(f.value);
  return out;
}

bool is_cors_header(std::string_view name) {
  return fa::iequals(name, "vary") || (name.size() > 15 && fa::iequals(name.substr(0, 15), "access-control-"));
}

TEST_SUITE("middleware/cors") {
  TEST_CASE("every case of cors_cases.json gets Starlette's answer: status, body, CORS headers and nothing more") {
    fa::Json table = load_cases();
    const fa::Json& cases = table.at("cases");
    REQUIRE(cases.size() >= 30);
    for (const auto& c : cases) {
      const std::string& name = c.at("name").as_string();
      INFO("case: ", name);
      fa::App app;
      add_routes(app);
      app.add_middleware(fa::CORSMiddleware{options_from(c.at("options"))});
      fa::testing::TestClient client{app};

      const fa::Json& request = c.at("request");
      fa::testing::RequestOptions ro;
      ro.follow_redirects = false;
      for (const auto& h : request.at("headers")) ro.headers.emplace_back(h.at(0).as_string(), h.at(1).as_string());
      auto r = client.request(request.at("method").as_string(), request.at("path").as_string(), ro);

      CHECK(r.status == c.at("status").as_int());
      if (const fa::Json* body = c.find("body")) CHECK(r.text == body->as_string());
      const fa::Json& expected = c.at("headers");
      for (const auto& member : expected.items()) {  // no structured binding: INFO's lambda captures it
        INFO("header: ", member.first);
        CHECK(values_of(r, member.first) == std::vector<std::string>{member.second.as_string()});
      }
      if (const fa::Json* absent = c.find("absent"))
        for (const auto& header : *absent) {
          INFO("header that must be absent: ", header.as_string());
          CHECK(values_of(r, header.as_string()).empty());
        }
      for (const auto& f : r.headers) {
        if (!is_cors_header(f.name)) continue;
        bool listed = false;
        for (const auto& member : expected.items()) listed = listed || fa::iequals(member.first, f.name);
        INFO("unexpected header: ", f.name, ": ", f.value);
        CHECK(listed);
      }
    }
  }

  TEST_CASE("the options default to Starlette's: no origin, GET only, no headers, no credentials, max_age 600") {
    fa::CORSOptions o;
    CHECK(o.allow_origins.empty());
    CHECK(!o.allow_origin_regex);
    CHECK(o.allow_methods == std::vector<std::string>{"GET"});
    CHECK(o.allow_headers.empty());
    CHECK(!o.allow_credentials);
    CHECK(o.expose_headers.empty());
    CHECK(o.max_age == 600);
  }

  TEST_CASE("is_allowed_origin answers for listed origins, the regex (a full match) and *") {
    fa::CORSMiddleware listed{{.allow_origins = {"https://a.com"}, .allow_origin_regex = "https://[a-z]+\\.b\\.org"}};
    CHECK(listed.is_allowed_origin("https://a.com"));
    CHECK(listed.is_allowed_origin("https://api.b.org"));
    CHECK_FALSE(listed.is_allowed_origin("https://api.b.org.evil"));
    CHECK_FALSE(listed.is_allowed_origin("https://evil.com"));
    CHECK_FALSE(listed.is_allowed_origin(""));
    fa::CORSMiddleware any{{.allow_origins = {"*"}}};
    CHECK(any.is_allowed_origin("https://anything.example"));
  }

  TEST_CASE("an invalid allow_origin_regex is refused when the middleware is made, with a sentence") {
    CHECK_THROWS_WITH_AS(fa::CORSMiddleware({.allow_origin_regex = "https://(unclosed"}),
                         doctest::Contains("allow_origin_regex"), fa::ConfigurationError);
  }

  TEST_CASE("FastAPI's tutorial options read the same, and a preflight for any method and header passes") {
    fa::App app;
    add_routes(app);
    app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"http://localhost:8080"},
                                           .allow_credentials = true,
                                           .allow_methods = {"*"},
                                           .allow_headers = {"*"}}});
    fa::testing::TestClient client{app};
    auto r = client.options("/", {.headers = {{"Origin", "http://localhost:8080"},
                                              {"Access-Control-Request-Method", "DELETE"},
                                              {"Access-Control-Request-Headers", "Authorization, X-Requested-With"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "OK");
    CHECK(r.header("content-type") == "text/plain; charset=utf-8");
    CHECK(r.header("access-control-allow-origin") == "http://localhost:8080");
    CHECK(r.header("access-control-allow-credentials") == "true");
    CHECK(r.header("access-control-allow-headers") == "Authorization, X-Requested-With");
    r = client.get("/", {.headers = {{"Origin", "http://localhost:8080"}}, .cookies = {{"session", "s"}}});
    CHECK(r.status == 200);
    CHECK(r.header("access-control-allow-origin") == "http://localhost:8080");
    CHECK(r.header("access-control-allow-credentials") == "true");
    CHECK(r.header("vary") == "Origin");
  }

  TEST_CASE("the preflight never reaches the routes or inner middleware; simple requests do") {
    fa::App app;
    int inner_calls = 0;
    app.get("/", [] { return fa::PlainTextResponse("Homepage"); });
    app.add_middleware([&inner_calls](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      ++inner_calls;
      co_return co_await next(req);
    });
    app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"https://a.com"}}});
    fa::testing::TestClient client{app};
    auto r = client.options("/", {.headers = {{"Origin", "https://a.com"}, {"Access-Control-Request-Method", "GET"}}});
    CHECK(r.status == 200);
    CHECK(inner_calls == 0);
    r = client.get("/", {.headers = {{"Origin", "https://a.com"}}});
    CHECK(r.text == "Homepage");
    CHECK(inner_calls == 1);
  }

  TEST_CASE("an answer of an inner middleware (401) and an HTTPException get the CORS headers too") {
    fa::App app;
    app.get("/item", []() -> fa::Response { throw fa::HTTPException(418, "teapot"); });
    app.get("/secret", [] { return fa::PlainTextResponse("secret"); });
    app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
      if (req.path == "/secret") co_return fa::PlainTextResponse("no", 401);
      co_return co_await next(req);
    });
    app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"https://a.com"}, .expose_headers = {"X-Why"}}});
    fa::testing::TestClient client{app};
    auto r = client.get("/secret", {.headers = {{"Origin", "https://a.com"}}});
    CHECK(r.status == 401);
    CHECK(r.header("access-control-allow-origin") == "https://a.com");
    CHECK(r.header("access-control-expose-headers") == "X-Why");
    r = client.get("/item", {.headers = {{"Origin", "https://a.com"}}});
    CHECK(r.status == 418);
    CHECK(r.text == R"({"detail":"teapot"})");
    CHECK(r.header("access-control-allow-origin") == "https://a.com");
  }

  TEST_CASE("an unhandled exception is a 500 without CORS headers, as behind Starlette's ServerErrorMiddleware") {
    fa::App app;
    app.logger().set_sink([](fa::LogLevel, std::string_view) {});
    app.get("/boom", []() -> fa::Response { throw std::runtime_error("boom"); });
    app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"*"}}});
    fa::testing::TestClient client{app};
    auto r = client.get("/boom", {.headers = {{"Origin", "https://a.com"}}});
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
    CHECK_FALSE(r.headers.contains("access-control-allow-origin"));
  }

  TEST_CASE("the headers the app set itself are replaced by the middleware's, not doubled") {
    fa::App app;
    app.get("/", [] {
      fa::Response r = fa::PlainTextResponse("own");
      r.headers.add("Access-Control-Allow-Origin", "https://own.example");
      r.headers.add("Access-Control-Allow-Credentials", "false");
      return r;
    });
    app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"https://a.com"}, .allow_credentials = true}});
    fa::testing::TestClient client{app};
    auto r = client.get("/", {.headers = {{"Origin", "https://a.com"}}});
    CHECK(values_of(r, "access-control-allow-origin") == std::vector<std::string>{"https://a.com"});
    CHECK(values_of(r, "access-control-allow-credentials") == std::vector<std::string>{"true"});
  }

  TEST_CASE("a streamed response gets the CORS headers") {
    fa::App app;
    app.get("/stream", [] {
      auto left = std::make_shared<int>(2);
      return fa::StreamingResponse([left](std::string& chunk) -> fa::Task<bool> {
        if (*left == 0) co_return false;
        chunk = "part" + std::to_string((*left)--);
        co_return true;
      });
    });
    app.add_middleware(fa::CORSMiddleware{{.allow_origins = {"https://a.com"}}});
    fa::testing::TestClient client{app};
    auto r = client.get("/stream", {.headers = {{"Origin", "https://a.com"}}});
    CHECK(r.text == "part2part1");
    CHECK(r.header("access-control-allow-origin") == "https://a.com");
    CHECK(r.header("vary") == "Origin");
  }
}

}  // namespace test_cors_file
