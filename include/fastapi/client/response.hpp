// client/response.hpp: what an outbound call gives back: fa::ClientResponse (status, headers, body, JSON into a
// model) and fa::ClientError, the one exception type of every failure (refused, timed out, malformed,
// too large, bad body). Fed by the client (client/client.hpp); read by handlers. Knows nothing of sockets.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/meta.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/parse.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// What went wrong with an outbound request; ClientError::kind.
enum class ClientErrorKind {
  invalid_url,         ///< not an absolute http:// or https:// URL (or a relative one without base_url)
  unsupported_scheme,  ///< https:// in a build without FASTAPI_ENABLE_TLS, or another scheme
  invalid_request,     ///< a header name or value that cannot be sent (CR/LF injection, not a token)
  no_loop,             ///< awaited outside an event loop (a handler, a dependency and a lifespan have one)
  resolve,             ///< DNS found no address for the host
  connect,             ///< every address refused or was unreachable
  connect_timeout,     ///< no connection within ClientOptions::connect_timeout
  read_timeout,        ///< the server sent nothing for ClientOptions::read_timeout
  timeout,             ///< the whole request (redirects included) took longer than its total timeout
  pool_timeout,        ///< max_connections_per_host were busy until the total timeout
  closed,              ///< the server closed the connection before the response was whole
  protocol,            ///< the response is not valid HTTP/1.1 (ResponseParser, ChunkedDecoder)
  too_large,           ///< the body exceeds ClientOptions::max_response_size
  too_many_redirects,  ///< follow_redirects met more than max_redirects
  status,              ///< raise_for_status() on a 4xx/5xx
  decode,              ///< json() on a body that is not JSON, or json<T>() on one that does not validate
  tls,                 ///< https://: the handshake failed or the server's certificate was refused (the cause in words)
  insecure_redirect,   ///< follow_redirects met an https:// -> http:// redirect (ClientOptions::redirect_to_http)
};

/// Words for a kind: "read timeout", "connection refused or unreachable", ...
inline constexpr std::string_view client_error_kind_name(ClientErrorKind kind) {
  switch (kind) {
    case ClientErrorKind::invalid_url: return "invalid URL";
    case ClientErrorKind::unsupported_scheme: return "unsupported scheme";
    case ClientErrorKind::invalid_request: return "invalid request";
    case ClientErrorKind::no_loop: return "no event loop";
    case ClientErrorKind::resolve: return "name resolution failed";
    case ClientErrorKind::connect: return "connection failed";
    case ClientErrorKind::connect_timeout: return "connect timeout";
    case ClientErrorKind::read_timeout: return "read timeout";
    case ClientErrorKind::timeout: return "timeout";
    case ClientErrorKind::pool_timeout: return "pool timeout";
    case ClientErrorKind::closed: return "connection closed";
    case ClientErrorKind::protocol: return "malformed response";
    case ClientErrorKind::too_large: return "response too large";
    case ClientErrorKind::too_many_redirects: return "too many redirects";
    case ClientErrorKind::status: return "error status";
    case ClientErrorKind::decode: return "undecodable body";
    case ClientErrorKind::tls: return "TLS failure";
    case ClientErrorKind::insecure_redirect: return "insecure redirect refused";
  }
  return "client error";
}

/// Every failure of fa::HttpClient, never a crash or a hang. what() is one sentence naming the request:
/// "GET http://127.0.0.1:9000/slow: read timeout: no response byte for 100 ms".
/// ```
/// try { auto r = co_await client.get(url); ... }
/// catch (const fa::ClientError& e) { if (e.is_timeout()) throw fa::HTTPException(504, "Upstream timed out"); throw; }
/// ```
/// Escaping a handler it is a 500 like any exception (the message only in the log); map it to 502/504 with
/// `app.exception_handler<fa::ClientError>(...)` when the upstream's failure should show.
class ClientError : public std::runtime_error {
 public:
  using Kind = ClientErrorKind;
  ClientError(Kind kind, std::string method, std::string url, std::string detail, int status = 0)
      : std::runtime_error(method + " " + url + ": " + std::string(client_error_kind_name(kind)) +
                           (detail.empty() ? "" : ": " + detail)),
        kind(kind), method(std::move(method)), url(std::move(url)), status(status) {}

