// middleware/chain.hpp: fa::Next and the middleware chain. A middleware is `fa::Task<fa::Response>(fa::Request&,
// fa::Next)` (a coroutine, a plain callable returning fa::Response, or a class with that call operator);
// `co_await next(req)` runs the rest of the chain. Fed by App::handle (the server-errors layer); feeds the
// exception layer (App::handle_exceptions), the router and endpoints.
// Knows nothing of routes or JSON.
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"

namespace fastapi {

namespace detail {
class MiddlewareChain;
}  // namespace detail

/// The rest of the chain as one middleware sees it: `fa::Response res = co_await next(req);`
/// Calling it more than once runs the rest of the chain again; not calling it answers without the route.
class Next {
 public:
  Task<Response> operator()(Request& req) const;

 private:
  friend class detail::MiddlewareChain;
  Next(const detail::MiddlewareChain* chain, std::size_t index) : chain_(chain), index_(index) {}
  const detail::MiddlewareChain* chain_;
  std::size_t index_;
};

namespace detail {

/// One middleware, type-erased.
class MiddlewareLayer {
 public:
  virtual ~MiddlewareLayer() = default;
  virtual Task<Response> call(Request& req, Next next) = 0;
};

template <class M>
class MiddlewareOf final : public MiddlewareLayer {
 public:
  using Result = std::invoke_result_t<M&, Request&, Next>;
  explicit MiddlewareOf(M m) : m_(std::move(m)) {}
  Task<Response> call(Request& req, Next next) override {
    if constexpr (std::is_same_v<Result, Task<Response>>) {
      return m_(req, next);
    } else {
      return answer(m_, req, next);
    }
  }

 private:
  static Task<Response> answer(M& m, Request& req, Next next) { co_return m(req, next); }
  M m_;
};

/// The user's middleware, outermost first, around an inner handler (the app's router and exception
/// handlers). Built before the app serves; read-only while it does, so every worker shares it.
class MiddlewareChain {
 public:
  using Inner = Task<Response> (*)(void* self, Request& req);

  MiddlewareChain(Inner inner, void* self) : inner_(inner), self_(self) {}

  /// Adds `m` outside every middleware added before (Starlette's order: the last added runs first).
  template <class M>
  void add(M&& m) {
    using D = std::decay_t<M>;
    static_assert(std::is_invocable_v<D&, Request&, Next>,
                  "fastapi: a middleware is called as m(fa::Request& req, fa::Next next) and returns "
                  "fa::Task<fa::Response> (co_await next(req) inside) or fa::Response"
                  " (docs/compile_errors.md#app-middleware-wrong-signature)");
    using R = std::invoke_result_t<D&, Request&, Next>;
    static_assert(std::is_same_v<R, Task<Response>> || std::is_same_v<R, Response>,
                  "fastapi: a middleware returns fa::Task<fa::Response> or fa::Response"
                  " (docs/compile_errors.md#app-middleware-wrong-result)");
    // Owned as a MiddlewareLayer from the start: one unique_ptr type for every middleware, not one per type.
    layers_.insert(layers_.begin(), std::unique_ptr<MiddlewareLayer>(new MiddlewareOf<D>(std::forward<M>(m))));
  }
  bool empty() const noexcept { return layers_.empty(); }
  std::size_t size() const noexcept { return layers_.size(); }
  /// Runs the whole chain, outermost first.
  Task<Response> run(Request& req) const { return call_at(0, req); }

 private:
  friend class fastapi::Next;
  Task<Response> call_at(std::size_t index, Request& req) const {
    if (index >= layers_.size()) return inner_(self_, req);
    return layers_[index]->call(req, Next(this, index + 1));
  }

  std::vector<std::unique_ptr<MiddlewareLayer>> layers_;  // [0] is the outermost
  Inner inner_;
  void* self_;
};

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<Response> Next::operator()(Request& req) const { return chain_->call_at(index_, req); }
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
