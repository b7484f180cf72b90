// tests/params/test_convert.cpp: text -> typed values in Pydantic v2's lax words (params/convert.hpp), and the
// markers' behaviour (params/markers.hpp): defaults, Rule, the value access.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/params/convert.hpp"
#include "fastapi/params/markers.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace params_convert_file {

namespace fa = fastapi;

enum class Model { alexnet, resnet, lenet };

template <class T>
std::optional<T> ok(std::string_view text) {
  fa::ConversionError e;
  return fa::from_string<T>(text, e);
}
template <class T>
fa::ConversionError fail(std::string_view text) {
  fa::ConversionError e;
  auto v = fa::from_string<T>(text, e);
  REQUIRE_FALSE(v.has_value());
  return e;
}

TEST_SUITE("params/convert") {
  TEST_CASE("bool accepts FastAPI's words in any case and refuses the rest with bool_parsing") {
    for (auto t : {"1", "t", "T", "true", "True", "TRUE", "y", "yes", "YES", "on", "On"}) CHECK(ok<bool>(t) == true);
    for (auto f : {"0", "f", "false", "False", "n", "no", "NO", "off", "OFF"}) CHECK(ok<bool>(f) == false);
    auto e = fail<bool>("maybe");
    CHECK(e.type == "bool_parsing");
    CHECK(e.msg == "Input should be a valid boolean, unable to interpret input");
    CHECK(e.ctx.is_null());
    CHECK(fail<bool>("2").type == "bool_parsing");
    CHECK(fail<bool>("").type == "bool_parsing");
    CHECK(fail<bool>(" true").type == "bool_parsing");
  }

  TEST_CASE("integers follow Pydantic's text rules: whitespace, sign, underscores, .000") {
    CHECK(ok<int>("42") == 42);
    CHECK(ok<int>(" 42 ") == 42);
    CHECK(ok<int>("+7") == 7);
    CHECK(ok<int>("-7") == -7);
    CHECK(ok<int>("007") == 7);
    CHECK(ok<int>("1_000") == 1000);
    CHECK(ok<int>("5.00") == 5);
    CHECK(ok<int>("-0") == 0);
    for (auto bad : {"", " ", "abc", "4.5", "5.", "1__0", "_1", "1_", "+-1", "--1", "0x10", "1e3", "12a", "-"}) {
      auto e = fail<int>(bad);
      CHECK_MESSAGE(e.type == "int_parsing", bad);
      CHECK(e.msg == "Input should be a valid integer, unable to parse string as an integer");
    }
  }

  TEST_CASE("an integer outside its C++ type is a bound error with the type's limit") {
    CHECK(ok<std::int8_t>("127") == 127);
    CHECK(ok<std::int8_t>("-128") == -128);
    auto e = fail<std::int8_t>("128");
    CHECK(e.type == "less_than_equal");
    CHECK(e.msg == "Input should be less than or equal to 127");
    CHECK(e.ctx.dump() == R"({"le":127})");
    e = fail<std::int8_t>("-129");
    CHECK(e.type == "greater_than_equal");
    CHECK(e.msg == "Input should be greater than or equal to -128");
    CHECK(e.ctx.dump() == R"({"ge":-128})");
    e = fail<unsigned>("-1");
    CHECK(e.type == "greater_than_equal");
    CHECK(e.msg == "Input should be greater than or equal to 0");
    CHECK(ok<std::int64_t>("-9223372036854775808") == INT64_MIN);
    CHECK(ok<std::int64_t>("9223372036854775807") == INT64_MAX);
    CHECK(fail<std::int64_t>("9223372036854775808").msg == "Input should be less than or equal to 9223372036854775807");
    CHECK(ok<std::uint64_t>("18446744073709551615") == UINT64_MAX);
    CHECK(fail<std::uint64_t>("18446744073709551616").ctx.dump() == R"({"le":18446744073709551615})");
    CHECK(fail<int>("99999999999999999999999").type == "less_than_equal");
  }

  TEST_CASE("floating point accepts decimals, exponents, inf and nan and refuses the rest with float_parsing") {
    CHECK(ok<double>("1.5") == 1.5);
    CHECK(ok<double>(" -2e3 ") == -2000.0);
    CHECK(ok<double>("+.5") == 0.5);
    CHECK(ok<double>("3") == 3.0);
    CHECK(std::isinf(*ok<double>("inf")));
    CHECK(std::isinf(*ok<double>("-Infinity")));
    CHECK(std::isnan(*ok<double>("nan")));
    CHECK(std::isinf(*ok<double>("1e400")));
    CHECK(ok<float>("0.25") == 0.25f);
    for (auto bad : {"", "abc", "1.2.3", "0x1p3", "nan(1)", "1,5", "++1"}) {
      auto e = fail<double>(bad);
      CHECK_MESSAGE(e.type == "float_parsing", bad);
      CHECK(e.msg == "Input should be a valid number, unable to parse string as a number");
    }
  }

  TEST_CASE("strings pass as they are; a string_view points into the text") {
    std::string_view text = "  spaced  ";
    CHECK(ok<std::string>(text) == "  spaced  ");
    auto v = ok<std::string_view>(text);
    CHECK(v->data() == text.data());
    CHECK(ok<fa::Email>("a@example.com")->value == "a@example.com");
  }

  TEST_CASE("enums convert by enumerator name; anything else lists the expected names") {
    CHECK(ok<Model>("resnet") == Model::resnet);
    auto e = fail<Model>("ResNet");
    CHECK(e.type == "enum");
    CHECK(e.msg == "Input should be 'alexnet', 'resnet' or 'lenet'");
    CHECK(e.ctx.dump() == R"({"expected":"'alexnet', 'resnet' or 'lenet'"})");
  }

  TEST_CASE("std::optional converts as its value type") {
    CHECK(ok<std::optional<int>>("3") == std::optional<std::optional<int>>(3));
    CHECK(fail<std::optional<int>>("x").type == "int_parsing");
  }
}

