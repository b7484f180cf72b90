// app/app.hpp: fa::App, what a user writes against: routes by verb, routers, middleware, exception handlers,
// lifespan and state, run()/stop(). Registration keeps a RouteDoc (openapi/route.hpp) and an Endpoint per
// route; serving is the Service under every connection, its stack assembled in App::handle: server errors ->
// middleware -> exception handlers -> router -> endpoint. Fed by connections; feeds endpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "fastapi/app/cli.hpp"
#include "fastapi/app/docs_routes.hpp"
#include "fastapi/app/endpoint.hpp"
#include "fastapi/app/exception_handlers.hpp"
#include "fastapi/app/exceptions.hpp"
#include "fastapi/app/lifespan.hpp"
#include "fastapi/app/mount.hpp"
#include "fastapi/app/options.hpp"
#include "fastapi/app/router.hpp"
#include "fastapi/app/serve.hpp"
#include "fastapi/app/websocket_endpoint.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/di/yield.hpp"
#include "fastapi/http/service.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/middleware/chain.hpp"
#include "fastapi/middleware/logging.hpp"
#include "fastapi/openapi/docs.hpp"
#include "fastapi/openapi/route.hpp"
#include "fastapi/openapi/spec.hpp"
#include "fastapi/routing/router.hpp"

namespace fastapi {

/// The application: `fa::App app{{.title = "Items"}}; app.get("/", [] { return "hi"; }); app.run();`
///
/// What a request goes through is assembled in one place, App::handle, outermost first:
///   server errors -> the user's middleware -> exception handlers -> router -> endpoint.
class App : public Service, public detail::RouteVerbs<App>, public detail::ExceptionHandlerVerbs<App> {
 public:
  explicit App(AppOptions options = {});
  App(const App&) = delete;
  App& operator=(const App&) = delete;
  FASTAPI_DETAIL_INLINE ~App() override;

  // get/post/put/patch/delete_/options/head/api_route come from detail::RouteVerbs; exception_handler<E>(fn) and
  // exception_handler(status_code, fn) (app/exception_handlers.hpp) from detail::ExceptionHandlerVerbs.

  /// The verbs' work: registers `handler` for `methods` on `path`. A mistake (a route registered twice, a
  /// `{name}` without its fa::Path, a bad template, ...) is recorded, not thrown: run() prints every one and
  /// returns 1 before listening, so `app.get(...); return app.run();` ends with exit code 1 and the sentence.
  template <class F>
  void add_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options);
  /// A WebSocket route (FastAPI's @app.websocket): `handler` takes fa::WebSocket& and any parameters an HTTP
  /// handler takes (Path, Query, Header, Cookie, Depends, State, security schemes), bound from the handshake:
  ///     app.websocket("/ws/{room}", [](fa::WebSocket& ws, fa::Path<"room", std::string> room) -> fa::Task<void> {
  ///       co_await ws.accept();
  ///       for (;;) {
  ///         std::string text = co_await ws.receive_text();
  ///         text.insert(0, *room + ": ");
  ///         co_await ws.send_text(text);
  ///       }
  ///     });
  /// Listed in routes() (with no methods), left out of OpenAPI. Only a handshake (Upgrade: websocket) reaches
  /// it: a plain GET gets 404, as in Starlette, and a handshake no WebSocket route matches gets 403.
  template <class F>
  App& websocket(std::string_view path, F&& handler, RouteOptions options = {});
  /// Adds a router's routes under `include`'s prefix, tags, dependencies and responses (FastAPI's
  /// app.include_router(router, prefix=..., tags=..., dependencies=...)). The router's own recorded
  /// mistakes (a bad prefix) and those of its routes join the app's (configuration_errors()).
  App& include_router(const APIRouter& router, RouterOptions include = {});
  /// Hands every request under `prefix`, any method, to another Service (Starlette's Mount), which sees
  /// `req.path` without the prefix and `req.root_path` with it; `/static` itself redirects to `/static/`.
  ///     app.mount("/static", fa::StaticFiles{{.directory = "public"}});   // kept by the app
  ///     app.mount("/v2", v2_app);   // a sub-application (its routes, middleware, docs at /v2/docs); outlives app
  /// What is mounted is not in this app's OpenAPI document, as in FastAPI.
  App& mount(std::string_view prefix, Service& service) { return add_mount(prefix, service, nullptr, nullptr); }
  App& mount(std::string_view prefix, App& sub_app) { return add_mount(prefix, sub_app, nullptr, &sub_app); }
  template <class S>
    requires(std::derived_from<S, Service> && !std::is_reference_v<S> && std::move_constructible<S>)
  App& mount(std::string_view prefix, S&& service) {
    auto owned = std::make_shared<S>(std::move(service));
    return add_mount(prefix, *owned, owned, nullptr);
  }

