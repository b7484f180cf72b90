// tests/json/test_read.cpp: json/read.hpp — JSON text / fa::Json -> structs, every error in Pydantic v2's words.
// Expected 422 bodies were captured from Pydantic 2.13 (pydantic-core 2.46) validating json.loads(body) in
// Python mode with from_attributes=True, as FastAPI 0.100+ does, with FastAPI's "body" prefix and no "url".
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fastapi/json/read.hpp"

// An enumerator above enum_max's default (255) is seen once the enum says how far to look.
namespace test_read_enums {
enum class Wide { small = 1, big = 1000 };
}  // namespace test_read_enums
template <>
inline constexpr long long fastapi::enum_max<test_read_enums::Wide> = 1000;
namespace {
enum class ReadTestHidden { first, second, third };  // clang++ prints "(anonymous namespace)::ReadTestHidden::first"
}  // namespace

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_read_file {

namespace fa = fastapi;

namespace read_test {

enum class Color { red, green, blue };
enum class One { a };
enum class Two { a, b };
enum Plain : unsigned char { plain_x, plain_y };
enum class Sparse : int { low = -100, zero = 0, high = 250 };
enum class Byte : unsigned char { nul, top = 200 };
struct Holder {
  enum Inner { inner_a = 3, inner_b = 7 };
};

struct Item {
  std::string name;
  double price;
  fa::Default<int> quantity = 1;
  fa::Default<std::vector<std::string>> tags;
};
struct Order {
  int id;
  std::vector<Item> items;
  std::optional<std::string> note;
};
struct Strict2 {
  int a;
  int b;
  static constexpr bool forbid_extra = true;
};
struct Ruled {
  fa::Field<std::string, fa::Rule{.min_length = 3, .max_length = 5, .pattern = "^[a-z]+$"}> name;
  fa::Field<int, fa::Rule{.ge = 1, .le = 10}> n;
  fa::Field<double, fa::Rule{.gt = 0.5, .multiple_of = 0.25}> x;
  fa::Field<std::vector<int>, fa::Rule{.min_length = 1}> l;
};
struct Aliased {
  fa::Field<std::string, fa::Rule{.alias = "userName"}> user_name;
};
struct StrictInts {
  fa::Field<int, fa::Rule{.strict = true}> i;
  fa::Field<bool, fa::Rule{.strict = true}> b;
  fa::Field<double, fa::Rule{.strict = true}> d;
};
struct Contact {
  fa::Email email;
};
struct Node {
  int value;
  std::vector<Node> children;
};
struct Everything {
  bool b;
  std::int8_t i8;
  std::uint16_t u16;
  std::int64_t i64;
  std::uint64_t u64;
  float f;
  double d;
  std::string s;
  Color c;
  std::optional<int> o;
  std::vector<int> v;
  std::map<std::string, int> m;
  std::unordered_map<std::string, std::string> um;
  Item nested;
  fa::Json any;
  fa::Email e;
};

/// The 422 body read_json<T> produces for text (loc under "body"), or "OK".
template <class T>
std::string body_of(std::string_view text) {
  fa::RequestValidationError errors;
  fa::detail::LocPath loc;
  loc.push(std::string_view("body"));
  const std::optional<T> out = fa::read_json<T>(text, errors, loc);
  if (out) {
    CHECK(errors.empty());
    return "OK";
  }
  CHECK(!errors.empty());
  return errors.body().dump();
}

/// The value read, or nullopt.
template <class T>
std::optional<T> value_of(std::string_view text) {
  fa::RequestValidationError errors;
  fa::detail::LocPath loc;
  loc.push(std::string_view("body"));
  return fa::read_json<T>(text, errors, loc);
}

}  // namespace read_test

using namespace read_test;

TEST_SUITE("json/read") {

  TEST_CASE("Pydantic's lax conversions, one row per input, as a table") {
    struct IntRow {
      std::string_view text;
      std::optional<long long> want;
    };
    for (const IntRow& r : {IntRow{"42", 42},
                            {"\"42\"", 42},
                            {"3.0", 3},
                            {"true", 1},
                            {"false", 0},
                            {"\" 42 \"", 42},
                            {"\"4_2\"", 42},
                            {"\"4.0\"", 4},
                            {"\"+5\"", 5},
                            {"1e3", 1000},
                            {"\"-0\"", 0},
                            {"3.5", std::nullopt},
                            {"\"abc\"", std::nullopt},
                            {"\"1e3\"", std::nullopt},
                            {"\"0x10\"", std::nullopt},
                            {"\"4.5\"", std::nullopt},
                            {"\"1_\"", std::nullopt},
                            {"\"\"", std::nullopt},
                            {"null", std::nullopt},
                            {"[1]", std::nullopt}}) {
      CAPTURE(r.text);
      const auto v = value_of<long long>(r.text);
      CHECK(v == r.want);
    }
    struct BoolRow {
      std::string_view text;
      std::optional<bool> want;
    };
    for (const BoolRow& r : {BoolRow{"true", true},  {"\"true\"", true},     {"\"false\"", false},
                             {"\"1\"", true},        {"\"0\"", false},       {"\"yes\"", true},
                             {"\"no\"", false},      {"\"on\"", true},       {"\"off\"", false},
                             {"\"t\"", true},        {"\"f\"", false},       {"\"y\"", true},
                             {"\"n\"", false},       {"\"TRUE\"", true},     {"1", true},
                             {"0", false},           {"1.0", true},          {"0.0", false},
                             {"2", std::nullopt},    {"1.5", std::nullopt},  {"\" true \"", std::nullopt},
                             {"\"\"", std::nullopt}, {"null", std::nullopt}, {"[]", std::nullopt}}) {
      CAPTURE(r.text);
      CHECK(value_of<bool>(r.text) == r.want);
    }
    struct FloatRow {
      std::string_view text;
      std::optional<double> want;
    };
    for (const FloatRow& r : {FloatRow{"1", 1.0},
                              {"2.5", 2.5},
                              {"\"3.5\"", 3.5},
                              {"true", 1.0},
                              {"\" 1.5 \"", 1.5},
                              {"\"1_000.5\"", 1000.5},
                              {"\"+1.5\"", 1.5},
                              {"\".5\"", 0.5},
                              {"\"5.\"", 5.0},
                              {"\"1e5\"", 1e5},
                              {"\"abc\"", std::nullopt},
                              {"\"\"", std::nullopt},
                              {"null", std::nullopt},
                              {"[1]", std::nullopt}}) {
      CAPTURE(r.text);
      CHECK(value_of<double>(r.text) == r.want);
    }
    CHECK(std::isinf(*value_of<double>("\"inf\"")));
    CHECK(std::isinf(*value_of<double>("\"Infinity\"")));
    CHECK(std::isnan(*value_of<double>("\"nan\"")));
    // No number, bool or null becomes a string.
    for (std::string_view text : {"123", "1.5", "true", "null", "[]", "{}"}) CHECK(!value_of<std::string>(text));
    CHECK(value_of<std::string>("\"x\"") == "x");
  }

  TEST_CASE("Rule{.strict = true} turns coercion off") {
    CHECK(body_of<StrictInts>(R"({"i":"5","b":1,"d":true})") ==
          R"({"detail":[{"type":"int_type","loc":["body","i"],"msg":"Input should be a valid integer","input":"5"},)"
          R"({"type":"bool_type","loc":["body","b"],"msg":"Input should be a valid boolean","input":1},)"
          R"({"type":"float_type","loc":["body","d"],"msg":"Input should be a valid number","input":true}]})");
    CHECK(body_of<StrictInts>(R"({"i":3.0,"b":true,"d":2})") ==
          R"({"detail":[{"type":"int_type","loc":["body","i"],"msg":"Input should be a valid integer","input":3.0}]})");
    CHECK(body_of<StrictInts>(R"({"i":3,"b":false,"d":2})") == "OK");
  }

  TEST_CASE("every scalar error type matches Pydantic v2 byte for byte") {
    CHECK(
        body_of<int>("3.5") ==
        R"({"detail":[{"type":"int_from_float","loc":["body"],"msg":"Input should be a valid integer, got a number with a fractional part","input":3.5}]})");
    CHECK(
        body_of<int>("\"abc\"") ==
        R"({"detail":[{"type":"int_parsing","loc":["body"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})");
    CHECK(body_of<int>("null") ==
          R"({"detail":[{"type":"int_type","loc":["body"],"msg":"Input should be a valid integer","input":null}]})");
    CHECK(body_of<int>("{}") ==
          R"({"detail":[{"type":"int_type","loc":["body"],"msg":"Input should be a valid integer","input":{}}]})");
    CHECK(
        body_of<float>("\"abc\"") ==
        R"({"detail":[{"type":"float_parsing","loc":["body"],"msg":"Input should be a valid number, unable to parse string as a number","input":"abc"}]})");
    CHECK(body_of<double>("[1]") ==
          R"({"detail":[{"type":"float_type","loc":["body"],"msg":"Input should be a valid number","input":[1]}]})");
    CHECK(
        body_of<bool>("2") ==
        R"({"detail":[{"type":"bool_parsing","loc":["body"],"msg":"Input should be a valid boolean, unable to interpret input","input":2}]})");
    CHECK(body_of<bool>("1.5") ==
          R"({"detail":[{"type":"bool_type","loc":["body"],"msg":"Input should be a valid boolean","input":1.5}]})");
    CHECK(body_of<std::string>("123") ==
          R"({"detail":[{"type":"string_type","loc":["body"],"msg":"Input should be a valid string","input":123}]})");
    CHECK(body_of<std::vector<int>>("\"x\"") ==
          R"({"detail":[{"type":"list_type","loc":["body"],"msg":"Input should be a valid list","input":"x"}]})");
    CHECK(body_of<std::map<std::string, int>>("[1]") ==
          R"({"detail":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary","input":[1]}]})");
    CHECK(
        body_of<Order>("[1]") ==
        R"({"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]})");
  }

  TEST_CASE("integers past 64 bits are out of range on their text; floats outside (-2^63, 2^63) are int_parsing_size") {
    // -9223372036854775809 reads as the double -2^63, which is INT64_MIN: its text says it is below.
    CHECK(body_of<long long>("-9223372036854775809") ==
          R"({"detail":[{"type":"greater_than_equal","loc":["body"],"msg":"Input should be greater than or equal to )"
          R"(-9223372036854775808","input":-9.223372036854776e+18,"ctx":{"ge":-9223372036854775808}}]})");
    CHECK(value_of<long long>("-9223372036854775808") == INT64_MIN);
    CHECK(body_of<unsigned long long>("18446744073709551616") ==
          R"({"detail":[{"type":"less_than_equal","loc":["body"],"msg":"Input should be less than or equal to )"
          R"(18446744073709551615","input":1.8446744073709552e+19,"ctx":{"le":18446744073709551615}}]})");
    CHECK(value_of<unsigned long long>("18446744073709551615") == UINT64_MAX);
    // Floats: Pydantic 2.13 takes them as ints strictly inside (-2^63, 2^63), whatever the C++ type.
    const std::string size_error = R"({"detail":[{"type":"int_parsing_size","loc":["body"],"msg":"Unable to parse )"
                                   R"(input string as an integer, exceeded maximum size","input":1e+19}]})";
    CHECK(body_of<unsigned long long>("1e19") == size_error);
    CHECK(body_of<long long>("1e19") == size_error);
    CHECK(body_of<long long>("10000000000000000000.0000000000000000000000001") == size_error);
    CHECK(body_of<long long>("-9223372036854775808.0").find("int_parsing_size") != std::string::npos);
    CHECK(value_of<long long>("9.2233720368547748e18") == 9223372036854774784);
    CHECK(value_of<long long>("-9.2233720368547748e18") == -9223372036854774784);
    // From a fa::Json (an embedded body) the integer is only its double, a float: never INT64_MIN either.
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    CHECK(!fa::from_json<long long>(fa::Json::parse("-9223372036854775809"), errors, loc));
    CHECK(errors.body()["detail"][0]["type"] == "int_parsing_size");
    // A float token of a widened integer's very value, in the same document, is taken for one: a 422 either way.
    const std::string both = body_of<std::vector<long long>>("[-9223372036854775809, -9223372036854775808.0]");
    CHECK(both.find(R"("loc":["body",0])") != std::string::npos);
    CHECK(both.find(R"("loc":["body",1])") != std::string::npos);
  }

  TEST_CASE("enums are read by name, and a wrong one lists the names as Pydantic does") {
    CHECK(value_of<Color>("\"green\"") == Color::green);
    CHECK(value_of<Plain>("\"plain_y\"") == plain_y);
    CHECK(
        body_of<Color>("\"Red\"") ==
        R"({"detail":[{"type":"enum","loc":["body"],"msg":"Input should be 'red', 'green' or 'blue'","input":"Red","ctx":{"expected":"'red', 'green' or 'blue'"}}]})");
    CHECK(
        body_of<Color>("1") ==
        R"({"detail":[{"type":"enum","loc":["body"],"msg":"Input should be 'red', 'green' or 'blue'","input":1,"ctx":{"expected":"'red', 'green' or 'blue'"}}]})");
    CHECK(
        body_of<One>("\"b\"") ==
        R"({"detail":[{"type":"enum","loc":["body"],"msg":"Input should be 'a'","input":"b","ctx":{"expected":"'a'"}}]})");
    CHECK(
        body_of<Two>("\"c\"") ==
        R"({"detail":[{"type":"enum","loc":["body"],"msg":"Input should be 'a' or 'b'","input":"c","ctx":{"expected":"'a' or 'b'"}}]})");
    static_assert(fa::enum_count<Color>() == 3 && fa::enum_name(Color::blue) == "blue");
  }

  TEST_CASE("an enum's enumerators are found wherever it is declared, at any value in the scanned range") {
    static_assert(fa::enum_count<ReadTestHidden>() == 3 && fa::enum_name(ReadTestHidden::third) == "third");
    static_assert(fa::enum_count<Sparse>() == 3 && fa::enum_name(Sparse::low) == "low" &&
                  fa::enum_name(Sparse::high) == "high" && fa::enum_name_at<Sparse>(1) == "zero");
    static_assert(fa::enum_count<Byte>() == 2 && fa::enum_name(Byte::top) == "top");
    static_assert(fa::enum_count<Holder::Inner>() == 2 && fa::enum_name(Holder::inner_b) == "inner_b");
    static_assert(fa::enum_count<test_read_enums::Wide>() == 2 && fa::enum_name(test_read_enums::Wide::big) == "big");
    static_assert(fa::enum_name(static_cast<Sparse>(5)).empty());
    enum class Local { here, there };
    static_assert(fa::enum_count<Local>() == 2 && fa::enum_name(Local::there) == "there");
    CHECK(value_of<ReadTestHidden>("\"second\"") == ReadTestHidden::second);
    CHECK(value_of<Sparse>("\"low\"") == Sparse::low);
    CHECK(value_of<test_read_enums::Wide>("\"big\"") == test_read_enums::Wide::big);
    CHECK(
        body_of<Sparse>("\"mid\"") ==
        R"({"detail":[{"type":"enum","loc":["body"],"msg":"Input should be 'low', 'zero' or 'high'","input":"mid","ctx":{"expected":"'low', 'zero' or 'high'"}}]})");
  }

  TEST_CASE("errors are all collected, with list indices as integers and missing's input the whole object") {
    CHECK(
        body_of<Order>(R"({"id":1,"items":[{"name":"a","price":"x"},{"price":2}, "zz"]})") ==
        R"({"detail":[{"type":"float_parsing","loc":["body","items",0,"price"],"msg":"Input should be a valid number, unable to parse string as a number","input":"x"},)"
        R"({"type":"missing","loc":["body","items",1,"name"],"msg":"Field required","input":{"price":2}},)"
        R"({"type":"model_attributes_type","loc":["body","items",2],"msg":"Input should be a valid dictionary or object to extract fields from","input":"zz"}]})");
    CHECK(body_of<Order>(R"({"id": 1, "items": 5})") ==
          R"({"detail":[{"type":"list_type","loc":["body","items"],"msg":"Input should be a valid list","input":5}]})");
    CHECK(
        body_of<std::vector<int>>(R"([1,"a",null])") ==
        R"({"detail":[{"type":"int_parsing","loc":["body",1],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"a"},)"
        R"({"type":"int_type","loc":["body",2],"msg":"Input should be a valid integer","input":null}]})");
  }

  TEST_CASE("Rules give Pydantic's types, words and ctx") {
    CHECK(
        body_of<Ruled>(R"({"name":"ab","n":0,"x":0.1,"l":[]})") ==
        R"({"detail":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}},)"
        R"({"type":"greater_than_equal","loc":["body","n"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}},)"
        R"({"type":"multiple_of","loc":["body","x"],"msg":"Input should be a multiple of 0.25","input":0.1,"ctx":{"multiple_of":0.25}},)"
        R"({"type":"too_short","loc":["body","l"],"msg":"List should have at least 1 item after validation, not 0","input":[],"ctx":{"field_type":"List","min_length":1,"actual_length":0}}]})");
    CHECK(
        body_of<Ruled>(R"({"name":"abcdef","n":11,"x":0.6,"l":[1]})") ==
        R"({"detail":[{"type":"string_too_long","loc":["body","name"],"msg":"String should have at most 5 characters","input":"abcdef","ctx":{"max_length":5}},)"
        R"({"type":"less_than_equal","loc":["body","n"],"msg":"Input should be less than or equal to 10","input":11,"ctx":{"le":10}},)"
        R"({"type":"multiple_of","loc":["body","x"],"msg":"Input should be a multiple of 0.25","input":0.6,"ctx":{"multiple_of":0.25}}]})");
    CHECK(
        body_of<Ruled>(R"({"name":"ABC","n":5,"x":1,"l":[1]})") ==
        R"({"detail":[{"type":"string_pattern_mismatch","loc":["body","name"],"msg":"String should match pattern '^[a-z]+$'","input":"ABC","ctx":{"pattern":"^[a-z]+$"}}]})");
    CHECK(body_of<Ruled>(R"({"name":"abc","n":5,"x":0.75,"l":[1]})") == "OK");
  }

  TEST_CASE("fa::Email is checked as EmailStr, value_error with the reason") {
    CHECK(body_of<Contact>(R"({"email":"a@example.com"})") == "OK");
    CHECK(
        body_of<Contact>(R"({"email":"nope"})") ==
        R"({"detail":[{"type":"value_error","loc":["body","email"],"msg":"value is not a valid email address: An email address must have an @-sign.","input":"nope","ctx":{"reason":"An email address must have an @-sign."}}]})");
  }

  TEST_CASE("extra keys are ignored unless the struct forbids them: extra_forbidden per key, after field errors") {
    CHECK(value_of<Item>(R"({"name":"a","price":1,"zzz":[1,2]})").has_value());
    CHECK(
        body_of<Strict2>(R"({"x":1,"a":"q","y":2})") ==
        R"({"detail":[{"type":"int_parsing","loc":["body","a"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"q"},)"
        R"({"type":"missing","loc":["body","b"],"msg":"Field required","input":{"x":1,"a":"q","y":2}},)"
        R"({"type":"extra_forbidden","loc":["body","x"],"msg":"Extra inputs are not permitted","input":1},)"
        R"({"type":"extra_forbidden","loc":["body","y"],"msg":"Extra inputs are not permitted","input":2}]})");
  }

  TEST_CASE("a repeated key keeps its last value, as Python's json and dict do") {
    CHECK(body_of<Strict2>(R"({"a":"q","a":1,"b":2})") == "OK");
    CHECK(value_of<Strict2>(R"({"a":"q","a":1,"b":2})")->a == 1);
    CHECK(
        body_of<Strict2>(R"({"x":1,"x":2,"a":1,"b":2})") ==
        R"({"detail":[{"type":"extra_forbidden","loc":["body","x"],"msg":"Extra inputs are not permitted","input":2}]})");
    CHECK(
        body_of<std::map<std::string, int>>(R"({"a":"x","b":1,"a":"y"})") ==
        R"({"detail":[{"type":"int_parsing","loc":["body","a"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"y"}]})");
    CHECK(body_of<Strict2>(R"({"a":1,"a":1})") ==
          R"({"detail":[{"type":"missing","loc":["body","b"],"msg":"Field required","input":{"a":1}}]})");
  }

  TEST_CASE("an absent Default keeps its initializer, a present one overrides it; optional absent or null is empty") {
    const auto a = value_of<Item>(R"({"name":"a","price":1})");
    REQUIRE(a);
    CHECK(a->quantity == 1);
    CHECK(a->tags->empty());
    const auto b = value_of<Item>(R"({"name":"a","price":1,"quantity":7,"tags":["x"]})");
    REQUIRE(b);
    CHECK(b->quantity == 7);
    CHECK(b->tags->at(0) == "x");
    CHECK(!value_of<Order>(R"({"id":1,"items":[]})")->note);
    CHECK(!value_of<Order>(R"({"id":1,"items":[],"note":null})")->note);
    CHECK(value_of<Order>(R"({"id":1,"items":[],"note":"hi"})")->note == "hi");
  }

  TEST_CASE("an alias is the key on the wire") {
    CHECK(value_of<Aliased>(R"({"userName":"bob"})")->user_name == "bob");
    CHECK(
        body_of<Aliased>(R"({"user_name":"bob"})") ==
        R"({"detail":[{"type":"missing","loc":["body","userName"],"msg":"Field required","input":{"user_name":"bob"}}]})");
  }

  TEST_CASE("every supported type reads") {
    const auto e = value_of<Everything>(
        R"({"b":true,"i8":-128,"u16":65535,"i64":-9223372036854775808,"u64":18446744073709551615,"f":0.5,"d":1e300,)"
        R"("s":"h\u00e9","c":"blue","o":null,"v":[1,2],"m":{"k":1},"um":{"x":"y"},"nested":{"name":"n","price":2},)"
        R"("any":{"deep":[1,{"x":null}]},"e":"me@example.org"})");
    REQUIRE(e);
    CHECK(e->b);
    CHECK(e->i8 == -128);
    CHECK(e->u16 == 65535);
    CHECK(e->i64 == INT64_MIN);
    CHECK(e->u64 == UINT64_MAX);
    CHECK(e->f == 0.5f);
    CHECK(e->d == 1e300);
    CHECK(e->s == "h\xc3\xa9");
    CHECK(e->c == Color::blue);
    CHECK(!e->o);
    CHECK(e->v == std::vector<int>{1, 2});
    CHECK(e->m.at("k") == 1);
    CHECK(e->um.at("x") == "y");
    CHECK(e->nested.name == "n");
    CHECK(e->nested.quantity == 1);
    CHECK(e->any == fa::Json::parse(R"({"deep":[1,{"x":null}]})"));
    CHECK(e->e == "me@example.org");
  }

  TEST_CASE("integers are range-checked against their C++ type, as conint(ge=min, le=max)") {
    CHECK(
        body_of<std::uint8_t>("300") ==
        R"({"detail":[{"type":"less_than_equal","loc":["body"],"msg":"Input should be less than or equal to 255","input":300,"ctx":{"le":255}}]})");
    CHECK(
        body_of<std::uint8_t>("-1") ==
        R"({"detail":[{"type":"greater_than_equal","loc":["body"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}}]})");
    CHECK(
        body_of<std::int64_t>("\"9223372036854775808\"") ==
        R"({"detail":[{"type":"less_than_equal","loc":["body"],"msg":"Input should be less than or equal to 9223372036854775807","input":"9223372036854775808","ctx":{"le":9223372036854775807}}]})");
    CHECK(value_of<std::int64_t>("\"-9223372036854775808\"") == INT64_MIN);
    CHECK(
        body_of<float>("1e300") ==
        R"({"detail":[{"type":"less_than_equal","loc":["body"],"msg":"Input should be less than or equal to 340282346638528859811704183484516925440","input":1e+300,"ctx":{"le":3.4028234663852886e+38}}]})");
  }

  TEST_CASE("huge numbers are errors, never undefined behaviour") {
    // Beyond 64 bits an integer reads as a double (as Json::parse does), then fails the type's range.
    CHECK(
        body_of<int>("100000000000000000000000") ==
        R"({"detail":[{"type":"less_than_equal","loc":["body"],"msg":"Input should be less than or equal to 2147483647","input":1e+23,"ctx":{"le":2147483647}}]})");
    CHECK(
        body_of<std::uint64_t>("-100000000000000000000000") ==
        R"({"detail":[{"type":"greater_than_equal","loc":["body"],"msg":"Input should be greater than or equal to 0","input":-1e+23,"ctx":{"ge":0}}]})");
    CHECK(value_of<double>("100000000000000000000000") == 1e23);
    CHECK(
        body_of<double>("1e400") ==
        R"({"detail":[{"type":"json_invalid","loc":["body",0],"msg":"JSON decode error","input":{},"ctx":{"error":"Number out of range"}}]})");
    CHECK(
        body_of<int>(std::string(5000, '9')) ==
        R"({"detail":[{"type":"json_invalid","loc":["body",0],"msg":"JSON decode error","input":{},"ctx":{"error":"Number out of range"}}]})");
  }

  TEST_CASE("malformed JSON is one json_invalid error at Python's offset, in Python's words") {
    const auto invalid = [](std::size_t pos, std::string_view why) {
      return R"({"detail":[{"type":"json_invalid","loc":["body",)" + std::to_string(pos) +
             R"(],"msg":"JSON decode error","input":{},"ctx":{"error":")" + std::string(why) + R"("}}]})";
    };
    CHECK(body_of<int>(R"({"a":1,"b":[1,2])") == invalid(16, "Expecting ',' delimiter"));
    CHECK(body_of<int>("[1,2") == invalid(4, "Expecting ',' delimiter"));
    CHECK(body_of<int>(R"({"a" 1})") == invalid(5, "Expecting ':' delimiter"));
    CHECK(body_of<int>("{a:1}") == invalid(1, "Expecting property name enclosed in double quotes"));
    CHECK(body_of<int>("") == invalid(0, "Expecting value"));
    CHECK(body_of<int>("[1,]") == invalid(3, "Expecting value"));
    CHECK(body_of<int>("\"abc") == invalid(0, "Unterminated string starting at"));
    CHECK(body_of<int>("1 2") == invalid(2, "Extra data"));
    CHECK(body_of<int>("\"a\x01b\"") == invalid(2, "Invalid control character at"));
    CHECK(body_of<int>(R"("\x")") == invalid(1, "Invalid \\\\escape"));
    CHECK(body_of<int>("tru") == invalid(0, "Expecting value"));
    CHECK(body_of<int>(R"({"a":1,})") == invalid(7, "Expecting property name enclosed in double quotes"));
    CHECK(body_of<int>("-") == invalid(0, "Expecting value"));
    CHECK(body_of<int>("01") == invalid(1, "Extra data"));
    CHECK(body_of<int>("[1 2]") == invalid(3, "Expecting ',' delimiter"));
    // What simdjson refuses and Python would not: our words (docs/models.md).
    CHECK(body_of<double>("NaN") == invalid(0, "NaN and Infinity are not JSON"));
    CHECK(body_of<std::string>(R"("\ud800")") == invalid(1, "Unpaired surrogate in \\\\u escape"));
  }

  TEST_CASE("invalid UTF-8 is json_invalid at the offending byte") {
    CHECK(
        body_of<std::string>("\"ab\xff\"") ==
        R"({"detail":[{"type":"json_invalid","loc":["body",3],"msg":"JSON decode error","input":{},"ctx":{"error":"Invalid UTF-8 in string"}}]})");
    CHECK(body_of<std::string>("\"\xc0\xaf\"").find("json_invalid") != std::string::npos);
    CHECK(body_of<int>("\xff").find("json_invalid") != std::string::npos);
  }

  TEST_CASE("nesting deeper than 64 is one clean error, never a stack overflow") {
    const auto nested = [](std::size_t depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); };
    CHECK(value_of<fa::Json>(nested(64)).has_value());
    CHECK(
        body_of<fa::Json>(nested(65)) ==
        R"({"detail":[{"type":"json_invalid","loc":["body",64],"msg":"JSON decode error","input":{},"ctx":{"error":"Nesting deeper than 64 arrays and objects"}}]})");
    CHECK(body_of<Node>(std::string(100000, '[')).find("Nesting deeper than 64") != std::string::npos);
    std::string deep_nodes;
    for (int i = 0; i < 70; ++i) deep_nodes += R"({"value":1,"children":[)";
    CHECK(body_of<Node>(deep_nodes).find("json_invalid") != std::string::npos);
  }

  TEST_CASE("a megabyte of garbage is one error, quickly") {
    std::string garbage(1 << 20, '\0');
    std::uint32_t x = 12345;
    for (char& c : garbage) c = static_cast<char>((x = x * 1103515245u + 12345u) >> 24);
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    CHECK(!fa::read_json<Order>(garbage, errors, loc));
    CHECK(errors.errors().size() == 1);
    CHECK(errors.errors()[0].type == "json_invalid");
    CHECK(body_of<Order>(std::string(1 << 20, '{')).find("json_invalid") != std::string::npos);
  }

  TEST_CASE("from_json reads an already-parsed fa::Json with the same rules and words") {
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    loc.push(std::string_view("response"));
    const fa::Json j{
        {"id", "7"}, {"items", fa::Json::array({fa::Json{{"name", "a"}, {"price", 2}}})}, {"password", "x"}};
    const auto order = fa::from_json<Order>(j, errors, loc);
    REQUIRE(order);
    CHECK(order->id == 7);
    CHECK(order->items[0].quantity == 1);
    CHECK(!fa::from_json<Order>(fa::Json{{"items", 1}}, errors, loc));
    CHECK(errors.body().dump() ==
          R"({"detail":[{"type":"missing","loc":["response","id"],"msg":"Field required","input":{"items":1}},)"
          R"({"type":"list_type","loc":["response","items"],"msg":"Input should be a valid list","input":1}]})");
  }

  TEST_CASE("the throwing read_json raises RequestValidationError with loc under body") {
    CHECK(fa::read_json<Item>(R"({"name":"a","price":2})").price == 2.0);
    try {
      (void)fa::read_json<Item>(R"({"name":1})");
      FAIL("no exception");
    } catch (const fa::RequestValidationError& e) {
      REQUIRE(e.errors().size() == 2);
      CHECK(e.errors()[0].loc == fa::Json::array({"body", "name"}));
      CHECK(e.errors()[1].type == "missing");
    }
  }

}  // TEST_SUITE

}  // namespace test_read_file
