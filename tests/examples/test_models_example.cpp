// tests/examples/test_models_example.cpp: examples/23_models.cpp run as a user runs it (--port 0), driven over real
// sockets: events with dates, a UUID, a discriminated union and a set, answered back as Pydantic v2 writes them or
// refused with its error types; a partial update; the request id from the middleware; settings from APP_*
// variables, and invalid settings stopping startup with exit status 1. Stopped with SIGTERM by its pid.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "fastapi/json/parse.hpp"
#include "fastapi/json/value.hpp"
#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_models_example_file {

using namespace std::chrono_literals;
namespace fa = fastapi;
using test_support::body_of;
using test_support::example;
using test_support::status_of;

/// The app started with `env` added; its port.
struct Running {
  explicit Running(const std::vector<std::string>& env = {})
      : app(example("23_models"), {"--port", "0", "--workers", "2"}, env) {
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    port = test_support::port_of(*line);
  }
  ~Running() {
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }
  std::string send(std::string_view method, std::string_view target, std::string_view body = {},
                   std::string_view headers = {}) {
    return test_support::http_request(port, method, target, headers, body);
  }
  test_support::Process app;
  int port = 0;
};

/// The `type`s of a 422 body's errors, with their locations: "uuid_parsing@body.id ...".
std::string error_types(const std::string& reply) {
  std::string out;
  fa::Json body = fa::Json::parse(body_of(reply));
  for (const fa::Json& e : body["detail"]) {
    if (!out.empty()) out += ' ';
    out += std::string(e["type"].as_string()) + "@";
    bool first = true;
    for (const fa::Json& step : e["loc"]) {
      if (!first) out += '.';
      first = false;
      out += step.is_string() ? std::string(step.as_string()) : step.dump();
    }
  }
  return out;
}

constexpr std::string_view good_event =
    R"({"id":"C4A760A8-DBCF-5254-A0D9-6A4474BD1B62","at":"2032-04-23T10:20:30.5+02:00","day":"2032-04-23",)"
    R"("every":5400,"kind":{"type":"click","x":1,"y":2},"tags":["b","a","b"]})";

