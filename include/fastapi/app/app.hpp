// app/app.hpp: fa::App, what a user writes against: routes by verb, lifecycle hooks, run()/stop().
// It is the Service under every connection: request -> router -> endpoint -> response, with FastAPI's
// 404/405/307 answers and HTTPException / unhandled-exception mapping. Fed by connections; feeds endpoints.
#pragma once

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/endpoint.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/http/connection.hpp"
#include "fastapi/http/server.hpp"
#include "fastapi/http/status.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/routing/router.hpp"

namespace fastapi {

/// What the app says about itself (OpenAPI `info`), as FastAPI(title=..., version=...).
struct AppOptions {
  std::string title = "FastAPI";
  std::string version = "0.1.0";
  std::string description{};
};

/// The application: `fa::App app{{.title = "Items"}}; app.get("/", [] { return "hi"; }); app.run();`
class App : public Service {
 public:
  explicit App(AppOptions options = {}) : options_(std::move(options)) {}
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  template <class F> App& get(std::string_view path, F&& handler, RouteOptions options = {});
  template <class F> App& post(std::string_view path, F&& handler, RouteOptions options = {});
  template <class F> App& put(std::string_view path, F&& handler, RouteOptions options = {});
  template <class F> App& patch(std::string_view path, F&& handler, RouteOptions options = {});
  template <class F> App& delete_(std::string_view path, F&& handler, RouteOptions options = {});
  template <class F> App& options(std::string_view path, F&& handler, RouteOptions options = {});
  template <class F> App& head(std::string_view path, F&& handler, RouteOptions options = {});
  /// One handler for several methods: `app.api_route("/x", {fa::Method::get, fa::Method::post}, h);`
  template <class F>
  App& api_route(std::string_view path, std::initializer_list<Method> methods, F&& handler, RouteOptions options = {});

  /// Runs before the first connection is accepted; an exception stops run() with exit code 1 and the reason.
  void on_startup(std::function<void()> hook) { startup_.push_back(std::move(hook)); }
  /// Runs after the drain, before run() returns.
  void on_shutdown(std::function<void()> hook) { shutdown_.push_back(std::move(hook)); }

  /// Serves until SIGINT/SIGTERM or stop(); prints `Listening on http://host:port`. Returns the exit code.
  int run(Config config = {});
  /// run() with --host/--port/--workers from the command line (and PORT from the environment).
  int run(int argc, char** argv, Config config = {});
  /// Starts the graceful drain of a running app (thread-safe).
  void stop();
  /// The bound port while running (0 before).
  std::uint16_t port() const { return port_.load(); }
  /// Blocks until the app is listening (or run() failed); the port, or 0 on failure.
  std::uint16_t wait_until_listening() const;

  /// Dependencies run for their effect on every route, before the route's own:
  /// `app.dependencies({fa::dependency<verify_key>()});` (FastAPI's `FastAPI(dependencies=[...])`).
  App& dependencies(std::vector<Dependency> deps);
  /// Calls `fake` wherever `fa::Depends<Fn>` is asked for (tests): `app.dependency_overrides<get_db>(fake_db);`
  /// `fake` gives the same type (T, fa::Task<T> or fa::Yield<T>); its own parameters are bound as usual.
  /// Set it while no request is in flight.
  template <auto Fn, class G>
  App& dependency_overrides(G&& fake);
  /// Forgets every override.
  void clear_dependency_overrides() { dependencies_.overrides.clear(); }

  Logger& logger() { return logger_; }
  const AppOptions& info() const { return options_; }

  // Service: called by connections.
  Task<Response> handle(Request& req) override;
  std::size_t body_limit(const Request& req) const override;

 private:
  template <class F>
  App& add_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options);
  Response error_response(const HTTPException& e) const;

  AppOptions options_;
  Router router_;
  detail::DependencyRegistry dependencies_;
  std::vector<std::unique_ptr<detail::Endpoint>> endpoints_;
  std::vector<std::function<void()>> startup_;
  std::vector<std::function<void()>> shutdown_;
  Logger logger_;
  std::size_t default_body_limit_ = FASTAPI_MAX_BODY_SIZE;
  bool redirect_slashes_ = true;
  mutable std::mutex run_mutex_;
  mutable std::condition_variable run_cv_;
  Server* server_ = nullptr;
  bool run_failed_ = false;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stop_requested_{false};
};

