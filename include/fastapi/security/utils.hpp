// security/utils.hpp: what every security helper shares: the constant-time compare for secrets, Base64, the `Authorization: <scheme> <credentials>` split, the 401 they answer, and the metadata OpenAPI will list (securitySchemes). Fed by params/binding (the Binder protocol); feeds security/http, api_key, oauth2. Knows nothing of routes or sockets.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/digest.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/json/rules.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"

namespace fastapi {

/// One OAuth2 scope a token may grant, and what it allows (shown in the docs' authorize dialog).
struct OAuth2Scope {
  RuleText<64> name;
  RuleText<256> description{};
};

/// The scopes an OAuth2 scheme knows (FastAPI's `scopes={"me": "Read information about the current user."}`),
/// at most 16, in order: `.scopes = {{"me", "Read information about the current user."}, {"items", "Read
/// items."}}`.
struct OAuth2Scopes {
  static constexpr std::size_t capacity = 16;
  OAuth2Scope items[capacity]{};
  std::size_t size = 0;

  constexpr OAuth2Scopes() noexcept = default;
  constexpr OAuth2Scopes(std::initializer_list<OAuth2Scope> list) {
    if (list.size() > capacity) throw "fastapi: an OAuth2 scheme lists at most 16 scopes";
    for (const OAuth2Scope& scope : list) items[size++] = scope;
  }
  constexpr bool empty() const noexcept { return size == 0; }
  constexpr const OAuth2Scope* begin() const noexcept { return items; }
  constexpr const OAuth2Scope* end() const noexcept { return items + size; }
};

/// Options of every security helper: `fa::HTTPBearer<fa::SecurityOptions{.auto_error = false}> creds`.
/// auto_error (the default): missing credentials -> 401 and the handler does not run; false: the value is a
/// std::optional, empty when missing (for routes that also serve anonymous users).
/// scopes (fa::OAuth2PasswordBearer only): the scopes listed in OpenAPI's securitySchemes flow.
struct SecurityOptions {
  bool auto_error = true;
  OAuth2Scopes scopes{};
};

/// Compares two secrets in time that depends only on their lengths, not on where they differ (Python's
/// secrets.compare_digest): `if (!fa::compare_digest(creds->password, expected)) throw ...`.
inline bool compare_digest(std::string_view a, std::string_view b) noexcept {
  std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

/// The metadata an OpenAPI `securitySchemes` entry needs (kept on every helper as `security_scheme`).
struct SecuritySchemeInfo {
  std::string_view type;                 ///< "http", "apiKey", "oauth2"
  std::string_view scheme{};             ///< http: "bearer", "basic"
  std::string_view in{};                 ///< apiKey: "header", "query", "cookie"
  std::string_view name{};               ///< apiKey: the header, query or cookie name
  std::string_view token_url{};          ///< oauth2 password flow: where the token is obtained
  std::string_view scheme_name;          ///< the component's name: "HTTPBearer", "APIKeyHeader", ...
  const OAuth2Scopes* scopes = nullptr;  ///< oauth2: the flow's scopes (name -> description)
};

namespace detail {

/// "Bearer abc" -> {"Bearer", "abc"} (FastAPI's get_authorization_scheme_param: split at the first space).
inline std::pair<std::string_view, std::string_view> split_authorization(std::string_view value) {
  value = trim(value);
  std::size_t space = value.find(' ');
  if (space == std::string_view::npos) return {value, {}};
  return {value.substr(0, space), trim(value.substr(space + 1))};
}

/// 401 {"detail": detail} with `WWW-Authenticate: <challenge>` (RFC 9110 section 11.6.1).
[[noreturn]] inline void throw_unauthorized(std::string_view challenge, std::string_view detail = "Not authenticated") {
  throw HTTPException{401, std::string(detail), {{"WWW-Authenticate", std::string(challenge)}}};
}

/// The Binder of a security helper S: S::extract(ctx) gives its value or nullopt (missing: 401 when
/// auto_error, empty otherwise). Bound with the dependencies, before every other parameter.
template <class S>
struct SecurityBinder {
  static_assert(S::security_scheme.type == "oauth2" || S::options.scopes.empty(),
                "fastapi: SecurityOptions::scopes lists the scopes of an OAuth2 scheme: only "
                "fa::OAuth2PasswordBearer takes them (docs/compile_errors.md#security-scopes-on-http-bearer)");
  static constexpr bool bindable = true;
  static constexpr bool uses_scopes = true;  // FastAPI keys a security scheme's dependants by their scopes
  static constexpr Source source = Source::depends;
  static constexpr std::size_t body_count = 0;
  using Slot = ParamSlot<S>;
  static void bind(BindContext& ctx, Slot& slot) {
    auto value = S::extract(ctx);
    if (value) slot.emplace(std::move(*value));
    else if constexpr (S::options.auto_error) S::fail();
    else slot.emplace();
  }
  static S& get(Slot& slot) { return *slot; }
};

/// The value a helper holds: T, or std::optional<T> when auto_error is off.
template <class T, SecurityOptions O>
using security_value_t = std::conditional_t<O.auto_error, T, std::optional<T>>;

}  // namespace detail
}  // namespace fastapi
