// tests/json/test_value.cpp: fa::Json: construction rules, access and its errors, equality, Python-exact writing, simdjson parsing.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/json/parse.hpp"
#include "fastapi/json/sink.hpp"
#include "fastapi/json/value.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_value_file {

namespace fa = fastapi;
using fa::Json;
using Kind = fa::Json::Kind;

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  fa::detail::write_json_string(out, s);
  return out;
}

std::string number(double d) {
  std::string out;
  fa::detail::write_json_number(out, d);
  return out;
}

// Byte-at-a-time escaper for valid UTF-8 input: the reference the SWAR fast path must agree with.
std::string reference_escaped(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          const char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string parse_error_of(std::string_view text) {
  try {
    Json::parse(text);
  } catch (const fa::JsonParseError& e) {
    return e.what();
  }
  return "no error";
}

std::string type_error_of(auto&& f) {
  try {
    f();
  } catch (const fa::JsonTypeError& e) {
    return e.what();
  }
  return "no error";
}

// Random valid values for the round-trip property: every kind, nested, odd strings and numbers.
struct Generator {
  std::mt19937_64 rng{20240601};

  std::uint64_t below(std::uint64_t n) { return rng() % n; }

  std::string string() {
    static constexpr std::string_view pieces[] = {"a",    "Z",    " ", "\"", "\\", "/",    "\n",     "\t", "\x01",
                                                  "\x1f", "\x7f", "é", "€",  "😀",  "中文", "\u2028", "0",  "key"};
    std::string s;
    for (std::uint64_t n = below(12); n > 0; --n) s += pieces[below(std::size(pieces))];
    return s;
  }

  double finite_double() {
    for (;;) {
      const std::uint64_t bits = rng();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      if (std::isfinite(d)) return d;
    }
  }

  Json value(int depth) {
    switch (below(depth > 3 ? 8 : 10)) {
      case 0: return nullptr;
      case 1: return below(2) == 1;
      case 2: return static_cast<std::int64_t>(rng());
      case 3: return rng() | (std::uint64_t{1} << 63);  // the unsigned kind
      case 4: return static_cast<std::int64_t>(below(2000)) - 1000;
      case 5: return finite_double();
      case 6: return static_cast<double>(static_cast<std::int64_t>(below(100000)) - 50000) / 8.0;
      case 7: return string();
      case 8: {
        Json a = Json::array();
        for (std::uint64_t n = below(5); n > 0; --n) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (std::uint64_t n = below(5); n > 0; --n) o[string()] = value(depth + 1);
        return o;
      }
    }
  }
};

}  // namespace

