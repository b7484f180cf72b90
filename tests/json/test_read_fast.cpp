// tests/json/test_read_fast.cpp: json/read_fast.hpp — read_json's On-Demand fast path against the DOM reader.
// Every input (hand-written, then a deterministic generator of mutations of valid documents) goes through the
// public fa::read_json and through detail::read_json_dom: same value, same errors byte for byte; and whenever
// the fast path alone accepts an input (detail::read_json_fast), the DOM reader accepts it with the same value.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fastapi/json/read.hpp"
#include "fastapi/json/write.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_read_fast_file {

namespace fa = fastapi;

enum class Color { red, green, blue };

struct Tag {
  std::string name;
  fa::Default<int, fa::Rule{.ge = 0}> weight = 1;
};
struct Everything {
  bool b;
  std::int8_t i8;
  std::uint8_t u8;
  std::uint16_t u16;
  int i;
  std::int64_t i64;
  std::uint64_t u64;
  float f;
  double d;
  std::string s;
  Color c;
  std::optional<int> o;
  std::optional<std::string> os;
  std::vector<int> v;
  std::vector<std::string> vs;
  std::map<std::string, int> m;
  std::unordered_map<std::string, std::string> um;
  Tag nested;
  std::vector<Tag> tags;
  fa::Json any;
  fa::Email email;
  std::optional<fa::Email> maybe_email;
};
struct Ruled {
  fa::Field<std::string, fa::Rule{.min_length = 2, .max_length = 8, .pattern = "^[a-z]+$"}> word;
  fa::Field<int, fa::Rule{.gt = 0, .lt = 100}> n;
  fa::Field<double, fa::Rule{.ge = 0.5, .le = 10, .multiple_of = 0.5}> x;
  fa::Field<std::vector<int>, fa::Rule{.min_length = 1, .max_length = 3}> l;
  fa::Field<std::map<std::string, int>, fa::Rule{.max_length = 2}> small;
  fa::Field<std::optional<std::string>, fa::Rule{.min_length = 1}> maybe;
  fa::Field<fa::Email, fa::Rule{.max_length = 20}> email;
  fa::Field<std::optional<fa::Email>, fa::Rule{.max_length = 30}> email2;
  fa::Default<std::string, fa::Rule{.alias = "userName", .min_length = 1}> user_name = "anon";
};
struct StrictOnes {
  fa::Field<int, fa::Rule{.strict = true}> i;
  fa::Field<bool, fa::Rule{.strict = true}> b;
  fa::Field<double, fa::Rule{.strict = true}> d;
  fa::Field<std::vector<int>, fa::Rule{.strict = true}> v;
  bool lax;
};
struct Closed {
  int a;
  std::optional<int> b;
  static constexpr bool forbid_extra = true;
};
struct Node {
  int value;
  std::vector<Node> children;
};
struct Numbers {
  float f;
  double d;
  std::optional<double> o;
  long long i;
};
/// One member of type T: every numeric target type, read from one number token.
template <class T>
struct One {
  T x;
};
/// A number token and what Pydantic 2.13 answers for it (json.loads, then validation) into `int` and
/// `float`: "ok <Python's repr>" or the first error's type. Two answers are ours, marked (*): an integer
/// beyond the C++ type is out of its range (Python's int has no bound), and a number beyond a double is
/// json_invalid (Python reads inf; docs/models.md).
struct NumberCase {
  std::string_view token, as_long_long, as_double;
};
constexpr NumberCase number_cases[] = {
    {"0", "ok 0", "ok 0.0"},
    {"-0", "ok 0", "ok 0.0"},
    {"0.0", "ok 0", "ok 0.0"},
    {"-0.0", "ok 0", "ok -0.0"},
    {"9007199254740992", "ok 9007199254740992", "ok 9007199254740992.0"},
    {"9007199254740993", "ok 9007199254740993", "ok 9007199254740992.0"},
    {"-9007199254740992", "ok -9007199254740992", "ok -9007199254740992.0"},
    {"-9007199254740993", "ok -9007199254740993", "ok -9007199254740992.0"},
    {"9223372036854775807", "ok 9223372036854775807", "ok 9.223372036854776e+18"},
    {"9223372036854775808", "less_than_equal", "ok 9.223372036854776e+18"},  // (*)
    {"-9223372036854775808", "ok -9223372036854775808", "ok -9.223372036854776e+18"},
    {"-9223372036854775809", "greater_than_equal", "ok -9.223372036854776e+18"},              // (*)
    {"18446744073709551615", "less_than_equal", "ok 1.8446744073709552e+19"},                 // (*)
    {"18446744073709551616", "less_than_equal", "ok 1.8446744073709552e+19"},                 // (*)
    {"123456789012345678901234567890", "less_than_equal", "ok 1.2345678901234568e+29"},       // (*)
    {"-123456789012345678901234567890", "greater_than_equal", "ok -1.2345678901234568e+29"},  // (*)
    {"1e308", "int_parsing_size", "ok 1e+308"},
    {"1.7976931348623157e308", "int_parsing_size", "ok 1.7976931348623157e+308"},
    {"1.7976931348623159e308", "json_invalid", "json_invalid"},  // (*) Python: inf
    {"5e-324", "int_from_float", "ok 5e-324"},
    {"3e-324", "int_from_float", "ok 5e-324"},
    {"2e-324", "ok 0", "ok 0.0"},
    {"1e400", "json_invalid", "json_invalid"},   // (*) Python: inf
    {"-1e400", "json_invalid", "json_invalid"},  // (*) Python: -inf
    {"0.1e-400", "ok 0", "ok 0.0"},
    {"-0.1e-400", "ok 0", "ok -0.0"},
    {"3.14159265358979323846", "int_from_float", "ok 3.141592653589793"},
    {"1.00000000000000000000", "ok 1", "ok 1.0"},
    {"12345678901234567890.0", "int_parsing_size", "ok 1.2345678901234567e+19"},
    {"0.12345678901234567890123", "int_from_float", "ok 0.12345678901234568"},
    {"1e19", "int_parsing_size", "ok 1e+19"},
    {"9.999999999999999999e18", "int_parsing_size", "ok 1e+19"},
    {"9223372036854775807.0", "int_parsing_size", "ok 9.223372036854776e+18"},
    {"-9223372036854775807.0", "int_parsing_size", "ok -9.223372036854776e+18"},
    {"9.2233720368547748e18", "ok 9223372036854774784", "ok 9.223372036854775e+18"},
    {"-9223372036854775808.0", "int_parsing_size", "ok -9.223372036854776e+18"},
    {"1.2345678901234567890123e+300", "int_parsing_size", "ok 1.2345678901234568e+300"},
    {"-0.000000000000000000000000000000000000012345678901234567890123e-280", "int_from_float", "ok -1.234566e-318"},
    {"100000000000000000000000000000000000000000.0e-40", "ok 10", "ok 10.0"},
    {"7.0000000000000000000000000000001", "ok 7", "ok 7.0"},
    {"1E+2", "ok 100", "ok 100.0"},
    {"-2.5e-3", "int_from_float", "ok -0.0025"},
    {"0e99999999999999999999", "ok 0", "ok 0.0"},
    {"1e-99999999999999999999", "ok 0", "ok 0.0"},
    {"-1e99999999999999999999", "json_invalid", "json_invalid"},  // (*) Python: -inf
    {"1e0000000000000000000000000001", "ok 10", "ok 10.0"},
};