TEST_SUITE("examples/models") {
  TEST_CASE("23_models: POST /events answers the event back as Pydantic v2 writes it") {
    Running app;
    std::string r = app.send("POST", "/events", good_event);
    CHECK(status_of(r) == 200);
    CHECK(body_of(r) ==
          R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"2032-04-23T08:20:30.500000Z","day":"2032-04-23",)"
          R"("every":"PT1H30M","kind":{"type":"click","x":1,"y":2},"tags":["a","b"]})");
    r = app.send("POST", "/events",
                 R"({"id":"urn:uuid:c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":0,"day":"2032-04-23T00:00:00",)"
                 R"("every":"P1DT2H","kind":{"type":"key","key":"Enter"},"tags":[]})");
    CHECK(status_of(r) == 200);
    CHECK(body_of(r) ==
          R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"1970-01-01T00:00:00Z","day":"2032-04-23",)"
          R"("every":"P1DT2H","kind":{"type":"key","key":"Enter"},"tags":[]})");
  }

  TEST_CASE("23_models: bad events are one 422 with every error in Pydantic v2's types and locations") {
    Running app;
    std::string r =
        app.send("POST", "/events",
                 R"({"id":"x","at":"nope","day":"2032-13-01","every":"P1X","kind":{"type":"scroll"},"tags":"a"})");
    CHECK(status_of(r) == 422);
    CHECK(error_types(r) ==
          "uuid_parsing@body.id datetime_from_date_parsing@body.at date_from_datetime_parsing@body.day "
          "time_delta_parsing@body.every union_tag_invalid@body.kind set_type@body.tags");
    r = app.send(
        "POST", "/events",
        R"({"id":1,"at":null,"day":"2032-04-23T10:00:00","every":[],"kind":{"type":"click","x":-1},"tags":[1]})");
    CHECK(status_of(r) == 422);
    CHECK(error_types(r) ==
          "uuid_type@body.id datetime_type@body.at date_from_datetime_inexact@body.day time_delta_type@body.every "
          "greater_than_equal@body.kind.click.x missing@body.kind.click.y string_type@body.tags.0");
    r = app.send("POST", "/events", R"({"kind":{"x":1},"tags":[]})");
    CHECK(error_types(r) ==
          "missing@body.id missing@body.at missing@body.day missing@body.every union_tag_not_found@body.kind");
    r = app.send("POST", "/events",
                 R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"2032-04-23T10:20:30Z","day":"2032-04-23",)"
                 R"("every":1,"kind":{"type":"key","key":"seventeen-chars!!"},"tags":[]})");
    CHECK(error_types(r) == "string_too_long@body.kind.key.key");
  }

  TEST_CASE("23_models: malformed, truncated, hostile and oversized bodies are refused, the server stays up") {
    Running app;
    const std::vector<std::string> bodies{
        std::string(good_event.substr(0, 40)),  // cut off
        "{\"id\":\"\xff\xfe\"}",                // bad UTF-8
        std::string(10000, '['),                // nesting
        std::string(good_event) + "x",          // trailing bytes
        "[]",
        "null",
        R"({"kind":{"type":"click","type":"key","key":"a"}})",  // a repeated tag: the last one counts
        R"({"every":"P999999999999999999D","at":"9999999999999999999"})",
    };
    for (const std::string& body : bodies) {
      std::string r = app.send("POST", "/events", body);
      CHECK(status_of(r) == 422);
      CHECK(body_of(r).starts_with(R"({"detail":[)"));
    }
    std::string big = app.send("POST", "/events", std::string(2 * 1024 * 1024, ' '));
    CHECK((status_of(big) == 413 || big.empty()));  // over the 1 MiB limit: 413 (the server may close first)
    CHECK(status_of(app.send("POST", "/events", good_event)) == 200);
  }

  TEST_CASE("23_models: PATCH /items/{id} applies only the members sent and answers the whole item") {
    Running app;
    std::string r = app.send("PATCH", "/items/1", R"({"price":2.5})");
    CHECK(status_of(r) == 200);
    CHECK(body_of(r) == R"({"name":"Foo","price":2.5,"tags":[]})");
    r = app.send("PATCH", "/items/1", R"({"tags":["a","b"],"name":"Bar"})");
    CHECK(body_of(r) == R"({"name":"Bar","price":2.5,"tags":["a","b"]})");
    r = app.send("PATCH", "/items/1", R"({})");
    CHECK(body_of(r) == R"({"name":"Bar","price":2.5,"tags":["a","b"]})");
    r = app.send("PATCH", "/items/1", R"({"price":0,"name":null,"tags":"x"})");
    CHECK(status_of(r) == 422);
    CHECK(error_types(r) == "string_type@body.name greater_than@body.price list_type@body.tags");
    CHECK(body_of(app.send("GET", "/items/1")).find("Method Not Allowed") != std::string::npos);
    r = app.send("PATCH", "/items/2", R"({"price":1})");
    CHECK(status_of(r) == 404);
    CHECK(body_of(r) == R"({"detail":"Item not found"})");
    r = app.send("PATCH", "/items/abc", R"({"price":1})");
    CHECK(status_of(r) == 422);
    CHECK(error_types(r) == "int_parsing@path.item_id");
    r = app.send("PATCH", "/items/1", R"({"price": )");
    CHECK(error_types(r) == "json_invalid@body.10");
    r = app.send("PATCH", "/items/1");
    CHECK(error_types(r) == "missing@body");
  }

  TEST_CASE("23_models: GET /whoami answers the request id the middleware stored") {
    Running app;
    CHECK(body_of(app.send("GET", "/whoami", {}, "X-Request-ID: req-42\r\n")) == R"({"request_id":"req-42"})");
    fa::Json first = fa::Json::parse(body_of(app.send("GET", "/whoami")));
    fa::Json second = fa::Json::parse(body_of(app.send("GET", "/whoami")));
    const std::string id(first["request_id"].as_string());
    CHECK(id.size() == 36);
    CHECK(id[14] == '4');  // a version 4 UUID
    CHECK(first["request_id"] != second["request_id"]);
  }

  TEST_CASE("23_models: GET /settings reads APP_ variables, with their defaults") {
    {
      Running app;
      CHECK(body_of(app.send("GET", "/settings")) == R"({"name":"demo","max_items":100})");
    }
    Running app({"APP_NAME=shop", "app_max_items= 250 "});
    CHECK(body_of(app.send("GET", "/settings")) == R"({"name":"shop","max_items":250})");
  }

  TEST_CASE("23_models: invalid settings stop startup with Pydantic's words and exit status 1") {
    test_support::Process app("/bin/sh", {"-c", "exec \"$0\" --port 0 2>&1", example("23_models")},
                              {"APP_MAX_ITEMS=5000"});
    auto line = app.wait_for_line("less_than_equal", 10s);
    REQUIRE(line);
    CHECK(*line == "  Input should be less than or equal to 1000 [type=less_than_equal, input_value='5000', "
                   "input_type=str]");
    CHECK(app.wait(10s) == 1);
    test_support::Process other("/bin/sh", {"-c", "exec \"$0\" --port 0 2>&1", example("23_models")},
                                {"APP_MAX_ITEMS=many"});
    REQUIRE(other.wait_for_line("int_parsing", 10s));
    CHECK(other.wait(10s) == 1);
  }
}

}  // namespace test_models_example_file
