// json/email.hpp: fa::Email, an e-mail address member, and its syntax check in email-validator's words (FastAPI's
// EmailStr without the DNS check). Fed by core/; feeds json/rules (validate_email makes the reason Pydantic's
// value_error), json/read and openapi. Knows nothing of JSON, Rules or HTTP.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"

namespace fastapi {

/// An e-mail address, validated as FastAPI's EmailStr (email-validator without the DNS check).
/// Accepted grammar: exactly `local@domain` after trimming surrounding whitespace, where
///  - local: a dot-atom of RFC 5322 atext (letters, digits and !#$%&'*+-/=?^_`{|}~, plus any
///    non-ASCII UTF-8), no leading, trailing or doubled dot, at most 64 characters; no quoted
///    local part;
///  - domain: ASCII labels of letters, digits and hyphens, not starting or ending with a hyphen,
///    at least one dot, labels at most 63 and the whole at most 253 characters, the last label
///    ending with a letter, not a special-use name (arpa, invalid, local, localhost, onion,
///    test); no IP literal and no internationalized domain;
///  - the address at most 254 characters.
/// Broken -> 422 {"type":"value_error","msg":"value is not a valid email address: An email
/// address must have an @-sign.","ctx":{"reason":"An email address must have an @-sign."}}.
/// `struct UserCreate { fa::Email email; };`
struct Email {
  std::string value;

