// http/service.hpp: fa::Service, the one interface between the server and the app: a connection hands it each
// request and writes the Response it returns. Fed by connections; feeds the app (its middleware chain, router
// and endpoints). Knows nothing of sockets, routes or JSON.
#pragma once

#include <cstddef>

#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"

namespace fastapi {

/// How the connection reads one request's body: its limit (413 above it), and whether it is read before
/// handle() (buffered into Request::body) or by the handler as it asks (Request::stream(), body_streamed).
struct BodyPolicy {
  std::size_t limit = 0;
  bool streamed = false;
};

/// What a connection hands each request to: the app (its middleware chain, router and endpoints).
class Service {
 public:
  virtual ~Service() = default;
  /// Answers one request. Exceptions escaping it become a bare 500 (the app maps its own first).
  virtual Task<Response> handle(Request& req) = 0;
  /// How this request's body is read: the largest accepted (route-specific limits; 413 above it) and whether
  /// it is streamed to the handler. Called once the head is read, before the body, only for a request with a
  /// body; it may note its routing decision in `req` (Request::route_memo) for handle().
  virtual BodyPolicy body_policy(Request& req) const = 0;
};

}  // namespace fastapi
