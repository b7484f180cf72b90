// testing/cookie_jar.hpp: fa::testing::CookieJar, the TestClient's cookie jar (httpx's `client.cookies`): every
// Set-Cookie a response carries is stored as RFC 6265 says, and later requests send what matches their host and
// path. Fed by testing/test_client.hpp; knows nothing of the app.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"

namespace fastapi::testing {

/// Names and values in order (headers, query parameters, form fields), as the TestClient's calls take them.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// One cookie the jar holds, as RFC 6265 stores it.
struct Cookie {
  std::string name;
  std::string value;
  std::string domain = "testserver";  ///< lower case, no leading dot
  std::string path = "/";
  bool host_only = true;  ///< no Domain attribute: sent to this host only, not to its subdomains
  bool secure = false;    ///< sent over https only (so never by this client)
  bool http_only = false;
  std::optional<std::chrono::system_clock::time_point> expires{};  ///< none: until the client goes
};

/// The client's cookie jar (httpx's `client.cookies`): every Set-Cookie of every response is stored, and
/// later requests send what matches their host and path in one Cookie header, longest path first.
class CookieJar {
 public:
  /// The value of the first live cookie named `name`, whatever its domain and path.
  std::optional<std::string> get(std::string_view name) const;
  /// Sets a cookie by hand, as `client.cookies.set(name, value)` (sent to testserver, every path).
  void set(std::string name, std::string value, std::string domain = "testserver", std::string path = "/");
  /// Removes every cookie named `name`.
  void erase(std::string_view name);
  void clear() { cookies_.clear(); }
  /// The live cookies, in the order they were first set.
  std::vector<Cookie> all() const;
  std::size_t size() const;
  bool empty() const;

  /// Stores one Set-Cookie value received for `host` and `request_path` (RFC 6265 section 5.2-5.3): a
  /// cookie for another domain, or without `=`, is ignored; Max-Age <= 0 or a past Expires deletes it.
  void store(std::string_view set_cookie, std::string_view host, std::string_view request_path);

  /// The Cookie header for a request to `host` and `path` ("" when nothing matches); `overrides` (the
  /// request's own cookies) replace the jar's cookies of the same name for this request only.
  std::string header_for(std::string_view host, std::string_view path, bool https, const KeyValues& overrides) const;

  /// An HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`, also with dashes: `06-Nov-94`), RFC 6265's
  /// lenient reading: a day, a month name, a year and hh:mm:ss in any order.
  static std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s);

 private:
  static bool live(const Cookie& c);
  static std::string_view trim(std::string_view v);
  static std::string lower(std::string_view v);
  /// RFC 6265 5.1.4: the request path up to its last '/', or "/".
  static std::string default_path(std::string_view request_path);
  static bool path_match(std::string_view request_path, std::string_view cookie_path);
  /// Replaces the cookie of the same name, domain and path, or adds it; an expired one only deletes.
  void put(Cookie c);

  std::vector<Cookie> cookies_;
};

