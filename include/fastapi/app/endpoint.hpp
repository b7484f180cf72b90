// app/endpoint.hpp: a user's handler -> `Task<Response>(Request&)`: bind its arguments (params/binding.hpp's plan;
// any error -> RequestValidationError, the handler does not run), call it (inline, or on the thread pool for
// .blocking routes), turn what it returns into a Response. What escapes goes to the exception layer (a
// ScopedError when the request scope has teardown to run after the response: app/exceptions.hpp).
// Fed by the router's match (App::route_request); feeds the writer. Knows nothing of OpenAPI's document.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "fastapi/app/exceptions.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/fixed_string.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/dependency_call.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/di/state.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/service.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/openapi/route.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/routing/path_template.hpp"
#include "fastapi/websocket/session.hpp"

namespace fastapi {

/// `application/json` response holding `value`.
inline Response JSONResponse(const Json& value, int status = 200) { return RawJSONResponse(value.dump(), status); }

namespace detail {

/// What every endpoint of one app shares: app-wide dependencies and overrides, state.
struct AppContext {
  DependencyRegistry dependencies;
  StateStore states;
  MultipartLimits multipart{};   ///< Config::multipart, for routes without their own RouteOptions::multipart
  ws::SessionOptions websocket;  ///< Config's ws_* settings, set by run()
};

class Endpoint;
/// Registration check of a route whose handler takes fa::RequestStream&: its max_body_size is set.
inline void check_streamed_limit(const Endpoint& endpoint);

/// A route's handler with its arguments gathered and its result converted.
class Endpoint {
 public:
  Endpoint(std::string description, RouteOptions options)
      : description_(std::move(description)), options_(std::move(options)) {}
  virtual ~Endpoint() = default;
  /// Answers `req` (path params already filled by the router).
  virtual Task<Response> call(Request& req) = 0;
  /// "GET /items/{item_id}": for logs and stall warnings.
  const std::string& description() const { return description_; }
  const RouteOptions& options() const { return options_; }
  /// The names of the handler's fa::Path parameters, checked against the route's `{names}` at registration.
  virtual std::span<const std::string_view> path_param_names() const { return {}; }
  /// True when the handler takes fa::Request& (it may read req.path_params itself).
  virtual bool takes_request() const { return false; }
  /// True when the body is read as the handler's arguments ask, not before: fa::RequestStream&, or form
  /// fields and files (params/form_data.hpp).
  virtual bool streams_body() const { return false; }
  /// How this route reads the body of `req`: its limit (0: the app's default) and whether it streams; a mount
  /// asks the Service it mounts.
  virtual BodyPolicy body_policy(Request&) const { return {options_.max_body_size, streams_body()}; }
  /// The app this endpoint serves (its dependencies and state); set at registration.
  void set_app(const AppContext* app) { app_ = app; }
  /// False for the app's own pages (/docs, /redoc, /openapi.json, the OAuth2 redirect): FastAPI does not run
  /// `app.dependencies(...)` for them.
  void set_app_dependencies_apply(bool apply) { app_dependencies_apply_ = apply; }

 protected:
  /// True when this request needs a RequestScope: dependencies on the route or the app.
  bool has_route_dependencies() const {
    return !options_.dependencies.empty() ||
           (app_ && app_dependencies_apply_ && !app_->dependencies.dependencies.empty());
  }
  /// The app's, then the route's dependencies, for their effect.
  Task<void> run_route_dependencies(BindContext& ctx) const;
  const DependencyRegistry* registry() const { return app_ ? &app_->dependencies : nullptr; }
  /// The limits of a multipart body for this route: its own, else the app's.
  const MultipartLimits* multipart_limits() const {
    return options_.multipart ? &*options_.multipart : app_ ? &app_->multipart : nullptr;
  }

