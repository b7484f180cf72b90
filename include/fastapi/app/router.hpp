// app/router.hpp: fa::APIRouter, a group of routes with a shared prefix, tags, dependencies and responses,
// defined in its own file and included into the app (or into another router) with include_router, composed
// as FastAPI composes them. Also the verbs (get, post, ...) that App and APIRouter share.
// Fed by user code at startup; feeds App (which turns each route into an endpoint and a RouteDoc). Knows nothing
// of sockets.
#pragma once

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/app/endpoint.hpp"
#include "fastapi/app/websocket_endpoint.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/fixed_string.hpp"
#include "fastapi/http/method.hpp"

namespace fastapi {

/// What a router, or one inclusion of it, adds to each of its routes (FastAPI's APIRouter(...) and
/// include_router(...) arguments): `fa::APIRouter items{{.prefix = "/items", .tags = {"items"}}};`
struct RouterOptions {
  std::string prefix{};                    ///< "/items": starts with '/', does not end with '/'
  std::vector<std::string> tags{};         ///< before the route's own tags
  std::vector<Dependency> dependencies{};  ///< run before the route's own dependencies
  std::map<int, ResponseDoc> responses{};  ///< the route's own entry wins for the same status
  bool deprecated = false;                 ///< marks every route deprecated
  bool include_in_schema = true;           ///< false hides every route from OpenAPI
};

namespace detail {

/// The verbs every route collection has; `Derived::add_route(methods, path, handler, options)` does the work.
template <class Derived>
class RouteVerbs {
 public:
  template <class F>
  Derived& get(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::get>(path, std::forward<F>(handler), std::move(options));
  }
  template <class F>
  Derived& post(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::post>(path, std::forward<F>(handler), std::move(options));
  }
  template <class F>
  Derived& put(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::put>(path, std::forward<F>(handler), std::move(options));
  }
  template <class F>
  Derived& patch(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::patch>(path, std::forward<F>(handler), std::move(options));
  }
  template <class F>
  Derived& delete_(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::del>(path, std::forward<F>(handler), std::move(options));
  }
  template <class F>
  Derived& options(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::options>(path, std::forward<F>(handler), std::move(options));
  }
  template <class F>
  Derived& head(std::string_view path, F&& handler, RouteOptions options = {}) {
    return add<Method::head>(path, std::forward<F>(handler), std::move(options));
  }
  // The same verbs with the route as a template argument, checked against the handler's fa::Path names at
  // compile time (a mismatch is a static_assert in words, not a registration error at run time):
  //     app.get<"/items/{item_id}">([](fa::Path<"item_id", int> item_id) { ... });
  template <FixedString Path, class F>
  Derived& get(F&& handler, RouteOptions options = {}) {
    return checked<Method::get, Path>(std::forward<F>(handler), std::move(options));
  }
  template <FixedString Path, class F>
  Derived& post(F&& handler, RouteOptions options = {}) {
    return checked<Method::post, Path>(std::forward<F>(handler), std::move(options));
  }
  template <FixedString Path, class F>
  Derived& put(F&& handler, RouteOptions options = {}) {
    return checked<Method::put, Path>(std::forward<F>(handler), std::move(options));
  }
  template <FixedString Path, class F>
  Derived& patch(F&& handler, RouteOptions options = {}) {
    return checked<Method::patch, Path>(std::forward<F>(handler), std::move(options));
  }
  template <FixedString Path, class F>
  Derived& delete_(F&& handler, RouteOptions options = {}) {
    return checked<Method::del, Path>(std::forward<F>(handler), std::move(options));
  }
  template <FixedString Path, class F>
  Derived& options(F&& handler, RouteOptions options = {}) {
    return checked<Method::options, Path>(std::forward<F>(handler), std::move(options));
  }
  template <FixedString Path, class F>
  Derived& head(F&& handler, RouteOptions options = {}) {
    return checked<Method::head, Path>(std::forward<F>(handler), std::move(options));
  }
  /// One handler for several methods: `app.api_route("/x", {fa::Method::get, fa::Method::post}, h);`
  template <class F>
  Derived& api_route(std::string_view path, std::initializer_list<Method> methods, F&& handler,
                     RouteOptions options = {}) {
    auto& self = static_cast<Derived&>(*this);
    self.add_route(std::span<const Method>(methods.begin(), methods.size()), path, std::forward<F>(handler),
                   std::move(options));
    return self;
  }

