// app/options.hpp: fa::AppOptions, what an app says about itself (FastAPI's FastAPI(title=..., version=...,
// contact=..., root_path=...)): the OpenAPI document's `info` and `tags`, where the document and the docs pages
// are served, and the path prefix a proxy serves the app under. Fed by the user's `fa::App app{{...}}`; read by
// App (app/app.hpp) and its docs routes (app/docs_routes.hpp). Knows nothing of requests.
#pragma once

#include <string>
#include <vector>

#include "fastapi/openapi/docs.hpp"
#include "fastapi/openapi/spec.hpp"

namespace fastapi {

/// What the app says about itself, as FastAPI(title=..., version=...). The fields keep FastAPI's names; C++ wants
/// designated initializers in the order declared here:
///     fa::App app{{.title = "ChimichangApp", .version = "0.0.1", .summary = "Deadpool's favorite app.",
///                  .contact = {.name = "Deadpoolio", .email = "dp@x-force.example.com"},
///                  .license_info = {.name = "Apache 2.0", .identifier = "Apache-2.0"}}};
/// An empty string (or an empty contact, a license without a name) is left out of the document, as FastAPI's None.
struct AppOptions {
  std::string title = "FastAPI";
  std::string version = "0.1.0";
  std::string summary{};           ///< a short summary of the API (info.summary)
  std::string description{};       ///< Markdown (info.description)
  std::string terms_of_service{};  ///< a URL (info.termsOfService)
  OpenAPIContact contact{};        ///< info.contact: name, url, email
  OpenAPILicense license_info{};   ///< info.license: name, and an SPDX identifier or a url
  // OpenAPI and the docs pages (docs/openapi.md): an empty URL turns its page off; an empty openapi_url all of them.
  std::string openapi_url = "/openapi.json";                             ///< the OpenAPI 3.1 document
  std::string docs_url = "/docs";                                        ///< Swagger UI
  std::string redoc_url = "/redoc";                                      ///< ReDoc
  std::string swagger_ui_oauth2_redirect_url = "/docs/oauth2-redirect";  ///< Swagger UI's OAuth2 redirect page
  DocsAssets docs_assets{};                ///< where the pages load Swagger UI and ReDoc (default: the CDN)
  std::vector<OpenAPITag> openapi_tags{};  ///< the document's "tags": order and descriptions
  /// The path prefix a proxy serves the app under and strips (uvicorn's --root-path, FastAPI's root_path):
  /// every request's `req.root_path`, the docs pages load the document under it, and the document lists it as
  /// its server. The routes still match the path as received (docs/tutorial/43_behind_a_proxy.md).
  std::string root_path{};
  bool root_path_in_servers = true;  ///< list root_path as the document's server (FastAPI's root_path_in_servers)
};

}  // namespace fastapi
