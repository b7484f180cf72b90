// tests/params/test_scalar_params.cpp: the scalar types (fa::Scalar: datetime, date, time, timedelta, fa::UUID,
// fa::Choice, a user's own type) as path, query, header, cookie, form and body values, through the TestClient over a
// real socket: the same lax conversions and the same Pydantic v2 errors in every position.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace params_scalar_file {

namespace fa = fastapi;
using namespace std::chrono;

/// A user's scalar: an amount of cents written "12.34", read from "12.34" or a JSON number.
struct Money {
  long long cents = 0;
};

}  // namespace params_scalar_file

template <>
struct fastapi::Scalar<params_scalar_file::Money> {
  using Money = params_scalar_file::Money;
  static std::optional<Money> read(const fastapi::ScalarInput& in, fastapi::ConversionError& error) {
    double v = 0;
    if (in.is_number()) {
      v = in.number();
    } else if (in.is_string()) {
      std::size_t end = 0;
      try {
        v = std::stod(std::string(in.text), &end);
      } catch (...) {
        end = 0;
      }
      if (end == 0 || end != in.text.size()) {
        error = {"money_parsing", "Input should be an amount like 12.34", nullptr};
        return std::nullopt;
      }
    } else {
      error = {"money_type", "Input should be an amount", nullptr};
      return std::nullopt;
    }
    return Money{static_cast<long long>(v * 100 + (v < 0 ? -0.5 : 0.5))};
  }
  static void write(const Money& m, std::string& out) {
    out += std::to_string(m.cents / 100) + "." + (m.cents % 100 < 10 ? "0" : "") + std::to_string(m.cents % 100);
  }
  static fastapi::Json schema() { return fastapi::Json{{"pattern", "^-?\\d+\\.\\d{2}$"}, {"type", "string"}}; }
};