/// Two members with the same name on the wire: the first one takes the key, as wire_index decides.
struct Clash {
  std::optional<int> a;
  fa::Field<std::optional<int>, fa::Rule{.alias = "a"}> b;
  fa::Default<int> c = 5;
};

struct Click {
  fa::Choice<"click"> type;
  fa::Field<int, fa::Rule{.ge = 0}> x;
};
struct Press {
  fa::Choice<"key", "press"> type;
  fa::Field<std::string, fa::Rule{.min_length = 1}> key;
};

/// The scalar types (fa::Scalar), the fixed-shape containers and a discriminated union (read fast).
struct Typed {
  fa::UUID id;
  std::chrono::sys_time<std::chrono::microseconds> at;
  std::chrono::year_month_day day;
  std::chrono::hh_mm_ss<std::chrono::milliseconds> t;
  std::chrono::milliseconds every;
  std::set<std::string> tags;
  std::unordered_set<int> ids;
  std::array<int, 2> pair;
  std::tuple<int, std::string, std::optional<double>> row;
  fa::Choice<"click", "key"> kind;
  fa::Bytes raw;
  fa::Field<std::vector<int>, fa::Rule{.min_length = 1, .max_length = 3}> few;
  std::optional<std::chrono::sys_seconds> maybe;
  fa::Default<fa::Discriminator<"type", Click, Press>> event;
};

