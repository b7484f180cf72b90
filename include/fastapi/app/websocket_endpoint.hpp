// app/websocket_endpoint.hpp: a WebSocket route's handler -> an Endpoint. Its call() checks the handshake (426/400
// from ws::check_handshake), starts the handler (arguments bound by params/ and di/ as for HTTP, fa::WebSocket&
// given by the endpoint), and answers with what the handler decides before accept(): the 101 carrying the
// session as its upgrade hook, 403 (a close before accept, a binding or dependency failure: FastAPI's 1008) or
// 500 (an error, or no answer). The handler runs on after the 101 in the same coroutine; its Yield
// dependencies are torn down after the socket closes. Fed by App::route_request; feeds the connection's
// hand-over (http/connection.hpp). Knows nothing of sockets.
#pragma once

#include <chrono>
#include <coroutine>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "fastapi/app/endpoint.hpp"
#include "fastapi/app/websocket.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/http/upgrade.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/websocket/handshake.hpp"
#include "fastapi/websocket/session.hpp"

namespace fastapi::detail {

/// fa::WebSocket& as a parameter of a WebSocket handler or of one of its dependencies (FastAPI's dependencies
/// may take `websocket: WebSocket`): the socket the endpoint put in the BindContext. A dependency that takes
/// it, used by an HTTP route, is an error there (std::logic_error: a 500, logged).
template <>
struct Binder<WebSocket> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::framework;
  static constexpr std::size_t body_count = 0;
  static constexpr bool named = false;
  using Slot = WebSocket*;
  static void bind(BindContext& ctx, Slot& slot) {
    slot = ctx.websocket;
    if (!slot) throw std::logic_error("fastapi: a dependency takes fa::WebSocket& but the route is not a WebSocket");
  }
  static WebSocket& get(Slot& slot) { return *slot; }
};

/// True when a handler takes fa::WebSocket& (it belongs on app.websocket, not on an HTTP verb).
template <class Args>
inline constexpr bool takes_websocket = false;
template <class... P>
inline constexpr bool takes_websocket<std::tuple<P...>> = (std::is_same_v<std::remove_cvref_t<P>, WebSocket> || ...);

/// One WebSocket from its handshake to its end: the session, the handler's fa::WebSocket, and the handler's
/// coroutine (the endpoint's serve(), started without an awaiter: no root frame above it), destroyed with the
/// run whether it finished or is still suspended (the 101 could not be written; the server's grace period
/// ended). The connection holds it as its upgrade hook after the 101.
class WebSocketRun final : public Upgrade {
 public:
  WebSocketRun(Request& req, ws::Handshake hs, const ws::SessionOptions& options)
      : session(options), socket(req, std::move(hs), session) {}
  void start(UpgradedStream& stream, std::string leftover) override { session.start(stream, std::move(leftover)); }
  void on_tick(std::chrono::steady_clock::time_point now) override { session.on_tick(now); }
  void on_drain() override { session.on_drain(); }

  ws::Session session;
  WebSocket socket;
  Task<void> handler;       ///< declared after what its frames refer to: destroyed before them
  ws::detail::Signal done;  ///< the handler (and its teardown) finished
};

/// The route-independent part of call(): starts `task` and answers the handshake as the handler decides.
inline Task<Response> answer_handshake(std::shared_ptr<WebSocketRun> run, Task<void> task) {
  run->handler = std::move(task);
  // Started as if awaited by nobody: it ends suspended at its final point, and the run frees it.
  run->handler.operator co_await().await_suspend(std::noop_coroutine()).resume();
  co_await run->socket.decided().wait();
  if (run->socket.decision() == HandshakeDecision::accepted) {
    Response res = run->socket.take_accept_response();
    res.upgrade = run;
    co_return res;
  }
  co_await run->done.wait();  // refused or failed: the handler ends before its request does
  if (run->socket.decision() == HandshakeDecision::refused) co_return Response{.status = 403};
  co_return RawJSONResponse(R"({"detail":"Internal Server Error"})", 500);
}

/// The route-independent end of serve(), in a frame of its own (serve()'s, alive as long as the socket, stays
/// small): the close once the handler is done, the Yield teardown after it, then the connection closes.
inline Task<void> end_websocket_run(WebSocketRun& run, std::exception_ptr error, std::shared_ptr<RequestScope> scope,
                                    std::string_view route) {
  co_await run.socket.finish(error, route);
  if (scope) {
    scope->error = error;
    co_await RequestScope::after_send(scope);
  }
  run.done.fire();
  run.session.finish();
}

template <class F>
class WebSocketEndpoint final : public Endpoint {
 public:
  using Traits = callable_traits<F>;
  using Result = typename Traits::result;
  using Plan = typename plan_of<typename Traits::args>::type;
  using Binding = PlanBinding<Plan>;
  static_assert(Plan::checked);
  static_assert(std::is_void_v<Result> || std::is_same_v<Result, Task<void>>,
                "fastapi: a WebSocket handler returns void or fa::Task<void> (it talks through fa::WebSocket&)"
                " (docs/compile_errors.md#app)");

