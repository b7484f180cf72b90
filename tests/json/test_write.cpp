// tests/json/test_write.cpp: json/write.hpp — structs to JSON bytes, exclude_none, and the response-model wall.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/json/write.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_write_file {

namespace fa = fastapi;

namespace write_test {

enum class Status { active, banned };

struct Address {
  std::string city;
  std::optional<std::string> zip;
};
struct UserIn {
  int id;
  std::string email;
  std::string password;
};
struct UserOut {
  int id;
  fa::Field<std::string, fa::Rule{.min_length = 3}> email;
};
struct Profile {
  fa::Field<std::string, fa::Rule{.alias = "userName"}> user_name;
  Status status;
  std::vector<Address> addresses;
  std::map<std::string, double> scores;
  std::optional<int> age;
  fa::Json extra;
  fa::Email email;
  std::array<bool, 2> flags;
  float ratio;
  std::uint64_t big;
};

}  // namespace write_test

using namespace write_test;

TEST_SUITE("json/write") {

  TEST_CASE("a struct is written with wire names, enums by name, nulls, nested values and Python's floats") {
    const Profile p{"ann",
                    Status::banned,
                    {{"Oslo", std::nullopt}, {"Rome", "00100"}},
                    {{"a", 1.0}, {"b", 0.1}},
                    std::nullopt,
                    fa::Json{{"k", fa::Json::array({1, "x"})}},
                    fa::Email("ann@example.org"),
                    {true, false},
                    0.1f,
                    UINT64_MAX};
    CHECK(
        fa::to_json_string(p) ==
        R"({"userName":"ann","status":"banned","addresses":[{"city":"Oslo","zip":null},{"city":"Rome","zip":"00100"}],)"
        R"("scores":{"a":1.0,"b":0.1},"age":null,"extra":{"k":[1,"x"]},"email":"ann@example.org","flags":[true,false],)"
        R"("ratio":0.1,"big":18446744073709551615})");
  }

  TEST_CASE("exclude_none leaves out empty optionals and null Json at every level") {
    const Profile p{"ann", Status::active, {{"Oslo", std::nullopt}}, {}, std::nullopt, nullptr, {}, {}, 1.5f, 0};
    CHECK(
        fa::to_json_string(p, {.exclude_none = true}) ==
        R"({"userName":"ann","status":"active","addresses":[{"city":"Oslo"}],"scores":{},"email":"","flags":[false,false],"ratio":1.5,"big":0})");
  }

  TEST_CASE("strings are escaped as json.dumps(ensure_ascii=False) and invalid UTF-8 never reaches the wire") {
    CHECK(fa::to_json_string(std::string("a\"b\\c\n\x01\xc3\xa9")) == "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
    CHECK(fa::to_json_string(std::string("\xff")) == "\"\xEF\xBF\xBD\"");
  }

  TEST_CASE("scalars, vectors and maps write on their own; write_json appends") {
    CHECK(fa::to_json_string(std::vector<int>{1, 2}) == "[1,2]");
    CHECK(fa::to_json_string(std::map<std::string, std::optional<int>>{{"a", 1}, {"b", std::nullopt}}) ==
          R"({"a":1,"b":null})");
    CHECK(fa::to_json_string(std::map<std::string, std::optional<int>>{{"a", 1}, {"b", std::nullopt}},
                             {.exclude_none = true}) == R"({"a":1})");
    CHECK(fa::to_json_string(1e16) == "1e+16");
    CHECK(fa::to_json_string(-0.0) == "-0.0");
    std::string out = "x";
    fa::write_json(out, true);
    CHECK(out == "xtrue");
    CHECK(fa::to_json(UserOut{1, "abc"}) == fa::Json{{"id", 1}, {"email", "abc"}});
  }

  TEST_CASE("a large struct list round-trips through read_json") {
    std::vector<Address> many(1000, Address{"Città \"x\"", "1"});
    const std::string text = fa::to_json_string(many);
    CHECK(fa::read_json<std::vector<Address>>(text).size() == 1000);
    CHECK(fa::read_json<std::vector<Address>>(text)[999].city == "Città \"x\"");
  }

  TEST_CASE("the response-model wall sends only the model's fields, whatever the handler returned") {
    const fa::ResponseModelInfo& wall = fa::response_model_wall<UserOut>;
    CHECK(wall.name == "UserOut");
    const fa::Response r = fa::detail::response_through_model(wall, UserIn{1, "bob@example.org", "hunter2"}, 201);
    CHECK(r.status == 201);
    CHECK(r.media_type() == "application/json");
    CHECK(r.body == R"({"id":1,"email":"bob@example.org"})");
    const fa::Json extra{{"id", 2}, {"email", "eve@example.org"}, {"is_admin", true}};
    CHECK(fa::detail::response_through_model(wall, extra, 200).body == R"({"id":2,"email":"eve@example.org"})");
  }

  TEST_CASE("a value that does not fit the response model is a ResponseValidationError, never a half body") {
    const fa::ResponseModelInfo& wall = fa::response_model_wall<UserOut>;
    try {
      (void)fa::detail::response_through_model(wall, fa::Json{{"email", "ab"}}, 200);
      FAIL("no exception");
    } catch (const fa::ResponseValidationError& e) {
      CHECK(
          std::string(e.what()) ==
          R"(response validation failed: [{"type":"missing","loc":["response","id"],"msg":"Field required","input":{"email":"ab"}},)"
          R"({"type":"string_too_short","loc":["response","email"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}])");
      CHECK(e.errors().errors().size() == 2);
    }
  }

  TEST_CASE("model_response writes a returned struct as application/json") {
    const fa::Response r = fa::detail::model_response(UserOut{3, "abc"}, 200);
    CHECK(r.body == R"({"id":3,"email":"abc"})");
    CHECK(r.media_type() == "application/json");
    CHECK(fa::type_name<Profile>() == "Profile");
  }

}  // TEST_SUITE

}  // namespace test_write_file
