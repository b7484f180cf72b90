// json/http_url.hpp: fa::HttpUrl, an http or https URL read and normalized as Pydantic v2's HttpUrl does (its
// parser is the Rust url crate, the WHATWG URL Standard: the error words below are that crate's). Fed by json/scalar
// and json/idna; feeds the readers, the writer and the schema through fa::Scalar. Knows nothing of JSON text or HTTP.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/url_host.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// An http or https URL (Pydantic's `HttpUrl`), normalized by the WHATWG URL Standard: scheme and host lower-cased,
/// the default port dropped, `.` and `..` segments resolved, `\` read as `/`, tabs and newlines removed, blanks around
/// it trimmed, what may not appear percent-encoded, an IPv4 host in dotted decimal (`0x7f.1` -> `127.0.0.1`), an IPv6
/// host compressed, a non-ASCII host label in punycode (`bücher.com` -> `xn--bcher-kva.com`), an empty path `/`.
///   auto u = fa::HttpUrl::parse("HTTPS://Example.COM:443/a b");   // https://example.com/a%20b
///   u->host() == "example.com", u->port() == 443, u->path() == "/a%20b"
/// At most 2083 bytes in. Errors: url_type (not a string), url_too_long, url_parsing with the url crate's words
/// (`Input should be a valid URL, invalid port number`), url_scheme (`URL scheme should be 'http' or 'https'`).
/// Limit: a non-ASCII host is mapped (UTS #46) for Latin, Greek, Cyrillic, punctuation and symbols, CJK, kana,
/// Hangul, full-width forms and emoji only (json/idna.hpp); another script, a combining mark or a right-to-left
/// letter is refused as an `invalid international domain name` that Pydantic might accept.
class HttpUrl {
 public:
  HttpUrl() = default;
  /// The URL in `text`, normalized, or nullopt (then `why` holds the error's words when given: `invalid port
  /// number`, `URL scheme should be 'http' or 'https'`, `URL should have at most 2083 characters`).
  static std::optional<HttpUrl> parse(std::string_view text, std::string* why = nullptr);

  /// The whole URL: "https://example.com/a%20b"
  const std::string& str() const noexcept { return url_; }
  const std::string& operator*() const noexcept { return url_; }
  /// "http" or "https"
  std::string_view scheme() const noexcept { return part(0, scheme_end_); }
  /// "example.com", "127.0.0.1", "[::1]", "xn--bcher-kva.com" (punycode, as Pydantic's host)
  std::string_view host() const noexcept { return part(host_begin_, host_end_); }
  /// The port given, or the scheme's default (80, 443).
  std::uint16_t port() const noexcept { return port_; }
  /// "/" at least: "/a%20b"
  std::string_view path() const noexcept { return part(path_begin_, path_end_); }
  /// The text after `?` (percent-encoded), nullopt when there is no `?`.
  std::optional<std::string_view> query() const noexcept;
  /// The text after `#` (percent-encoded), nullopt when there is no `#`.
  std::optional<std::string_view> fragment() const noexcept;
  /// The user name before `@` (percent-encoded), nullopt when empty.
  std::optional<std::string_view> username() const noexcept;
  /// The password between `:` and `@` (percent-encoded), nullopt when empty.
  std::optional<std::string_view> password() const noexcept;

  bool operator==(const HttpUrl& other) const noexcept { return url_ == other.url_; }
  auto operator<=>(const HttpUrl& other) const noexcept { return url_ <=> other.url_; }

 private:
  std::string_view part(std::size_t begin, std::size_t end) const noexcept {
    return std::string_view(url_).substr(begin, end - begin);
  }

  std::string url_;
  // Offsets into url_: the scheme ends before "://"; the userinfo (if any) runs from scheme_end_ + 3 to host_begin_,
  // its '@' included; the port (if written) from host_end_ to path_begin_; '?' is at path_end_, '#' at query_end_.
  std::size_t scheme_end_ = 0, host_begin_ = 0, host_end_ = 0, path_begin_ = 0, path_end_ = 0, query_end_ = 0;
  std::uint16_t port_ = 0;
};

template <>
struct Scalar<HttpUrl> {
  static constexpr std::string_view name = "function-wrap[wrap_val()]";  // Pydantic's tag for it in a union
  static std::optional<HttpUrl> read(const ScalarInput& in, ConversionError& error) {
    if (!in.is_string()) return error = {"url_type", "URL input should be a string or URL", nullptr}, std::nullopt;
    std::string why;
    if (auto url = HttpUrl::parse(in.text, &why)) return url;
    if (why == detail::kUrlTooLong)
      error = {"url_too_long", why, Json{{"max_length", static_cast<std::int64_t>(detail::kHttpUrlMaxLength)}}};
    else if (why == detail::kUrlNotHttp) error = {"url_scheme", why, Json{{"expected_schemes", "'http' or 'https'"}}};
    else error = {"url_parsing", "Input should be a valid URL, " + why, Json{{"error", why}}};
    return std::nullopt;
  }
  static void write(const HttpUrl& value, std::string& out) { out += value.str(); }
  static Json schema() { return Json{{"format", "uri"}, {"maxLength", 2083}, {"minLength", 1}, {"type", "string"}}; }
};