/// What one reader made of a text: the value written back, or the 422 body.
template <class T>
std::string outcome(const std::optional<T>& value, const fa::RequestValidationError& errors) {
  if (value) return "OK " + fa::to_json_string(*value);
  return "ERR " + errors.body().dump();
}

/// Reads text three ways and checks they agree; returns whether the fast path alone accepted it.
template <class T>
bool check_same(std::string_view text) {
  CAPTURE(text);
  fa::RequestValidationError dom_errors, pub_errors;
  fa::detail::LocPath dom_loc, pub_loc;
  dom_loc.push(std::string_view("body"));
  pub_loc.push(std::string_view("body"));
  const std::optional<T> dom = fa::detail::read_json_dom<T>(text, dom_errors, dom_loc);
  const std::optional<T> pub = fa::read_json<T>(text, pub_errors, pub_loc);
  const std::string want = outcome(dom, dom_errors);
  CHECK(outcome(pub, pub_errors) == want);
  T fast{};
  const bool accepted = fa::detail::read_json_fast<T>(text, fast);
  if (accepted) CHECK("OK " + fa::to_json_string(fast) == want);
  return accepted;
}

/// A small deterministic generator (splitmix64).
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

/// Raw JSON put in place of a value: other types, edge numbers, lax strings, escapes, nesting, broken atoms.
std::vector<std::string> replacements() {
  std::vector<std::string> r = {
      "0", "-0", "1", "-1", "7", "300", "-129", "256", "65536", "1e2", "3.0", "3.5", "-3.0e0", "0.1", "1e400",
      "-1e-400", "2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
      "18446744073709551615", "18446744073709551616", "-9223372036854775809", "1.7976931348623157e308", "3.4e39",
      "true", "false", "null", "\"\"", "\"42\"", "\" 42 \"", "\"4_2\"", "\"3.0\"", "\"1e3\"", "\"true\"", "\"yes\"",
      "\"off\"", "\"nan\"", "\"inf\"", "\"x\"", "\"red\"", "\"RED\"", "\"blue\"", "\"abc\"", "\"a@b.io\"",
      "\"ada@example.org\"", "\"not-an-email\"", "\"a@localhost\"", "\"\\u00e9t\\u00e9\"", "\"\\ud83d\\ude00\"",
      "\"\\ud800\"", "\"\\udc00x\"", "\"tab\\there\"", "\"quote\\\"d\"", "\"\\\\\"", "\"\\/\"", "\"\\u0000\"",
      "\"\\u00\"", "\"\\q\"", "\"caf\xc3\xa9\"", "\"\xff\"", "\"\xc3\"", "\"a\tb\"", "\"a\x01\"", "[]", "[1,2,3]",
      "[1,2,3,4]", "[\"a\",\"b\"]", "[{\"name\":\"t\"}]", "{}", "{\"a\":1}", "{\"k\":1,\"j\":2,\"i\":3}",
      "{\"name\":\"z\",\"weight\":-1}", "{\"value\":1,\"children\":[]}", "{\"a\":1,\"a\":2}", "{\"\\u0061\":1}", "tru",
      "nul", "nulll", "01", "1.", ".5", "-", "+1", "NaN", "Infinity", "\"unterminated", "[1,]", "[,1]", "{\"a\"}",
      "{\"a\":}", "{,}", "[1 2]", "{\"a\":1 \"b\":2}", "}", "]",
      // long mantissas (simdjson 3.0.1's On-Demand read some as 0 or garbage), 64-bit and double edges
      "3.14159265358979323846", "1.00000000000000000000", "12345678901234567890.0", "0.12345678901234567890123",
      "-0.000000000000000000001234567890123456789012", "123456789012345678901234567890", "1e19", "5e-324",
      "-9223372036854775808.0", "9.2233720368547748e18", "0.1e-400", "-0.0e-999", "1.7976931348623159e308",
      // texts for the scalar types: valid, lax and broken
      "\"2032-04-23T10:20:30Z\"", "\"2032-04-23\"", "\"2032-04-23T10:20:30.123+05:30\"", "\"2032-02-30\"", "\"10:20\"",
      "\"25:00\"", "\"P1DT2H\"", "\"PT1.5S\"", "\"P\"", "\"1 day, 01:00:00\"",
      "\"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62\"", "\"c4a760a8dbcf5254a0d96a4474bd1b62\"", "\"c4a760a8-dbcf\"",
      "\"click\"", "\"key\"", "{\"type\":\"click\",\"x\":1}", "{\"type\":\"press\",\"key\":\"k\",\"type\":\"key\"}",
      "{\"type\":\"click\"}", "{\"type\":\"scroll\"}", "{\"type\":1}", "{\"x\":1}", "\"1700000000\"", "1700000000",
      "1e11", "[1,\"a\",null]", "[1,2]"};
  r.push_back("\"" + std::string(300, 'a') + "\"");
  r.push_back("\"" + std::string(40, 'b') + "\\n\"");
  std::string deep, shallow;
  for (int i = 0; i < 70; ++i) deep += '[';
  for (int i = 0; i < 70; ++i) deep += ']';
  for (int i = 0; i < 30; ++i) shallow += "{\"k\":";
  shallow += "1";
  for (int i = 0; i < 30; ++i) shallow += '}';
  r.push_back(deep);
  r.push_back(shallow);
  std::string tree = "{\"value\":1,\"children\":[";
  for (int i = 0; i < 20; ++i) tree += "{\"value\":2,\"children\":[";
  tree += "{\"value\":3,\"children\":[]}";
  for (int i = 0; i < 20; ++i) tree += "]}";
  tree += "]}";
  r.push_back(tree);
  return r;
}

