// app/docs_routes.hpp: the app's own OpenAPI routes (GET /openapi.json, /docs, /docs/oauth2-redirect, /redoc):
// registered once, hidden from the document, the document built when the app starts and served from that
// cached body. Registration is the app's job; what is served comes from openapi/ (spec.hpp: the document,
// docs.hpp: the pages). Fed by App::run (App::serve_openapi); feeds the app's routes. Knows nothing of sockets.
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <sys/stat.h>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/static_files.hpp"
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
  std::size_t servers_at = 0;  ///< where "servers" goes in `document`: after "info", before "paths"
};

/// The handler of the four built-in routes: the document's bytes as JSON, or a page made once. One type
/// for all four, so an app instantiates one handler for them instead of four (each a pair of coroutines:
/// about a quarter of the hello example's OpenAPI code, in every build of every app).
struct ServeDocs {
  const OpenAPIState* document = nullptr;  // the state's: rebuilt at each run(), read while serving
  bool root_path_in_servers = true;        // AppOptions::root_path_in_servers
  std::shared_ptr<const Response> page{};
  /// The page of an app under a root path (mounted, or AppOptions::root_path / --root-path: `req.root_path`),
  /// its URLs under that prefix, as FastAPI makes it.
  std::shared_ptr<const std::function<Response(std::string_view root)>> page_under{};
  Response operator()(Request& req) const {
    std::string_view root = req.root_path;
    while (!root.empty() && root.back() == '/') root.remove_suffix(1);
    if (document && (root.empty() || !root_path_in_servers)) return RawJSONResponse(document->document);
    if (document) {  // FastAPI names the root path as the server, so "Try it out" calls go under it
      const std::string& whole = document->document;
      std::string doc = whole.substr(0, document->servers_at);
      doc.append(",\"servers\":[{\"url\":");
      write_json_string(doc, root);
      doc.append("}]").append(whole, document->servers_at);
      return RawJSONResponse(std::move(doc));
    }
    return root.empty() || !page_under ? *page : (*page_under)(root);
  }
};

/// Where an app serves its docs assets from when DocsAssets::directory is set.
inline constexpr std::string_view docs_assets_prefix = "/docs-assets";

/// The asset URLs of an app mounted under `root`: a local URL ("/docs-assets/...") moves under the root too.
inline DocsAssets rooted_assets(DocsAssets a, std::string_view root) {
  for (std::string* url :
       {&a.swagger_js_url, &a.swagger_css_url, &a.swagger_favicon_url, &a.redoc_js_url, &a.redoc_favicon_url})
    if (url->starts_with('/') && !url->starts_with("//")) url->insert(0, root);
  return a;
}

/// DocsAssets::directory checked (the files the pages load must be there) and turned into the local URLs.
/// ConfigurationError naming the missing file and the npm command otherwise.
inline DocsAssets offline_docs_assets(const DocsAssets& given, bool swagger, bool redoc) {
  const std::string& dir = given.directory;
  auto need = [&](std::string_view file) {
    std::string path = dir + "/" + std::string(file);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw ConfigurationError("fastapi: docs_assets.directory: " + path +
                               " is missing (docs_assets.directory is a node_modules: run `npm install "
                               "swagger-ui-dist@5 redoc@2` in the directory above it)");
  };
  DocsAssets a = given;
  const std::string base(docs_assets_prefix);
  if (swagger) {
    need("swagger-ui-dist/swagger-ui-bundle.js");
    need("swagger-ui-dist/swagger-ui.css");
  }
  if (redoc) need("redoc/bundles/redoc.standalone.js");
  a.swagger_js_url = base + "/swagger-ui-dist/swagger-ui-bundle.js";
  a.swagger_css_url = base + "/swagger-ui-dist/swagger-ui.css";
  a.swagger_favicon_url = a.redoc_favicon_url = base + "/swagger-ui-dist/favicon-32x32.png";
  a.redoc_js_url = base + "/redoc/redoc.standalone.js";
  a.redoc_google_fonts = false;
  return a;
}

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
    using Under = std::function<Response(std::string_view)>;
    const auto page = [](Response r, Under under = {}) {
      return ServeDocs{.page = std::make_shared<const Response>(std::move(r)),
                       .page_under = under ? std::make_shared<const Under>(std::move(under)) : nullptr};
    };
    const std::string json_url = o.openapi_url, swagger_title = o.title + " - Swagger UI";
    const std::string redoc_title = o.title + " - ReDoc";
    DocsAssets assets = o.docs_assets;
    if (!assets.directory.empty()) {  // served by the app itself: StaticFiles over the two npm packages
      assets = offline_docs_assets(assets, !o.docs_url.empty(), !o.redoc_url.empty());
      const std::string base(docs_assets_prefix), dir = o.docs_assets.directory;
      app.mount(base + "/swagger-ui-dist", StaticFiles{{.directory = dir + "/swagger-ui-dist", .check_dir = false}});
      app.mount(base + "/redoc", StaticFiles{{.directory = dir + "/redoc/bundles", .check_dir = false}});
    }
    if (!has_get_route(app, o.openapi_url))
      app.get(o.openapi_url, ServeDocs{.document = &state, .root_path_in_servers = o.root_path_in_servers}, hidden);
    if (!o.docs_url.empty()) {
      const std::string redirect = o.swagger_ui_oauth2_redirect_url;
      Under under = [=](std::string_view root) {
        std::string r(root);
        return get_swagger_ui_html(r + json_url, swagger_title, rooted_assets(assets, root),
                                   redirect.empty() ? "" : r + redirect);
      };
      if (!has_get_route(app, o.docs_url))
        app.get(o.docs_url, page(get_swagger_ui_html(json_url, swagger_title, assets, redirect), under), hidden);
      if (!redirect.empty() && !has_get_route(app, redirect))
        app.get(redirect, page(get_swagger_ui_oauth2_redirect_html()), hidden);
    }
    if (!o.redoc_url.empty() && !has_get_route(app, o.redoc_url))
      app.get(o.redoc_url,
              page(get_redoc_html(json_url, redoc_title, assets),
                   [=](std::string_view root) {
                     return get_redoc_html(std::string(root) + json_url, redoc_title, rooted_assets(assets, root));
                   }),
              hidden);
  }
  state.document = get_openapi({.title = o.title,
                                .version = o.version,
                                .description = o.description,
                                .summary = o.summary,
                                .terms_of_service = o.terms_of_service,
                                .contact = o.contact,
                                .license_info = o.license_info,
                                .routes = app.routes(),
                                .dependencies = app_dependencies,
                                .tags = o.openapi_tags,
                                .validation_error_model = state.validation_error_model})
                       .dump();
  // "info" ends before the top-level "paths" (a key in a string would be "\"paths\"": this is the first match).
  state.servers_at = state.document.find(",\"paths\":");
  if (state.servers_at == std::string::npos) state.servers_at = state.document.size() - 1;
  log(LogLevel::debug, "openapi: built the document served at " + o.openapi_url + " (" +
                           std::to_string(state.document.size()) + " bytes)");
}

}  // namespace fastapi::detail