  /// Adds a middleware around everything added before (Starlette's order: the last added runs first):
  ///     app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
  ///       fa::Response res = co_await next(req);
  ///       res.headers.set("x-served-by", "fastapi.hpp");
  ///       co_return res;
  ///     });
  /// A middleware may also answer without calling next. Add middleware before run().
  template <class M>
  App& add_middleware(M&& middleware) {
    middleware_.add(std::forward<M>(middleware));
    return *this;
  }
  /// Starlette's spelling for the built-in middleware, `app.add_middleware(CORSMiddleware, allow_origins=...)`:
  ///     app.add_middleware<fa::CORSMiddleware>({.allow_origins = {"https://example.com"}});
  /// The middleware is built here, so a mistake in its options (a malformed allow_origin_regex, a bad trusted
  /// host, a compresslevel of 12) is recorded like a route's and reported by run() (exit 1), where
  /// `add_middleware(fa::CORSMiddleware{...})` throws fa::ConfigurationError from the caller's own expression.
  template <class M>
  App& add_middleware(typename M::Options options = {}) {
    try {
      middleware_.add(M(std::move(options)));
    } catch (const ConfigurationError& e) {
      record_configuration_error({}, e.what());
    }
    return *this;
  }
  /// Setup before the first connection is accepted and teardown after the drain, in one coroutine:
  ///     app.lifespan([](fa::App& app) -> fa::Yield<void> {
  ///       auto& pool = app.state<Pool>("db://...");   // startup
  ///       co_yield {};                                 // the app serves
  ///       pool.close();                                // shutdown
  ///     });
  /// `fn` takes fa::App& (or nothing). Several lifespans start in order and end in reverse order. A startup
  /// failure (an exception before co_yield) stops run() with exit code 1 and the reason, before listening.
  template <class F>
  App& lifespan(F&& fn);

  /// Creates the app-wide T from `args` (replacing the one held), for every `fa::State<T>` parameter:
  /// `app.state<Settings>(Settings{.debug = true});`. Call it at startup (in the lifespan or before run()):
  /// the store is read without a lock while the app serves. Every worker thread shares the object.
  template <class T, class... A>
  T& state(A&&... args) {
    return context_.states.emplace<T>(std::forward<A>(args)...);
  }
  /// The T set by state<T>(...); ConfigurationError when there is none.
  template <class T>
  T& get_state() const {
    T* value = context_.states.find<T>();
    if (!value) detail::missing_state<T>();
    return *value;
  }

  /// Runs before the first connection is accepted (and before the lifespans); an exception stops run()
  /// with exit code 1 and the reason.
  void on_startup(std::function<void()> hook) { startup_.push_back(std::move(hook)); }
  /// Runs after the drain and the lifespans' shutdown, before run() returns.
  void on_shutdown(std::function<void()> hook) { shutdown_.push_back(std::move(hook)); }