 private:
  template <Method M, class F>
  Derived& add(std::string_view path, F&& handler, RouteOptions options) {
    static constexpr Method methods[] = {M};
    auto& self = static_cast<Derived&>(*this);
    self.add_route(std::span<const Method>(methods), path, std::forward<F>(handler), std::move(options));
    return self;
  }
  template <Method M, FixedString Path, class F>
  Derived& checked(F&& handler, RouteOptions options) {
    static_assert(has_callable_traits<std::decay_t<F>>,
                  "fastapi: the handler's parameter types must be spelled out (a generic lambda `[](auto x)` "
                  "cannot say where its values come from) (docs/compile_errors.md#app-handler-generic-lambda)");
    static_assert(RouteLiteral<Path, std::decay_t<F>>::ok);
    return add<M>(Path.view(), std::forward<F>(handler), std::move(options));
  }
};

/// Makes the endpoint of one route, once per inclusion (a router may be included twice, under two prefixes).
class EndpointFactory {
 public:
  virtual ~EndpointFactory() = default;
  virtual std::unique_ptr<Endpoint> make(std::string description, RouteOptions options) const = 0;
  /// What the handler's types say of its operation (the route record's RouteDoc::describe).
  virtual RouteDoc::Describe describe() const = 0;
};

/// A route's factory, shared by the copies of the route, owned from a pointer to the base: every route then has
/// the same control block (std::make_shared<EndpointFactoryOf<H>> instantiates one, with its allocator
/// machinery, for each route). If the control block cannot be allocated, shared_ptr deletes `factory`.
inline std::shared_ptr<const EndpointFactory> share_factory(const EndpointFactory* factory) {
  return std::shared_ptr<const EndpointFactory>(factory);
}

/// The factory of a WebSocket route.
template <class H>
class WebSocketEndpointFactoryOf final : public EndpointFactory {
 public:
  explicit WebSocketEndpointFactoryOf(H handler) : handler_(std::move(handler)) {}
  std::unique_ptr<Endpoint> make(std::string description, RouteOptions options) const override {
    return make_websocket_endpoint(H(handler_), std::move(description), std::move(options));
  }
  RouteDoc::Describe describe() const override { return nullptr; }

 private:
  H handler_;
};

template <class H>
class EndpointFactoryOf final : public EndpointFactory {
 public:
  explicit EndpointFactoryOf(H handler) : handler_(std::move(handler)) {}
  std::unique_ptr<Endpoint> make(std::string description, RouteOptions options) const override {
    return make_endpoint(H(handler_), std::move(description), std::move(options));
  }
  RouteDoc::Describe describe() const override { return describer_of<H>(); }

 private:
  H handler_;
};

/// "GET,HEAD /items/{item_id}": how logs and errors name a route.
FASTAPI_DETAIL_INLINE std::string route_description(std::span<const Method> methods, std::string_view path);

/// FastAPI's checks on a prefix: "" or "/x" (not "x", not "/x/"); the sentence saying what is wrong, or "".
FASTAPI_DETAIL_INLINE std::string prefix_error(std::string_view prefix);

/// `outer` applied to a route's options: prefix before the path, tags and dependencies before the route's,
/// the route's responses over the outer ones, deprecated and include_in_schema combined.
FASTAPI_DETAIL_INLINE void apply_router_options(const RouterOptions& outer, std::string& path, RouteOptions& options);

}  // namespace detail

/// Routes defined apart from the app (FastAPI's APIRouter), in a file of their own:
///
///     fa::APIRouter items_router() {
///       fa::APIRouter r{{.prefix = "/items", .tags = {"items"}, .dependencies = {fa::dependency<verify_token>()}}};
///       r.get("/", list_items);
///       r.get("/{item_id}", read_item, {.responses = {{404, {.description = "Not found"}}}});
///       return r;
///     }
///     app.include_router(items_router());                      // GET /items/, GET /items/{item_id}
///     app.include_router(items_router(), {.prefix = "/v2"});   // and again under /v2/items/...
///
/// Options compose as in FastAPI: path = inclusion prefix + router prefix + route path; tags and dependencies
/// in that order too (outermost first). Routes are copied when included: routes added to a router after it
/// was included are not seen by the app. A handler is copied once per inclusion, so it must be copyable.
class APIRouter : public detail::RouteVerbs<APIRouter> {
 public:
  struct Route {
    std::vector<Method> methods;  ///< empty for a WebSocket route
    std::string path;             ///< with this router's prefix (and any inclusion prefix) applied
    RouteOptions options;
    std::shared_ptr<const detail::EndpointFactory> factory;
  };

  /// A bad prefix is recorded (configuration_errors()), not thrown: the app that includes the router reports it.
  explicit APIRouter(RouterOptions options = {});

  /// Adds `other`'s routes (as they are now) under `include`'s prefix, tags, dependencies and responses.
  APIRouter& include_router(const APIRouter& other, RouterOptions include = {});

