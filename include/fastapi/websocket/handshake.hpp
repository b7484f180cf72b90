// websocket/handshake.hpp: the opening handshake (RFC 6455 section 4.2), as pure functions over a Request.
// Fed by a parsed fa::Request (http/request.hpp); gives the 101 Switching Protocols fa::Response
// (http/response.hpp) with Sec-WebSocket-Accept, or the 426/400 refusal. Also reads the offered subprotocols and
// extensions, and negotiates permessage-deflate (RFC 7692 section 7.1: the first acceptable offer wins, a
// malformed or unsupported one is declined, never an error).
// Knows nothing of sockets, frames or routes: the app chooses the route, the connection hands the socket over.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fastapi/core/digest.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/websocket/deflate.hpp"

namespace fastapi::ws {

/// The GUID of section 1.3, appended to the client's key before hashing.
inline constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
/// `accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="` (the RFC's example).
inline std::string accept_key(std::string_view key) {
  fastapi::detail::Sha1 h;
  h.update(key);
  h.update(accept_guid);
  return fastapi::detail::base64_encode(h.finish());
}

namespace detail {

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The elements of a comma-separated header list over every field of `name` (RFC 9110 section 5.6.1):
/// trimmed, empty elements dropped. Quoted strings are not looked into (the lists read here hold tokens,
/// except Sec-WebSocket-Extensions, which split_extension_list reads).
inline std::vector<std::string_view> header_list(const HeaderViews& headers, std::string_view name) {
  std::vector<std::string_view> out;
  for (std::string_view value : headers.get_all(name)) {
    while (!value.empty()) {
      const std::size_t comma = value.find(',');
      const std::string_view item = trim_ows(value.substr(0, comma));
      if (!item.empty()) out.push_back(item);
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return out;
}

inline bool list_has_token(const HeaderViews& headers, std::string_view name, std::string_view token) {
  for (std::string_view item : header_list(headers, name))
    if (iequals(item, token)) return true;
  return false;
}

}  // namespace detail

/// One offered extension: `permessage-deflate; client_max_window_bits` -> name and its parameters (a bare
/// parameter has an empty value; a quoted value is unquoted).
struct ExtensionOffer {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;
};

/// permessage-deflate's parameters (RFC 7692 section 7.1), read from one offer.
struct PerMessageDeflateOffer {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::optional<int> server_max_window_bits;  ///< 8..15 when given
  /// Present: the client accepts a limit from the server; its value is the client's own limit (8..15), or
  /// unset when the parameter came bare.
  std::optional<std::optional<int>> client_max_window_bits;
};

/// What a valid handshake request offers.
struct Handshake {
  std::string key;                         ///< Sec-WebSocket-Key as sent (24 characters)
  std::vector<std::string> subprotocols;   ///< Sec-WebSocket-Protocol, in the client's order of preference
  std::vector<ExtensionOffer> extensions;  ///< Sec-WebSocket-Extensions, in order
  std::optional<std::string> origin;       ///< Origin, when sent (a browser always sends it)
};

/// A handshake that failed: the response to send (426 or 400, a sentence in the body).
struct HandshakeRefusal {
  Response response;
};

/// True when the request asks for a WebSocket: `Upgrade: websocket` and `Connection: upgrade` (token lists,
/// case-insensitive). What the app looks at to choose a WebSocket route; check_handshake does the rest.
inline bool is_upgrade_request(const Request& req) {
  return detail::list_has_token(req.headers, "upgrade", "websocket") &&
         detail::list_has_token(req.headers, "connection", "upgrade");
}

/// Parses Sec-WebSocket-Extensions: `a; x=1; y, b; z="q"`. nullopt when the header is malformed.
inline std::optional<std::vector<ExtensionOffer>> parse_extensions(const HeaderViews& headers) {
  std::vector<ExtensionOffer> out;
  for (std::string_view v : headers.get_all("sec-websocket-extensions")) {
    std::size_t i = 0;
    auto skip_ows = [&] {
      while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    };
    auto token = [&] {
      std::size_t b = i;
      while (i < v.size() && fastapi::detail::is_token_char(v[i])) ++i;
      return v.substr(b, i - b);
    };
    skip_ows();
    if (i == v.size()) continue;  // an empty field
    for (;;) {
      skip_ows();
      ExtensionOffer ext;
      ext.name = std::string(token());
      if (ext.name.empty()) return std::nullopt;
      skip_ows();
      while (i < v.size() && v[i] == ';') {
        ++i;
        skip_ows();
        std::string name(token());
        if (name.empty()) return std::nullopt;
        skip_ows();
        std::string value;
        if (i < v.size() && v[i] == '=') {
          ++i;
          skip_ows();
          if (i < v.size() && v[i] == '"') {  // quoted-string; RFC 6455 section 9.1 wants a token inside
            ++i;
            for (;;) {
              if (i == v.size()) return std::nullopt;
              char c = v[i++];
              if (c == '"') break;
              if (c == '\\') {
                if (i == v.size()) return std::nullopt;
                c = v[i++];
              }
              value += c;
            }
          } else {
            value = std::string(token());
          }
          if (value.empty() || !fastapi::detail::is_header_name(value)) return std::nullopt;
          skip_ows();
        }
        ext.params.emplace_back(std::move(name), std::move(value));
      }
      out.push_back(std::move(ext));
      if (i == v.size()) break;
      if (v[i] != ',') return std::nullopt;
      ++i;
    }
  }
  return out;
}

/// Reads permessage-deflate's parameters from an offer named so; nullopt when one is unknown, repeated or
/// out of range (RFC 7692 section 5: such an offer must be declined).
inline std::optional<PerMessageDeflateOffer> parse_permessage_deflate(const ExtensionOffer& offer) {
  if (!iequals(offer.name, "permessage-deflate")) return std::nullopt;
  PerMessageDeflateOffer pmd;
  auto bits = [](const std::string& v) -> std::optional<int> {
    if (v.size() == 1 && v[0] >= '8' && v[0] <= '9') return v[0] - '0';
    if (v.size() == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5') return 10 + (v[1] - '0');
    return std::nullopt;  // leading zeros, signs and anything out of 8..15 refused (RFC 7692 section 7.1.2)
  };
  for (const auto& [name, value] : offer.params) {
    if (name == "server_no_context_takeover" || name == "client_no_context_takeover") {
      bool& flag = name[0] == 's' ? pmd.server_no_context_takeover : pmd.client_no_context_takeover;
      if (flag || !value.empty()) return std::nullopt;
      flag = true;
    } else if (name == "server_max_window_bits") {
      if (pmd.server_max_window_bits) return std::nullopt;
      pmd.server_max_window_bits = bits(value);
      if (!pmd.server_max_window_bits) return std::nullopt;
    } else if (name == "client_max_window_bits") {
      if (pmd.client_max_window_bits) return std::nullopt;
      if (value.empty()) {
        pmd.client_max_window_bits.emplace(std::nullopt);
      } else {
        auto b = bits(value);
        if (!b) return std::nullopt;
        pmd.client_max_window_bits.emplace(b);
      }
    } else {
      return std::nullopt;
    }
  }
  return pmd;
}

/// What permessage-deflate's negotiation agreed, and the Sec-WebSocket-Extensions value that says so.
struct DeflateAgreement {
  DeflateParams params;
  std::string header;
};

/// Answers the client's permessage-deflate offers (RFC 7692 section 7.1) as `settings` allow: the first offer
/// that parses and that we can honour is accepted, the others declined. nullopt: none (or compression is off,
/// or not compiled in). As websockets (uvicorn's library) answers: the client's no_context_takeover flags are
/// echoed; our window is the client's server_max_window_bits capped by settings.max_window_bits; the client's
/// window is capped the same way when it allows it (client_max_window_bits offered). An offer of
/// server_max_window_bits=8 is declined: zlib's raw deflate cannot compress with a 256-byte window.
inline std::optional<DeflateAgreement> negotiate_permessage_deflate(const Handshake& hs,
                                                                    const DeflateSettings& settings) {
#ifdef FASTAPI_ENABLE_GZIP
  if (!settings.enabled) return std::nullopt;
  const int cap = settings.max_window_bits < 9 ? 9 : settings.max_window_bits > 15 ? 15 : settings.max_window_bits;
  for (const ExtensionOffer& offer : hs.extensions) {
    std::optional<PerMessageDeflateOffer> pmd = parse_permessage_deflate(offer);
    if (!pmd || (pmd->server_max_window_bits && *pmd->server_max_window_bits < 9)) continue;
    DeflateAgreement a;
    a.params.server_no_context_takeover = pmd->server_no_context_takeover;
    a.params.client_no_context_takeover = pmd->client_no_context_takeover;
    a.header = "permessage-deflate";
    if (pmd->server_no_context_takeover) a.header += "; server_no_context_takeover";
    if (pmd->client_no_context_takeover) a.header += "; client_no_context_takeover";
    a.params.server_max_window_bits = std::min(pmd->server_max_window_bits.value_or(15), cap);
    if (pmd->server_max_window_bits || cap < 15)
      a.header += "; server_max_window_bits=" + std::to_string(a.params.server_max_window_bits);
    if (pmd->client_max_window_bits) {
      a.params.client_max_window_bits = std::min(pmd->client_max_window_bits->value_or(15), cap);
      if (*pmd->client_max_window_bits || cap < 15)
        a.header += "; client_max_window_bits=" + std::to_string(a.params.client_max_window_bits);
    }
    return a;
  }
#else
  (void)hs, (void)settings;
#endif
  return std::nullopt;
}

/// The first of the client's subprotocols that the server `supported` lists, or nullopt (then the 101
/// carries no Sec-WebSocket-Protocol: the client decides whether to go on).
inline std::optional<std::string> choose_subprotocol(const Handshake& hs, const std::vector<std::string>& supported) {
  for (const auto& offered : hs.subprotocols)
    for (const auto& mine : supported)
      if (offered == mine) return offered;
  return std::nullopt;
}

namespace detail {
inline HandshakeRefusal refuse(int status, std::string_view why) {
  HandshakeRefusal r{PlainTextResponse(std::string(why), status)};
  if (status == 426) {
    r.response.headers.set("sec-websocket-version", "13");
    r.response.headers.set("upgrade", "websocket");
    r.response.headers.set("connection", "Upgrade");
  }
  return r;
}
}  // namespace detail

/// Checks a request against section 4.2.1. A request that is not an upgrade to websocket, or asks for a version
/// other than 13, gets 426 Upgrade Required with `Sec-WebSocket-Version: 13` (and `Upgrade: websocket`, RFC 9110
/// section 15.5.22); a malformed one (not GET, not HTTP/1.1, a missing or bad key, a malformed list) gets 400.
inline std::variant<Handshake, HandshakeRefusal> check_handshake(const Request& req) {
  if (!detail::list_has_token(req.headers, "upgrade", "websocket"))
    return detail::refuse(426, "This endpoint is a WebSocket: the request must carry Upgrade: websocket.");
  if (!detail::list_has_token(req.headers, "connection", "upgrade"))
    return detail::refuse(426, "This endpoint is a WebSocket: the request must carry Connection: Upgrade.");
  if (req.method != Method::get) return detail::refuse(400, "A WebSocket handshake must be a GET request.");
  if (req.version_minor != 1) return detail::refuse(400, "A WebSocket handshake must be an HTTP/1.1 request.");
  const auto versions = req.headers.get_all("sec-websocket-version");
  if (versions.size() != 1 || detail::trim_ows(versions[0]) != "13")
    return detail::refuse(426, "Only WebSocket version 13 is supported: Sec-WebSocket-Version must be 13.");
  const auto keys = req.headers.get_all("sec-websocket-key");
  if (keys.size() != 1) return detail::refuse(400, "A WebSocket handshake must carry one Sec-WebSocket-Key.");
  const std::string_view key = detail::trim_ows(keys[0]);
  const auto raw = fastapi::detail::base64_decode(key);
  // the one canonical encoding of 16 bytes (the unused bits of the last symbol zero)
  if (!raw || raw->size() != 16 || fastapi::detail::base64_encode(*raw) != key)
    return detail::refuse(400, "Sec-WebSocket-Key must be the base64 of 16 bytes.");
  Handshake hs;
  hs.key = std::string(key);
  for (std::string_view p : detail::header_list(req.headers, "sec-websocket-protocol")) {
    if (!fastapi::detail::is_header_name(p))
      return detail::refuse(400, "Sec-WebSocket-Protocol must be a list of tokens.");
    hs.subprotocols.emplace_back(p);
  }
  auto extensions = parse_extensions(req.headers);
  if (!extensions) return detail::refuse(400, "Sec-WebSocket-Extensions is malformed.");
  hs.extensions = std::move(*extensions);
  if (auto origin = req.headers.get("origin")) hs.origin = std::string(*origin);
  return hs;
}

/// The 101 Switching Protocols for a valid handshake. `subprotocol`, when given, must be one the client
/// offered (std::invalid_argument otherwise: RFC 6455 section 4.1 makes the client fail the connection).
/// Extensions are answered by the caller (negotiate_permessage_deflate).
inline Response accept_response(const Handshake& hs, std::optional<std::string_view> subprotocol = std::nullopt) {
  Response r;
  r.status = 101;
  r.headers.add("upgrade", "websocket");
  r.headers.add("connection", "Upgrade");
  r.headers.add("sec-websocket-accept", accept_key(hs.key));
  if (subprotocol) {
    bool offered = false;
    for (const auto& p : hs.subprotocols) offered = offered || p == *subprotocol;
    if (!offered)
      throw std::invalid_argument("the WebSocket subprotocol '" + std::string(*subprotocol) +
                                  "' was not offered by the client");
    r.headers.add("sec-websocket-protocol", std::string(*subprotocol));
  }
  return r;
}

}  // namespace fastapi::ws
