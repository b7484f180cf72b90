// routing/router.hpp: (method, decoded path) -> route id + path params, or 404 / 405+Allow / slash redirect.
// Fed by the app (registration) and the request (method, path); feeds the app's dispatch. Knows nothing of
// handlers, JSON or sockets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/routing/path_template.hpp"
#include "fastapi/routing/radix_tree.hpp"

namespace fastapi {

/// The route table of an app: templates registered for methods, each registration numbered 0, 1, 2, ...
/// Static segments win over `{param}`, which wins over `{name:path}`, with backtracking; HEAD is served by
/// GET unless a HEAD route exists. Matching allocates nothing; params are views into the path.
///
///     Router r;
///     auto id = r.add(Method::get, "/items/{item_id}");
///     PathParams params;
///     auto m = r.match(Method::get, "/items/42", params);  // found, m.route == id, params.get("item_id") == "42"
///
/// The client sees 404 (not_found), 405 with `Allow: GET, HEAD` (method_not_allowed) or a 307 to the path
/// with its trailing slash added or removed (redirect_slash), as the app turns the Match into a response.
class Router {
 public:
  using RouteId = std::uint32_t;
  struct Match {
    enum class Kind { found, not_found, method_not_allowed, redirect_slash };
    Kind kind = Kind::not_found;
    RouteId route = 0;       ///< found: the route id
    std::string_view allow;  ///< method_not_allowed: the Allow value, e.g. "GET, HEAD, POST"
    bool add_slash = false;  ///< redirect_slash: true when path + "/" matches, false when path minus its last '/'
    // A redirect is never proposed for "/" or for a path starting with "//" (an open redirect).
  };

  /// Registers `path_template` for one method. Throws std::invalid_argument for a bad template and
  /// std::logic_error ("route GET /items/{id} is registered twice") for a duplicate. Returns the route id.
  RouteId add(Method method, std::string_view path_template) {
    return add(std::span<const Method>(&method, 1), path_template);
  }
  /// Registers one route for several methods (FastAPI's api_route); one id for all of them.
  RouteId add(std::initializer_list<Method> methods, std::string_view path_template) {
    return add(std::span<const Method>(methods.begin(), methods.size()), path_template);
  }
  RouteId add(std::span<const Method> methods, std::string_view path_template);
  /// Looks up `path` (percent-decoded, no query). Fills `params` only when found. Never allocates.
  Match match(Method method, std::string_view path, PathParams& params, bool redirect_slashes = true) const;
  std::size_t size() const { return routes_.size(); }
  /// The parsed template of a registered route (for its param_names() and the OpenAPI path).
  const PathTemplate& route_template(RouteId id) const { return routes_.at(id).tmpl; }

 private:
  static constexpr RouteId no_route = 0xFFFFFFFFu;
  static constexpr std::size_t route_methods = 9;  // GET .. CONNECT: the methods a route can name
  struct Route {
    PathTemplate tmpl;
    std::vector<std::string_view> names;  // views into tmpl.source(); routes_ never moves its elements
  };
  struct Leaf {
    std::array<RouteId, route_methods> by_method;
    std::uint16_t allowed = 0;  // bit per Method, HEAD set when GET is
    RouteId route_for(Method m) const;
  };

  std::string_view allow_for(std::uint16_t mask) const {
    return std::string_view(allow_text_).substr(allow_offsets_[mask], allow_offsets_[mask + 1u] - allow_offsets_[mask]);
  }
  void build_allow_table();

