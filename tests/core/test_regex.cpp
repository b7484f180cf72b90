// tests/core/test_regex.cpp: fastapi's own pattern matcher (core/regex.hpp): the same answers as std::regex
// (ECMAScript) on generated patterns and inputs, every documented pattern shape on 1 MiB inputs under a 64 KiB
// stack in linear time, and a sentence for every pattern it refuses. std::regex is the reference, asked through
// tests/support/regex_reference.hpp (compiled at -O2 in a file of its own: at the tests' -O0 it was 26 s of the
// suite's CPU).
#include <doctest/doctest.h>
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fastapi/core/regex.hpp"
#include "support/regex_reference.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_regex_file {

namespace fa = fastapi;
using fa::detail::Regex;
using fa::detail::RegexError;

/// A random pattern over the letters a, b and the digit 1, built from the constructs both engines share.
struct PatternMaker {
  std::mt19937 rng;
  int pick(int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); }

  std::string atom(int depth) {
    switch (pick(depth >= 1 ? 6 : 9)) {  // no group in a group: std::regex backtracks exponentially on those
      case 0: return "a";
      case 1: return "b";
      case 2: return ".";
      case 3:
        return std::vector<std::string>{"[ab]", "[^a]", "[a-b1]", "\\d", "\\w", "\\D", "[\\d]", "[^\\w]"}[pick(8)];
      case 4: return "1";
      case 5: return std::vector<std::string>{"\\b", "\\B", "a"}[pick(3)];
      case 6: return "(" + alternation(depth + 1) + ")";
      case 7: return "(?:" + alternation(depth + 1) + ")";
      default: return "(" + alternation(depth + 1) + "|" + alternation(depth + 1) + ")";
    }
  }
  std::string piece(int depth) {
    std::string a = atom(depth);
    if (a == "\\b" || a == "\\B") return a;  // ECMAScript refuses a quantified assertion too
    static const char* quantifiers[] = {"", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "*?", "+?", "??", "{1,3}?"};
    return a + quantifiers[pick(13)];
  }
  std::string concatenation(int depth) {
    std::string out;
    for (int k = 0, n = 1 + pick(depth == 0 ? 4 : 2); k < n; ++k) out += piece(depth);
    return out;
  }
  std::string alternation(int depth) {
    std::string out = concatenation(depth);
    if (pick(5) == 0) out += "|" + concatenation(depth);
    return out;
  }
  std::string pattern() {
    std::string p = alternation(0);
    if (pick(3) == 0) p = "^" + p;
    if (pick(3) == 0) p += "$";
    return p;
  }
};

/// Every string over {a, b, 1, space} up to `max_length` characters.
std::vector<std::string> all_inputs(std::size_t max_length) {
  std::vector<std::string> out{""};
  for (std::size_t begin = 0, length = 1; length <= max_length; ++length) {
    const std::size_t end = out.size();
    for (std::size_t k = begin; k < end; ++k)
      for (char c : {'a', 'b', '1', ' '}) out.push_back(out[k] + c);
    begin = end;
  }
  return out;
}

/// Runs fn on a thread whose whole stack is `stack_bytes`; true when it returned.
bool run_on_small_stack(std::size_t stack_bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<std::function<void()>*>(arg))();
    return nullptr;
  };
  const bool started = pthread_create(&thread, &attr, trampoline, &fn) == 0;
  pthread_attr_destroy(&attr);
  if (started) pthread_join(thread, nullptr);
  return started;
}

