// openapi/operation.hpp: a handler's types -> what OpenAPI says of its operation: the parameters (where, name,
// required, schema with Rules and default), the request body (a JSON model, form fields, files), the security
// requirements, whether validation can fail (-> 422), the schema of the success response. Computed where the
// handler type is known (app/endpoint's HandlerEndpoint<F>::describe). Fed by params (markers, plans), di
// (Depends), security (schemes) and json/schema; feeds app/endpoint and openapi/spec. Knows nothing of paths,
// methods, operationIds or the document's layout.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/di/yield.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/json/reflect.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/json/schema.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/file.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/security/oauth2.hpp"
#include "fastapi/security/utils.hpp"

namespace fastapi::detail {

/// Where the fragments of an operation point their $refs: the document's components.
inline constexpr std::string_view components_ref = "#/components/schemas/";

/// One value of the request body: a JSON body (a struct parameter, `fa::Body<T>`, `fa::Embed<"name", T>`)
/// or one form field (`fa::Form<"name", T>`, the fields of fa::OAuth2PasswordRequestForm).
struct BodyFieldDoc {
  std::string name;  ///< "" for an unnamed JSON body
  Json schema;       ///< its JSON Schema ($refs into components)
  bool required = true;
  bool embed = false;               ///< `fa::Embed<"name", T>`: always read from under its name
  Json openapi_examples = nullptr;  ///< Rule.openapi_examples: the media type's "examples" (a single body's)
};

/// What one handler (with its dependencies, flattened as FastAPI flattens them) says about its operation.
/// Plain data, filled by describe_operation<Plan, Result>() and read by openapi/spec.hpp.
struct OperationDoc {
  Json parameters = Json::array({});         ///< Parameter objects: path, query, header, cookie; each (in, name) once
  std::vector<BodyFieldDoc> body;            ///< JSON bodies, or form fields when `form`
  bool form = false;                         ///< the body is application/x-www-form-urlencoded
  bool multipart = false;                    ///< ... or multipart/form-data: a fa::File among the form fields
  Json security = Json::array({});           ///< Security Requirement objects: [{"OAuth2PasswordBearer": []}]
  Json security_schemes = Json::object({});  ///< scheme name -> Security Scheme object
  Json schemas = Json::object({});           ///< the components.schemas the fragments refer to
  Json response_schema = Json::object({});   ///< the success response's schema ({}: anything)
  std::string response_media_type = "application/json";
  bool response_is_model = false;  ///< the schema comes from a model (a struct or a vector): FastAPI titles it
  /// Described after the handler's own parameters and before its fa::Depends, as FastAPI flattens the app's and
  /// the route's `dependencies` (openapi/spec.hpp fills it from Dependency::describe when there is one).
  std::vector<void (*)(OperationDoc&)> leading_dependencies;
  /// Dependencies already described, keyed as FastAPI keys them: the function, and the sorted set of its OAuth2
  /// scopes when it uses scopes (fa::Security<f, "a"> and fa::Security<f, "b"> are described twice).
  std::vector<std::pair<const void*, std::string>> described;
  /// The OAuth2 scopes asked for above the dependency being described, each once, in order (the security
  /// requirement of a scheme met there lists them).
  std::vector<std::string_view> oauth_scopes;

