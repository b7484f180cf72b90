// core/fixed_string.hpp: string literals as template arguments (Path<"item_id", int>). Knows nothing else.
#pragma once

#include <cstddef>
#include <string_view>

namespace fastapi {

/// A string literal usable as a template argument: `template <FixedString Name>`.
template <std::size_t N>
struct FixedString {
  char data[N]{};
  constexpr FixedString(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
  }
  constexpr std::string_view view() const { return {data, N - 1}; }
  constexpr operator std::string_view() const { return view(); }
  constexpr std::size_t size() const { return N - 1; }
};

}  // namespace fastapi
