// app/docs_routes.hpp: the app's own OpenAPI routes (GET /openapi.json, /docs, /docs/oauth2-redirect, /redoc):
// registered once, hidden from the document, the document built when the app starts and served from that
// cached body. Registration is the app's job; what is served comes from openapi/ (spec.hpp: the document,
// docs.hpp: the pages). Fed by App::run (App::serve_openapi); feeds the app's routes. Knows nothing of sockets.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/log.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/openapi/docs.hpp"
#include "fastapi/openapi/route.hpp"
#include "fastapi/openapi/spec.hpp"

namespace fastapi::detail {

/// What an App keeps for its OpenAPI routes (one per App): the schema of a custom 422 body, whether the
/// routes are registered, and the document's bytes, written when the app starts and only read while it serves.
struct OpenAPIState {
  ResponseModelInfo validation_error_model{};
  bool routes_added = false;
  std::string document;
};

/// The handler of the four built-in routes: the document's bytes as JSON, or a page made once. One type
/// for all four, so an app instantiates one handler for them instead of four (each a pair of coroutines:
/// about a quarter of the hello example's OpenAPI code, in every build of every app).
struct ServeDocs {
  const std::string* document = nullptr;  // the state's: rebuilt at each run(), read while serving
  std::shared_ptr<const Response> page{};
  Response operator()() const { return document ? RawJSONResponse(*document) : *page; }
};

/// True when `app` already has a GET route at `path` (the user's own page wins over the built-in one).
template <class A>
bool has_get_route(const A& app, std::string_view path) {
  for (const RouteDoc& r : app.routes())
    if (r.path == path)
      for (Method m : r.methods)
        if (m == Method::get) return true;
  return false;
}

/// At the start of App::run: registers (once) GET openapi_url, docs_url, swagger_ui_oauth2_redirect_url and
/// redoc_url (an empty URL turns its page off; an empty openapi_url turns everything off), hidden from the
/// document, then builds the document from the routes and keeps its bytes in `state`.
template <class A>
void serve_openapi(A& app, OpenAPIState& state, std::span<const Dependency> app_dependencies) {
  const auto& o = app.info();
  if (o.openapi_url.empty()) return;
  if (!state.routes_added) {
    state.routes_added = true;
    const RouteOptions hidden{.include_in_schema = false};
    const auto page = [](Response r) { return ServeDocs{.page = std::make_shared<const Response>(std::move(r))}; };
    if (!has_get_route(app, o.openapi_url)) app.get(o.openapi_url, ServeDocs{.document = &state.document}, hidden);
    if (!o.docs_url.empty()) {
      const std::string redirect = o.swagger_ui_oauth2_redirect_url;
      if (!has_get_route(app, o.docs_url))
        app.get(o.docs_url,
                page(get_swagger_ui_html(o.openapi_url, o.title + " - Swagger UI", o.docs_assets, redirect)), hidden);
      if (!redirect.empty() && !has_get_route(app, redirect))
        app.get(redirect, page(get_swagger_ui_oauth2_redirect_html()), hidden);
    }
    if (!o.redoc_url.empty() && !has_get_route(app, o.redoc_url))
      app.get(o.redoc_url, page(get_redoc_html(o.openapi_url, o.title + " - ReDoc", o.docs_assets)), hidden);
  }
  state.document = get_openapi({.title = o.title,
                                .version = o.version,
                                .description = o.description,
                                .routes = app.routes(),
                                .dependencies = app_dependencies,
                                .tags = o.openapi_tags,
                                .validation_error_model = state.validation_error_model})
                       .dump();
  log(LogLevel::debug, "openapi: built the document served at " + o.openapi_url + " (" +
                           std::to_string(state.document.size()) + " bytes)");
}

}  // namespace fastapi::detail