// Out of the class: with separate compilation the jar (and the standard library it uses: its sort, its
// searches over Cookie) is compiled once, not in every file that includes the test client.
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<std::string> CookieJar::get(std::string_view name) const {
  for (const Cookie& c : cookies_)
    if (c.name == name && live(c)) return c.value;
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE void CookieJar::set(std::string name, std::string value, std::string domain, std::string path) {
  Cookie c;
  c.name = std::move(name);
  c.value = std::move(value);
  c.domain = std::move(domain);
  c.path = std::move(path);
  put(std::move(c));
}

FASTAPI_DETAIL_INLINE void CookieJar::erase(std::string_view name) {
  std::erase_if(cookies_, [&](const Cookie& c) { return c.name == name; });
}

FASTAPI_DETAIL_INLINE std::vector<Cookie> CookieJar::all() const {
  std::vector<Cookie> out;
  for (const Cookie& c : cookies_)
    if (live(c)) out.push_back(c);
  return out;
}

FASTAPI_DETAIL_INLINE std::size_t CookieJar::size() const { return all().size(); }

FASTAPI_DETAIL_INLINE bool CookieJar::empty() const { return size() == 0; }

FASTAPI_DETAIL_INLINE void CookieJar::store(std::string_view set_cookie, std::string_view host,
                                            std::string_view request_path) {
  std::string_view pair = set_cookie.substr(0, set_cookie.find(';'));
  auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  Cookie c;
  c.name = std::string(trim(pair.substr(0, eq)));
  c.value = std::string(trim(pair.substr(eq + 1)));
  if (c.name.empty()) return;
  c.domain = lower(host);
  c.path = default_path(request_path);
  std::optional<std::chrono::system_clock::time_point> max_age_expiry;
  std::string_view rest = set_cookie.size() > pair.size() ? set_cookie.substr(pair.size() + 1) : "";
  while (!rest.empty()) {
    std::string_view attr = rest.substr(0, rest.find(';'));
    rest = attr.size() < rest.size() ? rest.substr(attr.size() + 1) : "";
    auto aeq = attr.find('=');
    std::string key = lower(trim(attr.substr(0, aeq)));
    std::string_view value = aeq == std::string_view::npos ? "" : trim(attr.substr(aeq + 1));
    if (key == "domain" && !value.empty()) {
      std::string d = lower(value.front() == '.' ? value.substr(1) : value);
      std::string h = lower(host);
      if (h != d && !(h.size() > d.size() && h.ends_with("." + d))) return;  // another site's cookie
      c.domain = d;
      c.host_only = false;
    } else if (key == "path") {
      c.path = !value.empty() && value.front() == '/' ? std::string(value) : default_path(request_path);
    } else if (key == "secure") {
      c.secure = true;
    } else if (key == "httponly") {
      c.http_only = true;
    } else if (key == "max-age" && !value.empty()) {
      long long seconds = 0;
      bool negative = value.front() == '-';
      std::string_view digits = negative ? value.substr(1) : value;
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        continue;
      for (char ch : digits.substr(0, 12)) seconds = seconds * 10 + (ch - '0');
      max_age_expiry = negative || seconds == 0 ? std::chrono::system_clock::time_point::min()
                                                : std::chrono::system_clock::now() + std::chrono::seconds(seconds);
    } else if (key == "expires") {
      if (auto t = parse_http_date(value)) c.expires = t;
    }
  }
  if (max_age_expiry) c.expires = max_age_expiry;  // Max-Age wins over Expires
  put(std::move(c));
}

FASTAPI_DETAIL_INLINE std::string CookieJar::header_for(std::string_view host, std::string_view path, bool https,
                                                        const KeyValues& overrides) const {
  std::vector<const Cookie*> match;
  std::string h = lower(host);
  for (const Cookie& c : cookies_) {
    if (!live(c) || (c.secure && !https)) continue;
    bool domain_ok = c.host_only ? h == c.domain : (h == c.domain || h.ends_with("." + c.domain));
    if (!domain_ok || !path_match(path, c.path)) continue;
    if (std::any_of(overrides.begin(), overrides.end(), [&](const auto& o) { return o.first == c.name; })) continue;
    match.push_back(&c);
  }
  std::stable_sort(match.begin(), match.end(),
                   [](const Cookie* a, const Cookie* b) { return a->path.size() > b->path.size(); });
  std::string out;
  for (const Cookie* c : match) out.append(out.empty() ? "" : "; ").append(c->name).append("=").append(c->value);
  for (const auto& [k, v] : overrides) out.append(out.empty() ? "" : "; ").append(k).append("=").append(v);
  return out;
}

FASTAPI_DETAIL_INLINE std::optional<std::chrono::system_clock::time_point> CookieJar::parse_http_date(
    std::string_view s) {
  int day = -1, month = -1, year = -1, hh = -1, mm = -1, ss = -1;
  static constexpr std::string_view months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '-' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != ',' && s[j] != '-' && s[j] != '\t') ++j;
    std::string_view tok = s.substr(i, j - i);
    i = j;
    if (tok.empty()) continue;
    if (tok.find(':') != std::string_view::npos) {
      if (std::sscanf(std::string(tok).c_str(), "%d:%d:%d", &hh, &mm, &ss) != 3) return std::nullopt;
    } else if (tok.front() >= '0' && tok.front() <= '9') {
      int n = std::atoi(std::string(tok).c_str());
      if (day < 0 && tok.size() <= 2) day = n;
      else if (year < 0) year = tok.size() <= 2 ? (n < 70 ? 2000 + n : 1900 + n) : n;
    } else if (tok.size() >= 3) {
      std::string m = lower(tok.substr(0, 3));
      for (int k = 0; k < 12; ++k)
        if (months[k] == m) month = k;
    }
  }
  if (day < 1 || day > 31 || month < 0 || year < 1601 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

FASTAPI_DETAIL_INLINE bool CookieJar::live(const Cookie& c) {
  return !c.expires || *c.expires > std::chrono::system_clock::now();
}

FASTAPI_DETAIL_INLINE std::string_view CookieJar::trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

FASTAPI_DETAIL_INLINE std::string CookieJar::lower(std::string_view v) {
  std::string out(v);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

FASTAPI_DETAIL_INLINE std::string CookieJar::default_path(std::string_view request_path) {
  auto slash = request_path.rfind('/');
  if (request_path.empty() || request_path.front() != '/' || slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(request_path.substr(0, slash));
}

FASTAPI_DETAIL_INLINE bool CookieJar::path_match(std::string_view request_path, std::string_view cookie_path) {
  if (request_path == cookie_path) return true;
  return request_path.starts_with(cookie_path) &&
         (cookie_path.ends_with('/') || request_path[cookie_path.size()] == '/');
}

FASTAPI_DETAIL_INLINE void CookieJar::put(Cookie c) {
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  if (!live(c)) {
    if (same != cookies_.end()) cookies_.erase(same);
  } else if (same != cookies_.end()) {
    *same = std::move(c);
  } else {
    cookies_.push_back(std::move(c));
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::testing
