// security/http.hpp: HTTP authentication schemes as handler/dependency parameters: fa::HTTPBearer (Authorization: Bearer <token>) and fa::HTTPBasic (Authorization: Basic base64(user:password)). Fed by security/utils; feeds handlers and dependencies such as current_user. Knows nothing of users or tokens' meaning.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/security/utils.hpp"

namespace fastapi {

/// `Authorization: <scheme> <credentials>`, as FastAPI's HTTPAuthorizationCredentials.
struct HTTPAuthorizationCredentials {
  std::string scheme;       ///< "Bearer" as sent
  std::string credentials;  ///< the token
};

/// The user name and password of `Authorization: Basic ...`, as FastAPI's HTTPBasicCredentials.
struct HTTPBasicCredentials {
  std::string username;
  std::string password;
};

/// A bearer token from `Authorization: Bearer <token>` (RFC 6750):
///
///     fa::Task<User> current_user(fa::HTTPBearer<> auth) { co_return co_await users.by_token(auth->credentials); }
///
/// Missing, malformed, or another scheme -> 401 {"detail":"Not authenticated"} with `WWW-Authenticate: Bearer`
/// (FastAPI >= 0.117's answer; older FastAPI said 403). With `fa::SecurityOptions{.auto_error = false}`
/// the value is a std::optional, empty instead.
template <SecurityOptions Options = SecurityOptions{}>
struct HTTPBearer : detail::ParamValue<detail::security_value_t<HTTPAuthorizationCredentials, Options>> {
  using detail::ParamValue<detail::security_value_t<HTTPAuthorizationCredentials, Options>>::ParamValue;
  static constexpr SecurityOptions options = Options;
  static constexpr SecuritySchemeInfo security_scheme{.type = "http", .scheme = "bearer", .scheme_name = "HTTPBearer"};

  static std::optional<HTTPAuthorizationCredentials> extract(detail::BindContext& ctx) {
    auto header = ctx.request.headers.get("authorization");
    if (!header) return std::nullopt;
    auto [scheme, token] = detail::split_authorization(*header);
    if (!iequals(scheme, "bearer") || token.empty()) return std::nullopt;
    return HTTPAuthorizationCredentials{std::string(scheme), std::string(token)};
  }
  [[noreturn]] static void fail() { detail::throw_unauthorized("Bearer"); }
};

/// A user name and password from `Authorization: Basic base64(user:password)` (RFC 7617):
///
///     std::string current_username(fa::HTTPBasic<> creds) {
///       bool user_ok = fa::compare_digest(creds->username, "stanleyjobson");  // both compared: no early exit
///       bool password_ok = fa::compare_digest(creds->password, "swordfish");
///       if (!(user_ok && password_ok)) throw fa::HTTPException{401, "Incorrect username or password", {{"WWW-Authenticate", "Basic"}}};
///       return creds->username;
///     }
///
/// Missing or another scheme -> 401 {"detail":"Not authenticated"}; not Base64 or no ':' -> 401
/// {"detail":"Invalid authentication credentials"}; both with `WWW-Authenticate: Basic` (so a browser asks).
template <SecurityOptions Options = SecurityOptions{}>
struct HTTPBasic : detail::ParamValue<detail::security_value_t<HTTPBasicCredentials, Options>> {
  using detail::ParamValue<detail::security_value_t<HTTPBasicCredentials, Options>>::ParamValue;
  static constexpr SecurityOptions options = Options;
  static constexpr SecuritySchemeInfo security_scheme{.type = "http", .scheme = "basic", .scheme_name = "HTTPBasic"};

  static std::optional<HTTPBasicCredentials> extract(detail::BindContext& ctx) {
    auto header = ctx.request.headers.get("authorization");
    if (!header) return std::nullopt;
    auto [scheme, param] = detail::split_authorization(*header);
    if (!iequals(scheme, "basic")) return std::nullopt;
    std::optional<std::string> decoded = detail::base64_decode(param);
    std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      // Present but unreadable: always an error, as FastAPI (auto_error only covers a missing header).
      detail::throw_unauthorized("Basic", "Invalid authentication credentials");
    }
    return HTTPBasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  [[noreturn]] static void fail() { detail::throw_unauthorized("Basic"); }
};

namespace detail {
template <SecurityOptions O>
struct Binder<HTTPBearer<O>> : SecurityBinder<HTTPBearer<O>> {};
template <SecurityOptions O>
struct Binder<HTTPBasic<O>> : SecurityBinder<HTTPBasic<O>> {};
}  // namespace detail

}  // namespace fastapi
