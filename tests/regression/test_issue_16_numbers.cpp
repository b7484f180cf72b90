// tests/regression/test_issue_16_numbers.cpp: issue 16 §1, "data is never silently changed". JSON numbers with
// 20 or more significant digits were read as 0 by the On-Demand fast path (simdjson 3.0.1's get_number() writes
// its slow-path result into a copy; get_double() misreads "0.<20+ digits>"), and -9223372036854775809 was taken
// as INT64_MIN (its double is -2^63). Over a real socket: the exact values reach the handler, or Pydantic's 422.
#include <doctest/doctest.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_numbers_file {

namespace fa = fastapi;

struct Price {
  double price;
};
struct AllNumbers {
  int i;
  long long ll;
  unsigned u;
  float f;
  double d;
  std::optional<double> od;
  std::vector<double> vd;
  std::vector<long long> vll;
  fa::Field<double, fa::Rule{.le = 10}> ruled;
  fa::Json any;
};
struct Limited {
  fa::Field<long long, fa::Rule{.le = 100}> n;
};
struct Wide {
  long long n;
};

/// The shortest text that reads back as exactly d (so two texts are equal only for the very same double).
std::string exact(double d) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}
std::string exact(float f) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, r.ptr);
}

fa::testing::RequestOptions json_text(std::string text) {
  return {.headers = {{"content-type", "application/json"}}, .content = std::move(text)};
}

void add_routes(fa::App& app) {
  app.post("/json", [](fa::Body<fa::Json> body) { return *body; });
  app.post("/list", [](fa::Body<std::vector<double>> body) {
    std::string out;
    for (double d : *body) out += exact(d) + " ";
    return out;
  });
  app.post("/price", [](fa::Body<Price> body) { return exact(body->price); });
  app.post("/all", [](fa::Body<AllNumbers> b) {
    std::string out = std::to_string(b->i) + " " + std::to_string(b->ll) + " " + std::to_string(b->u) + " " +
                      exact(b->f) + " " + exact(b->d) + " " + exact(*b->od) + " |";
    for (double d : b->vd) out += " " + exact(d);
    out += " |";
    for (long long x : b->vll) out += " " + std::to_string(x);
    return out + " | " + exact(*b->ruled) + " " + b->any.dump();
  });
  app.post("/limited", [](fa::Body<Limited> b) { return std::to_string(*b->n); });
  app.post("/wide", [](fa::Body<Wide> b) { return std::to_string(b->n); });
  app.post("/embedded", [](fa::Embed<"w", Wide> w, fa::Embed<"k", int> k) { return std::to_string(w->n + *k); });
}