  /// FastAPI's rule for a 422 response: the operation has a parameter or a body.
  bool can_fail_validation() const { return !parameters.empty() || !body.empty(); }
  /// Adds a Parameter object; the same (in, name) twice keeps the first place, and a required one wins.
  void add_parameter(Json parameter);
  /// Adds a security requirement (each scheme once, its scopes merged: the current `oauth_scopes`) and its
  /// scheme's definition.
  void add_security(const SecuritySchemeInfo& scheme);
  /// True the first time `key` (a dependency) is seen with this scopes key ("" when it uses no scopes).
  bool first_visit(const void* key, std::string_view scopes = {});
};

/// The Security Scheme object of a helper's metadata, as FastAPI writes it:
/// HTTPBearer -> {"type":"http","scheme":"bearer"}; APIKeyHeader<"X-API-Key"> -> {"type":"apiKey","in":"header",
/// "name":"X-API-Key"}; OAuth2PasswordBearer<"token"> -> {"type":"oauth2","flows":{"password":{"scopes":{},
/// "tokenUrl":"token"}}}.
FASTAPI_DETAIL_INLINE Json security_scheme_json(const SecuritySchemeInfo& s);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Json security_scheme_json(const SecuritySchemeInfo& s) {
  Json j{{"type", s.type}};
  if (s.type == "http") {
    j["scheme"] = s.scheme;
  } else if (s.type == "apiKey") {
    j["in"] = s.in;
    j["name"] = s.name;
  } else if (s.type == "oauth2") {
    Json scopes = Json::object({});
    if (s.scopes)
      for (const OAuth2Scope& scope : *s.scopes) scopes[std::string(scope.name.view())] = scope.description.view();
    Json password{{"scopes", std::move(scopes)}, {"tokenUrl", s.token_url}};
    j["flows"] = Json{{"password", std::move(password)}};
  }
  return j;
}

FASTAPI_DETAIL_INLINE void OperationDoc::add_parameter(Json parameter) {
  for (Json& p : parameters) {
    if (p["in"] == parameter["in"] && p["name"] == parameter["name"]) {
      if (parameter["required"].as_bool() || !p["required"].as_bool()) p = std::move(parameter);
      return;
    }
  }
  parameters.push_back(std::move(parameter));
}

FASTAPI_DETAIL_INLINE void OperationDoc::add_security(const SecuritySchemeInfo& scheme) {
  // FastAPI (_get_openapi_security_definitions) merges the scopes of one scheme met several times into one
  // requirement, in the order met.
  const std::string name(scheme.scheme_name);
  Json* scopes = nullptr;
  for (Json& requirement : security)
    if (requirement.contains(name)) scopes = &requirement[name];
  if (!scopes) {
    security.push_back(Json{{name, Json::array({})}});
    scopes = &security.as_array().back()[name];
    security_schemes[name] = security_scheme_json(scheme);
  }
  for (std::string_view scope : oauth_scopes) {
    bool listed = false;
    for (const Json& s : scopes->as_array()) listed = listed || s.as_string() == scope;
    if (!listed) scopes->push_back(Json(scope));
  }
}

FASTAPI_DETAIL_INLINE bool OperationDoc::first_visit(const void* key, std::string_view scopes) {
  for (const auto& [k, s] : described)
    if (k == key && s == scopes) return false;
  described.emplace_back(key, std::string(scopes));
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// The operation's parameters in FastAPI's order ("path" < "query" < "header" < "cookie") and its schemas sorted:
/// the route-independent end of describe_operation, compiled once (not a std::stable_sort per route).
FASTAPI_DETAIL_INLINE void sort_operation(OperationDoc& doc);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
inline int parameter_rank(const Json& parameter) {
  const std::string& in = parameter["in"].as_string();
  return in == "path" ? 0 : in == "query" ? 1 : in == "header" ? 2 : 3;
}

FASTAPI_DETAIL_INLINE void sort_operation(OperationDoc& doc) {
  Json::Array& ps = doc.parameters.as_array();
  std::stable_sort(ps.begin(), ps.end(),
                   [](const Json& a, const Json& b) { return parameter_rank(a) < parameter_rank(b); });
  sort_schema(doc.schemas);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- schemas --------------------------------------------------------------------------------------

/// The schema of a value of type T with Rule R: the rule on the non-null branch of an optional.
template <class T, Rule R>
Json value_schema(OperationDoc& doc) {
  SchemaContext cx{components_ref, doc.schemas};
  Json s = schema_of<T>(cx);
  Json* target = s.contains("anyOf") ? &s["anyOf"][0] : &s;
  add_rule_keywords<R, typename unwrap_optional<T>::type>(*target);
  if constexpr (!R.description.empty()) {
    static constexpr RuleText description = R.description;  // see add_doc_keywords
    s["description"] = std::string(description.view());
  }
  add_doc_keywords<R>(s);
  return s;
}

/// The schema of a Path/Query/Header/Cookie/Form parameter P: type, Rule, default, title (Rule.title, else
/// the wire name title-cased, as Pydantic titles a field from its alias: "x-token" -> "X-Token").
template <class P>
Json text_param_schema(OperationDoc& doc) {
  using T = typename P::value_type;
  Json s = value_schema<T, P::rule>(doc);
  if constexpr (P::has_default) s["default"] = to_json(P::default_value());
  if constexpr (!P::rule.title.empty()) s["title"] = std::string(P::rule.title.view());
  else if constexpr (titled<T>) s["title"] = title_case(WireName<P>::value);
  sort_schema(s);
  return s;
}

/// A JSON body of type T under `name` ("" when not embedded), documented by Rule R (fa::Body's, fa::Embed's).
template <class T, Rule R = Rule{}>
BodyFieldDoc body_field(OperationDoc& doc, std::string_view name, bool embed) {
  Json s = value_schema<T, R>(doc);
  if constexpr (!R.title.empty()) {
    static constexpr RuleText title = R.title;  // see add_doc_keywords
    s["title"] = std::string(title.view());
  } else if (!name.empty() && titled<T>) {
    s["title"] = title_case(name);
  }
  sort_schema(s);
  BodyFieldDoc out{std::string(name), std::move(s), !is_optional<T>, embed};
  if constexpr (!R.openapi_examples.empty()) {
    static constexpr RuleText examples = R.openapi_examples;  // see add_doc_keywords
    out.openapi_examples = Json::parse(examples.view());
  }
  return out;
}

/// The schema of a fa::File parameter, as FastAPI 0.92 writes `UploadFile` and `bytes`: a binary string, or an
/// array of them for a std::vector; an optional one is the same schema, left out of `required`.
template <class P>
Json file_param_schema() {
  using T = typename P::value_type;
  Json binary{{"format", "binary"}, {"type", "string"}};
  Json s = is_vector<typename unwrap_optional<T>::type> ? Json{{"items", binary}, {"type", "array"}} : binary;
  if constexpr (!P::rule.title.empty()) s["title"] = std::string(P::rule.title.view());
  else s["title"] = title_case(WireName<P>::value);
  if constexpr (!P::rule.description.empty()) s["description"] = std::string(P::rule.description.view());
  sort_schema(s);
  return s;
}

/// The fields of fa::OAuth2PasswordRequestForm, as FastAPI declares them.
FASTAPI_DETAIL_INLINE void describe_password_form(OperationDoc& doc);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void describe_password_form(OperationDoc& doc) {
  auto text = [](std::string_view title) { return Json{{"title", title}, {"type", "string"}}; };
  auto optional = [](std::string_view title, Json inner) {
    return Json{{"anyOf", Json::array({std::move(inner), Json{{"type", "null"}}})}, {"title", title}};
  };
  doc.form = true;
  doc.body.push_back(
      {"grant_type", optional("Grant Type", Json{{"pattern", "^password$"}, {"type", "string"}}), false});
  doc.body.push_back({"username", text("Username"), true});
  doc.body.push_back({"password", text("Password"), true});
  Json scope = text("Scope");
  scope["default"] = "";
  doc.body.push_back({"scope", std::move(scope), false});
  doc.body.push_back({"client_id", optional("Client Id", Json{{"type", "string"}}), false});
  doc.body.push_back({"client_secret", optional("Client Secret", Json{{"type", "string"}}), false});
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

// ---- the plan, flattened --------------------------------------------------------------------------

template <class Plan>
struct PlanDescription;

/// Describes the dependency Fn (its own parameters, recursively) once per operation; the Depends<Fn> of a
/// handler and the route's `dependencies` (fa::dependency<Fn>()) both come here.
template <auto Fn>
void describe_dependency_with_scopes(OperationDoc& doc, std::span<const std::string_view> own_scopes) {
  using Plan = typename plan_of<typename callable_traits<decltype(Fn)>::args>::type;
  // FastAPI's _get_openapi_dependency_data: the scopes above, then this use's own, each once; visited once per
  // (function, sorted scopes) when the dependency uses scopes, once per function otherwise.
  const std::size_t before = doc.oauth_scopes.size();
  for (std::string_view scope : own_scopes)
    if (std::find(doc.oauth_scopes.begin(), doc.oauth_scopes.end(), scope) == doc.oauth_scopes.end())
      doc.oauth_scopes.push_back(scope);
  std::string scopes_key;
  if (!own_scopes.empty() || PlanBinding<Plan>::uses_scopes) scopes_key = scopes_cache_key(doc.oauth_scopes, {}, {});
  if (doc.first_visit(dependency_key<Fn>(), scopes_key)) PlanDescription<Plan>::describe(doc, false);
  doc.oauth_scopes.resize(before);
}

template <auto Fn, auto... Options>
void describe_dependency(OperationDoc& doc) {
  describe_dependency_with_scopes<Fn>(doc, {});
}

template <auto Fn, FixedString... Scopes>
void describe_security_dependency(OperationDoc& doc) {
  describe_dependency_with_scopes<Fn>(doc, Security<Fn, Scopes...>::own_scopes);
}

template <class V>
inline constexpr bool is_depends = false;
template <auto Fn, auto... Options>
inline constexpr bool is_depends<Depends<Fn, Options...>> = true;
template <auto Fn, FixedString... Scopes>
inline constexpr bool is_depends<Security<Fn, Scopes...>> = true;
template <class V>
inline constexpr bool is_body_marker = false;
template <class T, BodyOption O, bool E>
inline constexpr bool is_body_marker<Body<T, O, E>> = true;
template <class V>
concept security_param = requires {
  V::security_scheme;
};

template <class V>
struct DependsDescription;
template <auto Fn, auto... Options>
struct DependsDescription<Depends<Fn, Options...>> {
  static void describe(OperationDoc& doc) { describe_dependency<Fn, Options...>(doc); }
};
template <auto Fn, FixedString... Scopes>
struct DependsDescription<Security<Fn, Scopes...>> {
  static void describe(OperationDoc& doc) { describe_security_dependency<Fn, Scopes...>(doc); }
};

/// A parameter's own contribution: a Parameter object, a body value or form fields (dependencies and security
/// come in the second pass).
template <class V>
void describe_own(OperationDoc& doc) {
  if constexpr (requires { V::file_param; }) {
    doc.form = doc.multipart = true;
    doc.body.push_back({std::string(WireName<V>::value), file_param_schema<V>(), !is_optional<typename V::value_type>});
  } else if constexpr (text_param<V>) {
    if constexpr (V::param_source == Source::form) {
      doc.form = true;
      using T = typename V::value_type;
      doc.body.push_back(
          {std::string(WireName<V>::value), text_param_schema<V>(doc), !V::has_default && !is_optional<T>});
    } else {
      using T = typename V::value_type;
      Json p = Json::object({});
      p["name"] = WireName<V>::value;
      p["in"] = source_name(V::param_source);
      if constexpr (!V::rule.description.empty()) p["description"] = std::string(V::rule.description.view());
      p["required"] = V::param_source == Source::path || (!V::has_default && !is_optional<T>);
      p["schema"] = text_param_schema<V>(doc);
      if constexpr (!V::rule.openapi_examples.empty()) {
        static constexpr RuleText examples = V::rule.openapi_examples;  // see add_doc_keywords
        p["examples"] = Json::parse(examples.view());
      }
      if constexpr (V::rule.deprecated) p["deprecated"] = true;
      doc.add_parameter(std::move(p));
    }
  } else if constexpr (is_body_marker<V>) {
    doc.body.push_back(body_field<typename V::value_type, V::rule>(doc, V::param_name, V::embed));
  } else if constexpr (std::is_same_v<V, OAuth2PasswordRequestForm>) {
    describe_password_form(doc);
  } else if constexpr (!is_depends<V> && !security_param<V> && Binder<V>::source == Source::body) {
    doc.body.push_back(body_field<V>(doc, {}, false));  // a reflected struct (or an optional one)
  }
}

/// A parameter's dependencies: fa::Depends<fn> (flattened) and security schemes.
template <class V>
void describe_nested(OperationDoc& doc) {
  if constexpr (is_depends<V>) {
    DependsDescription<V>::describe(doc);
  } else if constexpr (security_param<V>) {
    doc.add_security(V::security_scheme);
  }
}

template <class... Params>
struct PlanDescription<BindPlan<Params...>> {
  /// FastAPI's flattening: the plan's own parameters first, then (at the top) the app's and the route's
  /// dependencies, then the dependencies in the handler's parameters, depth first.
  static void describe(OperationDoc& doc, bool top) {
    (describe_own<std::remove_cvref_t<Params>>(doc), ...);
    if (top)
      for (auto* leading : doc.leading_dependencies) leading(doc);
    (describe_nested<std::remove_cvref_t<Params>>(doc), ...);
  }
};

// ---- the response ---------------------------------------------------------------------------------

template <class R>
struct unwrap_task {
  using type = R;
};
template <class U>
struct unwrap_task<Task<U>> {
  using type = U;
};

/// The success response of a handler returning Result (or Task<Result>): a struct or a vector of them ->
/// its schema; std::string -> text/plain; fa::Json, fa::Response, void -> {} (anything), as FastAPI.
template <class Result>
void describe_response(OperationDoc& doc) {
  using V = std::remove_cvref_t<typename unwrap_task<Result>::type>;
  if constexpr (std::is_void_v<V> || std::is_same_v<V, Json> || std::is_same_v<V, Response>) {
    doc.response_schema = Json::object({});
  } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    doc.response_media_type = "text/plain";
    doc.response_schema = Json{{"type", "string"}};
  } else if constexpr (reflectable<V> || is_vector<V> || is_string_map<V> || is_int_map<V>) {
    SchemaContext cx{components_ref, doc.schemas};
    doc.response_schema = schema_of<V>(cx);
    sort_schema(doc.response_schema);
    doc.response_is_model = true;
  }
}

/// Everything a handler with binding plan Plan and return type Result says about its operation.
template <class Plan, class Result>
void describe_operation(OperationDoc& doc) {
  PlanDescription<Plan>::describe(doc, true);
  describe_response<Result>(doc);
  sort_operation(doc);
}

}  // namespace fastapi::detail