  Email() = default;
  template <class U>
    requires(std::is_constructible_v<std::string, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Email>)
  explicit(!std::is_convertible_v<U&&, std::string>) Email(U&& u) : value(std::forward<U>(u)) {}
  operator const std::string&() const& noexcept { return value; }
  operator std::string_view() const noexcept { return value; }
  const std::string& operator*() const noexcept { return value; }
  const std::string* operator->() const noexcept { return &value; }
  bool operator==(const Email&) const = default;
  friend bool operator==(const Email& e, std::string_view s) noexcept { return e.value == s; }
};

/// Number of characters (Unicode code points) of UTF-8 text, as Python's len(str).
inline std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// ---- e-mail syntax, in email-validator's words -----------------------------------------------

namespace detail {

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// How email-validator shows a rejected character: 'x' for printable ASCII, "\" for a
/// backslash, SPACE, or U+XXXX for control characters.
inline std::string email_char_display(unsigned char c) {
  if (c == ' ') return "SPACE";
  if (c == '\\') return "\"\\\"";
  if (c < 0x20 || c == 0x7F) {
    static constexpr char hex[] = "0123456789ABCDEF";
    return std::string("U+00") + hex[c >> 4] + hex[c & 15];
  }
  return std::string("'") + static_cast<char>(c) + "'";
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// "a, b, c" of the sorted distinct displays, as email-validator lists bad characters.
FASTAPI_DETAIL_INLINE std::string email_bad_chars(std::string_view s, bool (*allowed)(unsigned char));
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string email_bad_chars(std::string_view s, bool (*allowed)(unsigned char)) {
  std::vector<std::string> bad;
  for (unsigned char c : s) {
    if (allowed(c)) continue;
    std::string d = email_char_display(c);
    bool seen = false;
    for (const auto& b : bad) seen = seen || b == d;
    if (!seen) bad.push_back(std::move(d));
  }
  for (std::size_t i = 1; i < bad.size(); ++i)  // insertion sort: a handful of entries
    for (std::size_t j = i; j > 0 && bad[j] < bad[j - 1]; --j) std::swap(bad[j], bad[j - 1]);
  std::string out;
  for (const auto& b : bad) out += (out.empty() ? "" : ", ") + b;
  return out;
}

inline bool is_email_atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~.").find(static_cast<char>(c)) != std::string_view::npos;
}
inline bool is_email_hostname_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string too_many_reason(std::size_t length, std::size_t limit);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::string too_many_reason(std::size_t length, std::size_t limit) {
  const std::size_t diff = length - limit;
  return "(" + std::to_string(diff) + " character" + (diff > 1 ? "s" : "") + " too many)";
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

FASTAPI_DETAIL_INLINE std::optional<std::string> check_email_domain(std::string_view domain);
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::string> check_email_domain(std::string_view domain) {
  if (domain.empty()) return "There must be something after the @-sign.";
  if (domain.front() == '[' && domain.back() == ']') {
    const std::string_view literal = domain.substr(1, domain.size() - 2);
    if (!literal.empty() && literal.find_first_not_of("0123456789.") == std::string_view::npos)
      return "A bracketed IPv4 address after the @-sign is not allowed here.";
    if (literal.substr(0, 5) == "IPv6:") return "A bracketed IPv6 address after the @-sign is not allowed here.";
    if (literal.find(':') == std::string_view::npos)
      return "The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.";
    return "The part after the @-sign contains an invalid address literal tag in brackets.";
  }
  for (unsigned char c : domain)
    if (c >= 0x80)
      return "The part after the @-sign contains invalid characters (internationalized domain names are not supported).";
  if (std::string bad = email_bad_chars(domain, is_email_hostname_char); !bad.empty())
    return "The part after the @-sign contains invalid characters: " + bad + ".";
  if (domain.back() == '.') return "An email address cannot end with a period.";
  if (domain.front() == '.') return "An email address cannot have a period immediately after the @-sign.";
  if (domain.find("..") != std::string_view::npos) return "An email address cannot have two periods in a row.";
  if (domain.back() == '-') return "An email address cannot end with a hyphen.";
  if (domain.front() == '-') return "An email address cannot have a hyphen immediately after the @-sign.";
  if (domain.find(".-") != std::string_view::npos || domain.find("-.") != std::string_view::npos)
    return "An email address cannot have a period and a hyphen next to each other.";
  std::string lower(domain);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  std::size_t start = 0;
  while (start <= lower.size()) {  // RFC 5890: "ab--" starts only Punycode labels ("xn--")
    const std::size_t dot = std::min(lower.find('.', start), lower.size());
    const std::string_view label = std::string_view(lower).substr(start, dot - start);
    if (label.size() >= 4 && label.substr(2, 2) == "--" && label.substr(0, 2) != "xn")
      return "An email address cannot have two letters followed by two dashes immediately after the @-sign or "
             "after a period, except Punycode.";
    start = dot + 1;
  }
  if (domain.size() > 253)
    return "The email address is too long after the @-sign " + too_many_reason(domain.size(), 253) + ".";
  start = 0;
  while (start <= domain.size()) {
    const std::size_t dot = std::min(domain.find('.', start), domain.size());
    if (dot - start > 63)
      return "After the @-sign, periods cannot be separated by so many characters " + too_many_reason(dot - start, 63) +
             ".";
    start = dot + 1;
  }
  if (domain.find('.') == std::string_view::npos)
    return "The part after the @-sign is not valid. It should have a period.";
  const char last = lower.back();
  if (!(last >= 'a' && last <= 'z'))
    return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
  for (std::string_view special : {"arpa", "invalid", "local", "localhost", "onion", "test"}) {
    const std::string_view d = lower;
    if (d == special || (d.size() > special.size() && d.ends_with(special) && d[d.size() - special.size() - 1] == '.'))
      return "The part after the @-sign is a special-use or reserved name that cannot be used with email.";
  }
  return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// Why an address is not valid, in email-validator's words (Pydantic's ctx "reason"), or
/// nothing. Surrounding whitespace is ignored, as Pydantic strips it.
FASTAPI_DETAIL_INLINE std::optional<std::string> check_email(std::string_view address);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::string> check_email(std::string_view address) {
  constexpr std::string_view space = " \t\n\r\f\v";
  const std::size_t first = address.find_first_not_of(space);
  address = first == std::string_view::npos ? std::string_view{}
                                            : address.substr(first, address.find_last_not_of(space) - first + 1);
  if (address.size() > 2048) return "Length must not exceed 2048 characters";  // Pydantic's own limit
  // Split at the first @ outside double quotes (a quoted local part may contain @).
  std::size_t at = std::string_view::npos;
  bool quoted = false, escaped = false;
  for (std::size_t i = 0; i < address.size() && at == std::string_view::npos; ++i) {
    const char c = address[i];
    if (quoted) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '@') {
      at = i;
    }
  }
  if (at == std::string_view::npos) return "An email address must have an @-sign.";
  const std::string_view local = address.substr(0, at), domain = address.substr(at + 1);
  if (local.empty()) return "There must be something before the @-sign.";
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"')
    return "Quoting the part before the @-sign is not allowed here.";
  if (const std::size_t n = utf8_length(local); n > 64)
    return "The email address is too long before the @-sign " + too_many_reason(n, 64) + ".";
  if (std::string bad = email_bad_chars(local, is_email_atext); !bad.empty())
    return "The email address contains invalid characters before the @-sign: " + bad + ".";
  if (local.back() == '.') return "An email address cannot have a period immediately before the @-sign.";
  if (local.front() == '.') return "An email address cannot start with a period.";
  if (local.find("..") != std::string_view::npos) return "An email address cannot have two periods in a row.";
  if (auto reason = check_email_domain(domain)) return reason;
  if (address.size() > 254) return "The email address is too long " + too_many_reason(address.size(), 254) + ".";
  return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi
