// tests/json/test_rules.cpp: json/rules.hpp — Rule, Field, Default, Email and Pydantic v2 error words.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/json/rules.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_rules_file {

namespace fa = fastapi;

namespace rules_test {

struct UserCreate {
  fa::Email email;
  fa::Field<std::string, fa::Rule{.min_length = 3, .max_length = 50}> username;
  fa::Field<std::string, fa::Rule{.alias = "passWord", .min_length = 8}> password;
  std::optional<std::string> bio;
  fa::Default<int, fa::Rule{.ge = 1}> quantity = 1;
};

using Price = fa::Field<double, fa::Rule{.title = "Price", .gt = 0.5, .le = 99.75, .multiple_of = 0.25}>;
using Slug = fa::Field<std::string, fa::Rule{.pattern = "^[a-z]+$"}>;
using Tags = fa::Field<std::vector<std::string>, fa::Rule{.min_length = 1, .max_length = 3}>;
using MaybeName = fa::Field<std::optional<std::string>, fa::Rule{.max_length = 4}>;

}  // namespace rules_test

using namespace rules_test;

// ---- traits ----
static_assert(fa::reflectable<UserCreate>);
static_assert(fa::field_count<UserCreate> == 5);
static_assert(fa::field_names<UserCreate>[2] == "password");
static_assert(fa::field_rule<decltype(UserCreate::password)>.alias.view() == "passWord");
static_assert(fa::field_rule<decltype(UserCreate::username)>.max_length == 50);
static_assert(fa::field_rule<std::string> == fa::Rule{});
static_assert(fa::field_rule<Price>.gt == 0.5 && fa::field_rule<Price>.multiple_of == 0.25);
static_assert(fa::field_rule<Price>.title.view() == "Price");
static_assert(fa::is_field<Price> && fa::is_field<const Price> && !fa::is_field<double>);
static_assert(fa::is_field<fa::Default<int>>);
static_assert(std::is_same_v<fa::field_value_t<Price>, double>);
static_assert(std::is_same_v<fa::field_value_t<std::string>, std::string>);
static_assert(fa::is_required<fa::Email>);
static_assert(fa::is_required<decltype(UserCreate::username)>);
static_assert(!fa::is_required<std::optional<std::string>>);
static_assert(!fa::is_required<fa::Default<int, fa::Rule{.ge = 1}>>);
static_assert(!fa::is_required<MaybeName>);
static_assert(fa::is_required<int>);
static_assert(fa::Default<int>::has_default && !Price::has_default);
static_assert(!fa::Rule{}.has_number_rule() && !fa::Rule{}.has_length_rule());
static_assert(fa::Rule{.lt = 3}.has_lt() && !fa::Rule{.lt = 3}.has_gt());
static_assert(std::is_convertible_v<const char*, fa::Field<std::string>>);
static_assert(!std::is_convertible_v<int, fa::Field<std::vector<int>>>);  // vector(size) is explicit
static_assert(std::is_constructible_v<fa::Field<std::vector<int>>, int>);