  /// connect_timeout, read_timeout, timeout or pool_timeout.
  bool is_timeout() const {
    return kind == Kind::connect_timeout || kind == Kind::read_timeout || kind == Kind::timeout ||
           kind == Kind::pool_timeout;
  }

  Kind kind;
  std::string method;  ///< "GET"
  std::string url;     ///< the URL of the failed exchange (after redirects)
  int status = 0;      ///< the response status, when there was one (Kind::status, Kind::decode)
};

/// json<T>() on an upstream body that does not validate as T: every error, in Pydantic v2's shape, with
/// locations under "body" (["body", "price"]). A ClientError of Kind::decode, so a `catch (ClientError&)`
/// covers it; not a RequestValidationError, so escaping a handler it is a 500, never a 422: our client's
/// request was fine, the upstream's answer was not.
class UpstreamValidationError : public ClientError {
 public:
  UpstreamValidationError(std::string method, std::string url, int status, std::string_view type_name,
                          std::vector<ValidationErrorItem> errors)
      : ClientError(Kind::decode, std::move(method), std::move(url), describe(type_name, errors), status),
        errors_(std::move(errors)) {}
  const std::vector<ValidationErrorItem>& errors() const { return errors_; }

 private:
  static std::string describe(std::string_view type_name, const std::vector<ValidationErrorItem>& errors);
  std::vector<ValidationErrorItem> errors_;
};

/// A response as fa::HttpClient received it (httpx.Response's names). The body is whole (de-chunked).
/// `auto r = co_await client.get(url); if (r.status == 200) co_return r.json<Quote>();`
struct ClientResponse {
  int status = 0;
  std::string reason{};   ///< the reason phrase as sent ("OK"); ignore it, status says it all
  Headers headers{};      ///< as received, in order, duplicates kept
  std::string content{};  ///< the body bytes
  std::string method{};   ///< of the request that got this response (after redirects: GET after a 303)
  std::string url{};      ///< the URL that answered (after redirects)
  int redirects = 0;      ///< redirects followed to get here

  /// The body as text (no charset conversion: the bytes as sent).
  const std::string& text() const { return content; }
  /// The body parsed as JSON; ClientError{Kind::decode} when it is not JSON.
  Json json() const;
  /// The body read into T with the models' validator (fa::Field rules included);
  /// UpstreamValidationError with every error when it does not fit, ClientError{decode} when not JSON.
  template <class T>
  T json() const;
  /// A header's first value, or "" when absent.
  std::string header(std::string_view name) const { return std::string(headers.get(name).value_or("")); }
  bool is_success() const { return status >= 200 && status < 300; }
  bool is_redirect() const { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }
  /// Throws ClientError{Kind::status} on a 4xx or 5xx (httpx's raise_for_status); else returns *this.
  const ClientResponse& raise_for_status() const;
};

// ---- implementation ----

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string UpstreamValidationError::describe(std::string_view type_name,
                                                                    const std::vector<ValidationErrorItem>& errors) {
  std::string out = "the body does not validate as " + std::string(type_name) + " (" + std::to_string(errors.size()) +
                    (errors.size() == 1 ? " error" : " errors") + ")";
  for (std::size_t i = 0; i < errors.size() && i < 3; ++i)
    out += (i ? "; " : ": ") + errors[i].loc.dump() + " " + errors[i].msg;
  if (errors.size() > 3) out += "; ...";
  return out;
}

FASTAPI_DETAIL_INLINE Json ClientResponse::json() const {
  try {
    return Json::parse(content);
  } catch (const JsonParseError& e) {
    throw ClientError(ClientError::Kind::decode, method, url, e.what(), status);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

template <class T>
T ClientResponse::json() const {
  RequestValidationError errors;
  detail::LocPath loc;
  loc.push(std::string_view("body"));
  std::optional<T> value = read_json<T>(content, errors, loc);
  if (!value) {
    std::vector<ValidationErrorItem> items = errors.errors();
    throw UpstreamValidationError(method, url, status, detail::spelled_type_name<T>(), std::move(items));
  }
  return std::move(*value);
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE const ClientResponse& ClientResponse::raise_for_status() const {
  if (status >= 400)
    throw ClientError(ClientError::Kind::status, method, url,
                      std::to_string(status) + (reason.empty() ? "" : " " + reason), status);
  return *this;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
