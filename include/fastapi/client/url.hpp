// client/url.hpp: where an outbound call goes: an absolute http:// or https:// URL split into the parts a request needs
// (host and port to connect to, Host header, origin-form target, the pool's key), and a redirect's Location
// resolved against the URL it came from. Fed by the client's call (its URL, base_url joined) and by the
// redirects it follows; feeds client/exchange.hpp and client/client.hpp. Knows nothing of sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/client/response.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/headers.hpp"

namespace fastapi::detail {

/// An absolute http:// or https:// URL split for a request.
struct ClientUrl {
  std::string scheme;  ///< "http" or "https" (lower case)
  std::string host;    ///< without IPv6 brackets ("::1")
  std::uint16_t port = 80;
  std::string host_header;  ///< "host", "host:8080", "[::1]:8080"
  std::string target;       ///< origin-form: "/path?query", never empty, safely encoded
  bool tls() const { return scheme == "https"; }
  /// The pool's key: "http://host:port", the port always spelled (scheme, host and port: an https:// and an
  /// http:// connection to one host:port are never mixed up).
  std::string key() const {
    return scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
  }
  std::string text() const { return scheme + "://" + host_header + target; }
};

/// Splits `url`; on failure the kind (invalid_url or unsupported_scheme) and a sentence.
FASTAPI_DETAIL_INLINE std::optional<std::pair<ClientErrorKind, std::string>> parse_client_url(std::string_view url,
                                                                                              ClientUrl& out);
/// `location` (absolute, scheme-relative, absolute path, query or relative path) against `base`, as text.
FASTAPI_DETAIL_INLINE std::string resolve_location(const ClientUrl& base, std::string_view location);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::pair<ClientErrorKind, std::string>> parse_client_url(std::string_view url,
                                                                                              ClientUrl& out) {
  using R = std::pair<ClientErrorKind, std::string>;
  // httpx refuses these too ("Invalid non-printable ASCII character in URL"): a CR or LF would otherwise
  // have to be guessed into %0D%0A, and the caller's URL is more likely an injection than a path.
  if (find_control_byte(url) != std::string_view::npos)
    return R{ClientErrorKind::invalid_url, "the URL holds a control byte (CR, LF, NUL, ...): percent-encode it"};
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return R{ClientErrorKind::invalid_url, "not an absolute URL (http://host[:port]/path), and no base_url to join"};
  std::string_view scheme = url.substr(0, sep);
#ifndef FASTAPI_ENABLE_TLS
  if (iequals(scheme, "https"))
    return R{ClientErrorKind::unsupported_scheme,
             "https:// needs TLS, which this build of fa::HttpClient leaves out: define FASTAPI_ENABLE_TLS for every "
             "translation unit and link OpenSSL (-lssl -lcrypto; CMake: -DFASTAPI_ENABLE_TLS=ON, OpenSSL::SSL)"};
  if (!iequals(scheme, "http")) return R{ClientErrorKind::unsupported_scheme, "only http:// URLs are supported"};
  const bool https = false;
#else
  const bool https = iequals(scheme, "https");
  if (!https && !iequals(scheme, "http"))
    return R{ClientErrorKind::unsupported_scheme, "only http:// and https:// URLs are supported"};
#endif
  const std::uint16_t default_port = https ? 443 : 80;
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find('#'));
  std::size_t auth_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view path = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    return R{ClientErrorKind::invalid_url, "credentials in the URL are not supported: send an Authorization header"};
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return R{ClientErrorKind::invalid_url, "unclosed '[' in the host"};
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return R{ClientErrorKind::invalid_url, "bad text after the IPv6 host"};
    if (!after.empty()) port = after.substr(1);
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return R{ClientErrorKind::invalid_url, "no host"};
  for (char c : host)
    if (!has_class(c, char_host) || c == '%') return R{ClientErrorKind::invalid_url, "invalid character in the host"};
  out.scheme = https ? "https" : "http";
  out.host = std::string(host);
  out.port = default_port;
  if (!port.empty()) {
    unsigned long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || (p = p * 10 + static_cast<unsigned>(c - '0')) > 65535)
        return R{ClientErrorKind::invalid_url, "invalid port"};
    }
    if (p == 0) return R{ClientErrorKind::invalid_url, "invalid port"};
    out.port = static_cast<std::uint16_t>(p);
  }
  out.host_header = authority.starts_with('[') ? "[" + out.host + "]" : out.host;
  if (out.port != default_port) out.host_header += ":" + std::to_string(out.port);
  // Bytes a request-target may not carry are percent-encoded; '%' is kept (the URL may be encoded already).
  constexpr char hex[] = "0123456789ABCDEF";
  out.target.clear();
  if (path.empty() || path[0] == '?') out.target = "/";
  for (char c : path) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
      out.target.push_back('%');
      out.target.push_back(hex[b >> 4]);
      out.target.push_back(hex[b & 0xF]);
    } else {
      out.target.push_back(c);
    }
  }
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE std::string resolve_location(const ClientUrl& base, std::string_view location) {
  std::string origin = base.scheme + "://" + base.host_header;
  std::size_t sep = location.find("://");
  if (sep != std::string_view::npos && location.find_first_of("/?#") > sep) return std::string(location);
  if (location.starts_with("//")) return base.scheme + ":" + std::string(location);
  if (location.starts_with('/')) return origin + std::string(location);
  std::string_view path = std::string_view(base.target).substr(0, base.target.find('?'));
  if (location.empty() || location.starts_with('#')) return origin + base.target;
  if (location.starts_with('?')) return origin + std::string(path) + std::string(location);
  return origin + std::string(path.substr(0, path.rfind('/') + 1)) + std::string(location);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