  detail::RadixTree tree_;
  std::deque<Route> routes_;
  std::vector<Leaf> leaves_;  // indexed by the tree's leaf ids
  std::string allow_text_;    // every Allow value, one per method mask
  std::array<std::uint16_t, (1u << route_methods) + 1> allow_offsets_{};
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Router::RouteId Router::Leaf::route_for(Method m) const {
  auto i = static_cast<std::size_t>(m);
  if (i >= route_methods) return no_route;
  if (by_method[i] != no_route) return by_method[i];
  if (m == Method::head) return by_method[static_cast<std::size_t>(Method::get)];
  return no_route;
}

// Every possible Allow value, concatenated: 512 masks, about 15 KB, once per router. Matching can then
// answer a 405 for the union of several routes' methods (`/users/me` GET + `/users/{id}` DELETE) by a view.
FASTAPI_DETAIL_INLINE void Router::build_allow_table() {
  for (std::size_t mask = 0; mask < (1u << route_methods); ++mask) {
    allow_offsets_[mask] = static_cast<std::uint16_t>(allow_text_.size());
    bool first = true;
    for (std::size_t m = 0; m < route_methods; ++m) {
      if (!(mask & (1u << m))) continue;
      if (!first) allow_text_ += ", ";
      allow_text_ += method_name(static_cast<Method>(m));
      first = false;
    }
  }
  allow_offsets_[1u << route_methods] = static_cast<std::uint16_t>(allow_text_.size());
}

FASTAPI_DETAIL_INLINE Router::RouteId Router::add(std::span<const Method> methods, std::string_view path_template) {
  PathTemplate tmpl = PathTemplate::parse(path_template);
  std::string where(tmpl.source());
  if (methods.empty()) throw std::logic_error("route " + where + " is registered for no method");
  std::uint16_t mask = 0;
  for (Method m : methods) {
    if (static_cast<std::size_t>(m) >= route_methods)
      throw std::logic_error("route " + where + ": Method::other cannot be registered; name a method");
    mask = static_cast<std::uint16_t>(mask | (1u << static_cast<unsigned>(m)));
  }
  if (routes_.size() >= no_route) throw std::logic_error("too many routes");

  detail::RadixTree::LeafId leaf = tree_.insert(tmpl);
  if (leaf >= leaves_.size()) {
    Leaf empty;
    empty.by_method.fill(no_route);
    leaves_.resize(leaf + 1u, empty);
  }
  Leaf& l = leaves_[leaf];
  for (std::size_t m = 0; m < route_methods; ++m) {
    if (!(mask & (1u << m)) || l.by_method[m] == no_route) continue;
    std::string name(method_name(static_cast<Method>(m)));
    std::string_view other = routes_[l.by_method[m]].tmpl.source();
    if (other == tmpl.source()) throw std::logic_error("route " + name + " " + where + " is registered twice");
    throw std::logic_error("route " + name + " " + where + " conflicts with " + name + " " + std::string(other) +
                           ": the same path with other parameter names");
  }

  if (allow_text_.empty()) build_allow_table();
  auto id = static_cast<RouteId>(routes_.size());
  Route& route = routes_.emplace_back(Route{std::move(tmpl), {}});
  route.names = route.tmpl.param_names();
  for (std::size_t m = 0; m < route_methods; ++m)
    if (mask & (1u << m)) l.by_method[m] = id;
  l.allowed = static_cast<std::uint16_t>(l.allowed | mask);
  if (l.allowed & (1u << static_cast<unsigned>(Method::get)))
    l.allowed = static_cast<std::uint16_t>(l.allowed | (1u << static_cast<unsigned>(Method::head)));
  return id;
}

FASTAPI_DETAIL_INLINE Router::Match Router::match(Method method, std::string_view path, PathParams& params,
                                                  bool redirect_slashes) const {
  params.clear();
  std::uint16_t seen = 0;  // methods of every route whose path matched
  RouteId found = no_route;
  auto exact = [&](detail::RadixTree::LeafId leaf, detail::RadixTree::Values values) {
    const Leaf& l = leaves_[leaf];
    seen = static_cast<std::uint16_t>(seen | l.allowed);
    RouteId r = l.route_for(method);
    if (r == no_route) return false;  // keep looking: a less specific route may take this method
    const auto& names = routes_[r].names;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) params.push(names[i], values[i]);
    found = r;
    return true;
  };
  if (tree_.match(path, exact)) return {Match::Kind::found, found, {}, false};
  if (seen) return {Match::Kind::method_not_allowed, 0, allow_for(seen), false};

  // Starlette's redirect_slashes: any route (any method) for the path with its trailing '/' toggled.
  // Never for "/" itself, nor for a path starting with "//": its Location would be a protocol-relative
  // URL ("//evil.example/") that a browser follows to another host.
  if (redirect_slashes && path.size() > 1 && path[0] == '/' && path[1] != '/') {
    auto any = [&](detail::RadixTree::LeafId leaf, detail::RadixTree::Values) { return leaves_[leaf].allowed != 0; };
    if (path.back() == '/') {
      if (tree_.match(path.substr(0, path.size() - 1), any)) return {Match::Kind::redirect_slash, 0, {}, false};
    } else if (tree_.match_with_slash(path, any)) {
      return {Match::Kind::redirect_slash, 0, {}, true};
    }
  }
  return {Match::Kind::not_found, 0, {}, false};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
