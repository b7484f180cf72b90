// security/api_key.hpp: API keys as handler/dependency parameters: fa::APIKeyHeader<"X-API-Key">, fa::APIKeyQuery<"api_key">, fa::APIKeyCookie<"session">. Fed by security/utils; feeds handlers and dependencies. Knows nothing of which keys are valid (compare them with fa::compare_digest).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fastapi/core/fixed_string.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/security/utils.hpp"

namespace fastapi {

// An API key read from a header (exact name, any case), the query string, or a cookie; the value is the key
// as a std::string (std::optional with `fa::SecurityOptions{.auto_error = false}`):
//
//     void verify_key(fa::APIKeyHeader<"X-API-Key"> key) {
//       if (!fa::compare_digest(*key, expected_key)) throw fa::HTTPException{403, "Invalid API key"};
//     }
//     app.get("/items", list_items, {.dependencies = {fa::dependency<verify_key>()}});
//
// Missing (or empty) -> 401 {"detail":"Not authenticated"} with `WWW-Authenticate: APIKey` (FastAPI >= 0.117;
// older FastAPI said 403).

#define FASTAPI_DETAIL_API_KEY(Kind, where, source_value)                                 \
  template <FixedString Name, SecurityOptions Options = SecurityOptions{}>                \
  struct Kind : detail::ParamValue<detail::security_value_t<std::string, Options>> {      \
    using detail::ParamValue<detail::security_value_t<std::string, Options>>::ParamValue; \
    static constexpr SecurityOptions options = Options;                                   \
    static constexpr SecuritySchemeInfo security_scheme{                                  \
        .type = "apiKey", .in = where, .name = Name.view(), .scheme_name = #Kind};        \
    static std::optional<std::string> extract(detail::BindContext& ctx) {                 \
      auto text = detail::find_text(ctx, source_value, Name.view());                      \
      if (!text || text->empty()) return std::nullopt;                                    \
      return std::string(*text);                                                          \
    }                                                                                     \
    [[noreturn]] static void fail() { detail::throw_unauthorized("APIKey"); }             \
  };                                                                                      \
  namespace detail {                                                                      \
  template <FixedString Name, SecurityOptions O>                                          \
  struct Binder<Kind<Name, O>> : SecurityBinder<Kind<Name, O>> {};                        \
  }

/// `fa::APIKeyHeader<"X-API-Key"> key`: the header, any case.
FASTAPI_DETAIL_API_KEY(APIKeyHeader, "header", detail::Source::header)
/// `fa::APIKeyQuery<"api_key"> key`: `?api_key=...` (the last one).
FASTAPI_DETAIL_API_KEY(APIKeyQuery, "query", detail::Source::query)
/// `fa::APIKeyCookie<"session"> key`: the cookie.
FASTAPI_DETAIL_API_KEY(APIKeyCookie, "cookie", detail::Source::cookie)

#undef FASTAPI_DETAIL_API_KEY

}  // namespace fastapi