namespace detail {
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// The default port of a WHATWG special scheme (file aside), 0 for any other.
inline std::uint16_t url_default_port(std::string_view scheme) noexcept {
  return scheme == "http" || scheme == "ws"     ? 80
         : scheme == "https" || scheme == "wss" ? 443
         : scheme == "ftp"                      ? 21
                                                : 0;
}

/// Splits an authority (between "//" and the path) into userinfo (before the last '@'), host and port (after a ':'
/// outside brackets). False when there is an '@' but no host after it.
inline bool url_split_authority(std::string_view authority, std::string_view& userinfo, std::string_view& host,
                                std::optional<std::string_view>& port) noexcept {
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    if (authority.empty()) return false;
  }
  bool bracket = false;
  for (std::size_t i = 0; i < authority.size(); ++i) {
    if (authority[i] == '[') bracket = true;
    else if (authority[i] == ']') bracket = false;
    else if (authority[i] == ':' && !bracket) {
      host = authority.substr(0, i), port = authority.substr(i + 1);
      return true;
    }
  }
  host = authority;
  return true;
}

/// What the url crate finds wrong in a URL of a scheme other than http, https, ws, wss and ftp (Pydantic says that
/// before it looks at the scheme): `file://` with a bad host, `x://` with a bad opaque host or port. Empty if none.
inline std::string_view url_other_scheme_error(std::string_view scheme, std::string_view rest) {
  const auto slash = [](char c) { return c == '/' || c == '\\'; };
  if (scheme == "file") {
    if (rest.size() < 2 || !slash(rest[0]) || !slash(rest[1])) return {};
    rest.remove_prefix(2);
    const std::string_view host = rest.substr(0, rest.find_first_of("/\\?#"));
    const bool drive =
        host.size() == 2 && ((host[0] | 0x20) >= 'a' && (host[0] | 0x20) <= 'z') && (host[1] == ':' || host[1] == '|');
    std::string ignored;
    return host.empty() || drive ? std::string_view{} : url_parse_special_host(host, ignored);
  }
  if (rest.substr(0, 2) != "//") return {};
  std::string_view userinfo, host;
  std::optional<std::string_view> port;
  if (!url_split_authority(rest.substr(2, rest.find_first_of("/?#", 2) - 2), userinfo, host, port))
    return kUrlEmptyHost;
  if (host.empty() && port) return kUrlEmptyHost;
  if (std::string_view words = url_check_opaque_host(host); !words.empty()) return words;
  if (port && !port->empty() && url_port(*port) < 0) return kUrlBadPort;
  return {};
}

// WHATWG's single-dot and double-dot path segments (`%2e` is a dot too).
inline bool url_single_dot(std::string_view s) noexcept { return s == "." || s == "%2e" || s == "%2E"; }
inline bool url_double_dot(std::string_view s) noexcept {
  if (s.size() < 2 || s.size() > 6) return false;
  std::string lower(s);
  for (char& c : lower) c = c == 'E' ? 'e' : c;
  return lower == ".." || lower == ".%2e" || lower == "%2e." || lower == "%2e%2e";
}

