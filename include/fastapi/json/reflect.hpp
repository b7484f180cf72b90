// json/reflect.hpp: the data members of a plain aggregate, by position and by name, with no macro. Fed by core/; feeds json/rules, json/read and json/write. Knows nothing of JSON, rules or HTTP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "fastapi/core/meta.hpp"

namespace fastapi {

// How it works, in three steps (each checked on g++ 12 and clang++ 14):
//  1. Count: T{p, p, ...} is tried with fewer and fewer probes p, objects convertible to anything;
//     the largest count that compiles is the number of members. Then each position is checked
//     to hold one whole member: a C array takes several probes by brace elision, and is refused.
//  2. Bind: a table of structured bindings, one line per member count (1..max_fields), turns an
//     object into a pack of member references.
//  3. Name: the address of member I of a never-defined `extern` object is a constant; passed as a
//     template argument, the compiler prints it in __PRETTY_FUNCTION__ (g++: `(& obj.T::name)`,
//     clang++: `{&obj.name}`), and the name is the last identifier there.

/// Most data members a reflected struct may have.
inline constexpr std::size_t max_fields = 64;

namespace detail {

// ---- step 1: counting members ------------------------------------------------------------

/// Converts to anything; never called (only named in unevaluated requires-expressions). The probes' conversions
/// have bodies all the same: clang's `-fpch-instantiate-templates -fpch-codegen` (docs/compile_time.md) emits
/// every function template a requires-expression instantiated (std::optional's converting constructor from a
/// probe, say), and those name the conversion: declared only, the program would not link.
struct ProbeAny {
  template <class U>
  operator U() const noexcept {  // implicit on purpose
    std::abort();
  }
};
/// Converts to anything but pointers: `{ProbeAny}` is ambiguous for std::unique_ptr,
/// std::shared_ptr and std::string_view (pointer constructor vs move constructor); this is not.
struct ProbeNoPointer {
  template <class U>
    requires(!std::is_pointer_v<U> && !std::is_null_pointer_v<U>)
  operator U() const noexcept { std::abort(); }
};
/// Converts only to class types: for members whose class also converts from a scalar
/// (`struct Id { Id(int); }`: `{ProbeAny}` is ambiguous between Id(int) and the move constructor).
struct ProbeClass {
  template <class U>
    requires std::is_class_v<U>
  operator U() const noexcept { std::abort(); }
};
/// Converts only to the base classes of T: `T{ProbeBase<T>{}}` compiles iff T has a base.
template <class T>
struct ProbeBase {
  template <class U>
    requires(std::is_base_of_v<U, T> && !std::is_same_v<U, T>)
  operator U() const noexcept { std::abort(); }
};

/// What counting found: `count` members, or `stuck`: no member count fits (a non-const
/// reference member), or member number `count` is a C array or a type no probe fits.
struct FieldCount {
  std::size_t count;
  bool stuck;
};

template <std::size_t>
using Plain = ProbeAny;

/// T{p, p, ..., p} with N bare probes: true for every N from the last member without a default
/// up to the number of "slots" (a C array of K elements takes K slots by brace elision).
template <class T, std::size_t... I>
consteval bool accepts_probes(std::index_sequence<I...>) {
  return requires { T{Plain<I>{}...}; };
}

/// Is slot number sizeof...(Before) one whole member? Put a braced initializer there, bare
/// probes elsewhere: a C array swallows the braces and leaves too many bare probes.
template <class T, std::size_t... Before, std::size_t... After>
consteval bool is_single_member(std::index_sequence<Before...>, std::index_sequence<After...>) {
  // clang-format off
  return requires { T{Plain<Before>{}..., {ProbeAny{}}, Plain<After>{}...}; } ||
         requires { T{Plain<Before>{}..., {ProbeNoPointer{}}, Plain<After>{}...}; } ||
         requires { T{Plain<Before>{}..., {ProbeClass{}}, Plain<After>{}...}; } ||
         requires { T{Plain<Before>{}..., {}, Plain<After>{}...}; };
  // clang-format on
}

/// The largest N (up to max_fields + 1) for which T accepts N bare probes, or -1 if none does.
/// Searched upwards: the counts that compile form one run [first, slots], where `first` is 0
/// unless some member has no default.
template <class T, std::size_t N = 0, bool Found = false>
consteval std::ptrdiff_t count_slots() {
  if constexpr (N > max_fields + 1) {
    return Found ? static_cast<std::ptrdiff_t>(N - 1) : -1;
  } else if constexpr (accepts_probes<T>(std::make_index_sequence<N>{})) {
    return count_slots<T, N + 1, true>();
  } else if constexpr (Found) {
    return static_cast<std::ptrdiff_t>(N - 1);
  } else {
    return count_slots<T, N + 1, false>();
  }
}

/// The first slot that is not one whole member, or N if all are.
template <class T, std::size_t N, std::size_t I = 0>
consteval std::size_t first_odd_slot() {
  if constexpr (I == N) {
    return N;
  } else if constexpr (!is_single_member<T>(std::make_index_sequence<I>{}, std::make_index_sequence<N - I - 1>{})) {
    return I;
  } else {
    return first_odd_slot<T, N, I + 1>();
  }
}

template <class T>
inline constexpr bool has_base_class = requires {
  T{ProbeBase<T>{}};
};

template <class T>
consteval FieldCount count_fields() {
  if constexpr (!std::is_aggregate_v<T> || std::is_union_v<T> || std::is_array_v<T> || has_base_class<T>) {
    return {0, false};
  } else {
    constexpr std::ptrdiff_t slots = count_slots<T>();
    if constexpr (slots < 0) {
      return {0, true};
    } else if constexpr (slots > static_cast<std::ptrdiff_t>(max_fields)) {
      return {static_cast<std::size_t>(slots), false};
    } else {
      constexpr std::size_t n = static_cast<std::size_t>(slots);
      constexpr std::size_t odd = first_odd_slot<T, n>();
      return {odd, odd != n};
    }
  }
}

// ---- step 2: binding members ---------------------------------------------------------------

/// The declared types of a struct's members, as structured bindings see them (`int`, `const int&`).
template <class... Declared>
struct Types {};

/// Calls fn(Types<declared member types...>{}, m0, m1, ...) with a reference to each data member
/// of obj (const if obj is). C++20 cannot write a binding of N names for a given N, so the body has
/// one line per N, written by scripts/gen_reflect_ladder.py (its --check runs in scripts/test.sh);
/// line n reads, with k = n - 1:
///   else if constexpr (N == n) { auto& [m0, ..., mk] = obj;
///                                return fn(Types<decltype(m0), ..., decltype(mk)>{}, m0, ..., mk); }
template <std::size_t N, class T, class Fn>
constexpr decltype(auto) visit_members(T& obj, Fn&& fn) {
  static_assert(N <= max_fields, "fastapi: a reflected struct may have at most 64 data members"
                                 " (docs/compile_errors.md#json-reflect-too-many-members)");
  // clang-format off
  // BEGIN visit_members ladder: generated by scripts/gen_reflect_ladder.py, do not edit by hand
  if constexpr (N == 0) { (void)obj; return fn(Types<>{}); }
  else if constexpr (N == 1) { auto& [m0] = obj; return fn(Types<decltype(m0)>{}, m0); }
  else if constexpr (N == 2) { auto& [m0, m1] = obj; return fn(Types<decltype(m0), decltype(m1)>{}, m0, m1); }
  else if constexpr (N == 3) { auto& [m0, m1, m2] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2)>{}, m0, m1, m2); }
  else if constexpr (N == 4) { auto& [m0, m1, m2, m3] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3)>{}, m0, m1, m2, m3); }
  else if constexpr (N == 5) { auto& [m0, m1, m2, m3, m4] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4)>{}, m0, m1, m2, m3, m4); }
  else if constexpr (N == 6) { auto& [m0, m1, m2, m3, m4, m5] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5)>{}, m0, m1, m2, m3, m4, m5); }
  else if constexpr (N == 7) { auto& [m0, m1, m2, m3, m4, m5, m6] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6)>{}, m0, m1, m2, m3, m4, m5, m6); }
  else if constexpr (N == 8) { auto& [m0, m1, m2, m3, m4, m5, m6, m7] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7)>{}, m0, m1, m2, m3, m4, m5, m6, m7); }
  else if constexpr (N == 9) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8); }
  else if constexpr (N == 10) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9); }
  else if constexpr (N == 11) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10); }
  else if constexpr (N == 12) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11); }
  else if constexpr (N == 13) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12); }
  else if constexpr (N == 14) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13); }
  else if constexpr (N == 15) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14); }
  else if constexpr (N == 16) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15); }
  else if constexpr (N == 17) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16); }
  else if constexpr (N == 18) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17); }
  else if constexpr (N == 19) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18); }
  else if constexpr (N == 20) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19); }
  else if constexpr (N == 21) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20); }
  else if constexpr (N == 22) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21); }
  else if constexpr (N == 23) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22); }
  else if constexpr (N == 24) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23); }
  else if constexpr (N == 25) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24); }
  else if constexpr (N == 26) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25); }
  else if constexpr (N == 27) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26); }
  else if constexpr (N == 28) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27); }
  else if constexpr (N == 29) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28); }
  else if constexpr (N == 30) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29); }
  else if constexpr (N == 31) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30); }
  else if constexpr (N == 32) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31); }
  else if constexpr (N == 33) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32); }
  else if constexpr (N == 34) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33); }
  else if constexpr (N == 35) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34); }
  else if constexpr (N == 36) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35); }
  else if constexpr (N == 37) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36); }
  else if constexpr (N == 38) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37); }
  else if constexpr (N == 39) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38); }
  else if constexpr (N == 40) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39); }
  else if constexpr (N == 41) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40); }
  else if constexpr (N == 42) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41); }
  else if constexpr (N == 43) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42); }
  else if constexpr (N == 44) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43); }
  else if constexpr (N == 45) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44); }
  else if constexpr (N == 46) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45); }
  else if constexpr (N == 47) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46); }
  else if constexpr (N == 48) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47); }
  else if constexpr (N == 49) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48); }
  else if constexpr (N == 50) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49); }
  else if constexpr (N == 51) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50); }
  else if constexpr (N == 52) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51); }
  else if constexpr (N == 53) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52); }
  else if constexpr (N == 54) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53); }
  else if constexpr (N == 55) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54); }
  else if constexpr (N == 56) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55); }
  else if constexpr (N == 57) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56); }
  else if constexpr (N == 58) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57); }
  else if constexpr (N == 59) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57), decltype(m58)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58); }
  else if constexpr (N == 60) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57), decltype(m58), decltype(m59)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59); }
  else if constexpr (N == 61) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57), decltype(m58), decltype(m59), decltype(m60)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60); }
  else if constexpr (N == 62) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57), decltype(m58), decltype(m59), decltype(m60), decltype(m61)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61); }
  else if constexpr (N == 63) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61, m62] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57), decltype(m58), decltype(m59), decltype(m60), decltype(m61), decltype(m62)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61, m62); }
  else if constexpr (N == 64) { auto& [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61, m62, m63] = obj; return fn(Types<decltype(m0), decltype(m1), decltype(m2), decltype(m3), decltype(m4), decltype(m5), decltype(m6), decltype(m7), decltype(m8), decltype(m9), decltype(m10), decltype(m11), decltype(m12), decltype(m13), decltype(m14), decltype(m15), decltype(m16), decltype(m17), decltype(m18), decltype(m19), decltype(m20), decltype(m21), decltype(m22), decltype(m23), decltype(m24), decltype(m25), decltype(m26), decltype(m27), decltype(m28), decltype(m29), decltype(m30), decltype(m31), decltype(m32), decltype(m33), decltype(m34), decltype(m35), decltype(m36), decltype(m37), decltype(m38), decltype(m39), decltype(m40), decltype(m41), decltype(m42), decltype(m43), decltype(m44), decltype(m45), decltype(m46), decltype(m47), decltype(m48), decltype(m49), decltype(m50), decltype(m51), decltype(m52), decltype(m53), decltype(m54), decltype(m55), decltype(m56), decltype(m57), decltype(m58), decltype(m59), decltype(m60), decltype(m61), decltype(m62), decltype(m63)>{}, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61, m62, m63); }
  // END visit_members ladder
  // clang-format on
}

