// openapi/route.hpp: a route as registered, in plain data: its methods, path template, options and the
// function that describes its handler's operation (taken at registration, where the handler type is known).
// The per-route options a user writes (RouteOptions, ResponseDoc) live here, below both of their readers.
// Fed by app/ (App::add_route, include_router fill one RouteDoc per route); feeds openapi/spec (the document)
// and app/ (the endpoint serves with the options). Knows nothing of endpoints, sockets or how a route is served.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/di/scope.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/openapi/operation.hpp"

namespace fastapi {

/// One more response a route documents (FastAPI's `responses={404: {"description": "Item not found"}}`):
/// `{.responses = {{404, {.description = "Item not found"}}}}`; shown in OpenAPI, not enforced.
struct ResponseDoc {
  std::string description{};
  ResponseModelInfo model{};  ///< the body's model, `fa::response_model<Message>` (none: no body schema)
};

/// Per-route options, one aggregate with designated initializers:
/// `app.post("/items", create_item, {.status_code = 201, .tags = {"items"}});`
struct RouteOptions {
  int status_code = 0;                                       ///< status of a non-Response return value (0 = 200)
  std::vector<std::string> tags{};                           ///< OpenAPI tags
  std::string summary{};                                     ///< OpenAPI summary
  std::string description{};                                 ///< OpenAPI description
  std::string response_description = "Successful Response";  ///< the success response's OpenAPI description
  std::string name{};                                        ///< route name (operationId base)
  bool deprecated = false;                                   ///< marked deprecated in OpenAPI
  bool include_in_schema = true;                             ///< listed in OpenAPI
  bool blocking = false;               ///< run a plain (non-coroutine) handler on the thread pool (FastAPI's `def`)
  std::size_t max_body_size = 0;       ///< 413 above it; 0 = the app's Config::max_body_size
  ResponseModelInfo response_model{};  ///< the wall: `{.response_model = fa::response_model<UserOut>}`;
                                       ///< only its fields reach the client, a value that does not fit is a 500
  bool response_model_exclude_none = false;      ///< FastAPI's response_model_exclude_none
  bool response_model_exclude_unset = false;     ///< FastAPI's: only keys the returned fa::Json held (a
                                                 ///< fa::Partial: its set members); docs/models.md
  bool response_model_exclude_defaults = false;  ///< FastAPI's: members equal to their default left out
  std::vector<Dependency> dependencies{};        ///< run for their effect before the handler's own parameters:
                                                 ///< `{.dependencies = {fa::dependency<verify_token>()}}`
  std::map<int, ResponseDoc> responses{};        ///< more responses for the OpenAPI document
  /// A multipart/form-data body's limits (docs/files.md); none: the app's Config::multipart.
  std::optional<MultipartLimits> multipart{};
};

/// One registered route, as the OpenAPI document reads it (`app.routes()`, in registration order).
struct RouteDoc {
  using Describe = void (*)(detail::OperationDoc&);

  std::vector<Method> methods;  ///< GET, or several for api_route
  std::string path;             ///< the template as registered, prefixes applied: "/items/{item_id}"
  std::string description;      ///< "GET /items/{item_id}": how logs and errors name the route
  RouteOptions options;
  /// What the handler's types say of its operation (parameters, body, security, response): the handler's
  /// detail::describe_operation<Plan, Result>, taken at registration (like Dependency::describe). The
  /// document calls it when it is built, after the app's and the route's dependencies are known: FastAPI
  /// describes those between the handler's own parameters and its nested dependencies.
  Describe describe = nullptr;
};

}  // namespace fastapi
