// di/class_depends.hpp: fa::from_fields<S>, FastAPI's class dependency (`commons: CommonQueryParams =
// Depends()`): an aggregate whose members are parameters (fa::Query, fa::Path, fa::Header, fa::Depends, ...)
// becomes a function taking those members and returning S, so fa::Depends binds, caches, documents and reports
// it as any other dependency. Fed by json/reflect (the member types); knows nothing of requests.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "fastapi/json/reflect.hpp"

namespace fastapi {

namespace detail {

template <class S, class... Members>
S build_from_fields(Members... members) {
  return S{std::move(members)...};
}

template <class S, std::size_t... I>
constexpr auto fields_constructor(std::index_sequence<I...>) {
  return &build_from_fields<S, std::remove_cvref_t<decltype(field_at<I>(std::declval<S&>()))>...>;
}

}  // namespace detail

/// A function `S(M0, M1, ...)` taking S's members, in order, and returning S: a class dependency.
///   struct CommonQueryParams {
///     fa::Query<"q", std::optional<std::string>> q;
///     fa::Query<"skip", int, 0> skip;
///     fa::Query<"limit", int, 100> limit;
///   };
///   app.get("/items/", [](fa::Depends<fa::from_fields<CommonQueryParams>> commons) { return commons->limit; });
/// Its members are bound as the parameters of a dependency function: their errors join the 422, they appear in
/// OpenAPI as the route's own parameters, and the struct is built once per request (the dependency cache).
/// S is a plain aggregate (json/reflect's fa::reflectable): public members, no base class, no constructor.
template <class S>
inline constexpr auto from_fields = detail::fields_constructor<S>(std::make_index_sequence<field_count<S>>{});

}  // namespace fastapi