/// Reads `--host H`, `--port N` (also `--port=N` forms), `--workers N` and the PORT variable into `base`.
/// Unknown arguments or bad numbers throw std::invalid_argument with a sentence.
Config parse_args(int argc, char** argv, Config base = {});

// ---- implementation ----

template <class F>
App& App::add_route(std::span<const Method> methods, std::string_view path, F&& handler, RouteOptions options) {
  std::string description;
  for (Method m : methods) {
    if (!description.empty()) description += ",";
    description += method_name(m);
  }
  description.append(" ").append(path);
  auto endpoint = detail::make_endpoint(std::forward<F>(handler), description, std::move(options));
  endpoint->set_registry(&dependencies_);
  detail::check_path_params(PathTemplate::parse(path), *endpoint);  // {name} <-> fa::Path<"name", T>
  Router::RouteId id = router_.add(methods, path);
  if (id != endpoints_.size())
    throw ConfigurationError("fastapi: internal route numbering mismatch for " + description);
  endpoints_.push_back(std::move(endpoint));
  return *this;
}

inline App& App::dependencies(std::vector<Dependency> deps) {
  for (Dependency& d : deps) dependencies_.dependencies.push_back(d);
  return *this;
}

template <auto Fn, class G>
App& App::dependency_overrides(G&& fake) {
  const void* key = detail::dependency_key<Fn>();
  auto provider = detail::make_override<Fn>(std::forward<G>(fake));
  for (auto& [k, p] : dependencies_.overrides)
    if (k == key) {
      p = std::move(provider);
      return *this;
    }
  dependencies_.overrides.emplace_back(key, std::move(provider));
  return *this;
}

#define FASTAPI_DETAIL_VERB(fn, method)                                                  \
  template <class F>                                                                     \
  App& App::fn(std::string_view path, F&& handler, RouteOptions options) {               \
    static constexpr Method ms[] = {method};                                             \
    return add_route(ms, path, std::forward<F>(handler), std::move(options));            \
  }
FASTAPI_DETAIL_VERB(get, Method::get)
FASTAPI_DETAIL_VERB(post, Method::post)
FASTAPI_DETAIL_VERB(put, Method::put)
FASTAPI_DETAIL_VERB(patch, Method::patch)
FASTAPI_DETAIL_VERB(delete_, Method::del)
FASTAPI_DETAIL_VERB(options, Method::options)
FASTAPI_DETAIL_VERB(head, Method::head)
#undef FASTAPI_DETAIL_VERB

template <class F>
App& App::api_route(std::string_view path, std::initializer_list<Method> methods, F&& handler, RouteOptions options) {
  return add_route(std::span<const Method>(methods.begin(), methods.size()), path, std::forward<F>(handler),
                   std::move(options));
}

inline Response App::error_response(const HTTPException& e) const { return detail::http_exception_response(e); }

inline Task<Response> App::handle(Request& req) {
  Router::Match m = router_.match(req.method, req.path, req.path_params, redirect_slashes_);
  switch (m.kind) {
    case Router::Match::Kind::found: {
      detail::Endpoint& ep = *endpoints_[m.route];
      try {
        co_return co_await ep.call(req);
      } catch (const HTTPException& e) {
        co_return error_response(e);
      } catch (const RequestValidationError& e) {
        co_return RawJSONResponse(e.body().dump(), 422);
      } catch (const std::exception& e) {
        logger_.write(LogLevel::error, "exception in " + ep.description() + ": " + e.what());
      } catch (...) {
        logger_.write(LogLevel::error, "exception in " + ep.description() + ": unknown exception type");
      }
      co_return RawJSONResponse(R"({"detail":"Internal Server Error"})", 500);
    }
    case Router::Match::Kind::method_not_allowed: {
      Response res = RawJSONResponse(R"({"detail":"Method Not Allowed"})", 405);
      res.headers.add("allow", std::string(m.allow));
      co_return res;
    }
    case Router::Match::Kind::redirect_slash: {
      // Starlette answers with an absolute URL built from the Host header.
      std::string location = "http://";
      location.append(req.headers.get("host").value_or("localhost"));
      if (m.add_slash) {
        location.append(req.raw_path).push_back('/');
      } else {
        location.append(req.raw_path.substr(0, req.raw_path.size() - 1));
      }
      if (!req.query_string.empty()) location.append("?").append(req.query_string);
      co_return RedirectResponse(location, 307);
    }
    case Router::Match::Kind::not_found: break;
  }
  co_return RawJSONResponse(R"({"detail":"Not Found"})", 404);
}

