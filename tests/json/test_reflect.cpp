// tests/json/test_reflect.cpp: json/reflect.hpp — member counts, names, visiting, refusals.
#include <doctest/doctest.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fastapi/json/reflect.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_reflect_file {

namespace fa = fastapi;

namespace reflect_test {

struct Point {
  int x;
  int y;
};
struct Empty {};
struct Id {  // not an aggregate, converts from int
  Id(int v) : value(v) {}
  int value;
};
enum class Color { red, green };

// Every kind of member the field counter must see as exactly one member.
struct Tricky {
  int i;
  std::string s;
  std::optional<std::string> maybe_text;
  std::optional<int> maybe_int;
  std::vector<int> numbers;
  std::map<std::string, int> scores;
  Point nested;
  std::array<int, 3> triple;
  std::array<double, 2> pair;
  std::unique_ptr<int> owned;
  std::shared_ptr<int> shared;
  std::string_view view;
  const char* c_string;
  std::variant<int, std::string> either;
  bool flag;
  Color color;
  Id id{0};  // no default constructor: needs an initializer
  std::vector<Point> points;
  Point last;
};

template <class X>
struct Outer {
  struct Deep {
    Point inner;
    std::optional<std::map<std::string, X>> table;
    X _under_score9;
  };
};

struct Wide {
  int f0;
  int f1;
  int f2;
  int f3;
  int f4;
  int f5;
  int f6;
  int f7;
  int f8;
  int f9;
  int f10;
  int f11;
  int f12;
  int f13;
  int f14;
  int f15;
  int f16;
  int f17;
  int f18;
  int f19;
  int f20;
  int f21;
  int f22;
  int f23;
  int f24;
  int f25;
  int f26;
  int f27;
  int f28;
  int f29;
  int f30;
  int f31;
  int f32;
  int f33;
  int f34;
  int f35;
  int f36;
  int f37;
  int f38;
  int f39;
  int f40;
  int f41;
  int f42;
  int f43;
  int f44;
  int f45;
  int f46;
  int f47;
  int f48;
  int f49;
  int f50;
  int f51;
  int f52;
  int f53;
  int f54;
  int f55;
  int f56;
  int f57;
  int f58;
  int f59;
  int f60;
  int f61;
  int f62;
  int f63;
};
struct TooWide {
  int f0;
  int f1;
  int f2;
  int f3;
  int f4;
  int f5;
  int f6;
  int f7;
  int f8;
  int f9;
  int f10;
  int f11;
  int f12;
  int f13;
  int f14;
  int f15;
  int f16;
  int f17;
  int f18;
  int f19;
  int f20;
  int f21;
  int f22;
  int f23;
  int f24;
  int f25;
  int f26;
  int f27;
  int f28;
  int f29;
  int f30;
  int f31;
  int f32;
  int f33;
  int f34;
  int f35;
  int f36;
  int f37;
  int f38;
  int f39;
  int f40;
  int f41;
  int f42;
  int f43;
  int f44;
  int f45;
  int f46;
  int f47;
  int f48;
  int f49;
  int f50;
  int f51;
  int f52;
  int f53;
  int f54;
  int f55;
  int f56;
  int f57;
  int f58;
  int f59;
  int f60;
  int f61;
  int f62;
  int f63;
  int f64;
};

struct WithCtor {
  WithCtor() {}
  int x;
};
struct Base {
  int a;
};
struct Derived : Base {
  int b;
};
struct EmptyBase {};
struct DerivedFromEmpty : EmptyBase {
  int b;
};
union Either {
  int i;
  float f;
};
struct ConstRef {
  const int& r;
};
struct LvalueRef {
  int& r;
};
struct HasEmptyMember {
  Empty e;
  int x;
};
struct HasCArray {
  int before;
  double c_array[3];
  int after;
};
struct EndsWithCArray {
  char name[16];
};
struct NoDefault {
  NoDefault(int) {}
};
struct HoldsNoDefault {  // T itself has no default constructor: names must still work
  NoDefault a;
  int b;
};
struct Nothing {};

}  // namespace reflect_test

using namespace reflect_test;

// ---- traits, checked at compile time ----
static_assert(fa::reflectable<Point>);
static_assert(fa::reflectable<const Point>);
static_assert(fa::reflectable<Tricky>);
static_assert(fa::reflectable<Wide>);
static_assert(fa::reflectable<Nothing>);
static_assert(fa::reflectable<HoldsNoDefault>);
static_assert(!fa::reflectable<int>);
static_assert(!fa::reflectable<std::string>);
static_assert(!fa::reflectable<WithCtor>);
static_assert(!fa::reflectable<Derived>);
static_assert(!fa::reflectable<DerivedFromEmpty>);
static_assert(!fa::reflectable<Either>);
static_assert(!fa::reflectable<ConstRef>);
static_assert(!fa::reflectable<LvalueRef>);
static_assert(fa::reflectable<HasEmptyMember>);
static_assert(!fa::reflectable<HasCArray>);
static_assert(!fa::reflectable<EndsWithCArray>);
static_assert(!fa::reflectable<TooWide>);
static_assert(!fa::reflectable<int[3]>);