/// Every value and member in j, as pointers, for picking one at random.
void collect(fa::Json& j, std::vector<fa::Json*>& all) {
  all.push_back(&j);
  if (j.is_array()) {
    for (fa::Json& x : j) collect(x, all);
  } else if (j.is_object()) {
    for (auto& [k, v] : j.items()) collect(v, all);
  }
}

constexpr std::string_view hole = "@@HOLE@@";

/// One mutation of a valid document: a value replaced, a key dropped, renamed, repeated or added, or bytes
/// deleted, inserted, changed or cut off.
std::string mutate(std::string_view seed, Random& rnd, const std::vector<std::string>& pool) {
  fa::Json doc = fa::Json::parse(seed);
  std::vector<fa::Json*> all;
  collect(doc, all);
  std::vector<fa::Json*> objects;
  for (fa::Json* j : all)
    if (j->is_object() && !j->empty()) objects.push_back(j);
  std::string text(seed);
  const std::size_t what = rnd.below(10);
  if (what <= 3) {  // replace one value with raw text
    fa::Json* target = all[rnd.below(all.size())];
    *target = fa::Json(std::string(hole));
    text = doc.dump();
    const std::string quoted = "\"" + std::string(hole) + "\"";
    text.replace(text.find(quoted), quoted.size(), pool[rnd.below(pool.size())]);
  } else if (what == 4 && !objects.empty()) {  // drop a key
    fa::Json* o = objects[rnd.below(objects.size())];
    const std::string key = o->items()[rnd.below(o->size())].first;
    o->erase(key);
    text = doc.dump();
  } else if (what == 5 && !objects.empty()) {  // repeat a key, with its value or another
    fa::Json* o = objects[rnd.below(objects.size())];
    auto& members = o->as_object();
    fa::Json::Member copy = members[rnd.below(members.size())];
    if (rnd.below(2) == 0) copy.second = fa::Json(static_cast<std::int64_t>(rnd.below(5)));
    members.push_back(copy);
    text = doc.dump();
  } else if (what == 6 && !objects.empty()) {  // an unknown key holding anything
    fa::Json* o = objects[rnd.below(objects.size())];
    o->as_object().emplace_back("extra_" + std::to_string(rnd.below(3)), fa::Json(std::string(hole)));
    text = doc.dump();
    const std::string quoted = "\"" + std::string(hole) + "\"";
    text.replace(text.find(quoted), quoted.size(), pool[rnd.below(pool.size())]);
  } else if (what == 7 && !text.empty()) {  // delete or insert a byte
    const std::size_t at = rnd.below(text.size());
    static constexpr std::string_view bytes = "{}[],:\"\\0-1.eE tnfu \x7f\xc3";
    if (rnd.below(2) == 0) text.erase(at, 1);
    else text.insert(at, 1, bytes[rnd.below(bytes.size())]);
  } else if (what == 8 && !text.empty()) {  // cut off, or trailing bytes
    if (rnd.below(2) == 0) text.resize(rnd.below(text.size()));
    else text += rnd.below(2) == 0 ? std::string(" {}") : std::string("  \n");
  } else {  // whitespace and escapes that change nothing: the value must still be read fast and equal
    std::string spaced;
    for (char c : text) {
      spaced += c;
      if ((c == ',' || c == ':') && rnd.below(3) == 0) spaced += " \n\t";
    }
    text = spaced;
  }
  return text;
}