  /// Serves until SIGINT/SIGTERM or stop(); prints `Listening on http://host:port`. Returns the exit code:
  /// 1 without listening when registration recorded a mistake (each printed as `ERROR:    fastapi: ...`),
  /// when startup failed, or when the address is taken (`ERROR:    [Errno 98] error while attempting to bind
  /// on 127.0.0.1:8000: address already in use`, as uvicorn says; another process never shares our port).
  int run(Config config = {});
  /// run() with the command line's flags (and PORT from the environment), as uvicorn reads them:
  /// `--host H --port N --workers N --access-log --log-level critical|error|warning|info|debug|trace`; `--help`
  /// and `--version` print and return 0; a bad flag prints a sentence and returns 2. The app's own flags are
  /// declared by a settings struct, read first: `fa::load_settings_or_exit<Settings>(argc, argv)` (app/cli.hpp),
  /// or passed after `--`: `./app --port 9000 -- --db ./data.sqlite` (fa::app_args(argc, argv)).
  int run(int argc, char** argv, Config config = {});
  /// Starts the graceful drain of a running app (thread-safe).
  void stop();
  /// The bound port while running (0 before).
  std::uint16_t port() const { return runner_.port(); }
  /// Blocks until the app is listening (or run() failed); the port, or 0 on failure (and on a Unix socket).
  std::uint16_t wait_until_listening() const;
  /// True while the app accepts new work: startup done, listening, not draining (a readiness probe's answer).
  bool ready() const;

  /// Dependencies run for their effect on every route, before the route's own:
  /// `app.dependencies({fa::dependency<verify_key>()});` (FastAPI's `FastAPI(dependencies=[...])`).
  App& dependencies(std::vector<Dependency> deps);
  /// Calls `fake` wherever `fa::Depends<Fn>` is asked for (tests): `app.dependency_overrides<get_db>(fake_db);`
  /// `fake` gives the same type (T, fa::Task<T> or fa::Yield<T>); its own parameters are bound as usual.
  /// Set it while no request is in flight.
  template <auto Fn, class G>
  App& dependency_overrides(G&& fake);
  /// Forgets every override.
  void clear_dependency_overrides() { context_.dependencies.overrides.clear(); }

  /// The registration mistakes recorded so far, each a sentence starting with `fastapi:` (empty: none).
  const std::vector<std::string>& configuration_errors() const { return configuration_errors_; }
  /// Throws the first recorded mistake as fa::ConfigurationError (for a main or a test that wants it at once).
  void check_configuration() const;

  Logger& logger() { return logger_; }
  const AppOptions& info() const { return options_; }
  /// Every route as registered, in registration order (for the OpenAPI document:
  /// `fa::get_openapi({.title = "T", .version = "1", .routes = app.routes()})`).
  const std::vector<RouteDoc>& routes() const { return routes_; }

  // Service: called by connections.
  /// The stack, outermost first (Starlette's build_middleware_stack), each station one function below:
  ///   1. server errors       here: what escapes below -> the exception handlers once more, else a logged 500
  ///   2. user middleware     middleware_, the last added outermost (none: not even a call)
  ///   3. exception handlers  handle_exceptions(): exceptions -> responses (app/exceptions.hpp)
  ///   4. router              route_request(): the match -> the endpoint, or 404 / 405 + Allow / 307
  ///   5. endpoint            Endpoint::call: arguments bound, handler called, its value -> Response
  FASTAPI_DETAIL_INLINE Task<Response> handle(Request& req) override;
  FASTAPI_DETAIL_INLINE BodyPolicy body_policy(Request& req) const override;