TEST_SUITE("json/value") {

  // ---- construction ----------------------------------------------------------------------------

  TEST_CASE("a default Json is null and the value stays within 40 bytes") {
    Json j;
    CHECK(j.is_null());
    CHECK(j.kind() == Kind::null);
    CHECK(j.dump() == "null");
    CHECK(sizeof(Json) <= 40);
  }

  TEST_CASE("scalars of every C++ type construct to their JSON kinds") {
    CHECK(Json(nullptr).is_null());
    CHECK(Json(true).kind() == Kind::boolean);
    CHECK(Json(false).dump() == "false");
    CHECK(Json(static_cast<short>(-3)).as_int() == -3);
    CHECK(Json(7u).as_int() == 7);
    CHECK(Json(-8L).as_int() == -8);
    CHECK(Json(static_cast<unsigned char>(200)).as_int() == 200);
    CHECK(Json(std::numeric_limits<std::int64_t>::min()).kind() == Kind::integer);
    CHECK(Json(std::uint64_t{42}).kind() == Kind::integer);  // unsigned kind only above INT64_MAX
    CHECK(Json(std::uint64_t{1} << 63).kind() == Kind::unsigned_integer);
    CHECK(Json(1.5f).as_double() == 1.5);
    CHECK(Json(2.5).kind() == Kind::floating);
    CHECK(Json(std::string("s")).as_string() == "s");
    CHECK(Json(std::string_view("sv")).as_string() == "sv");
    const char* none = nullptr;
    CHECK(Json(none).is_null());
  }

  TEST_CASE("a string literal is a string and a pointer never becomes a bool") {
    CHECK(Json("text").is_string());
    CHECK(Json("text").as_string() == "text");
    CHECK(Json("").is_string());
    static_assert(!std::is_constructible_v<Json, int*>);
    static_assert(!std::is_constructible_v<Json, const void*>);
    static_assert(std::is_convertible_v<const char*, Json>);
  }

  TEST_CASE("optional, vector and map convert element by element") {
    CHECK(Json(std::optional<int>{}).is_null());
    CHECK(Json(std::optional<int>{5}) == 5);
    CHECK(Json(std::vector<int>{1, 2, 3}).dump() == "[1,2,3]");
    CHECK(Json(std::vector<std::string>{"a", "b"}).dump() == R"(["a","b"])");
    CHECK(Json(std::vector<bool>{true, false}).dump() == "[true,false]");
    CHECK(Json(std::vector<std::optional<int>>{1, std::nullopt}).dump() == "[1,null]");
    CHECK(Json(std::vector<std::vector<int>>{{1}, {}}).dump() == "[[1],[]]");
    CHECK(Json(std::map<std::string, int>{{"b", 2}, {"a", 1}}).dump() == R"({"a":1,"b":2})");
    CHECK(Json(std::vector<int>{}).dump() == "[]");
  }

  TEST_CASE("a brace list of string-first pairs is an object and anything else is an array") {
    CHECK(Json{{"a", 1}, {"b", {1, 2}}}.dump() == R"({"a":1,"b":[1,2]})");
    CHECK(Json{{"a", 1}}.is_object());
    CHECK(Json{"a", 1}.dump() == R"(["a",1])");
    CHECK(Json{1, 2, 3}.dump() == "[1,2,3]");
    CHECK(Json{{"a", 1}, {2, 3}}.dump() == R"([["a",1],[2,3]])");  // one pair not string-first
    CHECK(Json{{"a", 1}, {"b", 2, 3}}.dump() == R"([["a",1],["b",2,3]])");
    CHECK(Json{{"a", "b"}}.dump() == R"({"a":"b"})");             // the ambiguity, resolved as object
    CHECK(Json{{"a", {"x", 1}}}.dump() == R"({"a":["x",1]})");    // inner list is an array
    CHECK(Json{{"a", {{"x", 1}}}}.dump() == R"({"a":{"x":1}})");  // inner pairs are an object
    CHECK(Json{{"item_id", 5}, {"q", nullptr}}.dump() == R"({"item_id":5,"q":null})");
    CHECK(Json{{"a", {}}}.dump() == R"({"a":null})");
  }

  TEST_CASE("a braced single value is a one-element array while parentheses make a scalar") {
    CHECK(Json{5}.dump() == "[5]");
    CHECK(Json{"s"}.dump() == R"(["s"])");
    CHECK(Json(5).dump() == "5");
  }

  TEST_CASE("a braced single Json is a copy on every compiler, and Json::array wraps it") {
    const Json inner{1, 2};
    CHECK(Json{inner}.dump() == "[1,2]");
    CHECK(Json(inner).dump() == "[1,2]");
    CHECK(Json{Json(7)}.dump() == "7");
    CHECK(Json{{"k", {inner}}}.dump() == R"({"k":[1,2]})");
    CHECK(Json::array({inner}).dump() == "[[1,2]]");
    CHECK(Json{inner, inner}.dump() == "[[1,2],[1,2]]");
  }

  TEST_CASE("Json::array and Json::object force the kind, and object refuses non-pairs") {
    CHECK(Json::array({{"a", "b"}}).dump() == R"([["a","b"]])");
    CHECK(Json::array().dump() == "[]");
    CHECK(Json::object().dump() == "{}");
    CHECK(Json::object({{"a", 1}}).dump() == R"({"a":1})");
    CHECK_THROWS_AS(Json::object({1, 2}), fa::JsonTypeError);
    CHECK(type_error_of([] {
            Json::object({{"a", 1}, {2, 3}});
          }) == "JSON type error: Json::object() takes {\"key\", value} pairs, got [2,3]");
  }

  TEST_CASE("a repeated key in a brace list keeps its first position and takes the last value") {
    CHECK(Json{{"a", 1}, {"b", 2}, {"a", 3}}.dump() == R"({"a":3,"b":2})");
  }

  TEST_CASE("nested brace lists are moved, not copied, into place") {
    const std::string long_text(1000, 'x');
    Json j{{"outer", {{"inner", {{"deep", long_text}}}}}};
    CHECK(j["outer"]["inner"]["deep"].as_string() == long_text);
  }

  // ---- access ----------------------------------------------------------------------------------

  TEST_CASE("every accessor returns the value of its own kind") {
    CHECK(Json(true).as_bool());
    CHECK(Json(-5).as_int() == -5);
    CHECK(Json(5).as_uint() == 5);
    CHECK(Json(std::numeric_limits<std::uint64_t>::max()).as_uint() == std::numeric_limits<std::uint64_t>::max());
    CHECK(Json(2.5).as_double() == 2.5);
    CHECK(Json(3).as_double() == 3.0);
    CHECK(Json(std::uint64_t{1} << 63).as_double() == 0x1p63);
    CHECK(Json("s").as_string() == "s");
    CHECK(Json{1, 2}.as_array().size() == 2);
    CHECK(Json{{"k", 1}}.as_object().front().first == "k");
    Json s("abc");
    s.as_string() += "d";
    CHECK(s == "abcd");
    CHECK(Json(1).is_number());
    CHECK(Json(1).is_integer());
    CHECK_FALSE(Json(1).is_double());
    CHECK(Json(1.0).is_number());
    CHECK_FALSE(Json(1.0).is_integer());
    CHECK(Json::kind_name(Kind::floating) == "number");
  }

  TEST_CASE("every accessor of the wrong kind throws JsonTypeError naming expected and actual kinds") {
    CHECK(type_error_of([] { Json(1).as_bool(); }) == "JSON type error: expected boolean, got integer");
    CHECK(type_error_of([] { Json("1").as_int(); }) == "JSON type error: expected integer, got string");
    CHECK(type_error_of([] { Json(1.0).as_int(); }) == "JSON type error: expected integer, got number");
    CHECK(type_error_of([] { Json(std::numeric_limits<std::uint64_t>::max()).as_int(); }) ==
          "JSON type error: expected integer within int64 range, got integer");
    CHECK(type_error_of([] { Json(-1).as_uint(); }) == "JSON type error: expected non-negative integer, got integer");
    CHECK(type_error_of([] { Json(true).as_double(); }) == "JSON type error: expected number, got boolean");
    CHECK(type_error_of([] { Json(nullptr).as_string(); }) == "JSON type error: expected string, got null");
    CHECK(type_error_of([] { Json(1).as_array(); }) == "JSON type error: expected array, got integer");
    CHECK(type_error_of([] { Json{1, 2}.as_object(); }) == "JSON type error: expected object, got array");
    CHECK(type_error_of([] { Json(1).size(); }) == "JSON type error: expected array or object, got integer");
    CHECK(type_error_of([] { Json("x")["k"]; }) == "JSON type error: expected object, got string");
    CHECK(type_error_of([] { Json{{"a", 1}}[std::size_t{0}]; }) == "JSON type error: expected array, got object");
    CHECK(type_error_of([] { Json(1).push_back(2); }) == "JSON type error: expected array, got integer");
    CHECK(type_error_of([] { Json(1).erase("k"); }) == "JSON type error: expected object, got integer");
    CHECK(type_error_of([] {
            for (const Json& x : Json("s")) (void)x;
          }) == "JSON type error: expected array, got string");
    CHECK(type_error_of([] { Json(1).items(); }) == "JSON type error: expected object, got integer");
    static_assert(std::is_base_of_v<std::runtime_error, fa::JsonTypeError>);
    static_assert(std::is_base_of_v<std::runtime_error, fa::JsonParseError>);
  }

  TEST_CASE("operator[] turns a null into an object and appends a missing key as null") {
    Json j;
    j["b"] = 1;
    j["a"]["x"] = "y";
    Json& missing = j["c"];
    CHECK(missing.is_null());
    CHECK(j.dump() == R"({"b":1,"a":{"x":"y"},"c":null})");
    j["b"] = 2;  // an existing key is overwritten in place
    CHECK(j.dump() == R"({"b":2,"a":{"x":"y"},"c":null})");
  }

  TEST_CASE("at and const operator[] throw std::out_of_range naming the missing key or index") {
    const Json j{{"a", {10, 20}}};
    CHECK(j["a"][1] == 20);
    CHECK(j.at("a").at(0) == 10);
    std::string message;
    try {
      (void)j.at("nope");
    } catch (const std::out_of_range& e) {
      message = e.what();
    }
    CHECK(message == "JSON object has no key \"nope\"");
    CHECK_THROWS_AS((void)j["nope"], std::out_of_range);
    try {
      (void)j["a"][5];
    } catch (const std::out_of_range& e) {
      message = e.what();
    }
    CHECK(message == "JSON array index 5 out of range (size 2)");
    Json mutable_array{1, 2};
    CHECK_THROWS_AS(mutable_array[2], std::out_of_range);
    mutable_array[1] = "two";
    CHECK(mutable_array.dump() == R"([1,"two"])");
  }

  TEST_CASE("find, contains, size, empty, push_back and erase") {
    Json j{{"a", 1}, {"b", 2}};
    REQUIRE(j.find("a") != nullptr);
    CHECK(*j.find("a") == 1);
    CHECK(j.find("z") == nullptr);
    CHECK(Json(1).find("a") == nullptr);
    CHECK(j.contains("b"));
    CHECK_FALSE(j.contains("z"));
    CHECK_FALSE(Json().contains("a"));
    CHECK(j.size() == 2);
    CHECK_FALSE(j.empty());
    CHECK(j.erase("a") == 1);
    CHECK(j.erase("a") == 0);
    CHECK(j.dump() == R"({"b":2})");
    CHECK(Json().size() == 0);
    CHECK(Json().empty());
    CHECK(Json().erase("a") == 0);
    CHECK(Json::object().empty());
    Json a;
    a.push_back(1);
    a.push_back({{"k", "v"}});
    CHECK(a.dump() == R"([1,{"k":"v"}])");
    CHECK(a.size() == 2);
  }

  TEST_CASE("range-for walks array elements and items() walks object members in order") {
    int sum = 0;
    for (const Json& x : Json{1, 2, 3}) sum += static_cast<int>(x.as_int());
    CHECK(sum == 6);
    Json arr{1, 2};
    for (Json& x : arr) x = x.as_int() * 10;
    CHECK(arr.dump() == "[10,20]");
    std::string keys;
    const Json obj{{"z", 1}, {"a", 2}, {"m", 3}};
    for (const auto& [key, value] : obj.items()) keys += key + std::to_string(value.as_int());
    CHECK(keys == "z1a2m3");
    int count = 0;
    for (const Json& x : Json()) count += static_cast<int>(x.size());
    for (const auto& member : Json().items()) count += static_cast<int>(member.first.size());
    CHECK(count == 0);
  }

  // ---- equality --------------------------------------------------------------------------------

  TEST_CASE("equality is deep, ignores object key order and compares numbers by value") {
    CHECK(Json{{"a", 1}, {"b", {1, 2}}} == Json{{"b", {1, 2}}, {"a", 1}});
    CHECK(Json{{"a", 1}, {"b", {1, 2}}} != Json{{"a", 1}, {"b", {2, 1}}});  // arrays keep order
    CHECK(Json{{"a", 1}} != Json{{"a", 1}, {"b", 2}});
    CHECK(Json{{"a", 1}} != Json{{"b", 1}});
    CHECK(Json{{"a", {{"x", nullptr}}}} == Json::parse(R"({"a":{"x":null}})"));
    CHECK(Json(1) == Json(1.0));
    CHECK(Json(1) != Json(1.5));
    CHECK(Json(std::numeric_limits<std::uint64_t>::max()) != Json(-1));
    CHECK(Json(std::uint64_t{1} << 63) == Json(0x1p63));
    CHECK(Json(std::numeric_limits<std::int64_t>::min()) == Json(-0x1p63));
    CHECK(Json(std::numeric_limits<std::int64_t>::max()) != Json(0x1p63));
    CHECK(Json(true) != Json(1));
    CHECK(Json(0.0) == Json(-0.0));
    CHECK(Json(std::nan("")) != Json(std::nan("")));
    CHECK(Json("1") != Json(1));
    CHECK(Json() != Json::object());
    CHECK(Json::array() != Json::object());
  }

  TEST_CASE("a Json compares with scalars directly") {
    const Json j = Json::parse(R"({"n":5,"s":"x","z":null,"t":true,"d":2.5})");
    CHECK(j["n"] == 5);
    CHECK(5 == j["n"]);
    CHECK(j["n"] != 6);
    CHECK(j["s"] == "x");
    CHECK(j["s"] == std::string("x"));
    CHECK(j["s"] != "y");
    CHECK(j["z"] == nullptr);
    CHECK(j["t"] == true);
    CHECK(j["t"] != 1);
    CHECK(j["d"] == 2.5);
    CHECK(Json::parse(R"({"detail":"Not Found"})")["detail"] == "Not Found");
  }

  // ---- writing: strings ------------------------------------------------------------------------

  TEST_CASE("every control character is escaped as Python's json.dumps escapes it") {
    std::string all;
    for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
    CHECK(escaped(all) ==
          "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
          "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d"
          "\\u001e\\u001f\"");
  }

  TEST_CASE("quote and backslash are escaped while slash, DEL and valid UTF-8 are written raw") {
    CHECK(escaped("a\"b\\c") == R"("a\"b\\c")");
    CHECK(escaped("</script>") == "\"</script>\"");
    CHECK(escaped("\x7f") == "\"\x7f\"");
    CHECK(escaped("é€😀中文\u2028") == "\"é€😀中文\u2028\"");
    CHECK(escaped("") == "\"\"");
    CHECK(escaped("\xF4\x8F\xBF\xBF") == "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF, the last code point
    CHECK(escaped("\xED\x9F\xBF") == "\"\xED\x9F\xBF\"");          // U+D7FF, just below the surrogates
  }

  TEST_CASE("each maximal invalid UTF-8 subsequence is written as one U+FFFD, as Python's errors=replace") {
    const std::string fffd = "\xEF\xBF\xBD";
    CHECK(escaped("\x80") == "\"" + fffd + "\"");  // stray continuation
    CHECK(escaped("\xFF") == "\"" + fffd + "\"");
    CHECK(escaped("\xF5") == "\"" + fffd + "\"");
    CHECK(escaped("\xE2\x82"
                  "A") == "\"" + fffd + "A\"");               // truncated: one
    CHECK(escaped("\xF0\x9F\x98") == "\"" + fffd + "\"");     // truncated at the end
    CHECK(escaped("\xC0\xAF") == "\"" + fffd + fffd + "\"");  // overlong '/'
    CHECK(escaped("a\xE0\x80"
                  "b") == "\"a" + fffd + fffd + "b\"");                             // overlong 3-byte
    CHECK(escaped("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");             // surrogate U+D800
    CHECK(escaped("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // above U+10FFFF
    CHECK(escaped("ok\xC3") == "\"ok" + fffd + "\"");
    CHECK(escaped("\xC3\n") == "\"" + fffd + "\\n\"");
    // inside a long ASCII run too (the 8-byte fast path hands over to the byte loop)
    CHECK(escaped("abcdefgh\x80ijklmnop") == "\"abcdefgh" + fffd + "ijklmnop\"");
    const std::string long_run(100, 'x');  // long strings are validated first, then escaped
    CHECK(escaped(long_run + "\xC3" + long_run + "\n") == "\"" + long_run + fffd + long_run + "\\n\"");
    CHECK(escaped(long_run + "é\"" + long_run) == "\"" + long_run + "é\\\"" + long_run + "\"");
    CHECK(Json("bad\xFF").dump() == "\"bad" + fffd + "\"");
    CHECK(Json{{"k\xFF", 1}}.dump() == "{\"k" + fffd + "\":1}");
  }

  TEST_CASE("the 8-byte fast path agrees with a byte-at-a-time escaper on generated strings") {
    Generator gen;
    for (int i = 0; i < 3000; ++i) {
      std::string s;
      for (int k = 0; k < 1 + i % 30; ++k) s += gen.string();
      CHECK(escaped(s) == reference_escaped(s));
    }
  }

  TEST_CASE("the 8-byte fast path agrees with a byte-at-a-time escaper at every position") {
    const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', '\x7f', ' ', '~', '/'};
    for (std::size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 40u, 63u, 64u, 65u, 100u}) {
      for (std::size_t pos = 0; pos < len; ++pos) {
        for (char special : specials) {
          std::string s(len, 'a');
          s[pos] = special;
          CHECK(escaped(s) == reference_escaped(s));
        }
        std::string s(len, 'b');
        s.insert(pos, "é");
        CHECK(escaped(s) == reference_escaped(s));
      }
    }
  }

  // ---- writing: numbers ------------------------------------------------------------------------

  TEST_CASE("doubles are written exactly as Python's json.dumps writes them") {
    CHECK(number(0.0) == "0.0");
    CHECK(number(-0.0) == "-0.0");
    CHECK(number(1.0) == "1.0");
    CHECK(number(100.0) == "100.0");
    CHECK(number(0.1) == "0.1");
    CHECK(number(-2.5) == "-2.5");
    CHECK(number(123.456) == "123.456");
    CHECK(number(0.001234) == "0.001234");
    CHECK(number(1e-4) == "0.0001");
    CHECK(number(1e-5) == "1e-05");
    CHECK(number(1.5e-7) == "1.5e-07");
    CHECK(number(1e15) == "1000000000000000.0");
    CHECK(number(1234567890123456.7) == "1234567890123456.8");
    CHECK(number(1e16) == "1e+16");
    CHECK(number(1e22) == "1e+22");
    CHECK(number(0x1p63) == "9.223372036854776e+18");
    CHECK(number(1e300) == "1e+300");
    CHECK(number(5e-324) == "5e-324");
    CHECK(number(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
    CHECK(Json(1.0).dump() == "1.0");
  }

  TEST_CASE("NaN and infinities are written as null") {
    CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
    CHECK(number(std::numeric_limits<double>::infinity()) == "null");
    CHECK(number(-std::numeric_limits<double>::infinity()) == "null");
    CHECK(Json{{"x", std::nan("")}}.dump() == R"({"x":null})");
  }

  TEST_CASE("integers at the int64 and uint64 limits are written exactly") {
    CHECK(Json(0).dump() == "0");
    CHECK(Json(-1).dump() == "-1");
    CHECK(Json(std::numeric_limits<std::int64_t>::min()).dump() == "-9223372036854775808");
    CHECK(Json(std::numeric_limits<std::int64_t>::max()).dump() == "9223372036854775807");
    CHECK(Json(std::numeric_limits<std::uint64_t>::max()).dump() == "18446744073709551615");
    std::string out;
    fa::detail::write_json_number(out, 7);  // int: routed to the int64 writer
    fa::detail::write_json_number(out, ',');
    fa::detail::write_json_number(out, 8u);
    fa::detail::write_json_number(out, std::uint64_t{9});
    fa::detail::write_json_number(out, std::int64_t{-10});
    CHECK(out == "74489-10");
  }

  // ---- writing: structure ----------------------------------------------------------------------

  TEST_CASE("objects are written compactly in insertion order") {
    Json j;
    j["zeta"] = 1;
    j["alpha"] = Json{true, nullptr, "s"};
    j["mid"] = Json::object();
    j["arr"] = Json::array();
    CHECK(j.dump() == R"({"zeta":1,"alpha":[true,null,"s"],"mid":{},"arr":[]})");
  }

  TEST_CASE("dump with an indent matches Python's json.dumps(indent=2)") {
    const Json j{{"a", 1}, {"b", {1, 2}}, {"c", Json::object()}, {"d", Json::array()}};
    CHECK(j.dump(2) == "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": {},\n  \"d\": []\n}");
    CHECK(Json(1).dump(2) == "1");
    CHECK(Json{1}.dump(0) == "[\n1\n]");
    CHECK(j.dump(-1) == j.dump());
  }

  TEST_CASE("dump_to appends, and dumping a prepared object twice into the same string gives the same bytes") {
    Json j{{"id", 42}, {"name", "Ünïcode \"quoted\""}, {"tags", {"a", "b", "c"}}, {"price", 9.5}, {"none", nullptr}};
    std::string out = "prefix:";
    j.dump_to(out);
    CHECK(out == "prefix:" + j.dump());
    out.clear();
    j.dump_to(out);
    const std::string first = out;
    const std::size_t capacity = out.capacity();
    const char* const data = out.data();
    out.clear();
    j.dump_to(out);
    CHECK(out == first);
    CHECK(out.capacity() == capacity);  // no reallocation the second time
    CHECK(out.data() == data);
    CHECK(first == R"({"id":42,"name":"Ünïcode \"quoted\"","tags":["a","b","c"],"price":9.5,"none":null})");
  }

  // ---- reading ---------------------------------------------------------------------------------

  TEST_CASE("parse reads every kind and classifies numbers") {
    const Json j =
        Json::parse(R"( {"n":null,"t":true,"f":false,"i":-12,"d":2.5,"e":1E2,"s":"a\u00e9\n","a":[],"o":{}} )");
    CHECK(j["n"].is_null());
    CHECK(j["t"] == true);
    CHECK(j["f"] == false);
    CHECK(j["i"].kind() == Kind::integer);
    CHECK(j["i"] == -12);
    CHECK(j["d"].kind() == Kind::floating);
    CHECK(j["e"].kind() == Kind::floating);
    CHECK(j["e"] == 100.0);
    CHECK(j["s"] == "a\xC3\xA9\n");
    CHECK(j["a"] == Json::array());
    CHECK(j["o"] == Json::object());
    CHECK(Json::parse("-0").kind() == Kind::integer);
    CHECK(Json::parse("-0.0").dump() == "-0.0");
    CHECK(Json::parse("1.0").kind() == Kind::floating);
    CHECK(Json::parse(" 7 ") == 7);
    CHECK(Json::parse("\"\\ud83d\\ude00\"") == "😀");
    CHECK(Json::parse("9223372036854775807").kind() == Kind::integer);
    CHECK(Json::parse("-9223372036854775808").as_int() == std::numeric_limits<std::int64_t>::min());
    CHECK(Json::parse("9223372036854775808").kind() == Kind::unsigned_integer);
    CHECK(Json::parse("18446744073709551615").as_uint() == std::numeric_limits<std::uint64_t>::max());
  }

  TEST_CASE("parse reads integers beyond 64 bits as the nearest double") {
    CHECK(Json::parse("18446744073709551616").kind() == Kind::floating);
    CHECK(Json::parse("18446744073709551616").as_double() == 0x1p64);
    CHECK(Json::parse("-9223372036854775809").as_double() == -0x1p63);
    const Json j =
        Json::parse(R"({"big":[123456789012345678901234567890,-1e2,"123456789012345678901234567890"],"k":1})");
    CHECK(j.dump() == R"({"big":[1.2345678901234568e+29,-100.0,"123456789012345678901234567890"],"k":1})");
    CHECK(parse_error_of("[123456789012345678901234567890,]").find("invalid JSON") == 0);
  }

  TEST_CASE("parse keeps key order and resolves a repeated key as Python's json.loads does") {
    CHECK(Json::parse(R"({"z":1,"a":2,"m":3})").dump() == R"({"z":1,"a":2,"m":3})");
    CHECK(Json::parse(R"({"a":1,"b":2,"a":3})").dump() == R"({"a":3,"b":2})");
    std::string many = "{";
    for (int i = 0; i < 40; ++i) many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    many += R"("k5":"last"})";
    const Json j = Json::parse(many);
    CHECK(j.size() == 40);
    CHECK(j.as_object()[5].first == "k5");
    CHECK(j["k5"] == "last");
    CHECK(j.as_object()[39].first == "k39");
  }

  TEST_CASE("parse refuses malformed documents with simdjson's words") {
    CHECK(parse_error_of("") == "invalid JSON: Empty: no JSON found");
    CHECK(parse_error_of("{\"a\":").find("invalid JSON: ") == 0);
    CHECK(parse_error_of("[1,2") != "no error");
    CHECK(parse_error_of("\"open") == "invalid JSON: A string is opened, but never closed.");
    CHECK(parse_error_of(R"({"a":1} x)") ==
          "invalid JSON: The JSON document has an improper structure: missing or superfluous commas, braces, "
          "missing keys, etc.");
    CHECK(parse_error_of("[1] [2]") != "no error");
    CHECK(parse_error_of("{'a':1}") != "no error");
    CHECK(parse_error_of("[01]") != "no error");
    CHECK(parse_error_of("[1e400]") == "invalid JSON: Problem while parsing a number");
    CHECK(parse_error_of("NaN") != "no error");
    CHECK(parse_error_of("\"bad\xFF\"") == "invalid JSON: The input is not valid UTF-8");
    CHECK(parse_error_of("\"\xED\xA0\x80\"") == "invalid JSON: The input is not valid UTF-8");
    CHECK(parse_error_of(R"("\ud800")") == "invalid JSON: Problem while parsing a string");
    CHECK(parse_error_of("\"tab\there\"") != "no error");  // raw control characters are not allowed
    CHECK_THROWS_AS(Json::parse("nul"), fa::JsonParseError);
  }

  TEST_CASE("parse accepts 512 levels of nesting and refuses 513") {
    const auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    const Json deep = Json::parse(nested(Json::max_depth));
    CHECK(deep.dump() == nested(Json::max_depth));
    const std::string holding_a_value = std::string(Json::max_depth, '[') + "1" + std::string(Json::max_depth, ']');
    CHECK(Json::parse(holding_a_value).dump() == holding_a_value);
    CHECK(parse_error_of(nested(Json::max_depth + 1)) ==
          "invalid JSON: The JSON document was too deep (too many nested objects and arrays)");
    std::string objects;
    for (std::size_t i = 0; i < Json::max_depth + 1; ++i) objects += "{\"a\":";
    objects += "1" + std::string(Json::max_depth + 1, '}');
    CHECK(parse_error_of(objects) ==
          "invalid JSON: The JSON document was too deep (too many nested objects and arrays)");
    CHECK(parse_error_of("[" + nested(Json::max_depth) + "]") != "no error");  // empty innermost counts too
    CHECK(parse_error_of(std::string(Json::max_depth + 1, '[') + "1" + std::string(Json::max_depth + 1, ']')) !=
          "no error");
    CHECK(parse_error_of(nested(5000)) != "no error");
    CHECK(Json::parse(nested(3)).dump() == "[[[]]]");  // the parser still works after refusing
  }

  TEST_CASE("parse reads from a view into a larger unpadded buffer without reading past it") {
    const std::string buffer = R"(xx{"a":[1,2]}yy)";
    const Json j = Json::parse(std::string_view(buffer).substr(2, buffer.size() - 4));
    CHECK(j.dump() == R"({"a":[1,2]})");
    std::string big(100000, ' ');
    big[50000] = '1';
    CHECK(Json::parse(big) == 1);
    CHECK(Json::parse("[2]") == Json{2});  // a smaller document after a bigger one
  }

  // ---- round trip ------------------------------------------------------------------------------

  TEST_CASE("parse(dump(j)) == j, byte for byte and kind for kind, over generated values") {
    Generator gen;
    for (int i = 0; i < 2000; ++i) {
      const Json j = gen.value(0);
      const std::string text = j.dump();
      const Json back = Json::parse(text);
      CHECK(back == j);
      CHECK(back.dump() == text);
      CHECK(Json::parse(j.dump(2)) == j);
    }
  }

  TEST_CASE("every finite double survives dump and parse bit for bit") {
    Generator gen;
    for (int i = 0; i < 20000; ++i) {
      const double d = gen.finite_double();
      const Json back = Json::parse(Json(d).dump());
      REQUIRE(back.is_double());
      const double r = back.as_double();
      CHECK(std::memcmp(&r, &d, sizeof d) == 0);
    }
  }

  TEST_CASE("a part read from a temporary is the part itself, safe to loop over (ASan would see a use after free)") {
    auto error_body = [] {
      return Json::parse(R"({"detail":[{"loc":["body","a"],"msg":"x"},{"loc":["body","b"],"msg":"y"}],"n":"s"})");
    };
    std::vector<std::string> fields;
    for (const Json& e : error_body()["detail"]) fields.push_back(e["loc"][1].as_string());
    for (const Json& e : error_body().at("detail").as_array()) fields.push_back(e.at("msg").as_string());
    for (const auto& [key, value] : error_body().as_object()) fields.push_back(key);
    CHECK(fields == std::vector<std::string>{"a", "b", "x", "y", "detail", "n"});
    const std::string& s = error_body()["n"].as_string();  // a value now: the reference extends its life
    CHECK(s == "s");
    CHECK(error_body()["detail"][1]["msg"].as_string() == "y");
    CHECK_THROWS_AS(error_body()["missing"], std::out_of_range);  // a temporary gains no members: as at()
    Json lvalue = error_body();
    lvalue["added"] = 1;  // an lvalue still appends a missing key
    CHECK(lvalue.at("added").as_int() == 1);
  }

}  // TEST_SUITE

}  // namespace test_value_file