/// Runs `rounds` mutations of each seed through check_same<T>; returns how many the fast path accepted.
template <class T>
std::size_t fuzz_model(const std::vector<std::string>& seeds, std::uint64_t seed_number, std::size_t rounds) {
  const std::vector<std::string> pool = replacements();
  Random rnd{seed_number};
  std::size_t fast = 0;
  for (const std::string& seed : seeds) {
    REQUIRE(check_same<T>(seed));  // a seed is valid, and read by the fast path
    for (std::size_t i = 0; i < rounds; ++i) fast += check_same<T>(mutate(seed, rnd, pool)) ? 1 : 0;
  }
  return fast;
}

const std::string everything_doc =
    R"({"b":true,"i8":-5,"u8":200,"u16":65535,"i":-7,"i64":-9223372036854775808,"u64":18446744073709551615,)"
    R"("f":1.5,"d":-2.25e-3,"s":"h\u00e9llo \"q\" \ud83d\ude00","c":"green","o":null,"os":"x","v":[1,2,3],)"
    R"("vs":["a","b"],"m":{"k":1,"j":2},"um":{"x":"y","z":"w"},"nested":{"name":"n"},)"
    R"("tags":[{"name":"t","weight":3},{"name":"u"}],"any":{"deep":[1,2.5,"x",null,true,{"k":{}},-0,1e3]},)"
    R"("email":"ada@example.org","maybe_email":null})";
const std::string everything_lax =
    R"({"b":"yes","i8":"12","u8":3.0,"u16":"  7 ","i":"1_000","i64":1e3,"u64":"18446744073709551615",)"
    R"("f":"2.5","d":true,"s":"","c":"blue","o":"4","os":null,"v":["1",2.0,false],"vs":[],"m":{},)"
    R"("um":{},"nested":{"name":"n","weight":"0"},"tags":[],"any":[],"email":" ada@example.org ",)"
    R"("maybe_email":"b@c.io","unknown":{"x":[1,{"y":null}],"z":"\u00e9"}})";
const std::string ruled_doc =
    R"({"word":"abc","n":5,"x":2.5,"l":[1],"small":{"a":1},"maybe":"m","email":"a@b.io","email2":"c@d.io",)"
    R"("userName":"ada"})";
const std::string ruled_minimal = R"({"word":"zz","n":99,"x":10,"l":[1,2,3],"small":{},"email":"a@b.io"})";
const std::string strict_doc = R"({"i":3,"b":false,"d":2,"v":[1,2],"lax":"on"})";
const std::string closed_doc = R"({"a":1,"b":2})";
const std::string node_doc = R"({"value":1,"children":[{"value":2,"children":[]},{"value":3,"children":[]}]})";
const std::string clash_doc = R"({"a":1,"c":2})";
const std::string typed_doc =
    R"({"id":"c4a760a8-dbcf-5254-a0d9-6a4474bd1b62","at":"2032-04-23T10:20:30.5+02:00","day":"2032-04-23",)"
    R"("t":"09:00:01.25","every":"PT1H30M","tags":["b","a","b"],"ids":[3,1],"pair":[1,2],"row":[1,"x",null],)"
    R"("kind":"key","raw":"\u00e9\n","few":[1,2],"maybe":1700000000,"event":{"x":3,"type":"click"}})";
const std::string typed_lax =
    R"({"id":"{C4A760A8-DBCF-5254-A0D9-6A4474BD1B62}","at":1700000000.25,"day":"2032-04-23T00:00:00Z",)"
    R"("t":3600,"every":1.5,"tags":[],"ids":["7"],"pair":["1",2.0],"row":["2","y",3],"kind":"click","raw":"",)"
    R"("few":[5],"maybe":null,"event":{"type":"press","key":"\u0041","extra":[1]}})";

