// client/options.hpp: what fa::HttpClient is told: ClientOptions (the client's settings, fixed at construction)
// and CallOptions (what one call adds: query, headers, body, timeout), written with designated initializers:
// `co_await client.get(url, {.params = {{"q", q}}, .timeout = 2s})`. Fed by users; feeds client/client.hpp.
// Knows nothing of sockets.
//
// Why CallOptions refers to its strings instead of owning them: g++ 11 and 12 miscompile an aggregate
// temporary that has members with destructors when it is written inside a co_await expression (a member is
// built at one address and destroyed at another: a crash), and `co_await client.get(url, {...})` is the line
// everyone writes. So CallOptions is trivially destructible (string views, pair views, a pointer to the JSON
// value); the client copies what it refers to as soon as the call is made, before the first suspension, so
// anything alive for the call's full expression (temporaries included) is safe.
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/version.hpp"
#include "fastapi/http/url.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"

namespace fastapi {

/// Owned name/value pairs, in order, repeats kept (ClientOptions::headers, a list built in a loop).
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// Name/value pairs a call refers to: up to 12 written in braces, `{{"q", q}, {"page", std::to_string(n)}}`,
/// or a whole fa::KeyValues (any length) by reference. Values must outlive the call's expression (anything
/// written in the call does). Not std::initializer_list: g++ 11-12 cannot compile one inside co_await.
class KeyValueView {
 public:
  using Pair = std::pair<std::string_view, std::string_view>;
  KeyValueView() = default;
  /// Every pair of `list` (which must outlive the call's expression). A template, so braces never pick it.
  template <class V>
    requires(std::same_as<V, KeyValues>)
  KeyValueView(const V& list) : list_(&list) {}
  KeyValueView(Pair a) : size_(1) { inline_[0] = a; }
  KeyValueView(Pair a, Pair b) : KeyValueView(a) { inline_[size_++] = b; }
  KeyValueView(Pair a, Pair b, Pair c) : KeyValueView(a, b) { inline_[size_++] = c; }
  KeyValueView(Pair a, Pair b, Pair c, Pair d) : KeyValueView(a, b, c) { inline_[size_++] = d; }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e) : KeyValueView(a, b, c, d) { inline_[size_++] = e; }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f) : KeyValueView(a, b, c, d, e) { inline_[size_++] = f; }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f, Pair g) : KeyValueView(a, b, c, d, e, f) {
    inline_[size_++] = g;
  }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f, Pair g, Pair h) : KeyValueView(a, b, c, d, e, f, g) {
    inline_[size_++] = h;
  }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f, Pair g, Pair h, Pair i)
      : KeyValueView(a, b, c, d, e, f, g, h) {
    inline_[size_++] = i;
  }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f, Pair g, Pair h, Pair i, Pair j)
      : KeyValueView(a, b, c, d, e, f, g, h, i) {
    inline_[size_++] = j;
  }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f, Pair g, Pair h, Pair i, Pair j, Pair k)
      : KeyValueView(a, b, c, d, e, f, g, h, i, j) {
    inline_[size_++] = k;
  }
  KeyValueView(Pair a, Pair b, Pair c, Pair d, Pair e, Pair f, Pair g, Pair h, Pair i, Pair j, Pair k, Pair l)
      : KeyValueView(a, b, c, d, e, f, g, h, i, j, k) {
    inline_[size_++] = l;
  }

  std::size_t size() const { return list_ ? list_->size() : size_; }
  bool empty() const { return size() == 0; }
  /// Calls f(name, value) for each pair, in order.
  template <class F>
  void for_each(F&& f) const {
    if (list_) {
      for (const auto& [name, value] : *list_) f(std::string_view(name), std::string_view(value));
    } else {
      for (std::size_t i = 0; i < size_; ++i) f(inline_[i].first, inline_[i].second);
    }
  }
  /// An owned copy.
  KeyValues to_owned() const {
    KeyValues out;
    out.reserve(size());
    for_each([&](std::string_view n, std::string_view v) { out.emplace_back(n, v); });
    return out;
  }

 private:
  std::array<Pair, 12> inline_{};
  std::size_t size_ = 0;
  const KeyValues* list_ = nullptr;
};

/// A JSON body a call refers to: a fa::Json or any struct fa::write_json can write (a model).
/// `{.json = fa::Json{{"sku", sku}}}` or `{.json = order}`; written when the call is made.
class JsonBody {
 public:
  JsonBody() = default;
  template <class T>
    requires(!std::same_as<std::remove_cvref_t<T>, JsonBody>)
  JsonBody(const T& value)
      : value_(&value), write_([](const void* v, std::string& out) { write_json(out, *static_cast<const T*>(v)); }) {}
  explicit operator bool() const { return value_ != nullptr; }
  /// The JSON text.
  std::string text() const {
    std::string out;
    if (value_) write_(value_, out);
    return out;
  }