inline std::size_t App::body_limit(const Request& req) const {
  PathParams scratch;
  Router::Match m = router_.match(req.method, req.path, scratch, false);
  if (m.kind == Router::Match::Kind::found) {
    std::size_t route_limit = endpoints_[m.route]->options().max_body_size;
    if (route_limit) return route_limit;
  }
  return default_body_limit_;
}

inline int App::run(Config config) {
  default_body_limit_ = config.max_body_size;
  redirect_slashes_ = config.redirect_slashes;
  detail::thread_logger() = &logger_;
  std::unique_ptr<Server> server;
  try {
    for (auto& hook : startup_) hook();
    server = std::make_unique<Server>(*this, config, logger_);
    std::uint16_t port = server->listen();
    {
      std::lock_guard lock(run_mutex_);
      server_ = server.get();
      port_ = port;
    }
    run_cv_.notify_all();
    std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    std::cout << "Listening on http://" << host << ":" << port << std::endl;
    if (stop_requested_) server->stop();
    server->run();
  } catch (const std::exception& e) {
    logger_.write(LogLevel::error, std::string("startup failed: ") + e.what());
    {
      std::lock_guard lock(run_mutex_);
      server_ = nullptr;
      run_failed_ = true;
    }
    run_cv_.notify_all();
    detail::thread_logger() = nullptr;
    return 1;
  }
  {
    std::lock_guard lock(run_mutex_);
    server_ = nullptr;
    port_ = 0;
    stop_requested_ = false;  // the app may be run again
  }
  int code = 0;
  for (auto& hook : shutdown_) {
    try {
      hook();
    } catch (const std::exception& e) {
      logger_.write(LogLevel::error, std::string("shutdown hook failed: ") + e.what());
      code = 1;
    }
  }
  logger_.write(LogLevel::info, "server stopped");
  detail::thread_logger() = nullptr;
  return code;
}

inline int App::run(int argc, char** argv, Config config) {
  try {
    config = parse_args(argc, argv, std::move(config));
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return run(std::move(config));
}

inline void App::stop() {
  std::lock_guard lock(run_mutex_);
  stop_requested_ = true;
  if (server_) server_->stop();
}

inline std::uint16_t App::wait_until_listening() const {
  std::unique_lock lock(run_mutex_);
  run_cv_.wait(lock, [this] { return port_.load() != 0 || run_failed_; });
  return port_.load();
}

inline Config parse_args(int argc, char** argv, Config base) {
  auto number = [](std::string_view name, std::string_view text, unsigned long max) {
    unsigned long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v > max)
      throw std::invalid_argument("fastapi: " + std::string(name) + " expects a number up to " +
                                  std::to_string(max) + ", got '" + std::string(text) + "'");
    return v;
  };
  if (const char* env = std::getenv("PORT"); env && *env)
    base.port = static_cast<std::uint16_t>(number("PORT", env, 65535));
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    std::string_view key = arg;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (arg == "--host" || arg == "--port" || arg == "--workers") {
      if (i + 1 >= argc) throw std::invalid_argument("fastapi: " + std::string(arg) + " needs a value");
      value = argv[++i];
    }
    if (key == "--host") {
      base.host = std::string(value);
    } else if (key == "--port") {
      base.port = static_cast<std::uint16_t>(number("--port", value, 65535));
    } else if (key == "--workers") {
      base.workers = static_cast<unsigned>(number("--workers", value, 1024));
    } else {
      throw std::invalid_argument("fastapi: unknown argument '" + std::string(arg) +
                                  "' (known: --host HOST, --port PORT, --workers N)");
    }
  }
  return base;
}

}  // namespace fastapi
