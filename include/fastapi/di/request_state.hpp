// di/request_state.hpp: fa::RequestState<T>, a parameter that hands a handler or dependency the T a middleware or
// an earlier dependency stored in `req.state` (http/request_state.hpp) for this request. Fed by binding's
// BindContext (the request); knows nothing of sockets or routes.
#pragma once

#include "fastapi/di/state.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/request_state.hpp"
#include "fastapi/params/binding.hpp"

namespace fastapi {

/// A value of this request's state as a parameter: `fa::RequestState<RequestId> id` then `id->value`.
/// Bound when the handler (or dependency) is called: absent -> fa::ConfigurationError naming T (a 500, and the
/// app's log line says which type and who must set it). Not in OpenAPI: it does not come from the client.
template <class T>
class RequestState : public detail::BoundRef<T> {
 public:
  using detail::BoundRef<T>::BoundRef;
};

namespace detail {

template <class T>
struct Binder<RequestState<T>> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::depends;
  static constexpr std::size_t body_count = 0;
  using Slot = RequestState<T>;
  static void bind(BindContext& ctx, Slot& slot) { slot = RequestState<T>(ctx.request.state.template get<T>()); }
  static RequestState<T>& get(Slot& slot) { return slot; }
};

}  // namespace detail
}  // namespace fastapi