 private:
  const void* value_ = nullptr;
  void (*write_)(const void*, std::string&) = nullptr;
};

/// The client's settings, fixed at construction. Every field has a safe default:
/// `fa::HttpClient client{{.base_url = "http://pricing:8000", .timeout = 2s}};`
struct ClientOptions {
  std::string base_url{};                    ///< prefix of URLs that start with '/': client.get("/quotes/1")
  KeyValues headers{};                       ///< sent with every request (a call's header of the same name replaces it)
  std::chrono::milliseconds timeout{30000};  ///< total per call: pool wait, connect, send, read, redirects
  std::chrono::milliseconds connect_timeout{5000};        ///< DNS + TCP connect of a new connection
  std::chrono::milliseconds read_timeout{30000};          ///< longest silence while response bytes are due
  std::size_t max_connections_per_host = 100;             ///< open at once per host; more calls wait their turn
  std::size_t max_idle_per_host = 100;                    ///< keep-alive connections kept for reuse
  std::chrono::milliseconds keepalive_expiry{5000};       ///< idle longer than this: closed, not reused
  std::size_t max_response_size = std::size_t(16) << 20;  ///< body bytes; more -> ClientError too_large
  std::size_t max_header_bytes = 65536;                   ///< response head; more -> ClientError protocol
  std::size_t max_headers = 256;                          ///< response header fields
  bool follow_redirects = false;  ///< as httpx: a 3xx is returned unless this (or the call) says follow
  int max_redirects = 20;         ///< hops followed before ClientError too_many_redirects
  std::string user_agent = std::string("fastapi.hpp/") + FASTAPI_VERSION_STRING;  ///< unless a header sets it
  // https:// (FASTAPI_ENABLE_TLS). Trust: the system store (OpenSSL's default paths, which SSL_CERT_FILE and
  // SSL_CERT_DIR replace, as for httpx), or ca_file alone. Read on the first https:// call, then shared.
  bool verify = true;       ///< check the server's certificate chain and name; false: any certificate (tests only)
  std::string ca_file{};    ///< PEM file of the CA certificates to trust instead of the system store
  std::string cert_file{};  ///< PEM client certificate (chain), sent when a server asks for one (mutual TLS)
  std::string key_file{};   ///< PEM private key of cert_file; empty: the key is in cert_file
  bool redirect_to_http = false;  ///< follow https:// -> http:// redirects (refused by default: ClientError)
  /// Connect every call to this Unix domain socket instead of the URL's host and port (httpx's `uds`);
  /// URLs stay http://host/path (Host header, pool key) or https:// (TLS over the socket).
  std::string uds{};
};

/// What one call sends besides method and URL, by reference (see the file comment; copied when the call
/// is made): `client.post(url, {.headers = {{"x-request-id", id}}, .json = order, .timeout = 2s})`.
struct CallOptions {
  KeyValueView params{};   ///< query parameters, percent-encoded, after the URL's own
  KeyValueView headers{};  ///< request headers (Host may be replaced; Content-Length and Transfer-Encoding are ours)
  JsonBody json{};         ///< JSON body (Content-Type: application/json)
  std::optional<std::string_view> content{};           ///< raw body bytes
  KeyValueView data{};                                 ///< form body (application/x-www-form-urlencoded)
  std::optional<std::chrono::milliseconds> timeout{};  ///< total timeout of this call, instead of the client's
  std::optional<bool> follow_redirects{};              ///< instead of the client's
};
static_assert(std::is_trivially_destructible_v<CallOptions>,
              "fastapi: CallOptions must stay trivially destructible (g++ 12 and aggregates inside co_await)");

namespace detail {

/// A call's options, owned: made from CallOptions when the call is made.
struct CallData {
  KeyValues params;
  KeyValues headers;
  std::optional<std::string> body;
  std::string content_type;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<bool> follow_redirects;

  explicit CallData(const CallOptions& o)
      : params(o.params.to_owned()), headers(o.headers.to_owned()), timeout(o.timeout),
        follow_redirects(o.follow_redirects) {
    if (o.json) {
      body = o.json.text();
      content_type = "application/json";
    } else if (o.content) {
      body = std::string(*o.content);
    } else if (!o.data.empty()) {
      body.emplace();
      o.data.for_each([&](std::string_view n, std::string_view v) {
        if (!body->empty()) body->push_back('&');
        body->append(percent_encode(n, true)).append("=").append(percent_encode(v, true));
      });
      content_type = "application/x-www-form-urlencoded";
    }
  }
};

}  // namespace detail
}  // namespace fastapi