TEST_SUITE("json/rules") {
  TEST_CASE("a Field behaves like its value") {
    fa::Field<std::string, fa::Rule{.min_length = 3}> s = "abc";
    const std::string& ref = s;
    CHECK(ref == "abc");
    CHECK(s == "abc");
    CHECK("abc" == s);
    CHECK(s == std::string("abc"));
    CHECK(s->size() == 3);
    CHECK(*s == "abc");
    s.value += "d";
    CHECK(s.value == "abcd");
    fa::Field<int> n = 5;
    int plain = n;
    CHECK(plain == 5);
    CHECK(n == 5);
    CHECK(n == fa::Field<int>{5});
  }

  TEST_CASE("a Default member keeps its initializer when the struct is value-initialized") {
    UserCreate u{};
    CHECK(u.quantity == 1);
    CHECK(!u.bio);
    CHECK(u.username.value.empty());
  }

  TEST_CASE("number rules give Pydantic's types, messages and ctx") {
    auto v = fa::check_number(0, fa::Rule{.ge = 1});
    REQUIRE(v);
    CHECK(v->type == "greater_than_equal");
    CHECK(v->msg == "Input should be greater than or equal to 1");
    REQUIRE(v->context().size() == 1);
    CHECK(v->ctx[0].key == "ge");
    CHECK(v->ctx[0].number == 1);
    CHECK_FALSE(v->ctx[0].is_text);

    CHECK(fa::check_number(5, fa::Rule{.gt = 5})->msg == "Input should be greater than 5");
    CHECK(fa::check_number(5, fa::Rule{.gt = 5})->type == "greater_than");
    CHECK(fa::check_number(5.5, fa::Rule{.lt = 5.5})->msg == "Input should be less than 5.5");
    CHECK(fa::check_number(5.5, fa::Rule{.lt = 5.5})->type == "less_than");
    CHECK(fa::check_number(11, fa::Rule{.le = 10})->msg == "Input should be less than or equal to 10");
    CHECK(fa::check_number(11, fa::Rule{.le = 10})->type == "less_than_equal");
    CHECK(fa::check_number(7, fa::Rule{.multiple_of = 3})->msg == "Input should be a multiple of 3");
    CHECK(fa::check_number(7, fa::Rule{.multiple_of = 3})->type == "multiple_of");
    CHECK(fa::check_number(-0.5, fa::Rule{.ge = 0.1})->msg == "Input should be greater than or equal to 0.1");
    CHECK(fa::check_number(1e21, fa::Rule{.lt = 1e20})->msg == "Input should be less than 100000000000000000000");
  }

  TEST_CASE("numbers inside the bounds pass, at the edges as Pydantic decides") {
    CHECK_FALSE(fa::check_number(1, fa::Rule{.ge = 1}));
    CHECK(fa::check_number(1, fa::Rule{.gt = 1}));
    CHECK_FALSE(fa::check_number(10, fa::Rule{.le = 10}));
    CHECK(fa::check_number(10, fa::Rule{.lt = 10}));
    CHECK_FALSE(fa::check_number(9, fa::Rule{.multiple_of = 3}));
    CHECK_FALSE(fa::check_number(0.3, fa::Rule{.multiple_of = 0.1}));  // within 1e-9 relative
    CHECK(fa::check_number(0.35, fa::Rule{.multiple_of = 0.1}));
    CHECK_FALSE(fa::check_number(9007199254740993LL, fa::Rule{.gt = 9007199254740992.0}));  // exact for int64
    CHECK(fa::check_number(std::numeric_limits<double>::quiet_NaN(), fa::Rule{.ge = 0}));
    CHECK_FALSE(fa::check_number(123456, fa::Rule{}));
  }

  TEST_CASE("the first broken number rule is reported in Pydantic's order") {
    auto v = fa::check_number(7, fa::Rule{.gt = 10, .le = 5, .multiple_of = 2});
    CHECK(v->type == "multiple_of");
    v = fa::check_number(8, fa::Rule{.gt = 10, .le = 5, .multiple_of = 2});
    CHECK(v->type == "less_than_equal");
  }

  TEST_CASE("string length rules count characters and say character or characters") {
    auto v = fa::check_length(2, fa::Rule{.min_length = 3}, fa::LengthOf::string);
    CHECK(v->type == "string_too_short");
    CHECK(v->msg == "String should have at least 3 characters");
    CHECK(v->ctx[0].key == "min_length");
    CHECK(v->ctx[0].number == 3);
    CHECK(v->ctx_size == 1);
    CHECK(fa::check_length(0, fa::Rule{.min_length = 1}, fa::LengthOf::string)->msg ==
          "String should have at least 1 character");
    v = fa::check_length(51, fa::Rule{.max_length = 50}, fa::LengthOf::string);
    CHECK(v->type == "string_too_long");
    CHECK(v->msg == "String should have at most 50 characters");
    CHECK(v->ctx[0].key == "max_length");
    CHECK_FALSE(fa::check_length(50, fa::Rule{.min_length = 3, .max_length = 50}, fa::LengthOf::string));
    CHECK(fa::utf8_length("h\xC3\xA9llo") == 5);  // "héllo": 5 characters, 6 bytes
  }

  TEST_CASE("container length rules use too_short and too_long with field_type and actual_length") {
    auto v = fa::check_length(0, fa::Rule{.min_length = 1}, fa::LengthOf::list);
    CHECK(v->type == "too_short");
    CHECK(v->msg == "List should have at least 1 item after validation, not 0");
    REQUIRE(v->context().size() == 3);
    CHECK(v->ctx[0].key == "field_type");
    CHECK(v->ctx[0].is_text);
    CHECK(v->ctx[0].text == "List");
    CHECK(v->ctx[1].key == "min_length");
    CHECK(v->ctx[1].number == 1);
    CHECK(v->ctx[2].key == "actual_length");
    CHECK(v->ctx[2].number == 0);
    v = fa::check_length(4, fa::Rule{.max_length = 3}, fa::LengthOf::list);
    CHECK(v->type == "too_long");
    CHECK(v->msg == "List should have at most 3 items after validation, not 4");
    CHECK(fa::check_length(3, fa::Rule{.max_length = 2}, fa::LengthOf::dictionary)->msg ==
          "Dictionary should have at most 2 items after validation, not 3");
    CHECK(fa::check_length(0, fa::Rule{.min_length = 2}, fa::LengthOf::set)->msg ==
          "Set should have at least 2 items after validation, not 0");
  }

  TEST_CASE("pattern is searched, not fully matched, and reported with the pattern") {
    CHECK_FALSE(fa::check_pattern<fa::Rule{.pattern = "[0-9]+"}>("abc123def"));
    auto v = fa::check_pattern<fa::Rule{.pattern = "^[a-z]+$"}>("abc1");
    REQUIRE(v);
    CHECK(v->type == "string_pattern_mismatch");
    CHECK(v->msg == "String should match pattern '^[a-z]+$'");
    CHECK(v->ctx[0].key == "pattern");
    CHECK(v->ctx[0].text == "^[a-z]+$");
    CHECK(fa::check_pattern("ABC", fa::Rule{.pattern = "^[a-z]+$"})->msg == "String should match pattern '^[a-z]+$'");
    CHECK_FALSE(fa::check_pattern("anything", fa::Rule{}));
  }

  TEST_CASE("a Field's pattern is compiled once and shared by every check") {
    constexpr fa::Rule r{.pattern = "^compiled-once-[0-9]$"};
    const std::size_t before = fa::detail::pattern_compilations().load();
    CHECK_FALSE(fa::check_pattern<r>("compiled-once-1"));
    CHECK(fa::check_pattern<r>("compiled-once-x"));
    CHECK_FALSE(fa::check_value<r>(std::string("compiled-once-2")));
    CHECK(fa::detail::pattern_compilations().load() == before + 1);
    CHECK(&fa::detail::pattern_regex<r>() == &fa::detail::pattern_regex<r>());
  }

  TEST_CASE("check_member applies a Field's Rule to its value, Email's syntax, and skips the rest") {
    UserCreate u{"someone@example.com", "al", "12345678", std::nullopt, 0};
    CHECK_FALSE(fa::check_member(u.email));
    CHECK(fa::check_member(u.username)->type == "string_too_short");
    CHECK_FALSE(fa::check_member(u.password));
    CHECK_FALSE(fa::check_member(u.bio));
    CHECK(fa::check_member(u.quantity)->msg == "Input should be greater than or equal to 1");
    CHECK(fa::check_member(Price{0.25})->type == "greater_than");
    CHECK(fa::check_member(Price{0.3})->type == "multiple_of");
    CHECK(fa::check_member(Price{100})->type == "less_than_equal");
    CHECK_FALSE(fa::check_member(Price{99.75}));
    CHECK(fa::check_member(Slug{"Abc"})->type == "string_pattern_mismatch");
    CHECK(fa::check_member(Tags{std::vector<std::string>{}})->msg ==
          "List should have at least 1 item after validation, not 0");
    CHECK_FALSE(fa::check_member(MaybeName{}));
    CHECK(fa::check_member(MaybeName{std::optional<std::string>("abcde")})->type == "string_too_long");
    using Scores = fa::Field<std::map<std::string, int>, fa::Rule{.max_length = 1}>;
    CHECK(fa::check_member(Scores{std::map<std::string, int>{{"a", 1}, {"b", 2}}})->msg ==
          "Dictionary should have at most 1 item after validation, not 2");
    using Letters = fa::Field<std::set<char>, fa::Rule{.min_length = 2}>;
    CHECK(fa::check_member(Letters{std::set<char>{'a'}})->msg ==
          "Set should have at least 2 items after validation, not 1");
    u.email = "not-an-email";
    auto v = fa::check_member(u.email);
    REQUIRE(v);
    CHECK(v->type == "value_error");
    CHECK(v->msg == "value is not a valid email address: An email address must have an @-sign.");
    CHECK(v->ctx[0].key == "reason");
    CHECK(v->ctx[0].text == "An email address must have an @-sign.");
  }

  TEST_CASE("numbers are printed as Pydantic prints bounds") {
    CHECK(fa::format_number(5) == "5");
    CHECK(fa::format_number(5.5) == "5.5");
    CHECK(fa::format_number(0.1) == "0.1");
    CHECK(fa::format_number(-3) == "-3");
    CHECK(fa::format_number(1e-7) == "0.0000001");
    CHECK(fa::format_number(1e20) == "100000000000000000000");
  }

  TEST_CASE("valid e-mail addresses are accepted") {
    const char* valid[] = {
        "a@example.com",
        "user@example.com",
        "first.last@example.com",
        "user+tag@example.co.uk",
        "x_y-z@sub.domain.example.org",
        "UPPER@EXAMPLE.COM",
        "1234567890@numbers.io",
        "o'reilly@example.com",
        "!#$%&'*+-/=?^_`{|}~@example.com",
        "user@xn--bcher-kva.example",
        "user@a-b.c-d.example.com",
        "  padded@example.com  ",
        "j\xC3\xB6rg@example.com",  // non-ASCII local part (SMTPUTF8)
        "me@localhost.example.com",
        "me@my-test.com",
        "a@b.co",
        "user@example.museum",
        "dotted.local.part@example.com",
        "x@123.example.com",
        "postmaster@example.com",
        "a.b.c.d.e.f@example.com",
    };
    for (const char* address : valid) {
      CAPTURE(address);
      CHECK_FALSE(fa::detail::check_email(address));
    }
    std::string long_local(64, 'a');
    long_local += "@example.com";
    CHECK_FALSE(fa::detail::check_email(long_local));
  }

  TEST_CASE("invalid e-mail addresses are refused in email-validator's words") {
    const std::pair<const char*, const char*> invalid[] = {
        {"", "An email address must have an @-sign."},
        {"plainaddress", "An email address must have an @-sign."},
        {"@example.com", "There must be something before the @-sign."},
        {"user@", "There must be something after the @-sign."},
        {"user@localhost", "The part after the @-sign is not valid. It should have a period."},
        {"john doe@example.com", "The email address contains invalid characters before the @-sign: SPACE."},
        {"a(b)c@example.com", "The email address contains invalid characters before the @-sign: '(', ')'."},
        {"a\\b@example.com", "The email address contains invalid characters before the @-sign: \"\\\"."},
        {"a\tb@example.com", "The email address contains invalid characters before the @-sign: U+0009."},
        {"a,\"b\"@example.com", "The email address contains invalid characters before the @-sign: '\"', ','."},
        {"a\"b@example.com", "An email address must have an @-sign."},  // an open quote hides the @
        {".user@example.com", "An email address cannot start with a period."},
        {"user.@example.com", "An email address cannot have a period immediately before the @-sign."},
        {"us..er@example.com", "An email address cannot have two periods in a row."},
        {"\"john doe\"@example.com", "Quoting the part before the @-sign is not allowed here."},
        {"user@b@example.com", "The part after the @-sign contains invalid characters: '@'."},
        {"user@exa mple.com", "The part after the @-sign contains invalid characters: SPACE."},
        {"user@exam_ple.com", "The part after the @-sign contains invalid characters: '_'."},
        {"user@.example.com", "An email address cannot have a period immediately after the @-sign."},
        {"user@example.com.", "An email address cannot end with a period."},
        {"user@example..com", "An email address cannot have two periods in a row."},
        {"user@-example.com", "An email address cannot have a hyphen immediately after the @-sign."},
        {"user@example.com-", "An email address cannot end with a hyphen."},
        {"user@example-.com", "An email address cannot have a period and a hyphen next to each other."},
        {"user@ab--cd.com",
         "An email address cannot have two letters followed by two dashes immediately after the @-sign or after a "
         "period, except Punycode."},
        {"user@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain."},
        {"user@machine.local",
         "The part after the @-sign is a special-use or reserved name that cannot be used with email."},
        {"user@foo.test",
         "The part after the @-sign is a special-use or reserved name that cannot be used with email."},
        {"user@[192.168.0.1]", "A bracketed IPv4 address after the @-sign is not allowed here."},
        {"user@[IPv6:::1]", "A bracketed IPv6 address after the @-sign is not allowed here."},
        {"user@b\xC3\xBC"
         "cher.de",
         "The part after the @-sign contains invalid characters (internationalized domain names are not supported)."},
    };
    for (const auto& entry : invalid) {
      const std::string_view address = entry.first, reason = entry.second;
      CAPTURE(address);
      auto got = fa::detail::check_email(address);
      REQUIRE(got);
      CHECK(*got == reason);
    }
  }

  TEST_CASE("e-mail length limits are counted as email-validator counts them") {
    CHECK(*fa::detail::check_email(std::string(65, 'a') + "@example.com") ==
          "The email address is too long before the @-sign (1 character too many).");
    CHECK(*fa::detail::check_email(std::string(66, 'a') + "@example.com") ==
          "The email address is too long before the @-sign (2 characters too many).");
    CHECK(*fa::detail::check_email("a@" + std::string(64, 'b') + ".com") ==
          "After the @-sign, periods cannot be separated by so many characters (1 character too many).");
    std::string domain;
    for (int i = 0; i < 4; ++i)
      domain.append(63, 'd').append(".");  // not string + ".": g++ 12's -Warray-bounds false positive at -O2
    domain += "com";                       // 4 * 64 + 3 = 259 characters
    CHECK(*fa::detail::check_email("a@" + domain) ==
          "The email address is too long after the @-sign (6 characters too many).");
    const std::string long_address = std::string(64, 'l') + "@" + std::string(63, 'd') + "." + std::string(63, 'e') +
                                     "." + std::string(63, 'f') + "." + std::string(61, 'g');  // 64 + 1 + 253 = 318
    CHECK(*fa::detail::check_email(long_address) == "The email address is too long (64 characters too many).");
    CHECK(*fa::detail::check_email(std::string(2049, 'a')) == "Length must not exceed 2048 characters");
  }

  TEST_CASE("an Email converts like a string") {
    fa::Email e = "someone@example.com";
    const std::string& s = e;
    std::string_view v = e;
    CHECK(s == "someone@example.com");
    CHECK(v == s);
    CHECK(e == "someone@example.com");
    CHECK(e->size() == 19);
    CHECK(fa::validate_email(*e) == std::nullopt);
  }
}

}  // namespace test_rules_file