 private:
  friend class detail::ExceptionHandlerVerbs<App>;  // registers into exception_handlers_ and openapi_
  /// The router's answer for `req`, matched once per request: noted in req.route_memo (and req.path_params
  /// filled), matched again only when a middleware changed the method or the path.
  Router::Match route_of(Request& req) const;
  /// 3. The exception layer, around the router and the endpoint (a frame of its own: it catches).
  Task<Response> handle_exceptions(Request& req);
  static Task<Response> exceptions_trampoline(void* self, Request& req) {
    return static_cast<App*>(self)->handle_exceptions(req);
  }
  /// 4. The router: the matched endpoint's task (no frame of its own), else router_answer(); `route` is set
  /// to the matched route's name ("GET /items/{item_id}").
  Task<Response> route_request(Request& req, const std::string*& route);
  /// The router's own answers: 404, 405 + Allow (through a user's HTTPException handler when there is one),
  /// 307 to the path with or without its trailing slash.
  Task<Response> router_answer(Request& req, Router::Match m);
  /// add_route for a handler whose signature can be read.
  template <class F>
  void add_checked_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options);
  /// Registration: the route record (for the document) and the endpoint (for serving), under one route id.
  void add_endpoint(std::span<const Method> methods, std::string path, std::unique_ptr<detail::Endpoint> endpoint,
                    RouteDoc::Describe describe);
  void add_websocket_endpoint(std::string path, std::unique_ptr<detail::Endpoint> endpoint);
  /// True when `req` goes to the WebSocket routes (a handshake, and the app has some).
  bool is_websocket_request(const Request& req) const { return !ws_endpoints_.empty() && ws::is_upgrade_request(req); }
  /// Keeps a registration mistake for run(): `what` as it is when it starts with "fastapi:", else worded
  /// "fastapi: route <description>: <what>".
  void record_configuration_error(std::string_view description, std::string_view what);
  /// Registers the OpenAPI routes (once) and builds the document (openapi/docs.hpp); at the start of run().
  void serve_openapi();
  App& add_mount(std::string_view prefix, Service& service, std::shared_ptr<Service> owned, App* sub_app);
  /// A sub-application's part of its parent's run(): the parent's limits, its docs routes and document, its
  /// registration mistakes (and those of the apps mounted in it) reported by the parent.
  void start_mounted(const Config& config, std::vector<std::string>& errors);

  AppOptions options_;
  Router router_;
  detail::AppContext context_;
  detail::ExceptionHandlers exception_handlers_;
  detail::MiddlewareChain middleware_;
  std::vector<RouteDoc> routes_;                                 ///< by route id: what the document reads
  std::vector<std::unique_ptr<detail::Endpoint>> endpoints_;     ///< by route id: what serves
  Router ws_router_;                                             ///< the WebSocket routes (matched for handshakes)
  std::vector<std::unique_ptr<detail::Endpoint>> ws_endpoints_;  ///< by ws_router_'s route id
  std::vector<std::function<void()>> startup_;
  std::vector<std::function<void()>> shutdown_;
  detail::Lifespans lifespans_;
  Logger logger_;
  std::size_t default_body_limit_ = FASTAPI_MAX_BODY_SIZE;
  bool redirect_slashes_ = true;
  std::string root_path_;          ///< AppOptions::root_path, else (not mounted) Config::root_path: every req.root_path
  bool access_log_added_ = false;  ///< Config::access_log's middleware, added by the first run() that asks
  detail::AppRunner runner_;       ///< the server while run() serves (app/serve.hpp)
  detail::OpenAPIState openapi_;
  std::vector<std::string> configuration_errors_;
  std::vector<App*> mounted_apps_;  ///< sub-applications mounted here, started by this app's run()
};

// ---- implementation ----

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
// Out of the class: its members' constructors (the router, the default exception handlers' coroutines, the
// options' copy) are compiled once with separate compilation, not in every file that builds an App.
FASTAPI_DETAIL_INLINE App::App(AppOptions options)
    : options_(std::move(options)), middleware_(&App::exceptions_trampoline, this) {}