static_assert(fa::field_count<Point> == 2);
static_assert(fa::field_count<Tricky> == 19);
static_assert(fa::field_count<Wide> == 64);
static_assert(fa::field_count<Nothing> == 0);
static_assert(fa::field_count<Outer<int>::Deep> == 3);
static_assert(fa::field_count<HoldsNoDefault> == 2);

static_assert(fa::field_names<Point>[0] == "x" && fa::field_names<Point>[1] == "y");
static_assert(fa::field_name<Tricky, 8> == "pair");
static_assert(fa::field_count<HasEmptyMember> == 2);
static_assert(fa::field_names<HasEmptyMember>[0] == "e");
static_assert(fa::field_names<Outer<std::vector<std::string>>::Deep>[2] == "_under_score9");
static_assert(fa::field_names<Wide>[63] == "f63");
static_assert(fa::field_names<Nothing>.size() == 0);
static_assert(fa::field_names<HoldsNoDefault>[1] == "b");
static_assert(std::is_same_v<decltype(fa::field_at<1>(std::declval<const Point&>())), const int&>);
static_assert(std::is_same_v<decltype(fa::field_at<8>(std::declval<Tricky&>())), std::array<double, 2>&>);

TEST_SUITE("json/reflect") {
  TEST_CASE("field names of a struct with every tricky member kind are in declaration order") {
    const std::array<std::string_view, 19> expected{
        "i",      "s",    "maybe_text", "maybe_int", "numbers", "scores", "nested", "triple", "pair", "owned",
        "shared", "view", "c_string",   "either",    "flag",    "color",  "id",     "points", "last"};
    CHECK(fa::field_names<Tricky> == expected);
  }

  TEST_CASE("names of members of a nested class template type are found on both compilers") {
    using Deep = Outer<std::map<std::string, int>>::Deep;
    CHECK(fa::field_names<Deep>[0] == "inner");
    CHECK(fa::field_names<Deep>[1] == "table");
    CHECK(fa::field_names<Deep>[2] == "_under_score9");
  }

  TEST_CASE("a struct local to a function is reflected") {
    struct Local {
      std::string name;
      int age;
    };
    static_assert(fa::field_count<Local> == 2);
    CHECK(fa::field_names<Local>[0] == "name");
    CHECK(fa::field_names<Local>[1] == "age");
  }

  TEST_CASE("a 64-member struct is counted, named and visited in order") {
    Wide w{};
    int next = 0;
    fa::for_each_field(w, [&](int& f) { f = next++; });
    CHECK(w.f0 == 0);
    CHECK(w.f31 == 31);
    CHECK(w.f63 == 63);
    std::size_t i = 0;
    for (std::string_view name : fa::field_names<Wide>) {
      CHECK(name == "f" + std::to_string(i));
      ++i;
    }
    CHECK(i == 64);
  }

  TEST_CASE("for_each_field mutates members and passes the index as a constant") {
    Point p{1, 2};
    fa::for_each_field(p, [](int& f, auto index) {
      static_assert(decltype(index)::value < 2);
      f = f * 10 + static_cast<int>(index.value);
    });
    CHECK(p.x == 10);
    CHECK(p.y == 21);
  }

  TEST_CASE("for_each_field on a const object gives const members") {
    Tricky mutable_t{};
    mutable_t.i = 7;
    mutable_t.s = "seven";
    const Tricky& t = mutable_t;
    std::string seen;
    fa::for_each_field(t, [&](const auto& f, auto index) {
      static_assert(std::is_const_v<std::remove_reference_t<decltype(f)>>);
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(f)>, std::string>) seen += f;
      if constexpr (index == 0) seen += std::to_string(f);
    });
    CHECK(seen == "7seven");
  }

  TEST_CASE("field_at and tie_fields reach members by position") {
    Tricky t{};
    fa::field_at<1>(t) = "hello";
    fa::field_at<8>(t)[1] = 2.5;
    fa::field_at<18>(t).y = 9;
    CHECK(t.s == "hello");
    CHECK(t.pair[1] == 2.5);
    CHECK(t.last.y == 9);
    Point p{3, 4};
    auto [x, y] = fa::tie_fields(p);
    x = 30;
    CHECK(p.x == 30);
    CHECK(y == 4);
  }

  TEST_CASE("names are usable in constant expressions") {
    constexpr std::string_view name = fa::field_names<Point>[1];
    static_assert(name == "y");
    CHECK(name.size() == 1);
  }
}

}  // namespace test_reflect_file