TEST_SUITE("regression/issue_16/numbers") {

  TEST_CASE("a number with 20 or more significant digits reaches a fa::Json body with its value, not 0") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/json", json_text(R"({"price":3.14159265358979323846})"));
    CHECK(r.status == 200);
    CHECK(r.text == R"({"price":3.141592653589793})");
    r = client.post(
        "/json",
        json_text(
            "[1.00000000000000000000, 2.5, 0.12345678901234567890123, -0.000000000000000000001234567890123456789012]"));
    CHECK(r.text == "[1.0,2.5,0.12345678901234568,-1.2345678901234568e-21]");
    r = client.post("/json", json_text(R"({"a":{"b":[123456789012345678901234567890e-10]}})"));
    CHECK(r.text == R"({"a":{"b":[1.2345678901234567e+19]}})");
  }

  TEST_CASE("long mantissas reach list, struct, optional, Field and fa::Json members of every numeric type exactly") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    CHECK(client.post("/list", json_text("[1.00000000000000000000, 2.5, 0.12345678901234567890123]")).text ==
          "1 2.5 0.12345678901234568 ");
    CHECK(client.post("/price", json_text(R"({"price":3.14159265358979323846})")).text == "3.141592653589793");
    CHECK(client.post("/price", json_text(R"({"price":0.10000000000000000000000000001})")).text == "0.1");
    const auto r = client.post(
        "/all", json_text(R"({"i":7.00000000000000000000,"ll":-12345678901234567.000000,"u":4000000000.0000000000000,)"
                          R"("f":0.333333333333333333333333,"d":2.71828182845904523536028747135,"od":1e-5000000000000,)"
                          R"("vd":[0.1000000000000000055511151231257827,9007199254740993.0000000001],)"
                          R"("vll":[1.000000000000000000000e3,-9223372036854775808],"ruled":9.99999999999999999999999,)"
                          R"("any":[1.00000000000000000000,-0.00000000000000000000]})"));
    CHECK(r.status == 200);
    CHECK(r.text == "7 -12345678901234568 4000000000 0.33333334 2.718281828459045 0 | 0.1 9007199254740994 | 1000 "
                    "-9223372036854775808 | 10 [1.0,-0.0]");
  }

  TEST_CASE("12345678901234567890.0 into a long long with a le rule is Pydantic's int_parsing_size, not 0") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/limited", json_text(R"({"n":12345678901234567890.0})"));
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing_size","loc":["body","n"],"msg":"Unable to parse input string )"
                    R"(as an integer, exceeded maximum size","input":1.2345678901234567e+19}]})");
    // Pydantic takes a float as an int only strictly inside (-2^63, 2^63).
    for (std::string_view big : {"1e19", "9223372036854775808.0", "-9223372036854775808.0", "1e308", "-1e300"}) {
      CAPTURE(big);
      r = client.post("/wide", json_text(R"({"n":)" + std::string(big) + "}"));
      CHECK(r.status == 422);
      CHECK(r.json()["detail"][0]["type"] == "int_parsing_size");
    }
    CHECK(client.post("/limited", json_text(R"({"n":100.000000000000000000000})")).text == "100");
    // As Pydantic (json.loads, then float -> int): the number is the double it reads as, 100.0 here.
    CHECK(client.post("/limited", json_text(R"({"n":100.000000000000000000001})")).text == "100");
    r = client.post("/limited", json_text(R"({"n":101.000000000000000000000})"));
    CHECK(r.json()["detail"][0]["type"] == "less_than_equal");
    r = client.post("/limited", json_text(R"({"n":0.50000000000000000000001})"));
    CHECK(r.json()["detail"][0]["type"] == "int_from_float");
  }

  TEST_CASE("-9223372036854775809 into a long long is out of range on its integer text, not INT64_MIN") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    CHECK(client.post("/wide", json_text(R"({"n":-9223372036854775808})")).text == "-9223372036854775808");
    CHECK(client.post("/wide", json_text(R"({"n":9223372036854775807})")).text == "9223372036854775807");
    auto r = client.post("/wide", json_text(R"({"n":-9223372036854775809})"));
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"greater_than_equal","loc":["body","n"],"msg":"Input should be greater )"
                    R"(than or equal to -9223372036854775808","input":-9.223372036854776e+18,"ctx":{"ge":)"
                    R"(-9223372036854775808}}]})");
    r = client.post("/wide", json_text(R"({"n":-9223372036854776832})"));  // rounds to the double below -2^63
    CHECK(r.json()["detail"][0]["type"] == "greater_than_equal");
    r = client.post("/wide", json_text(R"({"n":18446744073709551616})"));
    CHECK(r.json()["detail"][0]["type"] == "less_than_equal");
    // Embedded, the body is a fa::Json first, where the integer is only a double: still never INT64_MIN.
    r = client.post("/embedded", json_text(R"({"w":{"n":-9223372036854775809},"k":0})"));
    CHECK(r.status == 422);
    CHECK(r.json()["detail"][0]["type"] == "int_parsing_size");
    CHECK(client.post("/embedded", json_text(R"({"w":{"n":-9223372036854775807},"k":-1})")).text ==
          "-9223372036854775808");
  }

}  // TEST_SUITE

}  // namespace test_issue_16_numbers_file
