// middleware/proxy_headers.hpp: fa::ProxyHeadersMiddleware, uvicorn's ProxyHeadersMiddleware: behind a trusted
// reverse proxy, X-Forwarded-Proto becomes req.scheme and X-Forwarded-For req.client_host. Fed by the middleware
// chain (added last, so it runs first); feeds the rest of the chain (HTTPSRedirect, logging, handlers).
// Knows nothing of routes or JSON.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/middleware/chain.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio/ip/address.hpp>  // the addresses are parsed where the functions are compiled
#endif

namespace fastapi {

/// ProxyHeadersMiddleware's options (uvicorn's `forwarded_allow_ips`).
struct ProxyHeadersOptions {
  /// The proxies whose X-Forwarded-* headers are believed: addresses ("127.0.0.1", "::1"), networks
  /// ("10.0.0.0/8", "fd00::/8"), "*" for any peer; an entry may hold several, comma-separated (as uvicorn's
  /// FORWARDED_ALLOW_IPS). An entry that does not start with an address is compared as text.
  std::vector<std::string> trusted_hosts{"127.0.0.1"};
};

/// Honours X-Forwarded-Proto and X-Forwarded-For from trusted proxies only (uvicorn's ProxyHeadersMiddleware):
///     app.add_middleware(fa::ProxyHeadersMiddleware{{.trusted_hosts = {"10.0.0.0/8"}}});
/// Add it last (outermost), so every other middleware and the handlers see the client, not the proxy.
/// When the direct peer (req.client_host) is trusted:
/// - `X-Forwarded-Proto: https` (or `http`), surrounding spaces ignored, becomes req.scheme; other values
///   are ignored;
/// - `X-Forwarded-For: client, proxy1, proxy2` becomes req.client_host (req.client_port = 0): the rightmost
///   entry that is not a trusted proxy (every proxy appends the address it got the request from), the
///   leftmost when all are trusted or "*" is trusted; an empty entry changes nothing.
/// A header sent several times counts with its last value (uvicorn's). From an untrusted peer both headers
/// are ignored: anybody can send them. Throws ConfigurationError for a malformed network ("10.0.0.0/33").
class ProxyHeadersMiddleware {
 public:
  using Options = ProxyHeadersOptions;  ///< app.add_middleware<ThisMiddleware>({...}) takes these
  explicit ProxyHeadersMiddleware(ProxyHeadersOptions options = {});
  Task<Response> operator()(Request& req, Next next) const;

  /// True when `host` (an address as text) is one of the trusted proxies.
  bool is_trusted(std::string_view host) const;
  /// Applies the forwarded headers to `req` when its peer is trusted (the middleware's whole work).
  void apply(Request& req) const;

 private:
  struct Network {
    std::array<unsigned char, 16> bytes{};
    std::size_t size = 0;    // 4 or 16
    std::size_t prefix = 0;  // leading bits that must match
  };
  void add_entry(std::string_view entry);
  static std::optional<Network> parse_address(std::string_view text);
  /// The client among the X-Forwarded-For entries, or "" for none (see the class comment).
  std::string_view forwarded_client(std::string_view x_forwarded_for) const;