/// Appends a special URL's path (the text from the authority's end to '?' or '#') to `out`, normalized: `\` is `/`,
/// `.` segments dropped, `..` ones drop the segment before, the rest percent-encoded.
inline void url_write_path(std::string_view raw, std::string& out) {
  if (!raw.empty() && (raw[0] == '/' || raw[0] == '\\')) raw.remove_prefix(1);
  const std::size_t begin = out.size();
  for (bool more = true; more;) {
    const std::size_t cut = raw.find_first_of("/\\");
    more = cut != std::string_view::npos;
    const std::string_view segment = raw.substr(0, cut);
    if (url_double_dot(segment)) {
      if (out.size() > begin) out.resize(out.rfind('/'));
      if (!more) out += '/';
    } else if (url_single_dot(segment)) {
      if (!more) out += '/';
    } else {
      out += '/';
      url_encode(segment, url_path_set, out);
    }
    if (more) raw.remove_prefix(cut + 1);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<HttpUrl> HttpUrl::parse(std::string_view text, std::string* why) {
  const auto fail = [why](std::string_view words) -> std::optional<HttpUrl> {
    if (why) *why = words;
    return std::nullopt;
  };
  if (text.empty()) return fail(detail::kUrlEmptyInput);
  if (text.size() > detail::kHttpUrlMaxLength) return fail(detail::kUrlTooLong);
  // Leading and trailing C0 controls and spaces go; tabs and newlines anywhere go (WHATWG 4.4, basic URL parser).
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= 0x20) text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= 0x20) text.remove_suffix(1);
  std::string input;
  for (char c : text)
    if (c != '\t' && c != '\n' && c != '\r') input += c;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  std::size_t colon = 0;
  while (colon < input.size() &&
         (alpha(input[colon]) || (colon > 0 && ((input[colon] >= '0' && input[colon] <= '9') || input[colon] == '+' ||
                                                input[colon] == '-' || input[colon] == '.'))))
    ++colon;
  if (colon == 0 || colon == input.size() || input[colon] != ':') return fail(detail::kUrlRelative);
  HttpUrl url;
  std::string& out = url.url_;
  for (std::size_t i = 0; i < colon; ++i) out += static_cast<char>(alpha(input[i]) ? input[i] | 0x20 : input[i]);
  url.scheme_end_ = colon;
  std::string_view rest = std::string_view(input).substr(colon + 1);
  const std::uint16_t default_port = detail::url_default_port(out);
  if (default_port == 0) {
    const std::string_view words = detail::url_other_scheme_error(out, rest);
    return fail(words.empty() ? detail::kUrlNotHttp : words);
  }
  // A special URL: any run of '/' and '\' after the scheme, then the authority up to '/', '\', '?' or '#'.
  while (!rest.empty() && (rest[0] == '/' || rest[0] == '\\')) rest.remove_prefix(1);
  const std::size_t authority_end = std::min(rest.find_first_of("/\\?#"), rest.size());
  std::string_view userinfo, host;
  std::optional<std::string_view> port_text;
  if (!detail::url_split_authority(rest.substr(0, authority_end), userinfo, host, port_text))
    return fail(detail::kUrlEmptyHost);
  rest.remove_prefix(authority_end);
  out += "://";
  const std::size_t user_end = std::min(userinfo.find(':'), userinfo.size());
  const std::string_view user = userinfo.substr(0, user_end),
                         pass = userinfo.substr(std::min(user_end + 1, userinfo.size()));
  if (!user.empty() || !pass.empty()) {
    detail::url_encode(user, detail::url_userinfo_set, out);
    if (!pass.empty()) out += ':', detail::url_encode(pass, detail::url_userinfo_set, out);
    out += '@';
  }
  url.host_begin_ = out.size();
  if (const std::string_view words = detail::url_parse_special_host(host, out); !words.empty()) return fail(words);
  url.host_end_ = out.size();
  const long port = port_text && !port_text->empty() ? detail::url_port(*port_text) : default_port;
  if (port < 0) return fail(detail::kUrlBadPort);
  if (out.compare(0, colon, "http") != 0 && out.compare(0, colon, "https") != 0) return fail(detail::kUrlNotHttp);
  if (port != default_port) out += ':', out += std::to_string(port);
  url.port_ = static_cast<std::uint16_t>(port);
  url.path_begin_ = out.size();
  const std::size_t path_end = std::min(rest.find_first_of("?#"), rest.size());
  detail::url_write_path(rest.substr(0, path_end), out);
  rest.remove_prefix(path_end);
  url.path_end_ = out.size();
  if (!rest.empty() && rest[0] == '?') {
    const std::size_t hash = std::min(rest.find('#'), rest.size());
    out += '?';
    detail::url_encode(rest.substr(1, hash - 1), detail::url_query_set, out);
    rest.remove_prefix(hash);
  }
  url.query_end_ = out.size();
  if (!rest.empty()) out += '#', detail::url_encode(rest.substr(1), detail::url_fragment_set, out);
  return url;
}

FASTAPI_DETAIL_INLINE std::optional<std::string_view> HttpUrl::query() const noexcept {
  if (path_end_ == query_end_) return std::nullopt;
  return part(path_end_ + 1, query_end_);
}

FASTAPI_DETAIL_INLINE std::optional<std::string_view> HttpUrl::fragment() const noexcept {
  if (query_end_ == url_.size()) return std::nullopt;
  return part(query_end_ + 1, url_.size());
}

FASTAPI_DETAIL_INLINE std::optional<std::string_view> HttpUrl::username() const noexcept {
  if (host_begin_ <= scheme_end_ + 3) return std::nullopt;  // no userinfo (or a default-constructed HttpUrl)
  const std::string_view info = part(scheme_end_ + 3, host_begin_ - 1);
  const std::string_view user = info.substr(0, info.find(':'));
  if (user.empty()) return std::nullopt;
  return user;
}

FASTAPI_DETAIL_INLINE std::optional<std::string_view> HttpUrl::password() const noexcept {
  if (host_begin_ <= scheme_end_ + 3) return std::nullopt;  // no userinfo (or a default-constructed HttpUrl)
  const std::string_view info = part(scheme_end_ + 3, host_begin_ - 1);
  const std::size_t colon = info.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return info.substr(colon + 1);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
