// security/oauth2.hpp: OAuth2's password flow: fa::OAuth2PasswordBearer<"token"> (the bearer token of a request, with the token URL for OpenAPI) and fa::OAuth2PasswordRequestForm (the form a client posts to get one). Fed by security/utils and params/binding (form fields); feeds handlers and dependencies. Knows nothing of how tokens are made or checked.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/fixed_string.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/security/utils.hpp"

namespace fastapi {

/// The token of `Authorization: Bearer <token>`, for OAuth2's password flow; TokenUrl is where a client gets
/// one (listed in OpenAPI). FastAPI's `oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")`:
///
///     fa::Task<User> current_user(fa::OAuth2PasswordBearer<"token"> token) { ... *token ... }
///
/// Missing or another scheme -> 401 {"detail":"Not authenticated"} with `WWW-Authenticate: Bearer`.
/// The scopes a token may grant are listed in OpenAPI's securitySchemes with their descriptions:
/// `fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {{"me", "Read information about the current
/// user."}, {"items", "Read items."}}}>` (docs/security.md: fa::Security and fa::SecurityScopes).
template <FixedString TokenUrl, SecurityOptions Options = SecurityOptions{}>
struct OAuth2PasswordBearer : detail::ParamValue<detail::security_value_t<std::string, Options>> {
  using detail::ParamValue<detail::security_value_t<std::string, Options>>::ParamValue;
  static constexpr SecurityOptions options = Options;
  static constexpr SecuritySchemeInfo security_scheme{
      .type = "oauth2", .token_url = TokenUrl.view(), .scheme_name = "OAuth2PasswordBearer", .scopes = &options.scopes};

  static std::optional<std::string> extract(detail::BindContext& ctx) {
    auto header = ctx.request.headers.get("authorization");
    if (!header) return std::nullopt;
    auto [scheme, token] = detail::split_authorization(*header);
    if (!iequals(scheme, "bearer") || token.empty()) return std::nullopt;
    return std::string(token);
  }
  [[noreturn]] static void fail() { detail::throw_unauthorized("Bearer"); }
};

/// The form of OAuth2's password grant (application/x-www-form-urlencoded), as FastAPI's
/// OAuth2PasswordRequestForm: `app.post("/token", [](fa::OAuth2PasswordRequestForm form) { ... form.username ... })`.
/// username and password are required: missing -> 422 {"type":"missing","loc":["body","username"],...};
/// grant_type, when sent, must be "password" (422 string_pattern_mismatch); scope is split on spaces.
struct OAuth2PasswordRequestForm {
  std::optional<std::string> grant_type;
  std::string username;
  std::string password;
  std::vector<std::string> scopes;
  std::optional<std::string> client_id;
  std::optional<std::string> client_secret;
};

/// The OAuth2 scopes required along the dependency chain that led here (FastAPI's SecurityScopes), for a
/// dependency that checks a token against them:
///
///     User current_user(fa::SecurityScopes security_scopes, fa::Depends<read_token> token) {
///       for (const std::string& scope : security_scopes.scopes)
///         if (!token->grants(scope))
///           throw fa::HTTPException{401, "Not enough permissions",
///                                   {{"WWW-Authenticate", "Bearer scope=\"" + security_scopes.scope_str + "\""}}};
///       ...
///     }
///     app.get("/users/me/items", [](fa::Security<current_user, "items"> user) { ... });   // scopes: ["items"]
///
/// `scopes` holds what every fa::Security<..., "scope"> above this dependency asked for, in order from the handler
/// down, each once; `scope_str` is them joined by spaces. Taken by a handler, or a dependency no fa::Security
/// reaches, it is empty.
struct SecurityScopes {
  std::vector<std::string> scopes;
  std::string scope_str;
};

namespace detail {

/// FastAPI's _get_oauth_scopes: the scopes asked for above the dependency being bound (repeats kept), then its own
/// that are not already among them.
inline SecurityScopes current_security_scopes(const BindContext& ctx) {
  SecurityScopes out;
  out.scopes.assign(ctx.oauth_parent_scopes.begin(), ctx.oauth_parent_scopes.end());
  for (std::string_view own : ctx.oauth_own_scopes)
    if (std::find(out.scopes.begin(), out.scopes.end(), own) == out.scopes.end()) out.scopes.emplace_back(own);
  for (const std::string& scope : out.scopes) {
    if (!out.scope_str.empty()) out.scope_str += ' ';
    out.scope_str += scope;
  }
  return out;
}

template <>
struct Binder<SecurityScopes> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::depends;
  static constexpr std::size_t body_count = 0;
  static constexpr bool uses_scopes = true;
  using Slot = SecurityScopes;
  static void bind(BindContext& ctx, Slot& slot) { slot = current_security_scopes(ctx); }
  static SecurityScopes& get(Slot& slot) { return slot; }
};

template <FixedString TokenUrl, SecurityOptions O>
struct Binder<OAuth2PasswordBearer<TokenUrl, O>> : SecurityBinder<OAuth2PasswordBearer<TokenUrl, O>> {};

template <>
struct Binder<OAuth2PasswordRequestForm> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::form;
  static constexpr std::size_t body_count = 0;
  using Slot = ParamSlot<OAuth2PasswordRequestForm>;
  /// The form's fields, as FastAPI's OAuth2PasswordRequestForm reads them (compiled once: not a template).
  static void bind(BindContext& ctx, Slot& slot);
  static OAuth2PasswordRequestForm& get(Slot& slot) { return *slot; }
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void Binder<OAuth2PasswordRequestForm>::bind(BindContext& ctx, Slot& slot) {
  OAuth2PasswordRequestForm form;
  RequestValidationError& errors = ctx.body_errors;
  bool ok = true;
  auto text = [&](std::string_view name) { return find_text(ctx, Source::form, name); };
  if (auto g = text("grant_type")) {
    if (*g != "password") {
      Json c = Json::object({});
      c["pattern"] = "^password$";
      errors.add({"string_pattern_mismatch", param_loc(Source::form, "grant_type"),
                  "String should match pattern '^password$'", Json(*g), std::move(c)});
      ok = false;
    }
    form.grant_type = std::string(*g);
  }
  if (auto u = text("username")) form.username = std::string(*u);
  else add_missing(errors, param_loc(Source::form, "username")), ok = false;
  if (auto p = text("password")) form.password = std::string(*p);
  else add_missing(errors, param_loc(Source::form, "password")), ok = false;
  if (auto s = text("scope")) {
    std::string_view rest = *s;
    while (!rest.empty()) {
      std::size_t sp = rest.find(' ');
      std::string_view one = rest.substr(0, sp);
      if (!one.empty()) form.scopes.emplace_back(one);
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    }
  }
  if (auto id = text("client_id")) form.client_id = std::string(*id);
  if (auto secret = text("client_secret")) form.client_secret = std::string(*secret);
  if (ok) slot.emplace(std::move(form));
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