namespace params_scalar_file {

struct Event {
  fa::UUID id;
  sys_time<microseconds> at;
  year_month_day day;
  seconds every;
  std::set<std::string> tags;
  Money price;
};

void add_routes(fa::App& app) {
  app.get("/at/{when}",
          [](fa::Path<"when", sys_seconds> when, fa::Query<"day", std::optional<year_month_day>> day,
             fa::Header<"x-id", std::optional<fa::UUID>> id, fa::Cookie<"every", std::optional<minutes>> every,
             fa::Query<"order", fa::Choice<"asc", "desc">, fa::Rule{}> order) {
            fa::Json out = fa::to_json(
                std::tuple<sys_seconds, std::optional<year_month_day>, std::optional<fa::UUID>, std::optional<minutes>>{
                    *when, *day, *id, *every});
            out.push_back(std::string(order->value()));
            return out;
          });
  app.get("/price", [](fa::Query<"p", Money> p, fa::Query<"t", std::vector<hh_mm_ss<seconds>>> t) {
    return fa::to_json(*p).dump() + " " + fa::to_json(*t).dump();
  });
  app.post("/events", [](Event e) { return e; });
  app.post("/form", [](fa::Form<"at", sys_seconds> at) { return fa::to_json(*at); });
}

TEST_SUITE("params/scalars") {
  TEST_CASE("path, query, header and cookie values convert as Pydantic's lax mode converts their strings") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/at/2032-04-23T10:20:30+02:00", {.params = {{"day", "2032-04-23"}, {"order", "desc"}},
                                                          .headers = {{"x-id", "C4A760A8DBCF5254A0D96A4474BD1B62"}},
                                                          .cookies = {{"every", "PT1H30M"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"(["2032-04-23T08:20:30Z","2032-04-23","c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","PT1H30M","desc"])");
    CHECK(client.get("/at/1700000000", {.params = {{"order", "asc"}}}).text ==
          R"(["2023-11-14T22:13:20Z",null,null,null,"asc"])");
  }

  TEST_CASE("a bad value in each position is Pydantic's error, located there, all collected in one 422") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/at/yesterday", {.params = {{"day", "2032-04-23T10:00"}, {"order", "up"}},
                                          .headers = {{"x-id", "nope"}},
                                          .cookies = {{"every", "P1X"}}});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"datetime_from_date_parsing","loc":["path","when"],"msg":"Input should be a valid datetime or date, input is too short","input":"yesterday","ctx":{"error":"input is too short"}},)"
        R"({"type":"date_from_datetime_inexact","loc":["query","day"],"msg":"Datetimes provided to dates should have zero time - e.g. be exact dates","input":"2032-04-23T10:00"},)"
        R"({"type":"literal_error","loc":["query","order"],"msg":"Input should be 'asc' or 'desc'","input":"up","ctx":{"expected":"'asc' or 'desc'"}},)"
        R"({"type":"uuid_parsing","loc":["header","x-id"],"msg":"Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1","input":"nope","ctx":{"error":"invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1"}},)"
        R"({"type":"time_delta_parsing","loc":["cookie","every"],"msg":"Input should be a valid timedelta, expected unit for duration","input":"P1X","ctx":{"error":"expected unit for duration"}}]})");
  }

  TEST_CASE("a user's own scalar and repeated query values of a scalar type") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/price", {.params = {{"p", "12.5"}, {"t", "10:20"}, {"t", "23:59:59"}}}).text ==
          R"("12.50" ["10:20:00","23:59:59"])");
    auto r = client.get("/price", {.params = {{"p", "lots"}, {"t", "10"}}});
    CHECK(
        r.text ==
        R"({"detail":[{"type":"money_parsing","loc":["query","p"],"msg":"Input should be an amount like 12.34","input":"lots"},)"
        R"({"type":"time_parsing","loc":["query","t",0],"msg":"Input should be in a valid time format, input is too short","input":"10","ctx":{"error":"input is too short"}}]})");
  }

  TEST_CASE("a JSON body and a form field with the new types: read, answered back, refused in Pydantic's words") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.post(
        "/events",
        {.json = fa::Json::parse(R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"2032-04-23T10:20:30.5Z",)"
                                 R"("day":"2032-04-23","every":3600,"tags":["x","x","a"],"price":3})")});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"2032-04-23T10:20:30.500000Z",)"
                    R"("day":"2032-04-23","every":"PT1H","tags":["a","x"],"price":"3.00"})");
    r = client.post("/events",
                    {.json = fa::Json::parse(
                         R"({"id":1,"at":"2032-04-23T10:20:30Z","day":"x","every":"1h","tags":"x","price":[]})")});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"uuid_type","loc":["body","id"],"msg":"UUID input should be a string, bytes or UUID object","input":1},)"
        R"({"type":"date_from_datetime_parsing","loc":["body","day"],"msg":"Input should be a valid date or datetime, input is too short","input":"x","ctx":{"error":"input is too short"}},)"
        R"({"type":"time_delta_parsing","loc":["body","every"],"msg":"Input should be a valid timedelta, invalid time separator, expected `:`","input":"1h","ctx":{"error":"invalid time separator, expected `:`"}},)"
        R"({"type":"set_type","loc":["body","tags"],"msg":"Input should be a valid set","input":"x"},)"
        R"({"type":"money_type","loc":["body","price"],"msg":"Input should be an amount","input":[]}]})");
    r = client.post("/form", {.data = {{"at", "2032-04-23"}}});
    CHECK(r.text == R"("2032-04-23T00:00:00Z")");
    r = client.post("/form", {.data = {{"at", "2032-04-23T10:20:30.000+99:00"}}});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"datetime_from_date_parsing","loc":["body","at"],"msg":"Input should be a valid datetime or date, unexpected extra characters at the end of the input","input":"2032-04-23T10:20:30.000+99:00","ctx":{"error":"unexpected extra characters at the end of the input"}}]})");
  }
}

}  // namespace params_scalar_file
