// core/meta.hpp: small type utilities shared by the stations: callable signatures, type names in errors.
// Knows nothing else.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace fastapi::detail {

template <class F>
struct callable_traits;
/// A class's call operator, read when there is exactly one non-template one; else no members (a generic lambda),
/// so that has_callable_traits is false and the caller's static_assert is the first message, not an error here.
template <class C, class = void>
struct class_call_traits {};
template <class C>
struct class_call_traits<C, std::void_t<decltype(&C::operator())>> : callable_traits<decltype(&C::operator())> {};

/// The return type and parameter types of a function, function pointer, or callable object
/// (a lambda or a class with one non-template call operator).
template <class F>
struct callable_traits : class_call_traits<std::remove_cvref_t<F>> {};

template <class R, class... A>
struct callable_traits<R(A...)> {
  using result = R;
  using args = std::tuple<A...>;
  static constexpr std::size_t arity = sizeof...(A);
};
template <class R, class... A>
struct callable_traits<R(A...) noexcept> : callable_traits<R(A...)> {};
template <class R, class... A>
struct callable_traits<R (*)(A...)> : callable_traits<R(A...)> {};
template <class R, class... A>
struct callable_traits<R (*)(A...) noexcept> : callable_traits<R(A...)> {};
template <class R, class... A>
struct callable_traits<R (&)(A...)> : callable_traits<R(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...)> : callable_traits<R(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const> : callable_traits<R(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) noexcept> : callable_traits<R(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const noexcept> : callable_traits<R(A...)> {};

/// True when F's signature can be read (a generic lambda's cannot: its parameters must be spelled out).
template <class F, class = void>
inline constexpr bool has_callable_traits = false;
template <class F>
inline constexpr bool has_callable_traits<F, std::void_t<typename callable_traits<F>::result>> = true;

template <class T>
inline constexpr bool dependent_false = false;

/// T as the compiler spells it ("Pool", "app::Settings"), for error messages.
template <class T>
std::string_view spelled_type_name() {
  std::string_view s = __PRETTY_FUNCTION__;  // g++: "... [with T = Pool; ...]", clang++: "... [T = Pool]"
  std::size_t at = s.find("T = ");
  if (at == std::string_view::npos) return s;
  s.remove_prefix(at + 4);
  return s.substr(0, s.find_first_of(";]"));
}

}  // namespace fastapi::detail