/// Picks the I-th of a list of pointers: Skip<Is>... swallows the first I.
template <std::size_t>
struct Skip {
  constexpr Skip(const volatile void*) noexcept {}
};
template <class Seq>
struct NthPointer;
template <std::size_t... Is>
struct NthPointer<std::index_sequence<Is...>> {
  template <class U, class... Rest>
  static constexpr U* get(Skip<Is>..., U* u, Rest*...) noexcept {
    return u;
  }
};

// ---- step 3: naming members ------------------------------------------------------------------

template <class T>
struct FakeHolder {
  const T value;
};
// Declared, never defined: only its members' addresses are used, inside constant expressions,
// so T need not be default-constructible. clang warns about the missing definition; the
// warning is silenced for this declaration only.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
#pragma clang diagnostic ignored "-Wundefined-internal"
#endif
template <class T>
extern const FakeHolder<T> fake_object;
// consteval, not constexpr: never a function of the program (clang's -fpch-codegen emits every constexpr
// function it instantiated, and this one names the undefined fake_object).
template <class T>
consteval const T& fake() noexcept {
  return fake_object<T>.value;
}
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

/// A pointer wrapped in a struct: clang++ 14 only prints a member path for class-type
/// template arguments, g++ 12 prints both forms.
template <class M>
struct MemberPointer {
  const M* pointer;
};

