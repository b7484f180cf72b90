// tests/json/test_validators.cpp: json/validators.hpp: field and model validators, before and after, as Pydantic v2
// runs them (the order, what each one sees, when the model's run), their 422 value_error in FastAPI's words, through
// read_json (fast path and DOM reader alike) and through a real route; OpenAPI left as it was.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/schema.hpp"
#include "fastapi/json/validators.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_validators_file {

namespace fa = fastapi;

/// Pydantic's docs example: a name must hold a space and is title-cased; passwords must match.
struct UserModel {
  std::string name;
  std::string username;
  std::string password1;
  std::string password2;
  static auto validators() {
    return fa::Validators{
        fa::field_validator<&UserModel::name>([](std::string v) {
          if (v.find(' ') == std::string::npos) throw fa::ValueError("must contain a space");
          bool start = true;
          for (char& c : v) {
            c = static_cast<char>(start ? std::toupper(static_cast<unsigned char>(c)) : c);
            start = c == ' ';
          }
          return v;
        }),
        fa::field_validator<&UserModel::username>([](const std::string& v) {
          if (!std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
            throw fa::ValueError("must be alphanumeric");
        }),
        fa::model_validator([](const UserModel& m) {
          if (m.password1 != m.password2) throw fa::ValueError("passwords do not match");
        })};
  }
};

/// Before-validators: a comma-separated text becomes a list before the list is read; a legacy key is renamed
/// before the model is read; the last listed before-validator runs first.
struct Query {
  std::vector<std::string> tags;
  fa::Field<int, fa::Rule{.ge = 1}> limit;
  std::string trace;
  static auto validators() {
    return fa::Validators{fa::field_validator<&Query::tags, fa::before>([](const fa::Json& raw) -> fa::Json {
                            if (!raw.is_string()) return raw;
                            fa::Json list = fa::Json::array({});
                            std::string item;
                            for (char c : std::string(raw.as_string()) + ",") {
                              if (c != ',') item += c;
                              else if (!item.empty()) list.push_back(item), item.clear();
                            }
                            return list;
                          }),
                          fa::field_validator<&Query::trace, fa::before>(
                              [](const fa::Json& raw) { return fa::Json(raw.as_string() + "2"); }),
                          fa::field_validator<&Query::trace, fa::before>(
                              [](const fa::Json& raw) { return fa::Json(raw.as_string() + "1"); }),
                          fa::field_validator<&Query::trace>([](std::string& v) { v += "3"; }),
                          fa::field_validator<&Query::trace>([](std::string& v) { v += "4"; }),
                          fa::field_validator<&Query::limit>([](int v) {
                            if (v % 10 != 0) throw fa::ValueError("limit must be a multiple of 10");
                            return v;
                          }),
                          fa::model_validator<fa::before>([](const fa::Json& raw) {
                            fa::Json out = raw;
                            if (raw.is_object() && raw.contains("max") && !raw.contains("limit")) {
                              out["limit"] = raw["max"];
                              out.erase("max");
                            }
                            return out;
                          })};
  }
};

struct Point {
  int x = 0;
  int y = 0;
  static auto validators() {
    return fa::Validators{fa::model_validator([](Point p) {
      if (p.x < 0) throw fa::ValueError("x must not be negative");
      p.y = std::max(p.y, 0);  // an after model-validator may return the cleaned struct
      return p;
    })};
  }
};
struct Shape {
  std::string name;
  std::vector<Point> points;
  std::optional<Point> origin;
};

struct Click {
  fa::Choice<"click"> type;
  int x = 0;
  static auto validators() {
    return fa::Validators{fa::field_validator<&Click::x>([](int x) {
      if (x > 1000) throw fa::ValueError("off the screen");
    })};
  }
};
struct Key {
  fa::Choice<"key"> type;
  std::string key;
};
struct Input {
  fa::Discriminator<"type", Click, Key> kind;
};

struct Fragile {
  std::string text;
  static auto validators() {
    return fa::Validators{fa::field_validator<&Fragile::text>([](const std::string& v) {
      if (v == "boom") throw std::runtime_error("not a validation error");
    })};
  }
};

/// The 422 body read_json<T> throws for `text`, or "ok".
template <class T>
std::string errors_of(const std::string& text) {
  try {
    (void)fa::read_json<T>(text);
    return "ok";
  } catch (const fa::RequestValidationError& e) {
    return e.body().dump();
  }
}

/// read_json and the DOM reader alone agree: the same value (as JSON) or the same errors.
template <class T>
std::string both_readers(const std::string& text) {
  fa::RequestValidationError fast_errors, dom_errors;
  fa::detail::LocPath l1, l2;
  l1.push(std::string_view("body"));
  l2.push(std::string_view("body"));
  std::optional<T> fast = fa::read_json<T>(text, fast_errors, l1);
  std::optional<T> dom = fa::detail::read_json_dom<T>(text, dom_errors, l2);
  REQUIRE(fast.has_value() == dom.has_value());
  if (!fast) {
    CHECK(fast_errors.body().dump() == dom_errors.body().dump());
    return fast_errors.body().dump();
  }
  CHECK(fa::to_json_string(*fast) == fa::to_json_string(*dom));
  return fa::to_json_string(*fast);
}

TEST_SUITE("json/validators") {
  TEST_CASE("an after field-validator normalises the value it returns, on the fast path and the DOM path alike") {
    CHECK(both_readers<UserModel>(
              R"({"name":"samuel colvin","username":"scolvin","password1":"zxcvbn","password2":"zxcvbn"})") ==
          R"({"name":"Samuel Colvin","username":"scolvin","password1":"zxcvbn","password2":"zxcvbn"})");
  }

  TEST_CASE("a ValueError is a 422 value_error at the field, with Pydantic's words and FastAPI's ctx") {
    CHECK(both_readers<UserModel>(
              R"({"name":"samuel","username":"scolvin","password1":"zxcvbn","password2":"zxcvbn"})") ==
          R"({"detail":[{"type":"value_error","loc":["body","name"],"msg":"Value error, must contain a space",)"
          R"("input":"samuel","ctx":{"error":{}}}]})");
  }

  TEST_CASE("errors of several validators and of the types are collected in one 422, in member order") {
    CHECK(
        both_readers<UserModel>(R"({"name":"samuel","username":"s colvin","password1":1,"password2":"x"})") ==
        R"({"detail":[{"type":"value_error","loc":["body","name"],"msg":"Value error, must contain a space","input":"samuel","ctx":{"error":{}}},)"
        R"({"type":"value_error","loc":["body","username"],"msg":"Value error, must be alphanumeric","input":"s colvin","ctx":{"error":{}}},)"
        R"({"type":"string_type","loc":["body","password1"],"msg":"Input should be a valid string","input":1}]})");
  }

  TEST_CASE("a model after-validator runs once every member is valid, and its error is located at the model") {
    CHECK(both_readers<UserModel>(R"({"name":"a b","username":"ab","password1":"x","password2":"y"})") ==
          R"({"detail":[{"type":"value_error","loc":["body"],"msg":"Value error, passwords do not match",)"
          R"("input":{"name":"a b","username":"ab","password1":"x","password2":"y"},"ctx":{"error":{}}}]})");
    // A member fails: the model validator does not run (Pydantic's model after-validators need a whole model).
    CHECK(both_readers<UserModel>(R"({"name":"a b","username":"a-b","password1":"x","password2":"y"})")
              .find("passwords do not match") == std::string::npos);
    // A missing member: the same.
    CHECK(both_readers<UserModel>(R"({"name":"a b","username":"ab","password1":"x"})") ==
          R"({"detail":[{"type":"missing","loc":["body","password2"],"msg":"Field required",)"
          R"("input":{"name":"a b","username":"ab","password1":"x"}}]})");
  }

  TEST_CASE("a before field-validator sees the raw JSON and hands on the value to read") {
    CHECK(both_readers<Query>(R"({"tags":"a,b,,c","limit":10,"trace":""})") ==
          R"({"tags":["a","b","c"],"limit":10,"trace":"1234"})");
    CHECK(both_readers<Query>(R"({"tags":["x"],"limit":20,"trace":"t"})") ==
          R"({"tags":["x"],"limit":20,"trace":"t1234"})");
    // What it returns is then read and checked as the member's type: a number is no list.
    CHECK(both_readers<Query>(R"({"tags":5,"limit":10,"trace":""})") ==
          R"({"detail":[{"type":"list_type","loc":["body","tags"],"msg":"Input should be a valid list","input":5}]})");
  }

  TEST_CASE("before-validators run last-listed first, after-validators in the order listed (Pydantic v2)") {
    // trace "": the second before-validator adds "1", then the first "2"; the after-validators add "3", "4".
    CHECK(both_readers<Query>(R"({"tags":[],"limit":10,"trace":""})").find(R"("trace":"1234")") != std::string::npos);
  }

  TEST_CASE("an after field-validator runs only once the value converted and passed its Rule") {
    CHECK(
        both_readers<Query>(R"({"tags":[],"limit":0,"trace":""})") ==
        R"({"detail":[{"type":"greater_than_equal","loc":["body","limit"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}]})");
    CHECK(
        both_readers<Query>(R"({"tags":[],"limit":15,"trace":""})") ==
        R"({"detail":[{"type":"value_error","loc":["body","limit"],"msg":"Value error, limit must be a multiple of 10","input":15,"ctx":{"error":{}}}]})");
  }

  TEST_CASE("a before model-validator rewrites the raw object before the members are read") {
    CHECK(both_readers<Query>(R"({"tags":[],"max":30,"trace":""})") == R"({"tags":[],"limit":30,"trace":"1234"})");
    CHECK(both_readers<Query>(R"({"tags":[],"max":31,"trace":""})").find(R"("loc":["body","limit"])") !=
          std::string::npos);
  }

  TEST_CASE("validators of nested models, list items, optionals and union members are located where they are") {
    CHECK(
        both_readers<Shape>(R"({"name":"s","points":[{"x":1,"y":-5},{"x":-1,"y":0}],"origin":{"x":-2,"y":0}})") ==
        R"({"detail":[{"type":"value_error","loc":["body","points",1],"msg":"Value error, x must not be negative","input":{"x":-1,"y":0},"ctx":{"error":{}}},)"
        R"({"type":"value_error","loc":["body","origin"],"msg":"Value error, x must not be negative","input":{"x":-2,"y":0},"ctx":{"error":{}}}]})");
    CHECK(both_readers<Shape>(R"({"name":"s","points":[{"x":1,"y":-5}],"origin":null})") ==
          R"({"name":"s","points":[{"x":1,"y":0}],"origin":null})");
    CHECK(
        both_readers<Input>(R"({"kind":{"type":"click","x":5000}})") ==
        R"({"detail":[{"type":"value_error","loc":["body","kind","click","x"],"msg":"Value error, off the screen","input":5000,"ctx":{"error":{}}}]})");
    CHECK(both_readers<Input>(R"({"kind":{"type":"click","x":50}})") == R"({"kind":{"type":"click","x":50}})");
  }

  TEST_CASE("from_json (embedded bodies, the response-model wall) runs the validators too") {
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    loc.push(std::string_view("response"));
    auto p = fa::from_json<Point>(fa::Json{{"x", -1}, {"y", 0}}, errors, loc);
    CHECK(!p);
    CHECK(
        errors.body().dump() ==
        R"({"detail":[{"type":"value_error","loc":["response"],"msg":"Value error, x must not be negative","input":{"x":-1,"y":0},"ctx":{"error":{}}}]})");
  }

  TEST_CASE("an exception other than fa::ValueError is not a validation error: it escapes (a 500 in an app)") {
    CHECK(errors_of<Fragile>(R"({"text":"fine"})") == "ok");
    CHECK_THROWS_AS((void)fa::read_json<Fragile>(R"({"text":"boom"})"), std::runtime_error);
  }

  TEST_CASE("hostile bodies for a model with validators are 422s, never a crash") {
    for (std::string body : {std::string(R"({"name": )"), std::string(3000, '['), std::string("{\"name\":\"\xff\"}"),
                             std::string(R"({"name":"a b","username":"x","password1":"a","password2":"a","name":1})"),
                             std::string(R"([])"), std::string(R"("text")"), std::string(R"({"tags":{"a":1}})")}) {
      CHECK(errors_of<UserModel>(body).starts_with(R"({"detail":[)"));
      CHECK(errors_of<Query>(body).starts_with(R"({"detail":[)"));
    }
  }

  TEST_CASE("through a route: 422 for a validator's error, the normalised value to the handler, OpenAPI unchanged") {
    fa::App app;
    app.post("/users", [](UserModel user) { return fa::Json{{"name", user.name}}; });
    app.post("/shapes", [](Shape shape) { return shape; });
    fa::testing::TestClient client(app);
    auto r = client.post(
        "/users", {.json = fa::Json::parse(R"({"name":"ann lee","username":"ann","password1":"p","password2":"p"})")});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"name":"Ann Lee"})");
    r = client.post("/users",
                    {.json = fa::Json::parse(R"({"name":"ann","username":"a n","password1":"p","password2":"q"})")});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"value_error","loc":["body","name"],"msg":"Value error, must contain a space","input":"ann","ctx":{"error":{}}},)"
        R"({"type":"value_error","loc":["body","username"],"msg":"Value error, must be alphanumeric","input":"a n","ctx":{"error":{}}}]})");
    r = client.post("/shapes", {.json = fa::Json::parse(R"({"name":"s","points":[{"x":-1,"y":0}]})")});
    CHECK(r.status == 422);
    CHECK(r.json()["detail"][0]["loc"].dump() == R"(["body","points",0])");
    // Validators add nothing to the schema (Pydantic's do not either).
    CHECK(fa::json_schema<UserModel>().dump() ==
          R"({"properties":{"name":{"title":"Name","type":"string"},"username":{"title":"Username","type":"string"},)"
          R"("password1":{"title":"Password1","type":"string"},"password2":{"title":"Password2","type":"string"}},)"
          R"("required":["name","username","password1","password2"],"title":"UserModel","type":"object"})");
  }
}

}  // namespace test_validators_file