FASTAPI_DETAIL_INLINE App::~App() {
  // Lifespans still suspended (run() never reached their shutdown) are freed without it.
  lifespans_.forget_entered();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class F>
App& App::websocket(std::string_view path, F&& handler, RouteOptions options) {
  std::string description = "WEBSOCKET " + std::string(path);
  try {
    add_websocket_endpoint(std::string(path),
                           detail::make_websocket_endpoint(std::forward<F>(handler), description, std::move(options)));
  } catch (const std::logic_error& e) {
    record_configuration_error(description, e.what());
  }
  return *this;
}

template <class F>
void App::add_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options) {
  static_assert(detail::has_callable_traits<std::decay_t<F>>,
                "fastapi: the handler's parameter types must be spelled out (a generic lambda `[](auto x)` "
                "cannot say where its values come from) (docs/compile_errors.md#app-handler-generic-lambda)");
  if constexpr (detail::has_callable_traits<std::decay_t<F>>)
    add_checked_route(methods, path, std::forward<F>(handler), std::move(options));
}

template <class F>
void App::add_checked_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options) {
  static_assert(!detail::takes_websocket<typename detail::callable_traits<std::decay_t<F>>::args>,
                "fastapi: a handler that takes fa::WebSocket& is registered with app.websocket(path, handler)"
                " (docs/compile_errors.md#app-websocket-handler-on-get)");
  std::string description = detail::route_description(methods, path);
  try {
    add_endpoint(methods, std::string(path),
                 detail::make_endpoint(std::forward<F>(handler), description, std::move(options)),
                 detail::describer_of<std::decay_t<F>>());
  } catch (const std::logic_error& e) {  // ConfigurationError, the router's duplicates, a bad template
    record_configuration_error(description, e.what());
  }
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void App::add_endpoint(std::span<const Method> methods, std::string path,
                                             std::unique_ptr<detail::Endpoint> endpoint, RouteDoc::Describe describe) {
  if (path.empty())
    throw ConfigurationError("fastapi: route " + endpoint->description() +
                             ": the path is empty (a router's prefix and a route's path cannot both be empty)");
  endpoint->set_app(&context_);
  detail::check_path_params(PathTemplate::parse(path), *endpoint);  // {name} <-> fa::Path<"name", T>
  Router::RouteId id = router_.add(methods, path);
  if (id != endpoints_.size())
    throw ConfigurationError("fastapi: internal route numbering mismatch for " + endpoint->description());
  routes_.push_back(RouteDoc{.methods = std::vector<Method>(methods.begin(), methods.end()),
                             .path = std::move(path),
                             .description = endpoint->description(),
                             .options = endpoint->options(),
                             .describe = describe});
  endpoints_.push_back(std::move(endpoint));
}

FASTAPI_DETAIL_INLINE void App::add_websocket_endpoint(std::string path, std::unique_ptr<detail::Endpoint> endpoint) {
  if (path.empty()) throw ConfigurationError("fastapi: route " + endpoint->description() + ": the path is empty");
  endpoint->set_app(&context_);
  detail::check_path_params(PathTemplate::parse(path), *endpoint);
  static constexpr Method get[] = {Method::get};
  Router::RouteId id = ws_router_.add(std::span<const Method>(get), path);
  if (id != ws_endpoints_.size())
    throw ConfigurationError("fastapi: internal route numbering mismatch for " + endpoint->description());
  routes_.push_back(RouteDoc{.methods = {},
                             .path = std::move(path),
                             .description = endpoint->description(),
                             .options = endpoint->options(),
                             .describe = nullptr});
  ws_endpoints_.push_back(std::move(endpoint));
}

FASTAPI_DETAIL_INLINE App& App::include_router(const APIRouter& router, RouterOptions include) {
  for (const std::string& error : router.configuration_errors()) configuration_errors_.push_back(error);
  if (std::string bad = detail::prefix_error(include.prefix); !bad.empty()) {
    configuration_errors_.push_back(std::move(bad));
    return *this;
  }
  for (APIRouter::Route route : router.routes()) {
    detail::apply_router_options(include, route.path, route.options);
    std::string description =
        route.methods.empty() ? "WEBSOCKET " + route.path : detail::route_description(route.methods, route.path);
    try {
      if (route.methods.empty()) {  // a WebSocket route
        add_websocket_endpoint(route.path, route.factory->make(description, std::move(route.options)));
        continue;
      }
      add_endpoint(route.methods, route.path, route.factory->make(description, std::move(route.options)),
                   route.factory->describe());
    } catch (const std::logic_error& e) {
      record_configuration_error(description, e.what());
    }
  }
  return *this;
}

FASTAPI_DETAIL_INLINE App& App::add_mount(std::string_view prefix, Service& service, std::shared_ptr<Service> owned,
                                          App* sub_app) {
  static constexpr Method methods[] = {Method::get, Method::head,  Method::post,    Method::put,
                                       Method::del, Method::patch, Method::options, Method::trace};
  try {
    if (sub_app == this) throw ConfigurationError("fastapi: an app cannot be mounted in itself");
    std::string route = detail::mount_route(prefix);
    std::string trimmed = route.substr(0, route.size() - std::string_view("/{path:path}").size());
    add_endpoint(methods, route, std::make_unique<detail::MountEndpoint>(trimmed, service, std::move(owned)), nullptr);
    if (sub_app) mounted_apps_.push_back(sub_app);
  } catch (const std::logic_error& e) {
    record_configuration_error("MOUNT " + std::string(prefix), e.what());
  }
  return *this;
}

FASTAPI_DETAIL_INLINE void App::start_mounted(const Config& config, std::vector<std::string>& errors) {
  default_body_limit_ = config.max_body_size;
  redirect_slashes_ = config.redirect_slashes;
  root_path_ = options_.root_path;  // the command line's is the outer app's
  serve_openapi();
  errors.insert(errors.end(), configuration_errors_.begin(), configuration_errors_.end());
  for (App* sub : mounted_apps_) sub->start_mounted(config, errors);
}

FASTAPI_DETAIL_INLINE void App::record_configuration_error(std::string_view description, std::string_view what) {
  std::string message;
  if (what.starts_with("fastapi:")) {
    message = what;
  } else if (what.starts_with("route ")) {  // the router's own sentence names the route already
    message = "fastapi: " + std::string(what);
  } else {
    message = "fastapi: route " + std::string(description) + ": " + std::string(what);
  }
  configuration_errors_.push_back(std::move(message));
}

FASTAPI_DETAIL_INLINE void App::check_configuration() const {
  if (!configuration_errors_.empty()) throw ConfigurationError(configuration_errors_.front());
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class F>
App& App::lifespan(F&& fn) {
  lifespans_.add_for(*this, std::forward<F>(fn));
  return *this;
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE App& App::dependencies(std::vector<Dependency> deps) {
  for (Dependency& d : deps) context_.dependencies.dependencies.push_back(d);
  return *this;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <auto Fn, class G>
App& App::dependency_overrides(G&& fake) {
  const void* key = detail::dependency_key<Fn>();
  auto provider = detail::make_override<Fn>(std::forward<G>(fake));
  for (auto& [k, p] : context_.dependencies.overrides)
    if (k == key) {
      p = std::move(provider);
      return *this;
    }
  context_.dependencies.overrides.emplace_back(key, std::move(provider));
  return *this;
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<Response> App::handle(Request& req) {
  detail::this_loop().route = {};
  if (!root_path_.empty()) req.root_path = root_path_;  // FastAPI's __call__: scope["root_path"] = self.root_path
  std::exception_ptr error;
  try {
    route_of(req);  // the middleware sees req.path_params; a request with a body was matched by body_policy()
    if (middleware_.empty()) co_return co_await handle_exceptions(req);
    co_return co_await middleware_.run(req);  // its innermost `next` is handle_exceptions
  } catch (...) {
    error = std::current_exception();  // from a middleware, or no exception handler fitted
  }
  co_return co_await exception_handlers_.answer_server_error(req, std::move(error));
}

FASTAPI_DETAIL_INLINE Task<Response> App::handle_exceptions(Request& req) {
  const std::string* route = nullptr;
  std::exception_ptr error;
  // The route named in log lines (a refused response head, an unhandled exception) is this one again once
  // the handler is done: while it awaited, other requests on this loop may have set theirs.
  try {
    Response res = co_await route_request(req, route);
    if (res.prepare) std::exchange(res.prepare, {})(req, res);  // a FileResponse meets its request (304, 206)
    if (route) detail::this_loop().route = *route;
    co_return res;
  } catch (...) {
    error = std::current_exception();
  }
  if (route) detail::this_loop().route = *route;
  co_return co_await exception_handlers_.answer(req, std::move(error), route ? std::string_view(*route) : "");
}

FASTAPI_DETAIL_INLINE Task<Response> App::route_request(Request& req, const std::string*& route) {
  Router::Match m = route_of(req);
  if (req.route_memo.router == &ws_router_) {
    // Starlette: a handshake that no WebSocket route matches is closed before accept (uvicorn: HTTP 403)
    if (m.kind != Router::Match::Kind::found) return [](Response r) -> Task<Response> { co_return r; }({.status = 403});
    route = &ws_endpoints_[m.route]->description();
    return ws_endpoints_[m.route]->call(req);
  }
  if (m.kind != Router::Match::Kind::found) return router_answer(req, m);
  route = &endpoints_[m.route]->description();
  return endpoints_[m.route]->call(req);
}

FASTAPI_DETAIL_INLINE Task<Response> App::router_answer(Request& req, Router::Match m) {
  switch (m.kind) {
    case Router::Match::Kind::method_not_allowed: {
      HTTPException error(405, "Method Not Allowed");
      error.headers.emplace_back("allow", std::string(m.allow));
      co_return co_await exception_handlers_.answer_http_exception(req, std::move(error));
    }
    case Router::Match::Kind::redirect_slash: {
      // Starlette answers with an absolute URL built from the Host header.
      std::string location = std::string(req.scheme) + "://";
      location.append(req.headers.get("host").value_or("localhost")).append(root_path_);  // a proxy's prefix
      if (m.add_slash) {
        location.append(req.raw_path).push_back('/');
      } else {
        location.append(req.raw_path.substr(0, req.raw_path.size() - 1));
      }
      if (!req.query_string.empty()) location.append("?").append(req.query_string);
      co_return RedirectResponse(location, 307);
    }
    case Router::Match::Kind::found:
    case Router::Match::Kind::not_found: break;
  }
  co_return co_await exception_handlers_.answer_http_exception(req, HTTPException(404, "Not Found"));
}

FASTAPI_DETAIL_INLINE Router::Match App::route_of(Request& req) const {
  detail::RouteMemo& memo = req.route_memo;
  const Router& router = is_websocket_request(req) ? ws_router_ : router_;
  if (memo.router == &router && memo.method == req.method && memo.path == req.path)
    return {static_cast<Router::Match::Kind>(memo.kind), memo.route, memo.allow, memo.add_slash};
  Router::Match m = router.match(req.method, req.path, req.path_params, &router == &router_ && redirect_slashes_);
  memo = {&router, req.method, req.path, static_cast<std::uint8_t>(m.kind), m.add_slash, m.route, m.allow};
  return m;
}

FASTAPI_DETAIL_INLINE BodyPolicy App::body_policy(Request& req) const {
  Router::Match m = route_of(req);
  if (m.kind == Router::Match::Kind::found && req.route_memo.router == &router_) {
    // A streamed route always has its own limit (checked at registration: detail::Endpoint::streams_body); a
    // mount answers with the policy of the Service it mounts.
    BodyPolicy policy = endpoints_[m.route]->body_policy(req);
    if (policy.streamed && !policy.limit) policy.limit = default_body_limit_;  // a form route without its own
    if (policy.streamed || policy.limit) return policy;
  }
  return {default_body_limit_, false};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
// Out of the class: its body instantiates the docs routes' endpoints, which a translation unit that only
// sees declarations (FASTAPI_SEPARATE_COMPILATION) should not pay for.
FASTAPI_DETAIL_INLINE void App::serve_openapi() {
  std::size_t before = endpoints_.size();
  try {
    detail::serve_openapi(*this, openapi_, context_.dependencies.dependencies);
  } catch (const std::logic_error& e) {
    record_configuration_error("GET " + options_.openapi_url, e.what());
  }
  // FastAPI exempts its own pages from the app's dependencies (they are not the app's routes): a
  // dependency that checks an API key would otherwise lock the docs out.
  for (std::size_t i = before; i < endpoints_.size(); ++i) endpoints_[i]->set_app_dependencies_apply(false);
}

FASTAPI_DETAIL_INLINE int App::run(Config config) {
  default_body_limit_ = config.max_body_size;
  context_.multipart = config.multipart;
  context_.websocket = ws::SessionOptions{
      .max_size = config.ws_max_size, .ping_interval = config.ws_ping_interval, .ping_timeout = config.ws_ping_timeout};
  context_.websocket.deflate = {.enabled = config.ws_per_message_deflate,
                                .max_window_bits = config.ws_deflate_max_window_bits};
  redirect_slashes_ = config.redirect_slashes;
  root_path_ = options_.root_path.empty() ? config.root_path : options_.root_path;
  if (config.access_log && !access_log_added_) {  // the outermost middleware; once, even if run() again
    middleware_.add(AccessLogMiddleware{});
    access_log_added_ = true;
  }
  detail::thread_logger() = &logger_;
  auto failed = [&](std::string_view what, std::string_view reason) {
    if (!what.empty() || !reason.empty()) logger_.write(LogLevel::error, std::string(what) + std::string(reason));
    runner_.fail();
    detail::thread_logger() = nullptr;
    return 1;
  };
  // Registration mistakes first (the docs routes join the routes here): every one printed, nothing runs.
  try {
    serve_openapi();
  } catch (const std::exception& e) {
    return failed("startup failed: ", e.what());
  }
  // The Server header goes into every head: a control byte in it would split responses, so it is refused
  // here, in words, like any other configuration mistake (write_head would only skip it silently).
  std::vector<std::string> errors = configuration_errors_;  // this run's config may be fixed for the next
  for (App* sub : mounted_apps_) sub->start_mounted(config, errors);
  if (!config.server_header.empty() && !detail::valid_header_field("server", config.server_header))
    errors.push_back("fastapi: Config::server_header holds a control byte, which would split every response: "
                     "use printable text, or \"\" for no Server header");
  if (!errors.empty()) {
    for (const std::string& error : errors) logger_.write(LogLevel::error, error);
    return failed("", "");
  }
  const bool docs_page = !options_.openapi_url.empty() && !options_.docs_url.empty();
  int code = runner_.serve(*this, config, logger_, {startup_, lifespans_, shutdown_},
                           docs_page ? std::string_view(options_.docs_url) : std::string_view());
  detail::thread_logger() = nullptr;
  return code;
}

FASTAPI_DETAIL_INLINE int App::run(int argc, char** argv, Config config) {
  std::variant<Config, int> line = detail::config_from_command_line(argc, argv, std::move(config), logger_);
  if (const int* code = std::get_if<int>(&line)) return *code;
  return run(std::move(std::get<Config>(line)));
}

FASTAPI_DETAIL_INLINE void App::stop() { runner_.stop(); }

FASTAPI_DETAIL_INLINE bool App::ready() const { return runner_.ready(); }

FASTAPI_DETAIL_INLINE std::uint16_t App::wait_until_listening() const { return runner_.wait_until_listening(); }
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