TEST_SUITE("core/regex") {
  TEST_CASE("generated patterns match the same inputs as std::regex (ECMAScript), searched and whole") {
    PatternMaker maker{std::mt19937(16)};
    const std::vector<std::string> inputs = all_inputs(4);  // 341 inputs
    std::size_t checks = 0;
    for (int n = 0; n < 200; ++n) {
      const std::string p = maker.pattern();
      CAPTURE(p);
      const Regex search = Regex::compile(p), whole = Regex::compile(p, true);
      const std::vector<RegexReference> reference = regex_reference(p, inputs);
      REQUIRE(reference.size() == inputs.size());
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        const std::string& in = inputs[i];
        CAPTURE(in);
        const bool expected_search = reference[i].search;
        const bool expected_whole = reference[i].whole;
        if (search.matches(in) != expected_search) CHECK(search.matches(in) == expected_search);
        if (whole.matches(in) != expected_whole) CHECK(whole.matches(in) == expected_whole);
        if (search.matches_uncached(in) != expected_search) CHECK(search.matches_uncached(in) == expected_search);
        checks += 2;
      }
    }
    CHECK(checks == 200 * 341 * 2);
  }

  TEST_CASE("hand-picked patterns agree with std::regex on hand-picked inputs") {
    const char* patterns[] = {"^[a-z0-9_]{3,50}$",
                              "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$",
                              "^\\d{3}-\\d{4}$",
                              "^(ab|cd)*$",
                              "x{2,4}y",
                              "\\bfoo\\b",
                              "a.c",
                              "(?:x|)+y",
                              "^\\s*$",
                              "[^\\s]+",
                              "\\W",
                              "^[\\w.-]+$",
                              "colou?r",
                              "^(?:[01]?\\d|2[0-3]):[0-5]\\d$",
                              "a{0}b",
                              "^$",
                              "\\.",
                              "[.]",
                              "[a\\-z]",
                              "[-a]",
                              "[a-]",
                              "\\x41\\u0042",
                              "\\t"};
    const char* inputs[] = {"",     "abc",      "abc_123", "ab",   "a@b.co", "john.doe@mail.example.com",
                            "x@y",  "555-1234", "5551234", "abcd", "cdab",   "xxxy",
                            "xy",   "foo bar",  "afoo",    "a\nc", "abc",    "y",
                            "xxy",  "   ",      "\t",      "a-b",  "12:59",  "24:00",
                            "9:05", "b",        "AB",      "-",    "z",      "."};
    const std::vector<std::string> all(std::begin(inputs), std::end(inputs));
    for (const char* p : patterns) {
      const Regex ours = Regex::compile(p);
      const std::vector<RegexReference> reference = regex_reference(p, all);
      REQUIRE(reference.size() == all.size());
      for (std::size_t i = 0; i < all.size(); ++i) {
        CAPTURE(p);
        CAPTURE(all[i]);
        CHECK(ours.matches(all[i]) == reference[i].search);
      }
    }
  }

  TEST_CASE("a dot and a class read one UTF-8 code point; an invalid byte is one character only . and [^...] match") {
    CHECK(Regex::compile("^.$").matches("é"));  // two bytes, one code point
    CHECK(Regex::compile("^.$").matches("😀"));  // four bytes
    CHECK_FALSE(Regex::compile("^..$").matches("é"));
    CHECK(Regex::compile("^[é]$").matches("é"));
    CHECK(Regex::compile("^[à-ü]+$").matches("éèü"));
    CHECK(Regex::compile("^[^a]$").matches("\xff"));  // an invalid byte
    CHECK_FALSE(Regex::compile("^[\\x00-\\x{10FFFF}]$").matches("\xff"));
    CHECK(Regex::compile("^\\w+$").matches("abc_9"));
    CHECK_FALSE(Regex::compile("^\\w+$").matches("é"));  // \w is ASCII, as in ECMAScript
    CHECK(Regex::compile("^\\W$").matches("é"));
    CHECK_FALSE(Regex::compile("^.$").matches("\n"));  // as Python and Rust: . is anything but \n
    CHECK(Regex::compile("^[\\s\\S]$").matches("\n"));
  }

  TEST_CASE("Python's and Rust's spellings: named groups, \\A \\z \\Z, {,n}, comments, ] first in a class") {
    CHECK(Regex::compile("^(?P<user>[a-z]+)@(?<host>[a-z]+)$").matches("bob@example"));
    CHECK(Regex::compile("\\Aab\\z").matches("ab"));
    CHECK_FALSE(Regex::compile("\\Aab\\z").matches("xab"));
    CHECK_FALSE(Regex::compile("ab\\Z").matches("abc"));
    CHECK(Regex::compile("^a{,2}$").matches("aa"));
    CHECK_FALSE(Regex::compile("^a{,2}$").matches("aaa"));
    CHECK(Regex::compile("^a(?#a comment)b$").matches("ab"));
    CHECK(Regex::compile("^[]a]+$").matches("]a"));
    CHECK(Regex::compile("^a{x}$").matches("a{x}"));  // not a repetition: literal braces, as Python
  }

  TEST_CASE("each documented pattern shape matches a 1 MiB input under a 64 KiB stack, in linear time") {
    const std::string mib_a(1u << 20, 'a');
    std::string mib_mixed;
    for (std::size_t k = 0; mib_mixed.size() < (1u << 20); ++k) mib_mixed += k % 7 == 0 ? "é" : "x1_ ";
    struct Shape {
      const char* pattern;
      const std::string* input;
      bool expected;
    };
    const Shape shapes[] = {
        {"^[a-z]+$", &mib_a, true},    {"^[^0-9]+$", &mib_a, true},   {"^a*$", &mib_a, true},
        {"^(?:a|b)+$", &mib_a, true},  {"^(a+)+$", &mib_a, true},     {"^(a*)*b$", &mib_a, false},
        {"^(a|aa)*c$", &mib_a, false}, {"^.*$", &mib_mixed, true},    {"^[\\w\\sé]+$", &mib_mixed, true},
        {"\\d", &mib_mixed, true},     {"^\\D+$", &mib_mixed, false}, {"^(?:x1_ |é)*$", &mib_mixed, true},
        {"^a{3,50}$", &mib_a, false},  {"a{20}$", &mib_a, true},      {"^a*?b", &mib_a, false},
        {"\\bz\\b", &mib_a, false},    {"^.+?\\z", &mib_mixed, true}, {"(ab|a)*c", &mib_a, false},
    };
    for (const Shape& s : shapes) {
      CAPTURE(s.pattern);
      const Regex r = Regex::compile(s.pattern);
      bool got = !s.expected;
      const bool ran = run_on_small_stack(64 * 1024, [&] { got = r.matches(*s.input); });
      REQUIRE(ran);
      CHECK(got == s.expected);
    }
    // Linear: four times the input takes about four times as long (backtracking (a*)*b would take forever).
    // Measured in this thread's CPU time, best of five: the suite runs beside builds, and wall time would count
    // the time this thread waited for a core.
    const Regex r = Regex::compile("^(a*)*b$");
    auto thread_cpu_seconds = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    };
    auto best = [&](std::size_t n) {
      const std::string in(n, 'a');
      double t = 1e300;
      for (int k = 0; k < 5; ++k) {
        const double t0 = thread_cpu_seconds();
        CHECK_FALSE(r.matches(in));
        t = std::min(t, thread_cpu_seconds() - t0);
      }
      return t;
    };
    const double small = best(1u << 18), large = best(1u << 20);
    CAPTURE(small);
    CAPTURE(large);
    CHECK(large < small * 12);  // 4x expected; quadratic would be 16x, backtracking astronomically more
  }

  TEST_CASE("the cached DFA starts over when full, and threads sharing one pattern get the same answers") {
    // a[ab]{9}$ needs 2^10 sets of states: more than the cache holds (512), so it starts over mid-input.
    const Regex tenth_from_end = Regex::compile("a[ab]{9}$");
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
      std::string in;
      for (int k = 0; k < 3000; ++k) in += rng() % 2 ? 'a' : 'b';
      CHECK(tenth_from_end.matches(in) == (in[in.size() - 10] == 'a'));
    }
    const Regex user = Regex::compile("^[a-z0-9_]{3,50}$");
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int k = 0; k < 3000; ++k) {
          const std::string in(static_cast<std::size_t>((k + t) % 60), k % 7 == 0 ? 'A' : 'x');
          const bool expected = in.size() >= 3 && in.size() <= 50 && k % 7 != 0;
          if (user.matches(in) != expected) wrong.fetch_add(1);
        }
      });
    for (auto& th : threads) th.join();
    CHECK(wrong.load() == 0);
  }

  TEST_CASE("unsupported and malformed patterns are refused, each with a sentence naming the pattern and the reason") {
    struct Refusal {
      const char* pattern;
      RegexError error;
      const char* words;
    };
    const Refusal refusals[] = {
        {"(a)\\1", RegexError::backreference, "backreferences"},
        {"(?P<x>a)(?P=x)", RegexError::backreference, "backreferences"},
        {"(?<x>a)\\k<x>", RegexError::backreference, "backreferences"},
        {"a(?=b)", RegexError::lookaround, "lookahead and lookbehind"},
        {"a(?!b)", RegexError::lookaround, "lookahead and lookbehind"},
        {"(?<=a)b", RegexError::lookaround, "lookahead and lookbehind"},
        {"(?<!a)b", RegexError::lookaround, "lookahead and lookbehind"},
        {"(?>ab)", RegexError::atomic, "atomic groups"},
        {"a*+", RegexError::possessive, "possessive"},
        {"a{2}+", RegexError::possessive, "possessive"},
        {"(?i)abc", RegexError::inline_flags, "inline flags"},
        {"(?i:abc)", RegexError::inline_flags, "inline flags"},
        {"(?(1)a|b)", RegexError::conditional, "conditional"},
        {"\\p{L}", RegexError::unicode_class, "Unicode classes"},
        {"[[:alpha:]]", RegexError::posix_class, "POSIX classes"},
        {"[a-z&&[^aeiou]]", RegexError::class_operation, "set operations"},
        {"(ab", RegexError::unbalanced_group, "parentheses"},
        {"ab)", RegexError::unbalanced_group, "parentheses"},
        {"[ab", RegexError::unterminated_class, "not closed"},
        {"[z-a]", RegexError::bad_range, "reversed"},
        {"*a", RegexError::nothing_to_repeat, "nothing it could repeat"},
        {"^*", RegexError::nothing_to_repeat, "nothing it could repeat"},
        {"a**", RegexError::multiple_repeat, "two quantifiers"},
        {"a{1001}", RegexError::repeat_too_large, "above 1000"},
        {"a{5,2}", RegexError::bad_repeat, "greater than"},
        {"ab\\", RegexError::trailing_backslash, "lone backslash"},
        {"\\q", RegexError::bad_escape, "unknown escape"},
        {"\\xZZ", RegexError::bad_escape, "unknown escape"},
        {"(?:a{1000}){1000}", RegexError::too_large, "more than 20000 instructions"},
        {"[a-z]{1000}[a-z]{1000}[a-z]{1000}(?:x{1000}){20}", RegexError::too_large, "more than 20000"},
        {"\xff", RegexError::bad_utf8, "UTF-8"},
    };
    for (const Refusal& r : refusals) {
      CAPTURE(r.pattern);
      CHECK(fa::detail::check_regex(r.pattern).error == r.error);
      const std::string prefix = std::string("fastapi: pattern \"") + r.pattern + "\" is not supported: ";
      CHECK_THROWS_WITH_AS((void)Regex::compile(r.pattern), doctest::Contains(prefix.c_str()), fa::ConfigurationError);
      CHECK_THROWS_WITH_AS((void)Regex::compile(r.pattern), doctest::Contains(r.words), fa::ConfigurationError);
    }
    std::string deep;
    for (int k = 0; k < 65; ++k) deep += "(";
    deep += "a";
    for (int k = 0; k < 65; ++k) deep += ")";
    CHECK(fa::detail::check_regex(deep).error == RegexError::too_deep);
  }

  TEST_CASE("the check runs at compile time, and counts the instructions the run-time compiler emits") {
    static_assert(fa::detail::check_regex("^[a-z0-9_]{3,50}$").error == RegexError::none);
    static_assert(fa::detail::check_regex("(a)\\1").error == RegexError::backreference);
    for (const char* p : {"^[a-z0-9_]{3,50}$", "(a|b|c)*x{2,5}", "a{0,3}(?:bc)+|d?", "x{3}"}) {
      CAPTURE(p);
      CHECK(fa::detail::check_regex(p).program_size == Regex::compile(p).program_size());
      CHECK(fa::detail::check_regex(p, true).program_size == Regex::compile(p, true).program_size());
    }
  }
}

}  // namespace test_regex_file