TEST_SUITE("json/read_fast") {

  TEST_CASE("valid documents of every supported type are read by the fast path, with the DOM reader's value") {
    CHECK(check_same<Everything>(everything_doc));
    CHECK(check_same<Everything>(everything_lax));
    CHECK(check_same<Ruled>(ruled_doc));
    CHECK(check_same<Ruled>(ruled_minimal));
    CHECK(check_same<StrictOnes>(strict_doc));
    CHECK(check_same<Closed>(closed_doc));
    CHECK(check_same<Node>(node_doc));
    CHECK(check_same<Clash>(clash_doc));
    CHECK(check_same<Typed>(typed_doc));
    CHECK(check_same<Typed>(typed_lax));
    CHECK(check_same<std::vector<Tag>>(R"([{"name":"a"},{"name":"b","weight":2}])"));
    CHECK(check_same<std::map<std::string, Tag>>(R"({"x":{"name":"a"},"y":{"name":"b"}})"));
    CHECK(check_same<std::unordered_map<std::string, int>>(R"({"x":1,"y":2,"z":3})"));
    CHECK(check_same<fa::Json>(R"({"a":[1,{"b":null}],"a":2,"c":"\u00e9"})"));
    CHECK(check_same<std::optional<Tag>>(R"({"name":"a"})"));
    CHECK(check_same<Tag>(" \n\t{ \"name\" : \"a\" , \"weight\" : 1 } \r\n"));
  }

  TEST_CASE("the fast path reads Pydantic's lax conversions, defaults, aliases and Email as the DOM reader does") {
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    Everything e{};
    REQUIRE(fa::detail::read_json_fast<Everything>(everything_lax, e));
    CHECK(e.b);
    CHECK(e.i8 == 12);
    CHECK(e.u8 == 3);
    CHECK(e.u16 == 7);
    CHECK(e.i == 1000);
    CHECK(e.i64 == 1000);
    CHECK(e.u64 == 18446744073709551615ull);
    CHECK(e.f == 2.5f);
    CHECK(e.d == 1.0);
    CHECK(e.c == Color::blue);
    CHECK(e.o == 4);
    CHECK(e.v == std::vector<int>{1, 2, 0});
    CHECK(*e.nested.weight == 0);
    CHECK(e.email.value == " ada@example.org ");
    Ruled r{};
    REQUIRE(fa::detail::read_json_fast<Ruled>(ruled_minimal, r));
    CHECK(*r.user_name == "anon");
    CHECK(!r.maybe->has_value());
    REQUIRE(fa::detail::read_json_fast<Ruled>(ruled_doc, r));
    CHECK(*r.user_name == "ada");
    Clash c{};
    REQUIRE(fa::detail::read_json_fast<Clash>(clash_doc, c));
    CHECK(c.a == 1);
    CHECK(!c.b->has_value());
    CHECK(*c.c == 2);
  }

  TEST_CASE("anything off sends the input to the DOM reader, whose errors read_json reports unchanged") {
    // Each of these is refused by the fast path (or it is invalid), and the public result equals the DOM's.
    const std::string_view everything_cases[] = {
        R"({"b":true})",          // missing fields
        R"({"i8":128})",          // out of range
        R"({"s":1})",             // no number -> string
        R"({"c":"RED"})",         // enum by exact name
        R"({"email":"nobody"})",  // Email's reason
        R"({"v":[1,"x",3.5]})",   // list errors with indices
        R"({"any":[1,2)",         // malformed
        "",                       // empty
        "null",                   // a scalar root
        "[]",                     // a list where an object belongs
    };
    for (std::string_view text : everything_cases) CHECK_FALSE(check_same<Everything>(text));
    CHECK_FALSE(check_same<Closed>(R"({"a":1,"b":2,"c":3})"));         // extra_forbidden
    CHECK_FALSE(check_same<Closed>(R"({"a":1,"a":2})"));               // a repeated key: the last value wins
    CHECK_FALSE(check_same<Closed>(R"({"a":1} {"a":2})"));             // trailing bytes
    CHECK_FALSE(check_same<Closed>(R"({"a":1,"x":[1,tru]})"));         // malformed under an unknown key
    CHECK_FALSE(check_same<Closed>("{\"a\":1,\"x\":\"\xff\"}"));       // invalid UTF-8 under an unknown key
    CHECK_FALSE(check_same<Closed>("{\"a\":1,\"x\":\"a\x01\"}"));      // a raw control character
    CHECK_FALSE(check_same<Closed>(R"({"a":1,"x":"\ud800"})"));        // an unpaired surrogate
    CHECK_FALSE(check_same<Closed>(R"({"a":18446744073709551616})"));  // beyond 64 bits: DOM widens, then 422
    CHECK_FALSE(check_same<Ruled>(R"({"word":"ABC","n":0,"x":0.25,"l":[],"small":{"a":1,"b":2,"c":3},"email":"x"})"));
    CHECK_FALSE(check_same<StrictOnes>(R"({"i":"3","b":1,"d":"2","v":["1"],"lax":"on"})"));
    CHECK_FALSE(check_same<std::map<std::string, int>>(R"({"x":1,"x":2})"));  // a repeated map key: the last wins
    CHECK_FALSE(check_same<int>("42"));                                       // scalar roots take the DOM path
    std::string deep = R"({"value":1,"children":[)";
    for (int i = 0; i < 80; ++i) deep += R"({"value":1,"children":[)";
    for (int i = 0; i < 80; ++i) deep += "]}";
    deep += "]}";
    CHECK_FALSE(check_same<Node>(deep));  // nesting: the DOM reader's json_invalid
  }

  TEST_CASE("numbers: integer tokens into floats, negative zeros, 64-bit edges, read as the DOM reader reads them") {
    const std::string_view cases[] = {
        R"({"f":-0,"d":-0,"o":-0,"i":-0})",
        R"({"f":-0.0,"d":-0.0,"o":-0e0,"i":-0.0})",
        R"({"f":1,"d":9007199254740993,"o":18446744073709551615,"i":9223372036854775807})",
        R"({"f":3.4e38,"d":-9223372036854775808,"o":1e-320,"i":-9223372036854775808})",
        R"({"f":16777217,"d":123456789012345678,"o":null,"i":1e18})",
        R"({"f":3.5e38,"d":1,"o":1,"i":1})",                // beyond FLT_MAX: 422
        R"({"f":1,"d":18446744073709551616,"o":1,"i":1})",  // beyond 64 bits: the DOM reader widens
        R"({"f":1,"d":1,"o":1,"i":9223372036854775808})",   // beyond INT64_MAX: 422
    };
    for (std::string_view text : cases) check_same<Numbers>(text);
    CHECK(check_same<Numbers>(R"({"f":1,"d":9007199254740993,"o":18446744073709551615,"i":9223372036854775807})"));
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    const auto zero = fa::read_json<Numbers>(R"({"f":-0,"d":-0,"o":-0,"i":-0})", errors, loc);
    REQUIRE(zero);
    CHECK(!std::signbit(zero->d));  // "-0" is the integer 0
    const auto negative = fa::read_json<Numbers>(R"({"f":-0.0,"d":-0.0,"o":-0.0,"i":-0.0})", errors, loc);
    REQUIRE(negative);
    CHECK(std::signbit(negative->d));
    CHECK(std::signbit(*negative->o));
  }

  /// The token as member x and inside lists, read into One<T> and std::vector<T> by both readers.
  template <class T>
  void check_number(std::string_view token) {
    const std::string t(token);
    check_same<One<T>>(R"({"x":)" + t + "}");
    check_same<One<std::vector<T>>>(R"({"x":[1,)" + t + "," + t + "]}");
    check_same<std::vector<T>>("[" + t + "]");
  }

  /// Every numeric target type, alone, optional, in a list, under a Rule, and as fa::Json.
  void check_number_everywhere(std::string_view token) {
    check_number<std::int8_t>(token);
    check_number<std::uint8_t>(token);
    check_number<short>(token);
    check_number<int>(token);
    check_number<unsigned>(token);
    check_number<long long>(token);
    check_number<unsigned long long>(token);
    check_number<float>(token);
    check_number<double>(token);
    check_number<std::optional<double>>(token);
    check_number<std::optional<long long>>(token);
    check_number<fa::Field<double, fa::Rule{.ge = -1e300, .le = 1e300}>>(token);
    check_number<fa::Field<long long, fa::Rule{.le = 100}>>(token);
    check_number<fa::Field<int, fa::Rule{.strict = true}>>(token);
    check_number<fa::Field<double, fa::Rule{.strict = true}>>(token);
    check_same<One<bool>>(R"({"x":)" + std::string(token) + "}");  // (std::vector<bool> is no container of bools)
    check_number<fa::Json>(token);
    check_same<std::map<std::string, double>>(R"({"a":)" + std::string(token) + "}");
  }

  TEST_CASE("boundary and long numbers: the fast path and the DOM reader agree for every numeric target type") {
    for (const NumberCase& c : number_cases) check_number_everywhere(c.token);
  }

  TEST_CASE("boundary and long numbers: long long and double members get Pydantic's value or error") {
    for (const NumberCase& c : number_cases) {
      CAPTURE(c.token);
      const std::string doc = R"({"x":)" + std::string(c.token) + "}";
      fa::RequestValidationError errors;
      fa::detail::LocPath loc;
      const auto i = fa::read_json<One<long long>>(doc, errors, loc);
      CHECK((i ? "ok " + std::to_string(i->x) : errors.body()["detail"][0]["type"].as_string()) == c.as_long_long);
      fa::RequestValidationError derrors;
      const auto d = fa::read_json<One<double>>(doc, derrors, loc);
      CHECK((d ? "ok " + fa::Json(d->x).dump() : derrors.body()["detail"][0]["type"].as_string()) == c.as_double);
    }
  }

  TEST_CASE("generated long and exponent-heavy numbers: both readers give the correctly rounded double") {
    Random rnd{16};
    for (int n = 0; n < 3000; ++n) {
      std::string t = rnd.below(2) == 0 ? "-" : "";
      const std::size_t integer_digits = rnd.below(4) == 0 ? 0 : 1 + rnd.below(25);
      if (integer_digits == 0) t += "0";
      for (std::size_t k = 0; k < integer_digits; ++k)
        t += static_cast<char>((k == 0 ? '1' : '0') + rnd.below(k == 0 ? 9 : 10));
      if (integer_digits == 0 || rnd.below(2) == 0) {
        t += '.';
        for (std::size_t k = 0, zeros = rnd.below(3) == 0 ? rnd.below(25) : 0; k < zeros; ++k) t += '0';
        for (std::size_t k = 0, digits = 1 + rnd.below(30); k < digits; ++k)
          t += static_cast<char>('0' + rnd.below(10));
      }
      if (rnd.below(2) == 0) t += "e" + std::to_string(static_cast<int>(rnd.below(640)) - 330);
      CAPTURE(t);
      const double want = std::strtod(t.c_str(), nullptr);
      const bool beyond = std::isinf(want);
      check_same<One<double>>(R"({"x":)" + t + "}");
      check_same<One<fa::Json>>(R"({"x":)" + t + "}");
      check_same<One<long long>>(R"({"x":)" + t + "}");
      fa::RequestValidationError errors;
      fa::detail::LocPath loc;
      const auto d = fa::read_json<One<double>>(R"({"x":)" + t + "}", errors, loc);
      CHECK(d.has_value() == !beyond);
      const bool is_integer_token = t.find_first_of(".eE") == std::string::npos;
      if (d && !(is_integer_token && want == 0))
        CHECK(std::bit_cast<std::uint64_t>(d->x) == std::bit_cast<std::uint64_t>(want));
      const auto j = fa::read_json<One<fa::Json>>(R"({"x":)" + t + "}", errors, loc);
      if (j && j->x.is_double())
        CHECK(std::bit_cast<std::uint64_t>(j->x.as_double()) == std::bit_cast<std::uint64_t>(want));
    }
  }

  TEST_CASE("a duplicate key or a repeated map key gives the DOM reader's last value") {
    fa::RequestValidationError errors;
    fa::detail::LocPath loc;
    const auto t = fa::read_json<Tag>(R"({"name":"a","weight":1,"name":"b"})", errors, loc);
    REQUIRE(t);
    CHECK(t->name == "b");
    const auto m = fa::read_json<std::map<std::string, int>>(R"({"x":1,"x":2})", errors, loc);
    REQUIRE(m);
    CHECK(m->at("x") == 2);
  }

  TEST_CASE("mutations of valid documents: the fast path never disagrees with the DOM reader") {
    std::size_t fast = 0;
    fast += fuzz_model<Everything>({everything_doc, everything_lax}, 1, 600);
    fast += fuzz_model<Ruled>({ruled_doc, ruled_minimal}, 2, 500);
    fast += fuzz_model<StrictOnes>({strict_doc}, 3, 500);
    fast += fuzz_model<Closed>({closed_doc}, 4, 400);
    fast += fuzz_model<Node>({node_doc}, 5, 500);
    fast += fuzz_model<Clash>({clash_doc}, 6, 300);
    fast += fuzz_model<std::vector<Tag>>({R"([{"name":"a"},{"name":"b","weight":2}])"}, 7, 300);
    fast += fuzz_model<fa::Json>({everything_doc}, 8, 300);
    fast += fuzz_model<Numbers>({R"({"f":1.5,"d":-2,"o":0.25,"i":7})"}, 9, 400);
    fast += fuzz_model<Typed>({typed_doc, typed_lax}, 10, 600);
    MESSAGE("mutated inputs read by the fast path: " << fast);
    CHECK(fast > 1000);  // the generator reaches the fast path often, not only the fallback
  }

}  // TEST_SUITE

}  // namespace test_read_fast_file