  std::string description_;
  RouteOptions options_;
  const AppContext* app_ = nullptr;
  bool app_dependencies_apply_ = true;
};

/// The app's 1 MiB default suits a JSON body, not an upload read in pieces; unlimited must be asked for.
inline void check_streamed_limit(const Endpoint& endpoint) {
  if (endpoint.options().max_body_size == 0)
    throw ConfigurationError("fastapi: route " + endpoint.description() +
                             ": the handler takes fa::RequestStream&, so the route must say how large a body it "
                             "accepts: {.max_body_size = N} (bytes), or {.max_body_size = fa::unlimited}");
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<void> Endpoint::run_route_dependencies(BindContext& ctx) const {
  if (app_ && app_dependencies_apply_)
    for (const Dependency& d : app_->dependencies.dependencies) co_await d.run(ctx);
  for (const Dependency& d : options_.dependencies) co_await d.run(ctx);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Converts what a handler returned into a Response: Response as is; std::string/const char* ->
/// text/plain; Json, a reflected struct, a vector of them or a map (string or integer keys) -> application/json
/// (through the route's response model when it declares one); void -> `null` (as FastAPI). `status` when not a
/// Response.
template <class V>
inline constexpr bool is_model_value =
    reflectable<V> || is_vector<V> || is_partial<V> || is_string_map<V> || is_int_map<V>;

template <class T>
Response to_response(T&& value, int status, const RouteOptions& options) {
  using V = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<V, Response>) {
    return std::forward<T>(value);
  } else {
    fastapi::WriteOptions write_options{.exclude_none = options.response_model_exclude_none,
                                        .exclude_unset = options.response_model_exclude_unset,
                                        .exclude_defaults = options.response_model_exclude_defaults};
    if constexpr (std::is_same_v<V, Json> || is_model_value<V>) {
      if (options.response_model) return response_through_model(options.response_model, value, status, write_options);
    }
    if constexpr (std::is_same_v<V, std::string>) {
      return PlainTextResponse(std::forward<T>(value), status);
    } else if constexpr (std::is_convertible_v<V, std::string_view>) {
      return PlainTextResponse(std::string(std::string_view(value)), status);
    } else if constexpr (std::is_same_v<V, Json>) {
      return RawJSONResponse(value.dump(), status);
    } else if constexpr (is_model_value<V>) {
      return model_response(value, status, write_options);
    } else {
      static_assert(dependent_false<V>,
                    "fastapi: a handler must return fa::Response, std::string (text/plain), fa::Json, a plain "
                    "struct (or a std::vector or std::map of them), void, or fa::Task<...> of one of these"
                    " (docs/compile_errors.md#app-handler-return-type)");
    }
  }
}

/// Merges what the handler set on its `Response&` parameter into the returned response.
inline void merge_sub_response(Response& res, Response& sub) {
  if (sub.status != 0) res.status = sub.status;
  for (const auto& f : sub.headers) res.headers.add(f.name, f.value);
}

/// The argument for a handler parameter declared `P` from its slot: an lvalue for `P&`, moved otherwise.
template <class P, class Slot>
decltype(auto) pass_argument(Slot& slot) {
  auto& value = Binder<std::remove_cvref_t<P>>::get(slot);
  if constexpr (std::is_lvalue_reference_v<P>) return (value);
  else return std::move(value);
}

// The route-independent parts of the `--log-level debug` line, compiled once (not in each route's template).
/// Cuts a shown value to ~80 characters.
FASTAPI_DETAIL_INLINE void debug_cut(std::string& out);
/// A number, a text shown quoted (and cut), a value of another type by its type's name.
FASTAPI_DETAIL_INLINE std::string debug_integer(long long value);
FASTAPI_DETAIL_INLINE std::string debug_integer(unsigned long long value);
FASTAPI_DETAIL_INLINE std::string debug_quoted(std::string_view text);
FASTAPI_DETAIL_INLINE std::string debug_type(const std::type_info& type);
/// A parameter whose value may be a secret (a credential in a header, a cookie, a form field): masked.
FASTAPI_DETAIL_INLINE bool debug_masks(std::string_view name);
/// Appends `name = value` of one bound parameter to the line.
FASTAPI_DETAIL_INLINE void debug_append(std::string& line, std::string_view name, std::string_view value);
/// The line's start: the request line, `GET /items/1?q=foo HTTP/1.1:`.
FASTAPI_DETAIL_INLINE std::string debug_request_line(const Request& req);
/// Logs the finished line (without its `:` when no parameter was shown).
FASTAPI_DETAIL_INLINE void log_debug_line(std::string& line);

/// What `--log-level debug` shows of a bound value: numbers and text as they are (text quoted), a model as
/// its JSON, anything else by its type; cut to ~80 characters.
template <class T>
std::string debug_value(const T& value) {
  std::string out;
  if constexpr (is_optional<T>) {
    return value ? debug_value(*value) : std::string("None");
  } else if constexpr (std::is_same_v<T, bool>) {
    out = value ? "true" : "false";
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return debug_integer(static_cast<long long>(value));
  } else if constexpr (std::is_integral_v<T>) {
    return debug_integer(static_cast<unsigned long long>(value));
  } else if constexpr (std::is_arithmetic_v<T>) {
    out = std::to_string(value);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return debug_quoted(std::string_view(value));
  } else if constexpr (is_vector<T>) {
    out = "[";
    for (std::size_t i = 0; i < value.size() && out.size() < 80; ++i) out += (i ? ", " : "") + debug_value(value[i]);
    out += "]";
  } else if constexpr (is_body_struct<T>) {
    out = to_json_string(value);
  } else {
    return debug_type(typeid(T));
  }
  debug_cut(out);
  return out;
}
/// `name = value` of one bound slot; nothing for the slots of dependencies, security helpers (their values are
/// credentials), state and background tasks.
template <class Slot>
void debug_slot(std::string& line, const Slot& slot) {
  if constexpr (is_param_slot<Slot>) {
    using P = typename Slot::value_type;
    if constexpr (requires {
                    P::param_name;
                    P::param_source;
                    typename P::value_type;
                  }) {
      if (!slot) return;
      std::string_view name = P::param_name.empty() ? std::string_view("body") : P::param_name;
      if (debug_masks(name)) debug_append(line, name, "***");
      else debug_append(line, name, debug_value(**slot));
    } else if constexpr (is_body_struct<typename unwrap_optional<P>::type> && Binder<P>::source == Source::body) {
      // (A form of a security helper, OAuth2PasswordRequestForm, is a struct too: its Binder reads a form.)
      if (!slot) return;
      debug_append(line, "body", debug_value(*slot));
    }
  }
}
template <class Slots, std::size_t... I>
void debug_slots(std::string& line, const Slots& slots, std::index_sequence<I...>) {
  (debug_slot(line, std::get<I>(slots)), ...);  // (not std::apply: its lambda and invoke chain, per route, at -O0)
}
/// The debug line of a request that reached a handler: its request line and the parameters bound.
template <class Slots>
void log_bound_request(const Request& req, const Slots& slots) {
  std::string line = debug_request_line(req);
  debug_slots(line, slots, std::make_index_sequence<std::tuple_size_v<Slots>>{});
  log_debug_line(line);
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void debug_cut(std::string& out) {
  if (out.size() > 80) out = out.substr(0, 77) + "...";
}

FASTAPI_DETAIL_INLINE std::string debug_integer(long long value) { return std::to_string(value); }

FASTAPI_DETAIL_INLINE std::string debug_integer(unsigned long long value) { return std::to_string(value); }

FASTAPI_DETAIL_INLINE std::string debug_quoted(std::string_view text) {
  std::string out = "'" + std::string(text) + "'";
  debug_cut(out);
  return out;
}

FASTAPI_DETAIL_INLINE std::string debug_type(const std::type_info& type) {
  std::string out = "<" + type_name(type) + ">";
  debug_cut(out);
  return out;
}

FASTAPI_DETAIL_INLINE bool debug_masks(std::string_view name) {
  std::string lower;
  for (char c : name) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (std::string_view word : {"authorization", "cookie", "password", "secret", "token", "key", "credential"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

FASTAPI_DETAIL_INLINE void debug_append(std::string& line, std::string_view name, std::string_view value) {
  line += line.back() == ':' ? " " : ", ";
  line.append(name).append(" = ").append(value);
}

FASTAPI_DETAIL_INLINE std::string debug_request_line(const Request& req) {
  return std::string(req.method_name) + " " + std::string(req.target) + " HTTP/1." + std::to_string(req.version_minor) +
         ":";
}

FASTAPI_DETAIL_INLINE void log_debug_line(std::string& line) {
  if (line.back() == ':') line.pop_back();
  log(LogLevel::debug, line);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// What a route's handler type says of its calls, fixed at registration by HandlerEndpoint<F> and read by
/// RouteEndpoint::call, the one request sequence of every route.
struct RouteShape {
  std::size_t args_size = 0;  ///< one call's bound arguments (the slots, and the fa::Task a coroutine returned)
  std::size_t args_align = 1;
  bool awaits_binding = false;  ///< a fa::Depends among the parameters: bound by awaiting (bind_async)
  bool loads_form = false;      ///< fa::Form / fa::File parameters: a multipart body is read before binding
  bool needs_scope = false;     ///< dependencies or fa::BackgroundTasks&: a RequestScope for each request
  bool returns_task = false;    ///< the handler returns fa::Task<T>: started, awaited, then finished
  bool no_args = false;         ///< no parameters, a plain value: no arguments to make, nothing to bind
};

/// The request sequence every route shares, compiled once and not per handler (`call`): the scope, the app's
/// and the route's dependencies, the binding, the call (inline, on the thread pool for a .blocking route, or
/// awaited for a fa::Task), the sub-response, the function-scope teardown and the errors. What depends on the
/// handler's type is HandlerEndpoint<F>'s handful of plain functions below, over one call's arguments `args`
/// (storage of RouteShape::args_size bytes that `call` provides: in its own frame when they fit).
class RouteEndpoint : public Endpoint {
 public:
  RouteEndpoint(std::string description, RouteOptions options, RouteShape shape)
      : Endpoint(std::move(description), std::move(options)), shape_(shape) {}
  /// Binds (awaiting dependencies when there are some), calls the handler, converts its value. With a
  /// RequestScope: function-scope teardown now, the rest after the response is sent (an error leaves as a
  /// ScopedError carrying that teardown: the exception layer answers it, app/exceptions.hpp).
  FASTAPI_DETAIL_INLINE Task<Response> call(Request& req) final;

 protected:
  virtual void make_args(void* args) = 0;                           ///< the empty slots, constructed in `args`
  virtual void drop_args(void* args) noexcept = 0;                  ///< ...and destroyed
  virtual void bind(BindContext& ctx, void* args) = 0;              ///< a plan that awaits nothing
  virtual Task<void> bind_async(BindContext& ctx, void* args) = 0;  ///< a plan with fa::Depends
  virtual void log_args(const Request& req, void* args) = 0;        ///< the `--log-level debug` line
  virtual Response invoke(void* args, int status) = 0;              ///< a plain handler: called, its value converted
  virtual StartedTask start(void* args) = 0;            ///< a Task handler: called (its coroutine not started)
  virtual Response finish(void* args, int status) = 0;  ///< ...and once it is done, its value converted

 private:
  /// One call's arguments: in place (most handlers' fit) or from the heap; made empty, destroyed after the call.
  class CallArgs {
   public:
    explicit CallArgs(RouteEndpoint& endpoint);
    ~CallArgs();
    void* get() { return storage_.get(); }

   private:
    ArgsStorage<256> storage_;
    RouteEndpoint& endpoint_;
  };
  /// A .blocking route's plain handler with its arguments, run on the thread pool (one ToThread for every route).
  struct PoolCall {
    RouteEndpoint* endpoint;
    void* args;
    int status;
    Response operator()() const { return endpoint->invoke(args, status); }
  };
  /// invoke() on the loop, under the stall warning's watch.
  Response invoke_here(void* args, int status);
  /// Response::after_send (and a ScopedError's) for `scope`: its request-scope teardown, then background tasks.
  static std::function<Task<void>()> after_send_of(std::shared_ptr<RequestScope> scope) {
    return [scope = std::move(scope)] { return RequestScope::after_send(scope); };
  }

  RouteShape shape_;
};

/// A user's handler as a route: what its type says (the plan, the result) and the plain functions
/// RouteEndpoint::call runs it through. No coroutine of its own: per route, the compiler generates these few
/// small functions (binding into the slots, the call, the conversion of its value), not a request sequence.
template <class F>
class HandlerEndpoint final : public RouteEndpoint {
 public:
  using Traits = callable_traits<F>;
  using Result = typename Traits::result;
  using Plan = typename plan_of<typename Traits::args>::type;
  using Binding = PlanBinding<Plan>;
  static_assert(Plan::checked);

  HandlerEndpoint(F handler, std::string description, RouteOptions options)
      : RouteEndpoint(std::move(description), std::move(options), shape), handler_(std::move(handler)) {
    if constexpr (Plan::streams_body) check_streamed_limit(*this);
  }

  std::span<const std::string_view> path_param_names() const override { return Binding::path_names; }
  bool takes_request() const override { return Plan::takes_request; }
  /// A handler with fa::Form or fa::File parameters streams too: a multipart body is parsed as it arrives (file
  /// parts spooled, never the whole body in memory), any other body read whole by the binder (load_form).
  bool streams_body() const override { return Plan::streams_body || Plan::has_form; }
  /// What the handler's types say of its operation, for the route's RouteDoc (openapi/operation.hpp).
  static constexpr RouteDoc::Describe describe = &describe_operation<Plan, Result>;

 private:
  using Slots = typename Plan::Slots;
  struct NoTask {};
  /// One call's arguments: the bound slots, and the fa::Task a coroutine handler returned (destroyed first).
  struct Args {
    Slots slots{};
    std::conditional_t<is_task_v<Result>, std::optional<Result>, NoTask> task{};
  };
  static constexpr RouteShape shape{.args_size = sizeof(Args),
                                    .args_align = alignof(Args),
                                    .awaits_binding = Binding::is_async,
                                    .loads_form = Plan::has_form,
                                    .needs_scope = Binding::needs_scope,
                                    .returns_task = is_task_v<Result>,
                                    .no_args = Plan::size == 0 && !is_task_v<Result>};
  static Args& args_of(void* args) { return *static_cast<Args*>(args); }

  void make_args(void* args) override { ::new (args) Args(); }
  void drop_args(void* args) noexcept override { args_of(args).~Args(); }
  void bind([[maybe_unused]] BindContext& ctx, [[maybe_unused]] void* args) override {
    if constexpr (!Binding::is_async && Plan::size > 0) Plan::bind(ctx, args_of(args).slots);
  }
  Task<void> bind_async([[maybe_unused]] BindContext& ctx, [[maybe_unused]] void* args) override {
    if constexpr (Binding::is_async) return Binding::bind(ctx, args_of(args).slots);
    else return {};  // never called: shape.awaits_binding is false
  }
  void log_args(const Request& req, void* args) override { log_bound_request(req, args_of(args).slots); }
  Response invoke([[maybe_unused]] void* args, int status) override {
    if constexpr (is_task_v<Result>) {
      return Response{.status = status};  // never called: shape.returns_task
    } else if constexpr (std::is_void_v<Result>) {
      call_handler(args_of(args).slots);
      return RawJSONResponse("null", status);
    } else {
      return to_response(call_handler(args_of(args).slots), status, options_);
    }
  }
  StartedTask start([[maybe_unused]] void* args) override {
    if constexpr (is_task_v<Result>) {
      Args& a = args_of(args);
      return StartedTask::of(a.task.emplace(call_handler(a.slots)));
    } else {
      return {};  // never called: shape.returns_task is false
    }
  }
  Response finish([[maybe_unused]] void* args, int status) override {
    if constexpr (is_task_v<Result>) {
      auto awaiter = args_of(args).task->operator co_await();
      if constexpr (std::is_void_v<typename Result::value_type>) {
        awaiter.await_resume();  // rethrows what the handler threw
        return RawJSONResponse("null", status);
      } else {
        return to_response(awaiter.await_resume(), status, options_);
      }
    } else {
      return Response{.status = status};  // never called: shape.returns_task is false
    }
  }
  Result call_handler(Slots& slots) { return call_with(slots, std::make_index_sequence<Traits::arity>{}); }
  template <std::size_t... I>
  Result call_with([[maybe_unused]] Slots& slots, std::index_sequence<I...>) {
    return handler_(pass_argument<std::tuple_element_t<I, typename Traits::args>>(std::get<I>(slots))...);
  }

  F handler_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE RouteEndpoint::CallArgs::CallArgs(RouteEndpoint& endpoint)
    : storage_(endpoint.shape_.no_args ? 0 : endpoint.shape_.args_size, endpoint.shape_.args_align),
      endpoint_(endpoint) {
  if (!endpoint.shape_.no_args) endpoint.make_args(get());
}

FASTAPI_DETAIL_INLINE RouteEndpoint::CallArgs::~CallArgs() {
  if (!endpoint_.shape_.no_args) endpoint_.drop_args(get());
}

FASTAPI_DETAIL_INLINE Response RouteEndpoint::invoke_here(void* args, int status) {
  StallWatch watch(description_);
  return invoke(args, status);
}

// The common path (no scope: nothing to tear down) builds the response in place and returns it from inside the
// block: no Response is default-constructed, assigned or moved on the way (each one is instructions per request).
FASTAPI_DETAIL_INLINE Task<Response> RouteEndpoint::call(Request& req) {
  std::shared_ptr<RequestScope> scope;
  if (shape_.needs_scope || has_route_dependencies()) scope = std::make_shared<RequestScope>(registry());
  std::optional<Response> scoped_res;  // the response of a scoped call, kept for after its teardown
  {
    const int status = options_.status_code ? options_.status_code : 200;
    Response sub{.status = 0};
    HandlerRunning running;  // the loop-stall warning blames a long resume only while a handler runs
    this_loop().route = description_;
    std::optional<BindContext> ctx;  // none for a handler without parameters (and no scope)
    CallArgs args(*this);
    try {
      if (!shape_.no_args || scope) {
        ctx.emplace(req, sub);
        ctx->scope = scope.get();
        ctx->states = app_ ? &app_->states : nullptr;
        ctx->multipart_limits = multipart_limits();
        if (has_route_dependencies()) co_await run_route_dependencies(*ctx);  // no coroutine frame without any
        if (shape_.awaits_binding) {
          co_await bind_async(*ctx, args.get());
        } else {
          if (shape_.loads_form) co_await ctx->load_form();  // a multipart body's parts, before any binder
          bind(*ctx, args.get());
        }
      }
      if (current_logger().enabled(LogLevel::debug)) log_args(req, args.get());
      if (ctx && ctx->failed()) throw ctx->take_errors();  // the app answers 422 {"detail":[...]}
      std::optional<Response> from_pool;
      if (shape_.returns_task) {
        StartedTask task = start(args.get());
        co_await task;
      } else if (options_.blocking) {
        ToThread<PoolCall> hop(PoolCall{this, args.get(), status});  // the handler and its conversion, on the pool
        from_pool.emplace(co_await hop);
      }
      Response res = shape_.returns_task ? finish(args.get(), status)
                     : from_pool         ? std::move(*from_pool)
                                         : invoke_here(args.get(), status);
      merge_sub_response(res, sub);
      if (!scope) co_return res;
      scoped_res.emplace(std::move(res));
    } catch (...) {
      if (!scope) throw;
      scope->error = std::current_exception();
    }
  }  // the arguments are gone before any teardown (a dependency's value may be one of them)
  if (scope->has_exits(DependencyScope::function)) co_await scope->teardown(DependencyScope::function);
  // The exception layer answers the error, and the request-scope teardown still runs after that answer is sent.
  if (scope->error) throw ScopedError{scope->error, after_send_of(scope), scope->pending()};
  // A streamed body may still read the dependencies' values: the scope lives until it has been sent.
  if (scope->pending() || scoped_res->stream) scoped_res->after_send = after_send_of(scope);
  co_return std::move(*scoped_res);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Registration check: every `{name}` of the route has a fa::Path<"name", T> (unless the handler takes
/// fa::Request&, which may read req.path_params itself) and every Path a `{name}`.
/// Throws ConfigurationError with a sentence, e.g. `fastapi: route GET /items/{item_id}: the path has
/// {item_id} but the handler has no fa::Path<"item_id", T> parameter`.
inline void check_path_params(const PathTemplate& tmpl, const Endpoint& endpoint) {
  std::vector<std::string_view> in_path = tmpl.param_names();
  std::span<const std::string_view> in_handler = endpoint.path_param_names();
  for (std::string_view name : in_path) {
    bool found = endpoint.takes_request();
    for (std::string_view h : in_handler) found = found || h == name;
    if (!found)
      throw ConfigurationError("fastapi: route " + endpoint.description() + ": the path has {" + std::string(name) +
                               "} but the handler has no fa::Path<\"" + std::string(name) + "\", T> parameter");
  }
  for (std::string_view name : in_handler) {
    bool found = false;
    for (std::string_view p : in_path) found = found || p == name;
    if (!found)
      throw ConfigurationError("fastapi: route " + endpoint.description() + ": the handler takes fa::Path<\"" +
                               std::string(name) + "\", T> but the path has no {" + std::string(name) + "}");
  }
}

/// The number of `{name}`s in a route literal.
template <FixedString Route>
consteval std::size_t route_param_count() {
  std::size_t n = 0;
  for (char c : Route.view()) n += c == '{';
  return n;
}

/// The `{name}`s of a route literal, in order, without a `:path`/`:str` convertor.
template <FixedString Route>
consteval std::array<std::string_view, route_param_count<Route>()> route_param_names() {
  std::array<std::string_view, route_param_count<Route>()> names{};
  std::string_view s = Route.view();
  std::size_t k = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '{') continue;
    std::size_t end = s.find_first_of(":}", i + 1);
    if (end == std::string_view::npos) end = s.size();
    names[k++] = s.substr(i + 1, end - i - 1);
  }
  return names;
}

consteval bool contains_name(std::span<const std::string_view> names, std::string_view name) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

/// Every {name} of the route has its fa::Path (a handler that takes fa::Request& may read req.path_params itself).
template <FixedString Route, class H>
consteval bool every_route_name_has_a_path_parameter() {
  using E = HandlerEndpoint<H>;
  if (E::Plan::takes_request) return true;
  constexpr auto in_path = route_param_names<Route>();
  for (std::string_view name : in_path)
    if (!contains_name(E::Binding::path_names, name)) return false;
  return true;
}
template <FixedString Route, class H>
consteval bool every_path_parameter_is_in_the_route() {
  constexpr auto in_path = route_param_names<Route>();
  for (std::string_view name : HandlerEndpoint<H>::Binding::path_names)
    if (!contains_name(in_path, name)) return false;
  return true;
}

/// Compile-time twin of check_path_params for a route given as a literal (`app.get<"/items/{item_id}">(h)`).
/// The route literal and the handler type show in the compiler's "in instantiation of RouteLiteral<...>" line.
template <FixedString Route, class H>
struct RouteLiteral {
  static_assert(every_route_name_has_a_path_parameter<Route, H>(),
                "fastapi: the route has a {name} for which the handler has no fa::Path<\"name\", T> parameter (the "
                "route and the handler are in RouteLiteral<route, handler> above): add the parameter, or rename it to "
                "match (docs/compile_errors.md#app-route-literal-path-mismatch)");
  static_assert(every_path_parameter_is_in_the_route<Route, H>(),
                "fastapi: the handler takes a fa::Path<\"name\", T> whose {name} is not in the route (the route and "
                "the handler are in RouteLiteral<route, handler> above): add {name} to the route, or use fa::Query"
                " (docs/compile_errors.md#app-route-literal-path-mismatch)");
  static constexpr bool ok = true;
};

/// Wraps `handler` (lambda, function pointer or callable object) as an Endpoint. Owned by a
/// std::unique_ptr<Endpoint> from the start: std::make_unique<HandlerEndpoint<H>> would instantiate a
/// unique_ptr, a deleter and their tuple for each route (~30 functions of -O0 code per route), then convert.
template <class F>
std::unique_ptr<Endpoint> make_endpoint(F&& handler, std::string description, RouteOptions options) {
  using H = std::decay_t<F>;
  static_assert(has_callable_traits<H>,
                "fastapi: the handler's parameter types must be spelled out (a generic lambda `[](auto x)` "
                "cannot say where its values come from) (docs/compile_errors.md#app)");
  return std::unique_ptr<Endpoint>(
      new HandlerEndpoint<H>(std::forward<F>(handler), std::move(description), std::move(options)));
}

/// What `handler`'s types say of its operation, for its route record (nothing for a handler make_endpoint
/// refuses: its static_assert is then the one message).
template <class H>
constexpr RouteDoc::Describe describer_of() {
  if constexpr (has_callable_traits<H>) return HandlerEndpoint<H>::describe;
  else return nullptr;
}

}  // namespace detail
}  // namespace fastapi