  const std::vector<Route>& routes() const noexcept { return routes_; }
  const RouterOptions& router_options() const noexcept { return options_; }
  /// Mistakes recorded by this router and the routers included into it (each starts with "fastapi:");
  /// App::include_router adds them to the app's, and app.run() reports them.
  const std::vector<std::string>& configuration_errors() const noexcept { return errors_; }

  /// The verbs' work (see detail::RouteVerbs).
  template <class F>
  void add_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options);
  /// A WebSocket route (see App::websocket), included with the router's prefix and dependencies.
  template <class F>
  APIRouter& websocket(std::string_view path, F&& handler, RouteOptions options = {}) {
    using H = std::decay_t<F>;
    static_assert(std::is_copy_constructible_v<H>, "fastapi: a route of an APIRouter must be copyable"
                                                   " (docs/compile_errors.md#app-router-handler-not-copyable)");
    add(Route{{},
              std::string(path),
              std::move(options),
              detail::share_factory(new detail::WebSocketEndpointFactoryOf<H>(std::forward<F>(handler)))});
    return *this;
  }

 private:
  void add(Route route);

  RouterOptions options_;
  std::vector<Route> routes_;
  std::vector<std::string> errors_;
};

template <class F>
void APIRouter::add_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options) {
  using H = std::decay_t<F>;
  static_assert(std::is_copy_constructible_v<H>,
                "fastapi: a route of an APIRouter is copied into the app at each include_router: its handler must "
                "be copyable (capture a std::shared_ptr rather than a std::unique_ptr)"
                " (docs/compile_errors.md#app-router-handler-not-copyable)");
  static_assert(detail::has_callable_traits<H>,
                "fastapi: the handler's parameter types must be spelled out (a generic lambda `[](auto x)` "
                "cannot say where its values come from) (docs/compile_errors.md#app-handler-generic-lambda)");
  if constexpr (detail::has_callable_traits<H>) {  // else the static_assert above is the one message
    static_assert(!detail::takes_websocket<typename detail::callable_traits<H>::args>,
                  "fastapi: a handler that takes fa::WebSocket& is registered with router.websocket(path, handler)"
                  " (docs/compile_errors.md#app-websocket-handler-on-get)");
    add(Route{std::vector<Method>(methods.begin(), methods.end()), std::string(path), std::move(options),
              detail::share_factory(new detail::EndpointFactoryOf<H>(std::forward<F>(handler)))});
  }
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string detail::route_description(std::span<const Method> methods, std::string_view path) {
  std::string description;
  for (Method m : methods) {
    if (!description.empty()) description += ",";
    description += method_name(m);
  }
  description.append(" ").append(path);
  return description;
}

FASTAPI_DETAIL_INLINE std::string detail::prefix_error(std::string_view prefix) {
  if (prefix.empty() || (prefix.front() == '/' && prefix.back() != '/')) return {};
  return "fastapi: a router prefix must start with '/' and must not end with '/' (got '" + std::string(prefix) + "')";
}

FASTAPI_DETAIL_INLINE void detail::apply_router_options(const RouterOptions& outer, std::string& path,
                                                        RouteOptions& options) {
  path.insert(0, outer.prefix);
  options.tags.insert(options.tags.begin(), outer.tags.begin(), outer.tags.end());
  options.dependencies.insert(options.dependencies.begin(), outer.dependencies.begin(), outer.dependencies.end());
  for (const auto& [status, doc] : outer.responses) options.responses.emplace(status, doc);  // keeps the route's
  options.deprecated = options.deprecated || outer.deprecated;
  options.include_in_schema = options.include_in_schema && outer.include_in_schema;
}

FASTAPI_DETAIL_INLINE APIRouter::APIRouter(RouterOptions options) : options_(std::move(options)) {
  if (std::string bad = detail::prefix_error(options_.prefix); !bad.empty()) {
    errors_.push_back(std::move(bad));
    options_.prefix.clear();
  }
}

FASTAPI_DETAIL_INLINE void APIRouter::add(Route route) {
  detail::apply_router_options(options_, route.path, route.options);
  routes_.push_back(std::move(route));
}

FASTAPI_DETAIL_INLINE APIRouter& APIRouter::include_router(const APIRouter& other, RouterOptions include) {
  std::vector<std::string> errors = other.errors_;  // `other` may be this router
  errors_.insert(errors_.end(), errors.begin(), errors.end());
  if (std::string bad = detail::prefix_error(include.prefix); !bad.empty()) {
    errors_.push_back(std::move(bad));
    return *this;
  }
  std::vector<Route> copies = other.routes_;  // `other` may be this router
  for (Route& route : copies) {
    detail::apply_router_options(include, route.path, route.options);
    add(std::move(route));
  }
  return *this;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