  WebSocketEndpoint(F handler, std::string description, RouteOptions options)
      : Endpoint(std::move(description), std::move(options)), handler_(std::move(handler)) {}

  Task<Response> call(Request& req) override {
    auto checked = ws::check_handshake(req);
    if (auto* refusal = std::get_if<ws::HandshakeRefusal>(&checked)) {
      Response res = std::move(refusal->response);
      return [](Response r) -> Task<Response> { co_return r; }(std::move(res));
    }
    auto run = std::make_shared<WebSocketRun>(req, std::move(std::get<ws::Handshake>(checked)),
                                              app_ ? app_->websocket : ws::Session::default_options());
    return answer_handshake(run, serve(req, *run));
  }
  std::span<const std::string_view> path_param_names() const override { return Binding::path_names; }
  bool takes_request() const override { return Plan::takes_request; }

 private:
  using Slots = typename Plan::Slots;
  Task<void> serve(Request& req, WebSocketRun& run);
  // The arguments bound: the BindContext and its sub-response live in this frame (or on the stack), not in
  // serve()'s, which stays alive as long as the socket: an idle WebSocket keeps only the slots.
  Task<void> bind_awaiting(Request& req, WebSocketRun& run, Slots& slots, std::shared_ptr<RequestScope>& scope);
  void bind_now(Request& req, WebSocketRun& run, Slots& slots);
  template <std::size_t... I>
  void invoke_sync(Slots& slots, std::index_sequence<I...>) {
    handler_(pass_argument<std::tuple_element_t<I, typename Traits::args>>(std::get<I>(slots))...);
  }
  template <std::size_t... I>
  Task<void> invoke_async(Slots& slots, std::index_sequence<I...>) {
    return handler_(pass_argument<std::tuple_element_t<I, typename Traits::args>>(std::get<I>(slots))...);
  }

  F handler_;
};

template <class F>
Task<void> WebSocketEndpoint<F>::serve(Request& req, WebSocketRun& run) {
  using Seq = std::make_index_sequence<Traits::arity>;
  std::shared_ptr<RequestScope> scope;
  std::exception_ptr error;
  try {
    Slots slots{};
    if (Binding::needs_scope || has_route_dependencies()) {
      co_await bind_awaiting(req, run, slots, scope);
    } else if constexpr (Plan::size > 0) {
      bind_now(req, run, slots);
    }
    this_loop().route = description_;
    if constexpr (std::is_void_v<Result>) {
      invoke_sync(slots, Seq{});
    } else {
      co_await invoke_async(slots, Seq{});
    }
  } catch (...) {
    error = std::current_exception();
  }
  Task<void> ending = end_websocket_run(run, std::move(error), std::move(scope), description_);
  co_await std::move(ending);
}

template <class F>
Task<void> WebSocketEndpoint<F>::bind_awaiting(Request& req, WebSocketRun& run, Slots& slots,
                                               std::shared_ptr<RequestScope>& scope) {
  Response sub{.status = 0};
  scope = std::make_shared<RequestScope>(registry());
  BindContext ctx{req, sub};
  ctx.scope = scope.get();
  ctx.states = app_ ? &app_->states : nullptr;
  ctx.websocket = &run.socket;
  if (has_route_dependencies()) co_await run_route_dependencies(ctx);
  if constexpr (Plan::size > 0) co_await Binding::bind(ctx, slots);
  if (ctx.failed()) throw ctx.take_errors();
}

template <class F>
void WebSocketEndpoint<F>::bind_now(Request& req, WebSocketRun& run, Slots& slots) {
  Response sub{.status = 0};
  BindContext ctx{req, sub};
  ctx.states = app_ ? &app_->states : nullptr;
  ctx.websocket = &run.socket;
  Plan::bind(ctx, slots);
  if (ctx.failed()) throw ctx.take_errors();
}

/// Wraps a WebSocket handler as an Endpoint.
template <class F>
std::unique_ptr<Endpoint> make_websocket_endpoint(F&& handler, std::string description, RouteOptions options) {
  using H = std::decay_t<F>;
  static_assert(has_callable_traits<H>,
                "fastapi: the handler's parameter types must be spelled out (a generic lambda `[](auto x)` "
                "cannot say where its values come from) (docs/compile_errors.md#app)");
  static_assert(takes_websocket<typename callable_traits<H>::args>,
                "fastapi: a WebSocket handler takes fa::WebSocket& (and any parameters an HTTP handler takes)"
                " (docs/compile_errors.md#app)");
  options.include_in_schema = false;  // FastAPI leaves WebSocket routes out of OpenAPI
  // Owned as an Endpoint from the start: one unique_ptr type for every route (make_endpoint says why).
  return std::unique_ptr<Endpoint>(
      new WebSocketEndpoint<H>(std::forward<F>(handler), std::move(description), std::move(options)));
}

}  // namespace fastapi::detail