TEST_SUITE("params/markers") {
  TEST_CASE("options after the type are a Rule and a default, in any order") {
    using Limit = fa::Query<"limit", int, fa::Rule{.ge = 1, .le = 100}, 10>;
    static_assert(Limit::has_default);
    static_assert(Limit::rule.le == 100);
    static_assert(Limit::param_name == "limit");
    static_assert(Limit::param_source == fa::detail::Source::query);
    CHECK(Limit::default_value() == 10);
    using Reversed = fa::Query<"limit", int, 10, fa::Rule{.le = 100}>;
    CHECK(Reversed::default_value() == 10);
    static_assert(Reversed::rule.le == 100);
    using Plain = fa::Query<"q", std::string>;
    static_assert(!Plain::has_default);
    static_assert(Plain::rule == fa::Rule{});
  }

  TEST_CASE("doubles and strings are given as fa::Literal, enumerators and bools as they are") {
    CHECK(fa::Query<"ratio", double, fa::Literal{0.5}>::default_value() == 0.5);
    CHECK(fa::Query<"sort", std::string, fa::Literal{"name"}>::default_value() == "name");
    CHECK(fa::Query<"model", Model, Model::lenet>::default_value() == Model::lenet);
    CHECK(fa::Header<"x_debug", bool, true>::default_value() == true);
    CHECK(*fa::Query<"q", std::optional<std::string>, fa::Literal{"x"}>::default_value() == "x");
  }

  TEST_CASE("a marker behaves like its value: *, ->, conversion, comparison, optional and vector access") {
    fa::Path<"item_id", int> id{42};
    CHECK(*id == 42);
    CHECK(id == 42);
    const int& ref = id;
    CHECK(ref == 42);
    CHECK(id.value == 42);
    fa::Query<"q", std::string> q{std::string("abc")};
    CHECK(q->size() == 3);
    CHECK(q == "abc");
    fa::Query<"o", std::optional<std::string>> none;
    CHECK_FALSE(none);
    CHECK_FALSE(none.has_value());
    fa::Query<"o", std::optional<std::string>> some{std::string("x")};
    REQUIRE(some);
    CHECK(*some == "x");  // the std::optional itself, compared with its value
    CHECK(some->value().size() == 1);
    static_assert(std::is_same_v<decltype(*some), std::optional<std::string>&>,
                  "*q of an optional parameter is the std::optional, never an unchecked dereference");
    CHECK((*none).value_or("absent") == "absent");
    fa::Query<"tag", std::vector<std::string>> tags{std::vector<std::string>{"a", "b"}};
    std::string joined;
    for (const auto& t : tags) joined += t;
    CHECK(joined == "ab");
    fa::Embed<"count", int> body{3};
    static_assert(fa::Embed<"count", int>::embed);
    static_assert(!fa::Body<int>::embed);
    CHECK(*body == 3);
  }
}

}  // namespace params_convert_file
