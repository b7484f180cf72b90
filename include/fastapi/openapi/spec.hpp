// openapi/spec.hpp: the routes of an app -> its OpenAPI 3.1.0 document, as FastAPI builds it: info, paths with
// one operation per route and method (operationId, summary, tags, parameters, requestBody, responses with the
// 422 of validation, security), components.schemas (each model once, referenced by $ref) and securitySchemes.
// Fed by route records (openapi/route.hpp: methods, path, options, and the describer of each handler's operation,
// openapi/operation.hpp); feeds App (GET /openapi.json). Knows nothing of endpoints, sockets or HTML.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/di/scope.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/status.hpp"
#include "fastapi/json/schema.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/openapi/operation.hpp"
#include "fastapi/openapi/route.hpp"

namespace fastapi {

/// A link to documentation elsewhere (OpenAPI's External Documentation Object): a tag's `externalDocs`.
struct OpenAPIExternalDocs {
  std::string description{};
  std::string url{};  ///< required by OpenAPI: without it, the link is left out
};

/// One entry of the document's top-level "tags" (FastAPI's openapi_tags), in the order given:
/// `fa::App app{{.openapi_tags = {{.name = "users", .description = "Operations with users."}}}};`
struct OpenAPITag {
  std::string name;
  std::string description{};
  OpenAPIExternalDocs external_docs{};  ///< "externalDocs": {"description": ..., "url": ...}
};

/// The document's info.contact (FastAPI's contact={"name": ..., "url": ..., "email": ...}); empty fields are left out.
struct OpenAPIContact {
  std::string name{};
  std::string url{};
  std::string email{};
};

/// The document's info.license (FastAPI's license_info): a name, and an SPDX `identifier` ("MIT") or a `url`.
/// Left out without a name.
struct OpenAPILicense {
  std::string name{};
  std::string identifier{};
  std::string url{};
};

/// What get_openapi builds a document from (FastAPI's `get_openapi(title=..., version=..., routes=...)`).
struct OpenAPISource {
  std::string_view title = "FastAPI";
  std::string_view version = "0.1.0";
  std::string_view description{};
  std::string_view summary{};
  std::string_view terms_of_service{};
  OpenAPIContact contact{};
  OpenAPILicense license_info{};
  std::span<const std::string> servers{};      ///< server URLs ("servers": [{"url": ...}]), in this order
  std::span<const RouteDoc> routes{};          ///< `app.routes()`
  std::span<const Dependency> dependencies{};  ///< the app's own (App::dependencies): in every operation
  std::span<const OpenAPITag> tags{};
  ResponseModelInfo validation_error_model{};  ///< the body of a custom 422 handler: replaces HTTPValidationError
};

/// The OpenAPI 3.1.0 document of `source.routes` (those with include_in_schema), FastAPI's shape:
///   fa::Json doc = fa::get_openapi({.title = "Items", .version = "1.0", .routes = app.routes()});
///   doc["paths"]["/items/{item_id}"]["get"]["operationId"] == "read_item_items__item_id__get"
/// The app serves it at AppOptions::openapi_url (built once when it starts); call this for a file or a test.
/// A route without RouteOptions::name gets one from its method and path (detail::default_route_name).
FASTAPI_DETAIL_INLINE Json get_openapi(const OpenAPISource& source);

namespace detail {

/// The name of a route without RouteOptions::name (a C++ handler has no name to read): a verb for the method
/// (GET read, POST create, PUT update, PATCH patch, DELETE delete, others their own lower-case name) and the
/// path's segments, braces dropped: GET / -> "read_root", GET /users/{user_id} -> "read_users_user_id",
/// POST /token -> "create_token".
FASTAPI_DETAIL_INLINE std::string default_route_name(Method method, std::string_view path);
/// FastAPI's generate_unique_id: name + path, every non-word character -> '_', + '_' + method in lower case:
/// ("read_item", "/items/{item_id}", GET) -> "read_item_items__item_id__get".
FASTAPI_DETAIL_INLINE std::string operation_id(std::string_view name, std::string_view path, Method method);
/// The path as OpenAPI writes it: a `{name:path}` parameter is `{name}` (FastAPI's path_format).
FASTAPI_DETAIL_INLINE std::string path_format(std::string_view path);
/// The document's "info", keys in FastAPI's order (its Info model's): title, summary, description,
/// termsOfService, contact, license, version.
FASTAPI_DETAIL_INLINE Json openapi_info(const OpenAPISource& source);
/// The document's "tags": name, description, externalDocs (FastAPI's Tag model's order).
FASTAPI_DETAIL_INLINE Json openapi_tags(std::span<const OpenAPITag> tags);
/// A model's schema (json_schema<T>() with its "$defs") moved into `schemas`: the definitions under
/// components, their $refs rewritten; a struct is defined there and {"$ref": ...} returned.
FASTAPI_DETAIL_INLINE Json adopt_model_schema(const ResponseModelInfo& model, Json& schemas);

/// FastAPI's ValidationError (plus the optional `input` and `ctx` our errors carry) and HTTPValidationError.
FASTAPI_DETAIL_INLINE Json validation_error_schema();
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json validation_error_schema() {
  Json loc{{"items", Json{{"anyOf", Json::array({Json{{"type", "string"}}, Json{{"type", "integer"}}})}}},
           {"title", "Location"},
           {"type", "array"}};
  Json properties = Json::object({});
  properties["loc"] = std::move(loc);
  properties["msg"] = Json{{"title", "Message"}, {"type", "string"}};
  properties["type"] = Json{{"title", "Error Type"}, {"type", "string"}};
  properties["input"] = Json{{"title", "Input"}};
  properties["ctx"] = Json{{"title", "Context"}, {"type", "object"}};
  return Json{{"properties", std::move(properties)},
              {"required", Json::array({"loc", "msg", "type"})},
              {"title", "ValidationError"},
              {"type", "object"}};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json http_validation_error_schema();
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json http_validation_error_schema() {
  Json detail{{"items", Json{{"$ref", std::string(components_ref) + "ValidationError"}}},
              {"title", "Detail"},
              {"type", "array"}};
  return Json{
      {"properties", Json{{"detail", std::move(detail)}}}, {"title", "HTTPValidationError"}, {"type", "object"}};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Appends `d.describe` to the operation's leading dependencies when the Dependency type carries one
/// (di/scope.hpp: `void (*describe)(detail::OperationDoc&)`, set by fa::dependency<Fn>()).
template <class D>
void add_leading_dependency(OperationDoc& doc, const D& d) {
  if constexpr (requires(const D& x) { x.describe; }) {
    if (d.describe) doc.leading_dependencies.push_back(d.describe);
  } else {
    (void)doc, (void)d;
  }
}

/// The requestBody of an operation: one JSON body as it is; embedded bodies or form fields in a
/// `Body_<operationId>` model (FastAPI's name), defined in `schemas`.
FASTAPI_DETAIL_INLINE Json request_body(const OperationDoc& doc, std::string_view op_id, Json& schemas);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json request_body(const OperationDoc& doc, std::string_view op_id, Json& schemas) {
  Json out = Json::object({});
  const bool single = !doc.form && doc.body.size() == 1 && !doc.body[0].embed;
  Json schema;
  bool required = false;
  if (single) {
    schema = doc.body[0].schema;
    required = doc.body[0].required;
  } else {
    const std::string name = "Body_" + std::string(op_id);
    Json properties = Json::object({});
    Json names = Json::array({});
    for (const BodyFieldDoc& f : doc.body) {
      properties[f.name] = f.schema;
      if (f.required) names.push_back(f.name);
    }
    required = !names.empty();
    Json model = Json::object({});
    model["properties"] = std::move(properties);
    if (required) model["required"] = std::move(names);
    model["title"] = name;
    model["type"] = "object";
    sort_schema(model);
    schemas[name] = std::move(model);
    schema = Json{{"$ref", std::string(components_ref) + name}};
  }
  Json media = Json::object({});
  Json media_type{{"schema", std::move(schema)}};
  // FastAPI copies openapi_examples from the body's own field only: embedded bodies share a synthesized one.
  if (single && !doc.body[0].openapi_examples.is_null()) media_type["examples"] = doc.body[0].openapi_examples;
  media[doc.multipart ? "multipart/form-data"
        : doc.form    ? "application/x-www-form-urlencoded"
                      : "application/json"] = std::move(media_type);
  out["content"] = std::move(media);
  if (required) out["required"] = true;
  return out;
}

/// The same scheme name for two different definitions (APIKeyHeader<"A"> and APIKeyHeader<"B">): the second
/// is listed as "APIKeyHeader_2"; the name the operation must use is returned.
inline std::string merge_security_scheme(Json& schemes, const std::string& name, const Json& definition) {
  std::string final_name = name;
  for (int k = 2; schemes.contains(final_name) && schemes[final_name] != definition; ++k)
    final_name = name + "_" + std::to_string(k);
  if (!schemes.contains(final_name)) schemes[final_name] = definition;
  return final_name;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// One operation of route `r` for `method`, described by `doc`.
FASTAPI_DETAIL_INLINE Json build_operation(const RouteDoc& r, Method method, const OperationDoc& doc,
                                           const OpenAPISource& source, Json& schemas, Json& schemes,
                                           const Json& validation_ref, bool& uses_default_validation);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json build_operation(const RouteDoc& r, Method method, const OperationDoc& doc,
                                           const OpenAPISource& source, Json& schemas, Json& schemes,
                                           const Json& validation_ref, bool& uses_default_validation) {
  const RouteOptions& o = r.options;
  const std::string name = o.name.empty() ? default_route_name(method, r.path) : o.name;
  const std::string op_id = operation_id(name, path_format(r.path), method);
  Json op = Json::object({});
  if (!o.tags.empty()) op["tags"] = Json(o.tags);
  op["summary"] = o.summary.empty() ? title_case(name) : o.summary;
  if (!o.description.empty()) op["description"] = o.description;
  op["operationId"] = op_id;
  if (!doc.parameters.empty()) op["parameters"] = doc.parameters;
  if (!doc.body.empty()) op["requestBody"] = request_body(doc, op_id, schemas);

  Json responses = Json::object({});
  const int status = o.status_code ? o.status_code : 200;
  Json success{{"description", o.response_description}};
  if (!status_forbids_body(status)) {
    Json schema = doc.response_schema;
    std::string_view media = doc.response_media_type;
    bool titled_model = doc.response_is_model;
    if (o.response_model && o.response_model.schema) {
      schema = adopt_model_schema(o.response_model, schemas);
      media = "application/json";
      titled_model = true;
    }
    if (titled_model && !schema.contains("$ref")) {
      schema["title"] = title_case("Response_" + op_id);
      sort_schema(schema);
    }
    Json content = Json::object({});
    content[media] = Json{{"schema", std::move(schema)}};
    success["content"] = std::move(content);
  }
  responses[std::to_string(status)] = std::move(success);
  for (const auto& [code, extra] : o.responses) {
    Json& r = responses[std::to_string(code)];
    if (!r.is_object()) r = Json::object({});
    std::string description = extra.description;
    if (description.empty() && r.contains("description")) description = r["description"].as_string();
    if (description.empty()) description = std::string(status_phrase(code));
    if (description.empty()) description = "Additional Response";
    r["description"] = description;
    if (extra.model && extra.model.schema) {
      Json content = Json::object({});
      content["application/json"] = Json{{"schema", adopt_model_schema(extra.model, schemas)}};
      r["content"] = std::move(content);
    }
  }
  if (doc.can_fail_validation() && !responses.contains("422")) {
    Json content = Json::object({});
    content["application/json"] = Json{{"schema", validation_ref}};
    responses["422"] = Json{{"description", "Validation Error"}, {"content", std::move(content)}};
    uses_default_validation =
        uses_default_validation || !(source.validation_error_model && source.validation_error_model.schema);
  }
  op["responses"] = std::move(responses);
  if (o.deprecated) op["deprecated"] = true;
  if (!doc.security.empty()) {
    Json security = Json::array({});
    for (const Json& requirement : doc.security) {
      const auto& [scheme, scopes] = requirement.items()[0];  // {"OAuth2PasswordBearer": ["items", "me"]}
      std::string final_name = merge_security_scheme(schemes, scheme, doc.security_schemes[scheme]);
      security.push_back(Json{{final_name, scopes}});
    }
    op["security"] = std::move(security);
  }
  return op;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json get_openapi(const OpenAPISource& source) {
  Json paths = Json::object({});
  Json schemas = Json::object({});
  Json schemes = Json::object({});
  bool uses_default_validation = false;
  const bool custom_validation = source.validation_error_model && source.validation_error_model.schema;
  Json validation_ref = custom_validation ? detail::adopt_model_schema(source.validation_error_model, schemas)
                                          : Json{{"$ref", std::string(detail::components_ref) + "HTTPValidationError"}};
  std::vector<std::string> operation_ids;
  for (const RouteDoc& e : source.routes) {
    if (!e.options.include_in_schema) continue;
    detail::OperationDoc doc;
    for (const Dependency& d : source.dependencies) detail::add_leading_dependency(doc, d);
    for (const Dependency& d : e.options.dependencies) detail::add_leading_dependency(doc, d);
    if (e.describe) e.describe(doc);
    for (auto& [name, schema] : doc.schemas.items())
      if (!schemas.contains(name)) schemas[name] = schema;
    Json& path_item = paths[detail::path_format(e.path)];
    if (!path_item.is_object()) path_item = Json::object({});
    for (Method m : e.methods) {
      Json op = detail::build_operation(e, m, doc, source, schemas, schemes, validation_ref, uses_default_validation);
      const std::string& id = op["operationId"].as_string();
      for (const std::string& seen : operation_ids)
        if (seen == id)
          log(LogLevel::warning, "openapi: duplicate operationId " + id + " (route " + e.description +
                                     "): give the route a RouteOptions::name");
      operation_ids.push_back(id);
      std::string method(method_name(m));
      for (char& c : method) c = static_cast<char>(c - 'A' + 'a');
      path_item[method] = std::move(op);
    }
  }
  if (uses_default_validation) {
    schemas["HTTPValidationError"] = detail::http_validation_error_schema();
    schemas["ValidationError"] = detail::validation_error_schema();
  }
  Json components = Json::object({});
  if (!schemas.empty()) {
    auto& members = schemas.as_object();
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    components["schemas"] = std::move(schemas);
  }
  if (!schemes.empty()) components["securitySchemes"] = std::move(schemes);
  Json out = Json::object({});
  out["openapi"] = "3.1.0";
  out["info"] = detail::openapi_info(source);
  if (!source.servers.empty()) {
    Json servers = Json::array({});
    for (const std::string& url : source.servers) servers.push_back(Json{{"url", url}});
    out["servers"] = std::move(servers);
  }
  out["paths"] = std::move(paths);
  if (!components.empty()) out["components"] = std::move(components);
  if (!source.tags.empty()) out["tags"] = detail::openapi_tags(source.tags);
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json openapi_info(const OpenAPISource& source) {
  Json info = Json::object({});
  info["title"] = source.title;
  if (!source.summary.empty()) info["summary"] = source.summary;
  if (!source.description.empty()) info["description"] = source.description;
  if (!source.terms_of_service.empty()) info["termsOfService"] = source.terms_of_service;
  const OpenAPIContact& c = source.contact;
  if (!c.name.empty() || !c.url.empty() || !c.email.empty()) {
    Json contact = Json::object({});
    if (!c.name.empty()) contact["name"] = c.name;
    if (!c.url.empty()) contact["url"] = c.url;
    if (!c.email.empty()) contact["email"] = c.email;
    info["contact"] = std::move(contact);
  }
  const OpenAPILicense& l = source.license_info;
  if (l.name.empty() && (!l.identifier.empty() || !l.url.empty()))
    throw ConfigurationError("fastapi: license_info has an identifier or a url but no name (OpenAPI requires one)");
  if (!l.name.empty()) {
    Json license{{"name", l.name}};
    if (!l.identifier.empty()) license["identifier"] = l.identifier;
    if (!l.url.empty()) license["url"] = l.url;
    info["license"] = std::move(license);
  }
  info["version"] = source.version;
  return info;
}

FASTAPI_DETAIL_INLINE Json openapi_tags(std::span<const OpenAPITag> tags) {
  Json out = Json::array({});
  for (const OpenAPITag& t : tags) {
    Json tag{{"name", t.name}};
    if (!t.description.empty()) tag["description"] = t.description;
    if (!t.external_docs.url.empty()) {
      Json docs = Json::object({});
      if (!t.external_docs.description.empty()) docs["description"] = t.external_docs.description;
      docs["url"] = t.external_docs.url;
      tag["externalDocs"] = std::move(docs);
    }
    out.push_back(std::move(tag));
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
}  // namespace detail

namespace detail {

inline bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;  // Python's \w matches non-ASCII letters too
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string default_route_name(Method method, std::string_view path) {
  std::string name;
  switch (method) {
    case Method::get: name = "read"; break;
    case Method::post: name = "create"; break;
    case Method::put: name = "update"; break;
    default:
      name = method_name(method);
      for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  bool any = false;
  std::string formatted = path_format(path);
  std::string_view rest = formatted;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    std::string word;
    for (char c : segment)
      if (c != '{' && c != '}') word += is_word_char(c) ? c : '_';
    if (word.empty()) continue;
    name += '_';
    name += word;
    any = true;
  }
  if (!any) name += "_root";
  return name;
}

FASTAPI_DETAIL_INLINE std::string operation_id(std::string_view name, std::string_view path, Method method) {
  std::string id;
  id.reserve(name.size() + path.size() + 8);
  for (char c : name) id += is_word_char(c) ? c : '_';
  for (char c : path) id += is_word_char(c) ? c : '_';
  id += '_';
  for (char c : method_name(method)) id += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return id;
}

FASTAPI_DETAIL_INLINE std::string path_format(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  bool in_param = false, skipping = false;
  for (char c : path) {
    if (c == '{') in_param = true;
    if (c == '}') in_param = skipping = false;
    if (in_param && c == ':') skipping = true;
    if (!skipping) out += c;
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Points every {"$ref": "#/$defs/X"} of `j` at "#/components/schemas/X".
FASTAPI_DETAIL_INLINE void rewrite_refs(Json& j);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void rewrite_refs(Json& j) {
  if (j.is_array()) {
    for (Json& x : j) rewrite_refs(x);
  } else if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key == "$ref" && value.is_string() && value.as_string().starts_with("#/$defs/"))
        value = std::string(components_ref) + value.as_string().substr(8);
      else rewrite_refs(value);
    }
  }
}

FASTAPI_DETAIL_INLINE Json adopt_model_schema(const ResponseModelInfo& model, Json& schemas) {
  Json s = model.schema();
  if (Json* defs = s.find("$defs")) {
    for (auto& [name, def] : defs->items()) {
      rewrite_refs(def);
      if (!schemas.contains(name)) schemas[name] = std::move(def);
    }
    s.erase("$defs");
  }
  rewrite_refs(s);
  const Json* title = s.find("title");
  const Json* type = s.find("type");
  if (title && title->is_string() && title->as_string() == model.name && type && *type == Json("object")) {
    const std::string name(model.name);
    if (!schemas.contains(name)) schemas[name] = std::move(s);
    return Json{{"$ref", std::string(components_ref) + name}};
  }
  return s;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
