// security/oauth2.hpp: OAuth2's password flow: fa::OAuth2PasswordBearer<"token"> (the bearer token of a request, with the token URL for OpenAPI) and fa::OAuth2PasswordRequestForm (the form a client posts to get one). Fed by security/utils and params/binding (form fields); feeds handlers and dependencies. Knows nothing of how tokens are made or checked.
#pragma once

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
template <FixedString TokenUrl, SecurityOptions Options = SecurityOptions{}>
struct OAuth2PasswordBearer : detail::ParamValue<detail::security_value_t<std::string, Options>> {
  using detail::ParamValue<detail::security_value_t<std::string, Options>>::ParamValue;
  static constexpr SecurityOptions options = Options;
  static constexpr SecuritySchemeInfo security_scheme{
      .type = "oauth2", .token_url = TokenUrl.view(), .scheme_name = "OAuth2PasswordBearer"};

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

namespace detail {

template <FixedString TokenUrl, SecurityOptions O>
struct Binder<OAuth2PasswordBearer<TokenUrl, O>> : SecurityBinder<OAuth2PasswordBearer<TokenUrl, O>> {};

template <>
struct Binder<OAuth2PasswordRequestForm> {
  static constexpr bool bindable = true;
  static constexpr Source source = Source::form;
  static constexpr std::size_t body_count = 0;
  using Slot = std::optional<OAuth2PasswordRequestForm>;
  static void bind(BindContext& ctx, Slot& slot) {
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
  static OAuth2PasswordRequestForm& get(Slot& slot) { return *slot; }
};

}  // namespace detail
}  // namespace fastapi