template <class T, std::size_t I, std::size_t N>
consteval auto member_pointer() {
  return visit_members<N>(fake<T>(), [](auto, const auto&... m) {
    const auto* p = NthPointer<std::make_index_sequence<I>>::get(std::addressof(m)...);
    return MemberPointer<std::remove_cv_t<std::remove_pointer_t<decltype(p)>>>{p};
  });
}

/// The compiler's spelling of its template argument, ending with `...name)}]` (g++) or
/// `...name}]` (clang++).
template <auto Pointer>
consteval const char* pretty_member() {
  return __PRETTY_FUNCTION__;
}

/// The last identifier of a pretty function signature: the member name.
consteval std::string_view last_identifier(std::string_view s) {
  auto is_ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  std::size_t end = s.size();
  while (end > 0 && !is_ident(s[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0 && is_ident(s[begin - 1])) --begin;
  return s.substr(begin, end - begin);
}

template <class T, std::size_t I, std::size_t N>
consteval std::string_view raw_field_name() {
  return last_identifier(pretty_member<member_pointer<T, I, N>()>());
}

/// The characters of one name, stored in a constant of their own (a view into
/// __PRETTY_FUNCTION__ is not a constant expression on every compiler).
template <std::size_t Size>
struct NameStorage {
  char text[Size + 1]{};
};
template <class T, std::size_t I, std::size_t N>
inline constexpr auto name_storage = [] {
  constexpr std::string_view raw = raw_field_name<T, I, N>();
  NameStorage<raw.size()> out{};
  for (std::size_t i = 0; i < raw.size(); ++i) out.text[i] = raw[i];
  return out;
}();

}  // namespace detail

namespace detail {

/// Why a type can or cannot be reflected.
enum class ReflectStatus { ok, not_class, is_union, not_aggregate, has_base, stuck, too_many, has_reference };

struct HasReferenceMember {
  template <class... Declared, class... M>
  constexpr auto operator()(Types<Declared...>, const M&...) const noexcept {
    return std::bool_constant<(std::is_reference_v<Declared> || ... || false)>{};
  }
};

template <class T>
consteval ReflectStatus reflect_status() {
  if constexpr (!std::is_class_v<T>) {
    return std::is_union_v<T> ? ReflectStatus::is_union : ReflectStatus::not_class;
  } else if constexpr (!std::is_aggregate_v<T>) {
    return ReflectStatus::not_aggregate;
  } else if constexpr (has_base_class<T>) {
    return ReflectStatus::has_base;
  } else {
    constexpr FieldCount c = count_fields<T>();
    if constexpr (c.stuck) {
      return ReflectStatus::stuck;
    } else if constexpr (c.count > max_fields) {
      return ReflectStatus::too_many;
    } else {
      // Unevaluated: reading a reference member of the fake object is not a constant expression.
      using Refs = decltype(visit_members<c.count>(fake<T>(), HasReferenceMember{}));
      return Refs::value ? ReflectStatus::has_reference : ReflectStatus::ok;
    }
  }
}

/// The member count of T, or a static_assert that says in words why T cannot be reflected.
template <class T>
consteval std::size_t checked_field_count() {
  constexpr ReflectStatus status = reflect_status<T>();
  if constexpr (status == ReflectStatus::not_class) {
    static_assert(dependent_false<T>,
                  "fastapi: only a struct can be reflected, and this type is not a class; wrap the value "
                  "in a struct with one data member (docs/compile_errors.md#json-reflect-not-class)");
  } else if constexpr (status == ReflectStatus::is_union) {
    static_assert(dependent_false<T>,
                  "fastapi: a union cannot be reflected (nothing says which member is active); use a struct "
                  "with std::optional members, or std::variant inside a struct"
                  " (docs/compile_errors.md#json-reflect-union)");
  } else if constexpr (status == ReflectStatus::not_aggregate) {
    static_assert(dependent_false<T>,
                  "fastapi: T is not a plain aggregate (it has a user-declared constructor, private or "
                  "protected data members, or virtual functions); make it a struct with public data "
                  "members and no constructor (docs/compile_errors.md#json-reflect-not-aggregate)");
  } else if constexpr (status == ReflectStatus::has_base) {
    static_assert(dependent_false<T>,
                  "fastapi: T has a base class, and members of a base cannot be reflected; copy the base's "
                  "members into T, or make the base a data member of T"
                  " (docs/compile_errors.md#json-reflect-base-class)");
  } else if constexpr (status == ReflectStatus::stuck) {
    static_assert(dependent_false<T>,
                  "fastapi: T has a data member that aggregate initialization cannot probe: a C array "
                  "(use std::array<T, N>), a non-const lvalue reference, or a class type without a default "
                  "constructor that converts from another class type; use a value type such as "
                  "std::string, std::optional, std::vector, std::array or a nested struct"
                  " (docs/compile_errors.md#json-reflect-c-array)");
  } else if constexpr (status == ReflectStatus::too_many) {
    static_assert(dependent_false<T>, "fastapi: T has more than 64 data members; group some of them into nested structs"
                                      " (docs/compile_errors.md#json-reflect-too-many-members)");
  } else if constexpr (status == ReflectStatus::has_reference) {
    static_assert(dependent_false<T>,
                  "fastapi: T has a reference data member; a reflected struct must own its data, so store "
                  "a value (std::string rather than const std::string&)"
                  " (docs/compile_errors.md#json-reflect-reference-member)");
  } else {
    return count_fields<T>().count;
  }
  return 0;
}

template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> make_field_names(std::index_sequence<I...>) {
  [[maybe_unused]] constexpr std::size_t n = sizeof...(I);
  return {std::string_view{name_storage<T, I, n>.text, sizeof(name_storage<T, I, n>.text) - 1}...};
}

template <class F, class M, std::size_t I>
constexpr void call_with_field(F& f, M& member, std::integral_constant<std::size_t, I> index) {
  if constexpr (std::is_invocable_v<F&, M&, std::integral_constant<std::size_t, I>>) {
    f(member, index);
  } else {
    f(member);
  }
}

}  // namespace detail

/// True when T is a plain aggregate whose data members can be listed: a struct with public data
/// members only, no base class, no user-declared constructor, no reference member, at most 64
/// members. Members may be scalars, enums, pointers, strings, containers, std::optional,
/// std::variant, smart pointers, std::array, nested structs, fa::Field, classes without a
/// default constructor. Not supported: C arrays (use std::array), bit-fields, reference members.
/// `static_assert(fa::reflectable<UserCreate>);`
// clang-format off
template <class T>
concept reflectable = detail::reflect_status<std::remove_cv_t<T>>() == detail::ReflectStatus::ok;
// clang-format on

/// Number of data members of T; a static_assert explains when T cannot be reflected.
/// `static_assert(fa::field_count<UserCreate> == 5);`
template <class T>
inline constexpr std::size_t field_count = detail::checked_field_count<std::remove_cv_t<T>>();

/// Names of T's data members in declaration order, computed at compile time.
/// `static_assert(fa::field_names<UserCreate>[1] == "username");`
template <class T>
inline constexpr std::array<std::string_view, field_count<T>> field_names =
    detail::make_field_names<std::remove_cv_t<T>>(std::make_index_sequence<field_count<T>>{});

/// Name of T's data member number I.
template <class T, std::size_t I>
inline constexpr std::string_view field_name = field_names<T>[I];

/// Reference to data member number I of obj (const when obj is const).
/// `fa::field_at<1>(user) = "alice";`
template <std::size_t I, class T>
constexpr auto& field_at(T& obj) noexcept {
  static_assert(I < field_count<T>, "fastapi: field_at<I>: I is not less than the number of data members"
                                    " (docs/compile_errors.md#models)");
  return *detail::visit_members<field_count<T>>(
      obj, [](auto, auto&... m) { return detail::NthPointer<std::make_index_sequence<I>>::get(std::addressof(m)...); });
}

/// A std::tuple of references to every data member of obj.
template <class T>
constexpr auto tie_fields(T& obj) noexcept {
  return detail::visit_members<field_count<T>>(obj, [](auto, auto&... m) { return std::tie(m...); });
}

/// Calls f(member) for each data member of obj in declaration order, or f(member, index) when f
/// accepts it, where index is a std::integral_constant<std::size_t, I> (usable as
/// `fa::field_names<T>[index]` and in `if constexpr`). Members are const when obj is.
/// `fa::for_each_field(user, [](auto& field, auto index) { std::cout << fa::field_names<User>[index]; });`
template <class T, class F>
constexpr void for_each_field(T& obj, F&& f) {
  constexpr std::size_t n = field_count<T>;
  detail::visit_members<n>(obj, [&](auto, auto&... m) {
    // clang-format off
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (detail::call_with_field(f, m, std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<n>{});
    // clang-format on
  });
}

namespace detail {
/// The unqualified name of T: "UserOut" (FastAPI's schema title and $defs key).
template <class T>
consteval std::string_view pretty_type() {
  return __PRETTY_FUNCTION__;
}
template <class T>
consteval std::string_view raw_type_name() {
  std::string_view s = pretty_type<T>();  // g++: "[with T = ns::UserOut; ...]", clang++: "[T = ns::UserOut]"
  s = s.substr(s.find("T = ") + 4);
  s = s.substr(0, s.find_first_of(";]"));
  if (const std::size_t lt = s.find('<'); lt != std::string_view::npos) s = s.substr(0, lt);
  if (const std::size_t colon = s.rfind(':'); colon != std::string_view::npos) s = s.substr(colon + 1);
  return s;
}
template <class T>
inline constexpr auto type_name_storage = [] {
  constexpr std::string_view raw = raw_type_name<T>();
  NameStorage<raw.size()> out{};
  for (std::size_t i = 0; i < raw.size(); ++i) out.text[i] = raw[i];
  return out;
}();

}  // namespace detail

/// The unqualified name of a struct, as FastAPI titles its schema: `fa::type_name<shop::Order>() == "Order"`.
template <class T>
constexpr std::string_view type_name() noexcept {
  return {detail::type_name_storage<T>.text, sizeof(detail::type_name_storage<T>.text) - 1};
}

}  // namespace fastapi
