// http/service.hpp: fa::Service, the one interface between the server and the app: a connection hands it each
// request and writes the Response it returns. Fed by connections; feeds the app (its middleware chain, router
// and endpoints). Knows nothing of sockets, routes or JSON.
#pragma once

#include <cstddef>

#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"

namespace fastapi {

/// What a connection hands each request to: the app (its middleware chain, router and endpoints).
class Service {
 public:
  virtual ~Service() = default;
  /// Answers one request. Exceptions escaping it become a bare 500 (the app maps its own first).
  virtual Task<Response> handle(Request& req) = 0;
  /// The largest body accepted for this request (route-specific limits; 413 above it). Called once the head
  /// is read, before the body, only for a request with a body; it may note its routing decision in `req`
  /// (Request::route_memo) for handle().
  virtual std::size_t body_limit(Request& req) const = 0;
};

}  // namespace fastapi
