// app/endpoint.hpp: a user's handler -> `Task<Response>(Request&)`: gather its arguments, call it (inline, or on
// the thread pool for .blocking routes), turn what it returns into a Response. Fed by the router's match;
// feeds the writer. The binding of Path/Query/Header/Body/Depends parameters plugs in at bind_argument().
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// Per-route options, one aggregate with designated initializers:
/// `app.post("/items", create_item, {.status_code = 201, .tags = {"items"}});`
struct RouteOptions {
  int status_code = 0;             ///< status of a non-Response return value (0 = 200)
  std::vector<std::string> tags{}; ///< OpenAPI tags
  std::string summary{};             ///< OpenAPI summary
  std::string description{};         ///< OpenAPI description
  std::string name{};                ///< route name (operationId base)
  bool deprecated = false;         ///< marked deprecated in OpenAPI
  bool include_in_schema = true;   ///< listed in OpenAPI
  bool blocking = false;           ///< run a plain (non-coroutine) handler on the thread pool (FastAPI's `def`)
  std::size_t max_body_size = 0;   ///< 413 above it; 0 = the app's Config::max_body_size
};

/// `application/json` response holding `value`.
inline Response JSONResponse(const Json& value, int status = 200) { return RawJSONResponse(value.dump(), status); }

namespace detail {

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

 protected:
  std::string description_;
  RouteOptions options_;
};

/// Converts what a handler returned into a Response: Response as is; std::string/const char* ->
/// text/plain; Json -> application/json; void -> `null` (as FastAPI). `status` when not a Response.
template <class T>
Response to_response(T&& value, int status) {
  using V = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<V, Response>) {
    return std::forward<T>(value);
  } else if constexpr (std::is_same_v<V, std::string>) {
    return PlainTextResponse(std::forward<T>(value), status);
  } else if constexpr (std::is_convertible_v<V, std::string_view>) {
    return PlainTextResponse(std::string(std::string_view(value)), status);
  } else if constexpr (std::is_same_v<V, Json>) {
    return RawJSONResponse(value.dump(), status);
  } else {
    static_assert(dependent_false<V>,
                  "fastapi: a handler must return fa::Response, std::string (text/plain), fa::Json, void, "
                  "or fa::Task<...> of one of these");
  }
}

/// What the handler's parameter of type P receives. Request& and Response& here; the binding
/// station (params/) adds Path, Query, Header, Cookie, Form, Body and Depends.
template <class P>
decltype(auto) bind_argument(Request& req, Response& sub) {
  using V = std::remove_cvref_t<P>;
  if constexpr (std::is_same_v<V, Request>) {
    return (req);
  } else if constexpr (std::is_same_v<V, Response> && std::is_lvalue_reference_v<P> &&
                       !std::is_const_v<std::remove_reference_t<P>>) {
    return (sub);
  } else {
    static_assert(dependent_false<P>,
                  "fastapi: a handler parameter must be fa::Request& or fa::Response& (more kinds come with "
                  "the binding station: Path/Query/Header/Cookie/Form/Body/Depends)");
  }
}

/// Merges what the handler set on its `Response&` parameter into the returned response.
inline void merge_sub_response(Response& res, Response& sub) {
  if (sub.status != 0) res.status = sub.status;
  for (const auto& f : sub.headers) res.headers.add(f.name, f.value);
}

template <class F>
class HandlerEndpoint final : public Endpoint {
 public:
  using Traits = callable_traits<F>;
  using Result = typename Traits::result;

  HandlerEndpoint(F handler, std::string description, RouteOptions options)
      : Endpoint(std::move(description), std::move(options)), handler_(std::move(handler)) {}

  Task<Response> call(Request& req) override {
    int status = options_.status_code ? options_.status_code : 200;
    Response sub{.status = 0};
    this_loop().route = description_;
    if constexpr (is_task_v<Result>) {
      using Value = typename Result::value_type;
      if constexpr (std::is_void_v<Value>) {
        co_await invoke(req, sub);
        Response res = RawJSONResponse("null", status);
        merge_sub_response(res, sub);
        co_return res;
      } else {
        Response res = to_response(co_await invoke(req, sub), status);
        merge_sub_response(res, sub);
        co_return res;
      }
    } else if constexpr (std::is_void_v<Result>) {
      if (options_.blocking) {
        co_await to_thread([&] { invoke(req, sub); });
      } else {
        StallWatch watch(description_);
        invoke(req, sub);
      }
      Response res = RawJSONResponse("null", status);
      merge_sub_response(res, sub);
      co_return res;
    } else {
      if (options_.blocking) {
        Response res = to_response(co_await to_thread([&] { return invoke(req, sub); }), status);
        merge_sub_response(res, sub);
        co_return res;
      }
      Response res = [&] {
        StallWatch watch(description_);
        return to_response(invoke(req, sub), status);
      }();
      merge_sub_response(res, sub);
      co_return res;
    }
  }

 private:
  Result invoke(Request& req, Response& sub) {
    return invoke_with(req, sub, std::make_index_sequence<Traits::arity>{});
  }
  template <std::size_t... I>
  Result invoke_with(Request& req, Response& sub, std::index_sequence<I...>) {
    return handler_(bind_argument<std::tuple_element_t<I, typename Traits::args>>(req, sub)...);
  }

  F handler_;
};

/// Wraps `handler` (lambda, function pointer or callable object) as an Endpoint.
template <class F>
std::unique_ptr<Endpoint> make_endpoint(F&& handler, std::string description, RouteOptions options) {
  using H = std::decay_t<F>;
  static_assert(has_callable_traits<H>,
                "fastapi: the handler's parameter types must be spelled out (a generic lambda `[](auto x)` "
                "cannot say where its values come from)");
  return std::make_unique<HandlerEndpoint<H>>(std::forward<F>(handler), std::move(description), std::move(options));
}

}  // namespace detail
}  // namespace fastapi