  std::vector<std::string> literals_;  // entries compared as text (including every address as written)
  std::vector<Network> networks_;      // entries that are addresses or networks, compared by bits
  bool always_trust_ = false;
};

// ---- implementation ----

namespace detail {

/// The last value of header `name` (a dict of the headers keeps the last one, as uvicorn reads them).
inline std::optional<std::string_view> last_header(const HeaderViews& headers, std::string_view name) {
  std::optional<std::string_view> found;
  for (const auto& f : headers)
    if (iequals(f.name, name)) found = f.value;
  return found;
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE ProxyHeadersMiddleware::ProxyHeadersMiddleware(ProxyHeadersOptions o) {
  for (const auto& item : o.trusted_hosts) {
    std::string_view rest = item;
    for (;;) {
      std::size_t comma = rest.find(',');
      add_entry(detail::trim_ows(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
}

FASTAPI_DETAIL_INLINE void ProxyHeadersMiddleware::add_entry(std::string_view entry) {
  if (entry == "*") always_trust_ = true;
  std::size_t slash = entry.find('/');
  std::optional<Network> network = parse_address(entry.substr(0, slash));
  if (slash == std::string_view::npos || !network) {  // an address, or a name compared as text ("unix:/run/s")
    literals_.emplace_back(entry);
    if (network) networks_.push_back(*network);
    return;
  }
  std::string_view bits = entry.substr(slash + 1);
  std::size_t prefix = 0;
  bool ok = !bits.empty() && bits.size() <= 3;
  for (char c : bits) {
    ok = ok && c >= '0' && c <= '9';
    prefix = prefix * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!ok || prefix > network->size * 8)
    throw ConfigurationError("fastapi: ProxyHeadersMiddleware: trusted host \"" + std::string(entry) +
                             "\" is not an address/prefix network like \"10.0.0.0/8\" or \"fd00::/8\"");
  network->prefix = prefix;
  networks_.push_back(*network);
}

FASTAPI_DETAIL_INLINE std::optional<ProxyHeadersMiddleware::Network> ProxyHeadersMiddleware::parse_address(
    std::string_view text) {
  asio::error_code ec;
  asio::ip::address address = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  Network n;
  if (address.is_v4()) {
    auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), n.bytes.begin());
    n.size = 4;
  } else {
    auto b = address.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), n.bytes.begin());
    n.size = 16;
  }
  n.prefix = n.size * 8;
  return n;
}

FASTAPI_DETAIL_INLINE bool ProxyHeadersMiddleware::is_trusted(std::string_view host) const {
  for (const auto& literal : literals_)
    if (literal == host) return true;
  if (networks_.empty()) return false;
  std::optional<Network> address = parse_address(host);
  if (!address) return false;
  for (const auto& net : networks_) {
    if (net.size != address->size) continue;
    std::size_t full = net.prefix / 8, rest = net.prefix % 8;
    bool match =
        std::equal(net.bytes.begin(), net.bytes.begin() + static_cast<std::ptrdiff_t>(full), address->bytes.begin());
    if (match && rest) {
      auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
      match = (net.bytes[full] & mask) == (address->bytes[full] & mask);
    }
    if (match) return true;
  }
  return false;
}

FASTAPI_DETAIL_INLINE std::string_view ProxyHeadersMiddleware::forwarded_client(
    std::string_view x_forwarded_for) const {
  // Each proxy appends the address it received the request from: walk from the right, past our own proxies.
  std::string_view rest = x_forwarded_for;
  std::string_view first = detail::trim_ows(rest.substr(0, rest.find(',')));
  if (always_trust_) return first;
  while (!rest.empty()) {
    std::size_t comma = rest.rfind(',');
    std::string_view host = detail::trim_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    if (!is_trusted(host)) return host;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(0, comma);
  }
  return first;  // every entry is a trusted proxy: the client was one of them too
}

FASTAPI_DETAIL_INLINE void ProxyHeadersMiddleware::apply(Request& req) const {
  if (!always_trust_ && !is_trusted(req.client_host)) return;
  if (std::optional<std::string_view> proto = detail::last_header(req.headers, "x-forwarded-proto")) {
    std::string_view value = detail::trim_ows(*proto);
    if (value == "https") {
      req.scheme = "https";
    } else if (value == "http") {
      req.scheme = "http";
    }
  }
  if (std::optional<std::string_view> xff = detail::last_header(req.headers, "x-forwarded-for")) {
    std::string_view client = forwarded_client(*xff);
    if (!client.empty()) {
      req.client_host = client;  // a view into the request's own header bytes: valid as long as the request
      req.client_port = 0;       // the client's port is lost behind the proxy
    }
  }
}

FASTAPI_DETAIL_INLINE Task<Response> ProxyHeadersMiddleware::operator()(Request& req, Next next) const {
  apply(req);
  return next(req);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
